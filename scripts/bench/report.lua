-- Appended to a wrk script: prints one machine-readable line of the run's figures.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration / 1e6, errors.status, errors.connect, errors.read,
    errors.write, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
