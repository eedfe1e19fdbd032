-- wrk script: paces each connection so that all of them together ask for about RATE requests
-- a second (environment variable BENCH_RATE, and BENCH_CONNECTIONS the -c given to wrk), for
-- latency at a set share of the maximum rate. wrk measures from send to answer.
local rate = tonumber(os.getenv("BENCH_RATE")) or 100
local connections = tonumber(os.getenv("BENCH_CONNECTIONS")) or 1
local gap = connections * 1000 / rate

function delay()
  return gap
end
