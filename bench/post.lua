-- wrk script for bench/load.sh: POSTs the file named by $BODY_FILE as application/json on every
-- request of every keep-alive connection, and prints one machine-readable line in done() with the
-- latency percentiles (including p99.9, which wrk's own --latency table lacks) and the errors.
-- wrk counts a response with status >= 400 as errors.status ("Non-2xx or 3xx responses").
--
--   BODY_FILE=samples/04-blanked.json wrk -t2 -c32 -d30s --latency -s bench/post.lua https://127.0.0.1:8443/mutate

local path = os.getenv("BODY_FILE")
if path == nil or path == "" then
   error("set BODY_FILE to the request body to POST")
end
local f = assert(io.open(path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "WRK requests=%d duration_s=%.3f rps=%.1f bytes_in=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, secs, summary.requests / secs, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.status, e.timeout))
end
