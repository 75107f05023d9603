//! Request counters served at `/metrics` in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts of requests by status class and their total time.
#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    micros_total: AtomicU64,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        if let Some(counter) = self.by_class.get(class) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        self.micros_total.fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus exposition, with the pool's state and uptime added.
    pub fn render(&self, pool_size: u32, pool_idle: u32, uptime_secs: u64) -> String {
        let mut out = String::new();
        out.push_str("# HELP simpul_http_requests_total HTTP requests served, by status class.\n");
        out.push_str("# TYPE simpul_http_requests_total counter\n");
        for (i, counter) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                out,
                "simpul_http_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP simpul_http_request_seconds_total Time spent serving requests.\n");
        out.push_str("# TYPE simpul_http_request_seconds_total counter\n");
        let secs = self.micros_total.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "simpul_http_request_seconds_total {secs}");
        out.push_str("# HELP simpul_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE simpul_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "simpul_db_pool_connections{{state=\"open\"}} {pool_size}"
        );
        let _ = writeln!(
            out,
            "simpul_db_pool_connections{{state=\"idle\"}} {pool_idle}"
        );
        out.push_str("# HELP simpul_uptime_seconds Seconds since the process started.\n");
        out.push_str("# TYPE simpul_uptime_seconds gauge\n");
        let _ = writeln!(out, "simpul_uptime_seconds {uptime_secs}");
        out
    }
}
