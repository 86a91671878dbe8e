-- wrk script for bench/serve.py: sends prepared requests in turn and prints the figures as one parseable line.
--
-- Usage: wrk ... -s bench/serve.lua URL -- REQUESTS.lua
-- REQUESTS.lua returns a list of {method=, path=, headers=, body=}, one per signed-in student, so each request
-- carries a student's own session cookie and CSRF token (several students, as in a class, not one hot session).

local requests = {}
local turn = 0
local threads = 0

function setup(thread)
  -- Threads start at different students, so two threads do not send the same student's requests in lockstep.
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  for _, item in ipairs(dofile(args[1])) do
    requests[#requests + 1] = wrk.format(item.method, item.path, item.headers, item.body)
  end
  turn = first or 0
end

function request()
  turn = turn + 1
  return requests[(turn % #requests) + 1]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
