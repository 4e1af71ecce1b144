-- POST /v1/triage/{id} for one incident, the same request every time (the
-- id is in the URL given to wrk): the idempotent path with no per-request
-- Lua work in wrk.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"context": "On-call reports EU payment latency spike since 14:25 UTC deploy"}'
