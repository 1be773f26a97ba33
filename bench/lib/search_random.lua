-- wrk script: SOAP Search over the whole library (ContainerID 0) for audio items whose title contains a
-- random three-digit string, the first 50 matches: what a TV's search box sends. Titles in the scaling corpus
-- are "Song <9 random digits>", so each request matches a different ~0.3% of 100,000 tracks.
-- usage: wrk ... -s search_random.lua URL
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = 'text/xml; charset="utf-8"'
  wrk.headers["SOAPAction"] = '"urn:schemas-upnp-org:service:ContentDirectory:1#Search"'
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  responses, bad = 0, 0
end

function request()
  local needle = string.format("%03d", math.random(0, 999))
  local body = '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    .. '<u:Search xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1"><ContainerID>0</ContainerID>'
    .. '<SearchCriteria>upnp:class derivedfrom &quot;object.item.audioItem&quot; and dc:title contains &quot;'
    .. needle .. '&quot;</SearchCriteria><Filter>*</Filter><StartingIndex>0</StartingIndex>'
    .. '<RequestedCount>50</RequestedCount><SortCriteria></SortCriteria></u:Search></s:Body></s:Envelope>'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 or not string.find(body, "NumberReturned>50<", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local r, b = 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("responses")
    b = b + t:get("bad")
  end
  io.write(string.format("BENCH responses=%d bad=%d p50_us=%d p99_us=%d rps=%.0f\n", r, b,
    latency:percentile(50), latency:percentile(99), summary.requests / (summary.duration / 1e6)))
end
