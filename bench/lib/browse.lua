-- wrk script: POST one SOAP Browse again and again, and check every answer.
-- usage: wrk ... -s browse.lua URL -- BODY_FILE SOAPACTION
-- A response counts as bad if its status is not 2xx or its body carries no DIDL-Lite <item>
-- (inside the SOAP Result the DIDL is XML-escaped, so we look for "&lt;item").
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = 'text/xml; charset="utf-8"'
  wrk.headers["SOAPAction"] = args[2]
  responses, non2xx, nodidl, bytes = 0, 0, 0, 0
end

function response(status, headers, body)
  responses = responses + 1
  bytes = bytes + #body
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif not (string.find(body, "&lt;item", 1, true) or string.find(body, "<item", 1, true)) then
    nodidl = nodidl + 1
  end
end

function done(summary, latency, requests)
  local r, n, d, b = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("responses")
    n = n + t:get("non2xx")
    d = d + t:get("nodidl")
    b = b + t:get("bytes")
  end
  io.write(string.format("BENCH responses=%d non2xx=%d nodidl=%d body_bytes=%d\n", r, n, d, b))
end
