-- A mixed workload for scripts/load-test.sh, every request of which should
-- succeed: per thread, requests cycle through
--   POST /v1/incidents/chat (201), keeping the new id;
--   POST /v1/triage/{a new id} (201), keeping the triaged id;
--   POST /v1/triage/{a triaged id} (200, the stored triage);
--   GET  /v1/triage/{a triaged id} (200);
--   GET  /v1/triage/{a triaged id}/evidence (200);
-- falling back to a create while there is nothing to triage or read yet.
-- Ids never cross threads, and each new id is triaged once, so no request
-- should get 409. Counts by status are printed at the end.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  auth = "Bearer " .. os.getenv("TOKEN")
  fresh, triaged = {}, {}
  i, reads = 0, 0
  counts = {}
  create_body = '{"title": "Checkout returning 503 for EU customers", "description": "Since 14:30 UTC all payment attempts from EU fail with HTTP 503; logs show connection refused from the payment gateway after the 14:25 deploy."}'
  triage_body = '{"context": "On-call reports EU payment latency spike since 14:25 UTC deploy"}'
  headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
end

local function create()
  return wrk.format("POST", "/v1/incidents/chat", headers, create_body)
end

local function some_triaged()
  reads = reads + 1
  -- The most recent 5,000, so reads spread over many incidents.
  local n = #triaged
  local k = n - (reads % math.min(n, 5000))
  return triaged[k]
end

function request()
  i = i + 1
  local step = i % 5
  if step == 0 then return create() end
  if step == 1 then
    local id = table.remove(fresh)
    if not id then return create() end
    return wrk.format("POST", "/v1/triage/" .. id, headers, triage_body)
  end
  if #triaged == 0 then return create() end
  local id = some_triaged()
  if step == 2 then return wrk.format("POST", "/v1/triage/" .. id, headers, "{}") end
  if step == 3 then return wrk.format("GET", "/v1/triage/" .. id, { ["Authorization"] = auth }) end
  return wrk.format("GET", "/v1/triage/" .. id .. "/evidence", { ["Authorization"] = auth })
end

function response(status, hdrs, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    local id = string.match(body, '"incidentId":"(inc_[0-9A-Z]+)"')
    if string.find(body, '"triageId"', 1, true) then
      table.insert(triaged, id)
    else
      table.insert(fresh, id)
    end
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, n in pairs(c) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. " " .. n) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, ", ") .. "\n")
end
