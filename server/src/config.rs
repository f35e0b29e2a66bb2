//! What `shuangsui` is told, in layers: built-in defaults that run as they are, then a
//! `shuangsui.toml`, then `SHUANGSUI_*` variables, then the command line, each overriding
//! the one before. Every value is checked as it is read, and a wrong one stops the start
//! naming the key and where it came from. `shuangsui config` prints the outcome.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration `serve` runs with, every value read and checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    pub addr: String,
    /// Database URL (its password is a secret: print it through `app::ssr::db::redacted`).
    pub db: String,
    /// A directory holding the built site; empty: the site embedded in the binary.
    pub site_root: String,
    /// Do not load the demo data into an empty database.
    pub no_demo: bool,
    /// The addresses the site is reached at, comma-separated (empty: the bound address).
    pub site_url: String,
    /// Reverse proxies believed about the client, comma-separated IPs or CIDR blocks.
    pub trusted_proxies: String,
    /// Connections open at once.
    pub max_connections: usize,
    /// Seconds a connection has to send a whole request header.
    pub header_timeout: u64,
    /// Seconds in-flight requests get to finish at shutdown.
    pub drain_timeout: u64,
    /// Seconds a session lives without a request.
    pub session_idle: u64,
    /// Seconds a session lives after sign-in.
    pub session_absolute: u64,
    /// The largest file the web registry import takes, in bytes.
    pub registry_import_max: usize,
    /// The bureau's name, shown on the public portal.
    pub bureau_name: String,
    /// The bureau's region, shown beside its name.
    pub region: String,
    /// Where `/metrics` is served (its own listener; `off`: nowhere).
    pub metrics_addr: String,
    /// How log lines are written.
    pub log_format: LogFormat,
}

/// How log lines are written to stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line (for a log collector).
    Json,
}

/// The value type of a key, which says how its text is read and how it is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Flag,
    Count,
    /// Seconds, or a number with `s`, `m`, `h` or `d`.
    Duration,
    /// Bytes, or a number with `KB`, `MB` or `GB` (powers of 1024).
    Size,
}

/// One configuration key: its name in `shuangsui.toml`, its variable (`SHUANGSUI_` and the
/// name in capitals), its default, and whether it is a secret.
struct Key {
    name: &'static str,
    kind: Kind,
    default: &'static str,
    secret: bool,
}

const fn key(name: &'static str, kind: Kind, default: &'static str) -> Key {
    Key { name, kind, default, secret: false }
}

/// Every key, in the order `shuangsui config` prints them.
const KEYS: &[Key] = &[
    Key { name: "database_url", kind: Kind::Text, default: app::ssr::db::DEFAULT_URL, secret: true },
    key("addr", Kind::Text, "127.0.0.1:3000"),
    key("site_url", Kind::Text, ""),
    key("trusted_proxies", Kind::Text, ""),
    key("bureau_name", Kind::Text, "邯郸市商务局（演示）"),
    key("region", Kind::Text, "河北省邯郸市"),
    key("no_demo", Kind::Flag, "false"),
    key("session_idle", Kind::Duration, "30m"),
    key("session_absolute", Kind::Duration, "12h"),
    key("registry_import_max", Kind::Size, "64MB"),
    key("max_connections", Kind::Count, "2048"),
    key("header_timeout", Kind::Duration, "10s"),
    key("drain_timeout", Kind::Duration, "10s"),
    key("metrics_addr", Kind::Text, "127.0.0.1:9464"),
    key("log_format", Kind::Text, "text"),
    key("site_root", Kind::Text, ""),
];

/// Variables read besides `SHUANGSUI_<KEY>`, after it: the database URL every sqlx tool
/// reads, and the site directory cargo-leptos passes to the server it runs.
const ALSO_READ: &[(&str, &str)] = &[("database_url", "DATABASE_URL"), ("site_root", "LEPTOS_SITE_ROOT")];

