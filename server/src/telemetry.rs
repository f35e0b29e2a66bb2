//! Log lines on stderr, as text or one JSON object per line (`log_format`); `RUST_LOG`
//! chooses what is logged (default: `info`, sqlx and tower-http only their warnings).
//! Under systemd they go to the journal; see the README's "Operating it" for rotation.

use crate::config::LogFormat;

/// Starts logging in `format` (once per process).
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().with_current_span(false).try_init(),
    };
}
