-- wrk script: creates exactly USERS users (default 100000) (one wrk thread: `wrk -t1 -c16 -d15s -s
-- scripts/populate-users.lua URL`), then only asks for /health. The secret key is the one the
-- emulator was started with (`--secret-key sk_test_bench`).
local counter = 0
-- wrk calls request() once before it starts sending, so one more than the users wanted.
local limit = tonumber(os.getenv("USERS") or "100000") + 1
local key = os.getenv("SECRET_KEY") or "sk_test_bench"
request = function()
  counter = counter + 1
  if counter > limit then
    return wrk.format("GET", "/health")
  end
  local body = string.format(
    '{"email_address":["p%d@example.com"],"first_name":"F%d","last_name":"L%d"}',
    counter, counter, counter)
  return wrk.format("POST", "/v1/users",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