/// `SHUANGSUI_*` variables that are not configuration keys (the build's and the tests').
const NOT_KEYS: &[&str] = &[
    "SHUANGSUI_CONFIG",
    "SHUANGSUI_COMMIT",
    "SHUANGSUI_SITE_DIR",
    "SHUANGSUI_SITE_PENDING",
    "SHUANGSUI_BIN",
    "SHUANGSUI_CRASH_AT",
];

/// The file read when none is named: `shuangsui.toml` in the working directory, if there.
pub const DEFAULT_FILE: &str = "shuangsui.toml";

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    Env(String),
    Flag(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Env(v) | Origin::Flag(v) => f.write_str(v),
        }
    }
}

/// A value that cannot be used, named with where it came from.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The command line's part: each value as given (`None`: not given).
#[derive(Clone, Debug, Default)]
pub struct Flags(pub Vec<(&'static str, String, String)>);

impl Flags {
    /// Adds `--flag value` for `key` when given.
    pub fn set(&mut self, key: &'static str, flag: &str, value: Option<impl ToString>) {
        if let Some(v) = value {
            self.0.push((key, flag.to_string(), v.to_string()));
        }
    }
}

/// Every key's value and its origin, before the values are read as their types.
#[derive(Clone, Debug)]
pub struct Layers {
    values: BTreeMap<&'static str, (String, Origin)>,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// What was ignored but probably meant something (an unknown `SHUANGSUI_*` variable).
    pub warnings: Vec<String>,
}

impl Layers {
    /// The built-in defaults alone.
    pub fn defaults() -> Self {
        Self {
            values: KEYS.iter().map(|k| (k.name, (k.default.to_string(), Origin::Default))).collect(),
            file: None,
            warnings: Vec::new(),
        }
    }

    /// Defaults, then the file (`file`, which must exist, or [`DEFAULT_FILE`] if there),
    /// then the process's `SHUANGSUI_*` variables, then `flags`.
    pub fn load(file: Option<&Path>, flags: &Flags) -> Result<Self, ConfigError> {
        let mut layers = Self::defaults();
        let path = match file {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()),
        };
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ConfigError(format!("{}: cannot read the configuration file: {e}", path.display()))
            })?;
            layers.read_toml(&path, &text)?;
            layers.file = Some(path);
        }
        layers.read_env(std::env::vars());
        for (key, flag, value) in &flags.0 {
            layers.values.insert(key, (value.clone(), Origin::Flag(flag.clone())));
        }
        Ok(layers)
    }

    /// Takes the keys of a `shuangsui.toml`; an unknown key or a table is refused.
    fn read_toml(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let table: toml::Table =
            text.parse().map_err(|e| ConfigError(format!("{}: not valid TOML: {e}", path.display())))?;
        for (name, value) in table {
            let Some(key) = KEYS.iter().find(|k| k.name == name) else {
                let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                return Err(ConfigError(format!(
                    "{}: unknown key {name:?} (the keys are {})",
                    path.display(),
                    known.join(", ")
                )));
            };
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(items) => {
                    let items: Option<Vec<String>> =
                        items.into_iter().map(|v| v.as_str().map(str::to_string)).collect();
                    items
                        .ok_or_else(|| {
                            ConfigError(format!("{}: {name}: a list must hold strings", path.display()))
                        })?
                        .join(",")
                }
                other => {
                    return Err(ConfigError(format!(
                        "{}: {name} = {other}: expected a string or a number",
                        path.display()
                    )))
                }
            };
            self.values.insert(key.name, (text, Origin::File(path.to_path_buf())));
        }
        Ok(())
    }

    /// Takes `SHUANGSUI_<KEY>` (and the few other names a key is read from) from `vars`.
    fn read_env(&mut self, vars: impl Iterator<Item = (String, String)>) {
        let vars: BTreeMap<String, String> = vars.collect();
        for key in KEYS {
            let own = env_name(key.name);
            let also = ALSO_READ.iter().filter(|(k, _)| *k == key.name).map(|(_, v)| v.to_string());
            // The first name set wins: SHUANGSUI_DATABASE_URL before DATABASE_URL.
            for name in std::iter::once(own).chain(also) {
                if let Some(value) = vars.get(&name) {
                    self.values.insert(key.name, (value.clone(), Origin::Env(name)));
                    break;
                }
            }
        }
        for name in vars.keys().filter(|n| n.starts_with("SHUANGSUI_")) {
            let known = KEYS.iter().any(|k| env_name(k.name) == *name)
                || NOT_KEYS.contains(&name.as_str())
                || name.starts_with("SHUANGSUI_TEST_");
            if !known {
                self.warnings.push(format!("{name} is not a configuration variable and is ignored"));
            }
        }
    }

    fn get(&self, name: &str) -> &(String, Origin) {
        self.values.get(name).expect("every key has a default")
    }

    /// Reads every value as its type; the first wrong one is refused with its origin.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let text = |name: &str| self.get(name).0.trim().to_string();
        let wrong = |name: &'static str, why: String| self.wrong(name, &why);
        let read = |name: &'static str| -> Result<Parsed, ConfigError> {
            let key = KEYS.iter().find(|k| k.name == name).expect("a known key");
            parse(key.kind, self.get(name).0.trim()).map_err(|why| wrong(name, why))
        };
        let db = text("database_url");
        if let Err(e) = app::ssr::db::Backend::of_url(&db) {
            return Err(wrong("database_url", e.to_string()));
        }
        let addr = text("addr");
        if addr.is_empty() {
            return Err(wrong("addr", "an address to listen on is needed (e.g. 127.0.0.1:3000)".into()));
        }
        let metrics_addr = text("metrics_addr");
        if metrics_addr != "off" && metrics_addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(wrong(
                "metrics_addr",
                "expected an IP address and port (e.g. 127.0.0.1:9464), or off".into(),
            ));
        }
        // The same checks `serve` makes of these, so a wrong one is named before anything opens.
        let bound = "127.0.0.1:3000".parse().expect("an address");
        if let Err(e) = app::ssr::net::settings::Settings::new(&text("site_url"), "", bound) {
            return Err(wrong("site_url", e));
        }
        if let Err(e) = app::ssr::net::settings::Settings::new("", &text("trusted_proxies"), bound) {
            return Err(wrong("trusted_proxies", e));
        }
        let log_format = match text("log_format").as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err(wrong("log_format", "expected text or json".into())),
        };
        let idle = read("session_idle")?.number();
        let absolute = read("session_absolute")?.number();
        if idle == 0 {
            return Err(wrong("session_idle", "a session must live at least a second".into()));
        }
        if absolute < idle {
            return Err(wrong("session_absolute", "must be at least session_idle".into()));
        }
        let registry_import_max = read("registry_import_max")?.number();
        if !(1024..=(1 << 30)).contains(&registry_import_max) {
            return Err(wrong("registry_import_max", "expected between 1KB and 1GB".into()));
        }
        let max_connections = read("max_connections")?.number();
        if max_connections == 0 {
            return Err(wrong("max_connections", "at least one connection is needed".into()));
        }
        Ok(Config {
            addr,
            db,
            site_root: text("site_root"),
            no_demo: read("no_demo")?.number() == 1,
            site_url: text("site_url"),
            trusted_proxies: text("trusted_proxies"),
            max_connections: max_connections as usize,
            header_timeout: read("header_timeout")?.number().max(1),
            drain_timeout: read("drain_timeout")?.number(),
            session_idle: idle,
            session_absolute: absolute,
            registry_import_max: registry_import_max as usize,
            bureau_name: text("bureau_name"),
            region: text("region"),
            metrics_addr,
            log_format,
        })
    }

    /// The error for key `name`'s value: where it came from, the value (a secret redacted), why.
    fn wrong(&self, name: &str, why: &str) -> ConfigError {
        let (value, origin) = self.get(name);
        let secret = KEYS.iter().any(|k| k.name == name && k.secret);
        let shown = if secret { app::ssr::db::redacted(value) } else { value.clone() };
        let from = match origin {
            Origin::Default => "the default:".to_string(),
            Origin::File(p) => format!("{}:", p.display()),
            Origin::Env(v) => format!("${v}:"),
            Origin::Flag(f) => format!("{f}:"),
        };
        ConfigError(format!("{from} {name} = {shown:?}: {why}"))
    }

    /// The effective configuration as a `shuangsui.toml`, each value with where it came
    /// from, secrets redacted.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for key in KEYS {
            let (value, origin) = self.get(key.name);
            let value = if key.secret { app::ssr::db::redacted(value) } else { value.clone() };
            let shown = match (key.kind, parse(key.kind, value.trim())) {
                (Kind::Count, Ok(_)) => value.trim().to_string(),
                (Kind::Flag, Ok(Parsed(n))) => (n == 1).to_string(),
                _ => toml::Value::String(value).to_string(),
            };
            let from = match origin {
                Origin::Default => "default".to_string(),
                Origin::File(p) => p.display().to_string(),
                Origin::Env(v) => format!("${v}"),
                Origin::Flag(f) => f.clone(),
            };
            out.push_str(&format!("{} = {shown}  # {from}\n", key.name));
        }
        out
    }
}

