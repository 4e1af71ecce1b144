-- POST /v1/triage/{incidentId} over the ids in the files $IDS (a shell
-- glob), each thread taking its own share in order. With fresh incidents
-- every request creates a triage (201); once they run out, or when the ids
-- were triaged before, requests return the stored triage (200). The counts
-- are printed. $LIMIT, if set, keeps only the first that many ids (in
-- sorted order). With $TRIAGED_DIR set, the ids that got 201 are written
-- there (ids-<thread>.txt), for a later run over triaged incidents only.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  local p = io.popen("cat " .. os.getenv("IDS") .. " | sort")
  local n = 0
  local nthreads = tonumber(os.getenv("THREADS") or "2")
  local limit = tonumber(os.getenv("LIMIT") or "0")
  for line in p:lines() do
    if (limit == 0 or n < limit) and n % nthreads == tid then table.insert(ids, line) end
    n = n + 1
  end
  p:close()
  i = 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"context": "On-call reports EU payment latency spike since 14:25 UTC deploy"}'
  c200, c201, other = 0, 0, 0
  local triaged = os.getenv("TRIAGED_DIR")
  if triaged then out = io.open(triaged .. "/ids-" .. tid .. ".txt", "w") end
end

function request()
  i = i + 1
  local id = ids[((i - 1) % #ids) + 1]
  return wrk.format(nil, "/v1/triage/" .. id)
end

function response(status, headers, body)
  if status == 201 then
    c201 = c201 + 1
    if out then out:write(string.match(body, '"incidentId":"(inc_[0-9A-Z]+)"'), "\n") end
  elseif status == 200 then c200 = c200 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local a, b, o = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("c201"); b = b + t:get("c200"); o = o + t:get("other")
  end
  io.write(string.format("responses: 201 %d, 200 %d, other %d\n", a, b, o))
end
