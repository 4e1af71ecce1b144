-- POST /v1/incidents/chat, recording each created incidentId to
-- $IDS_DIR/ids-<thread>.txt so the triage runs have fresh incidents.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  out = io.open(os.getenv("IDS_DIR") .. "/ids-" .. tid .. ".txt", "w")
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"title": "Checkout returning 503 for EU customers", "description": "Since 14:30 UTC all payment attempts from EU fail with HTTP 503; logs show connection refused from the payment gateway after the 14:25 deploy."}'
  created = 0
  other = 0
end

function response(status, headers, body)
  if status == 201 then
    local id = string.match(body, '"incidentId":"(inc_[0-9A-Z]+)"')
    out:write(id, "\n")
    created = created + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("responses: 201 %d, other %d\n", c, o))
end