/// `SHUANGSUI_<NAME>`.
fn env_name(key: &str) -> String {
    format!("SHUANGSUI_{}", key.to_ascii_uppercase())
}

/// A value read as a number (flags as 0 or 1, durations in seconds, sizes in bytes).
struct Parsed(u64);

impl Parsed {
    fn number(&self) -> u64 {
        self.0
    }
}

/// Reads `text` as a value of `kind` (text is not checked here).
fn parse(kind: Kind, text: &str) -> Result<Parsed, String> {
    let number = |t: &str| t.trim().parse::<u64>().map_err(|_| format!("{t:?} is not a whole number"));
    match kind {
        Kind::Text => Ok(Parsed(0)),
        Kind::Flag => match text {
            "true" | "1" | "yes" => Ok(Parsed(1)),
            "false" | "0" | "no" | "" => Ok(Parsed(0)),
            _ => Err("expected true or false".into()),
        },
        Kind::Count => number(text).map(Parsed),
        Kind::Duration => {
            let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
            let (n, unit) = text.split_at(split);
            let scale = match unit.trim() {
                "" | "s" => 1,
                "m" | "min" => 60,
                "h" => 3600,
                "d" => 86_400,
                other => return Err(format!("unknown unit {other:?} (use s, m, h or d)")),
            };
            number(n)?.checked_mul(scale).map(Parsed).ok_or_else(|| "too long".into())
        }
        Kind::Size => {
            let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
            let (n, unit) = text.split_at(split);
            let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
                "" | "B" => 1,
                "K" | "KB" | "KIB" => 1 << 10,
                "M" | "MB" | "MIB" => 1 << 20,
                "G" | "GB" | "GIB" => 1 << 30,
                other => return Err(format!("unknown unit {other:?} (use KB, MB or GB)")),
            };
            number(n)?.checked_mul(scale).map(Parsed).ok_or_else(|| "too large".into())
        }
    }
}

