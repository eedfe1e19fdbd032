//! Prometheus metrics: request counts and latency histograms by route pattern, method and
//! status, and the state of the database pool. Kept in-process (a replica reports its own).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The metrics registry.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

/// The pool's state at scrape time.
#[derive(Debug, Clone, Copy)]
pub struct PoolGauges {
    /// Open connections.
    pub connections: u32,
    /// Idle connections.
    pub idle: u32,
    /// The configured maximum.
    pub max_size: u32,
}

impl Metrics {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let Ok(mut map) = self.requests.lock() else {
            return;
        };
        let series = map
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        series.count += 1;
        series.sum_seconds += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                series.buckets[i] += 1;
            }
        }
    }

    /// Renders the Prometheus text exposition format.
    pub fn render(&self, pool: PoolGauges) -> String {
        let mut out = String::new();
        let snapshot = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        out.push_str(
            "# HELP leder_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE leder_http_requests_total counter\n");
        for ((route, method, status), s) in &snapshot {
            let _ = writeln!(
                out,
                "leder_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP leder_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE leder_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in &snapshot {
            let labels = format!(
                "route=\"{}\",method=\"{method}\",status=\"{status}\"",
                escape(route)
            );
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "leder_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "leder_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "leder_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "leder_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        for (name, help, value) in [
            (
                "leder_db_pool_connections",
                "Open database connections.",
                pool.connections,
            ),
            (
                "leder_db_pool_idle_connections",
                "Idle database connections.",
                pool.idle,
            ),
            (
                "leder_db_pool_max_connections",
                "Configured pool size.",
                pool.max_size,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_counted_in_its_bucket_and_every_larger_one() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, Duration::from_millis(3));
        let text = m.render(PoolGauges {
            connections: 2,
            idle: 1,
            max_size: 10,
        });
        assert!(text.contains(
            "leder_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"
        ));
        assert!(text.contains("le=\"0.0025\"} 0"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"+Inf\"} 1"));
        assert!(text.contains("leder_db_pool_max_connections 10"));
    }
}
