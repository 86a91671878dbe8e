-- wrk script for bench/serve.py: sends prepared requests in turn and prints the figures as one parseable line.
--
-- Usage: wrk ... -s bench/serve.lua URL -- REQUESTS.lua MODE THREADS EXPECTED_STATUS
-- REQUESTS.lua returns a list of {method=, path=, headers=, body=}, several per signed-in student, so each request
-- carries a student's own session cookie and CSRF token (a class, not one hot session).
-- MODE "cycle" goes round the list; "once" sends each request once (quiz submits: a submitted attempt answers
-- differently), then asks for a missing page, so running out shows as errors instead of cheap redirects.
-- A body containing @@N@@ gets a number unique in the run there, so every write changes the row (SQLite skips
-- rewriting identical bytes). Any status other than EXPECTED_STATUS counts as unexpected.

local items, formatted = {}, {}
local count, turn, stride, once, expected = 0, 0, 1, false, 200
unexpected = 0 -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)
  -- Threads take every THREADS-th request from their own offset: disjoint in "once" mode, staggered in "cycle".
  thread:set("first", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  items = dofile(args[1])
  once = args[2] == "once"
  stride = tonumber(args[3])
  expected = tonumber(args[4])
  count = #items
  for i, item in ipairs(items) do
    if not (item.body and item.body:find("@@N@@", 1, true)) then
      formatted[i] = wrk.format(item.method, item.path, item.headers, item.body)
    end
  end
  turn = first or 0
end

function request()
  local index = turn
  turn = turn + stride
  if index >= count then
    if once then
      return wrk.format("GET", "/bench-ran-out-of-prepared-requests")
    end
    index = index % count
  end
  local ready = formatted[index + 1]
  if ready then
    return ready
  end
  local item = items[index + 1]
  return wrk.format(item.method, item.path, item.headers, (item.body:gsub("@@N@@", tostring(turn))))
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, _)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d unexpected=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), total,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
