//! Prometheus metrics in the text format, for `/metrics`: requests by route, method and
//! status with latency histograms, imports, live-stream followers, the database pool, and
//! the draws and refused attempts the database records.
//!
//! Request counts are this process's (a load balancer's servers each report their own;
//! sum them). Draw attempts are read from the database when scraped, so every server
//! reports the same totals (take one, not the sum).

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The server fns that import a file, by the kind the metric names.
const IMPORTS: [(&str, &str); 2] = [("/api/registry/import", "registry"), ("/api/import_plan", "plan")];

/// One server's request metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
    in_flight: AtomicI64,
}

#[derive(Default)]
struct Inner {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (route, method) → latency histogram.
    latency: BTreeMap<(String, String), Histogram>,
    /// (kind, outcome) → import requests.
    imports: BTreeMap<(&'static str, &'static str), u64>,
}

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The route a response was routed by, carried out to [`track`] (routing happens inside).
#[derive(Clone)]
struct Route(String);

impl Metrics {
    fn record(&self, route: String, method: String, status: u16, seconds: f64) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, kind)) = IMPORTS.iter().find(|(path, _)| *path == route) {
            let outcome = match status {
                200..=399 => "ok",
                400..=499 => "refused",
                _ => "failed",
            };
            *inner.imports.entry((kind, outcome)).or_default() += 1;
        }
        *inner.requests.entry((route.clone(), method.clone(), status)).or_default() += 1;
        let h = inner.latency.entry((route, method)).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// This process's request metrics in the text format.
    pub fn render_requests(&self, out: &mut String) {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        help(
            out,
            "shuangsui_http_requests_total",
            "counter",
            "HTTP requests answered, by route, method and status.",
        );
        for ((route, method, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "shuangsui_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        help(
            out,
            "shuangsui_http_request_duration_seconds",
            "histogram",
            "Time from a request's arrival to its response's head, by route and method.",
        );
        for ((route, method), h) in &inner.latency {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            for (le, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "shuangsui_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "shuangsui_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "shuangsui_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "shuangsui_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        help(out, "shuangsui_http_requests_in_flight", "gauge", "Requests being answered now.");
        let _ = writeln!(out, "shuangsui_http_requests_in_flight {}", self.in_flight.load(Ordering::Relaxed));
        help(
            out,
            "shuangsui_imports_total",
            "counter",
            "Registry and plan imports sent through the web (dry runs included), by outcome: ok, refused (a rejected file or request), failed.",
        );
        for kind in ["registry", "plan"] {
            for outcome in ["ok", "refused", "failed"] {
                let n = inner.imports.get(&(kind, outcome)).copied().unwrap_or(0);
                let _ = writeln!(out, "shuangsui_imports_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}");
            }
        }
    }
}

/// Counts every request and times it to its response's head (the outermost layer).
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let resp = next.run(req).await;
    metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    // An address no route matched is one label, whatever was asked (no label per probe).
    let route = resp.extensions().get::<Route>().map_or_else(|| "unmatched".to_string(), |r| r.0.clone());
    metrics.record(route, method, resp.status().as_u16(), started.elapsed().as_secs_f64());
    resp
}

/// Hands the matched route's pattern (`/tasks/{id}`) out to [`track`] (a route layer).
pub async fn mark_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| Route(p.as_str().to_string()));
    let mut resp = next.run(req).await;
    if let Some(route) = route {
        resp.extensions_mut().insert(route);
    }
    resp
}

/// `# HELP` and `# TYPE` of a metric.
pub fn help(out: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
}

/// A label value with `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_lands_in_its_buckets_and_imports_are_told_apart() {
        let m = Metrics::default();
        m.record("/public".into(), "GET".into(), 200, 0.03);
        m.record("/api/registry/import".into(), "POST".into(), 413, 0.2);
        let mut out = String::new();
        m.render_requests(&mut out);
        assert!(
            out.contains("shuangsui_http_requests_total{route=\"/public\",method=\"GET\",status=\"200\"} 1")
        );
        assert!(out.contains(
            "shuangsui_http_request_duration_seconds_bucket{route=\"/public\",method=\"GET\",le=\"0.025\"} 0"
        ));
        assert!(out.contains(
            "shuangsui_http_request_duration_seconds_bucket{route=\"/public\",method=\"GET\",le=\"0.05\"} 1"
        ));
        assert!(out.contains("shuangsui_imports_total{kind=\"registry\",outcome=\"refused\"} 1"));
        assert!(out.contains("shuangsui_imports_total{kind=\"plan\",outcome=\"ok\"} 0"));
        assert_eq!(escape("a\"b\\"), "a\\\"b\\\\");
    }
}