impl Config {
    /// The built-in defaults (no file, no variables), as the integration tests start from.
    pub fn defaults() -> Self {
        Layers::defaults().config().expect("the defaults are valid")
    }
}

/// The command line of `serve` and `config`. Each option overrides its key in
/// `shuangsui.toml` (the name in brackets) and that key's variable, `SHUANGSUI_` and the
/// name in capitals.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ServeFlags {
    /// Address to listen on; port 0 picks a free one, which is printed [addr; 127.0.0.1:3000]
    #[arg(long)]
    pub addr: Option<String>,
    /// Database URL, sqlite://FILE or postgres://… [database_url, also $DATABASE_URL;
    /// sqlite://data/shuangsui.db, relative to the working directory]
    #[arg(long, visible_alias = "database-url")]
    pub db: Option<String>,
    /// Serve the site from this directory instead of the copy built into the binary (the
    /// development loop; cargo-leptos sets $LEPTOS_SITE_ROOT) [site_root]
    #[arg(long)]
    pub site_root: Option<String>,
    /// Do not load the demo data into an empty database [no_demo]
    #[arg(long)]
    pub no_demo: bool,
    /// The address the public and staff reach the site at, e.g.
    /// https://shuangsui.example.gov.cn (several: comma-separated). State-changing requests
    /// must come from it; QR codes and printed links use the first [site_url; the listening
    /// address]
    #[arg(long)]
    pub site_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed,
    /// comma-separated IPs or CIDR blocks, e.g. 127.0.0.1,10.0.0.0/8 [trusted_proxies; none]
    #[arg(long)]
    pub trusted_proxies: Option<String>,
    /// Connections open at once; beyond it new ones wait in the kernel's backlog
    /// [max_connections; 2048]
    #[arg(long)]
    pub max_connections: Option<String>,
    /// Time a connection has to send a whole request header: seconds, or with s, m, h
    /// [header_timeout; 10s]
    #[arg(long)]
    pub header_timeout: Option<String>,
    /// Time in-flight requests get to finish after SIGTERM or Ctrl-C [drain_timeout; 10s]
    #[arg(long)]
    pub drain_timeout: Option<String>,
    /// A session ends after this long without a request [session_idle; 30m]
    #[arg(long)]
    pub session_idle: Option<String>,
    /// A session ends this long after sign-in [session_absolute; 12h]
    #[arg(long)]
    pub session_absolute: Option<String>,
    /// The largest file the web registry import takes, e.g. 64MB (larger files:
    /// `shuangsui import`) [registry_import_max; 64MB]
    #[arg(long)]
    pub registry_import_max: Option<String>,
    /// The bureau's name, shown on the public portal [bureau_name]
    #[arg(long)]
    pub bureau_name: Option<String>,
    /// The bureau's region, shown beside its name [region]
    #[arg(long)]
    pub region: Option<String>,
    /// Where /metrics (Prometheus) is served, on a listener of its own; `off` for nowhere
    /// [metrics_addr; 127.0.0.1:9464]
    #[arg(long)]
    pub metrics_addr: Option<String>,
}

