//! What `shuangsui serve` is told: its options, their defaults and the environment
//! variables that set them.

/// Options of `serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Database URL.
    #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
    pub db: String,
    /// Directory of the built site (WASM, JS, CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Do not load the demo data into an empty database.
    #[arg(long)]
    pub no_demo: bool,
    /// The address the public and staff reach the site at (e.g.
    /// https://shuangsui.example.gov.cn; several, comma-separated). State-changing requests
    /// must come from it, and QR codes and printed links use the first. Default: the
    /// listening address (and localhost for a loopback one).
    #[arg(long, env = "SHUANGSUI_SITE_URL", default_value = "")]
    pub site_url: String,
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    /// (comma-separated IPs or CIDR blocks, e.g. 127.0.0.1,10.0.0.0/8). Default: none.
    #[arg(long, env = "SHUANGSUI_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Connections open at once; beyond it new ones wait in the kernel's backlog.
    #[arg(long, env = "SHUANGSUI_MAX_CONNECTIONS", default_value_t = 2048)]
    pub max_connections: usize,
    /// Seconds a connection has to send a whole request header before it is closed.
    #[arg(long, env = "SHUANGSUI_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
}

impl ServeArgs {
    /// The options of a plain `shuangsui serve`: the defaults above, with the environment
    /// variables they name.
    pub fn defaults() -> Self {
        use clap::{Args, FromArgMatches};
        let matches = Self::augment_args(clap::Command::new("serve")).get_matches_from(["serve"]);
        Self::from_arg_matches(&matches).expect("the defaults parse")
    }
}
