-- wrk script: SOAP Browse of one container with a random StartingIndex for every request, so that a big
-- container is paged everywhere, not just at its start.
-- usage: wrk ... -s browse_random.lua URL -- OBJECT_ID CHILD_COUNT
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  object_id = args[1]
  children = tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = 'text/xml; charset="utf-8"'
  wrk.headers["SOAPAction"] = '"urn:schemas-upnp-org:service:ContentDirectory:1#Browse"'
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  responses, bad = 0, 0
end

function request()
  local start = math.random(0, math.max(0, children - 50))
  local body = '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    .. '<u:Browse xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1"><ObjectID>' .. object_id
    .. '</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>' .. start
    .. '</StartingIndex><RequestedCount>50</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body>'
    .. '</s:Envelope>'
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