impl ServeFlags {
    /// The options given, as the command line's layer.
    pub fn flags(&self) -> Flags {
        let mut f = Flags::default();
        f.set("addr", "--addr", self.addr.as_ref());
        f.set("database_url", "--db", self.db.as_ref());
        f.set("site_root", "--site-root", self.site_root.as_ref());
        f.set("no_demo", "--no-demo", self.no_demo.then_some("true"));
        f.set("site_url", "--site-url", self.site_url.as_ref());
        f.set("trusted_proxies", "--trusted-proxies", self.trusted_proxies.as_ref());
        f.set("max_connections", "--max-connections", self.max_connections.as_ref());
        f.set("header_timeout", "--header-timeout", self.header_timeout.as_ref());
        f.set("drain_timeout", "--drain-timeout", self.drain_timeout.as_ref());
        f.set("session_idle", "--session-idle", self.session_idle.as_ref());
        f.set("session_absolute", "--session-absolute", self.session_absolute.as_ref());
        f.set("registry_import_max", "--registry-import-max", self.registry_import_max.as_ref());
        f.set("bureau_name", "--bureau-name", self.bureau_name.as_ref());
        f.set("region", "--region", self.region.as_ref());
        f.set("metrics_addr", "--metrics-addr", self.metrics_addr.as_ref());
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Layers {
        let mut l = Layers::defaults();
        l.read_env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        l
    }

    #[test]
    fn the_defaults_run_as_they_are() {
        let c = Config::defaults();
        assert_eq!((c.addr.as_str(), c.db.as_str()), ("127.0.0.1:3000", app::ssr::db::DEFAULT_URL));
        assert_eq!((c.session_idle, c.session_absolute), (30 * 60, 12 * 3600));
        assert_eq!(c.registry_import_max, app::domain::registry::WEB_IMPORT_MAX_BYTES);
        assert_eq!(c.site_root, "");
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn layers_override_in_order_and_say_so() {
        let mut l = Layers::defaults();
        l.read_toml(
            Path::new("s.toml"),
            "addr = \"0.0.0.0:80\"\nmax_connections = 10\ntrusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]\n",
        )
        .unwrap();
        l.read_env([("SHUANGSUI_MAX_CONNECTIONS".to_string(), "20".to_string())].into_iter());
        let c = l.config().unwrap();
        assert_eq!((c.addr.as_str(), c.max_connections), ("0.0.0.0:80", 20));
        assert_eq!(c.trusted_proxies, "10.0.0.1,10.0.0.2");
        let shown = l.describe();
        assert!(shown.contains("addr = \"0.0.0.0:80\"  # s.toml"), "{shown}");
        assert!(shown.contains("max_connections = 20  # $SHUANGSUI_MAX_CONNECTIONS"), "{shown}");
        assert!(shown.contains("log_format = \"text\"  # default"), "{shown}");
    }

    #[test]
    fn a_wrong_value_is_named_with_its_origin() {
        let e = env(&[("SHUANGSUI_MAX_CONNECTIONS", "many")]).config().unwrap_err().0;
        assert!(e.starts_with("$SHUANGSUI_MAX_CONNECTIONS: max_connections = \"many\""), "{e}");
        let e = env(&[("SHUANGSUI_SESSION_IDLE", "10 fortnights")]).config().unwrap_err().0;
        assert!(e.contains("session_idle") && e.contains("unit"), "{e}");
        let e = env(&[("SHUANGSUI_SITE_URL", "ftp://x")]).config().unwrap_err().0;
        assert!(e.contains("site_url"), "{e}");
        let e = env(&[("SHUANGSUI_LOG_FORMAT", "xml")]).config().unwrap_err().0;
        assert!(e.contains("log_format"), "{e}");
        let mut l = Layers::defaults();
        let e = l.read_toml(Path::new("s.toml"), "max_conections = 3").unwrap_err().0;
        assert!(e.contains("unknown key \"max_conections\""), "{e}");
    }

    #[test]
    fn secrets_are_never_shown() {
        let l = env(&[("SHUANGSUI_DATABASE_URL", "postgres://u:hunter2@db/s")]);
        assert!(!l.describe().contains("hunter2"));
        assert!(l.describe().contains("postgres://u:***@db/s"));
        let l = env(&[("DATABASE_URL", "mysql://u:hunter2@db/s")]);
        let e = l.config().unwrap_err().0;
        assert!(e.starts_with("$DATABASE_URL: database_url") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn units_are_read() {
        assert_eq!(parse(Kind::Duration, "90").unwrap().0, 90);
        assert_eq!(parse(Kind::Duration, "30m").unwrap().0, 1800);
        assert_eq!(parse(Kind::Duration, "2d").unwrap().0, 172_800);
        assert_eq!(parse(Kind::Size, "64MB").unwrap().0, 64 << 20);
        assert_eq!(parse(Kind::Size, "512 kb").unwrap().0, 512 << 10);
        assert!(parse(Kind::Size, "-1").is_err());
    }

    #[test]
    fn unknown_variables_are_pointed_out() {
        let l = env(&[("SHUANGSUI_SITEURL", "x"), ("SHUANGSUI_TEST_DB", "postgres")]);
        assert_eq!(l.warnings, ["SHUANGSUI_SITEURL is not a configuration variable and is ignored"]);
    }
}
