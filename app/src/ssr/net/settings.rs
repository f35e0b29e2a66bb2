//! What a running server is told about its place in the network: the address the public
//! reaches it at, and which reverse proxies may say who the client is.
//!
//! Requests carry `Host`, `Origin`, `X-Forwarded-For` and `X-Forwarded-Proto`, and any of
//! them can be forged by whoever sends the request. So the cross-site check compares
//! `Origin` with the configured site address, not with `Host` (a DNS-rebinding page sends
//! a matching pair), and a forwarded client address is believed only when the socket's
//! peer is a configured proxy.

use std::net::{IpAddr, SocketAddr};

/// A request's client address, as the session guard works it out: the socket's peer, or
/// what a trusted proxy says it is.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Whether a request reached the site over HTTPS (the configured site address is HTTPS,
/// or a trusted proxy says so), as the session guard works it out.
#[derive(Clone, Copy, Debug)]
pub struct OverHttps(pub bool);

/// The network settings of one server process.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Origins (`scheme://host[:port]`, lower case, no path) a state-changing request may
    /// come from. The first is the public base address used in QR codes and links.
    pub site_origins: Vec<String>,
    /// Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl Settings {
    /// Settings from the configured site addresses (comma-separated URLs; empty: derived
    /// from the bound address) and trusted proxies (comma-separated IPs or CIDR blocks).
    pub fn new(site_urls: &str, trusted_proxies: &str, bound: SocketAddr) -> Result<Self, String> {
        let mut site_origins = Vec::new();
        for url in site_urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
            site_origins.push(origin_of(url).ok_or_else(|| {
                format!("站点地址 {url:?} 不是有效的 http(s) 地址（应如 https://shuangsui.example.gov.cn）")
            })?);
        }
        if site_origins.is_empty() {
            site_origins = derived_origins(bound);
        }
        let trusted_proxies = trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| IpNet::parse(p).ok_or_else(|| format!("可信代理 {p:?} 不是 IP 地址或 CIDR 网段")))
            .collect::<Result<_, _>>()?;
        Ok(Self { site_origins, trusted_proxies })
    }

    /// The public base address (`https://host`), for QR codes and printed links.
    pub fn public_base(&self) -> &str {
        self.site_origins.first().map(String::as_str).unwrap_or("http://127.0.0.1:3000")
    }

    /// Whether `origin` (an `Origin` header, or the origin part of a `Referer`) is this site.
    pub fn is_site_origin(&self, source: &str) -> bool {
        origin_of(source).is_some_and(|o| self.site_origins.contains(&o))
    }

    /// Whether the public base address is HTTPS.
    pub fn is_https(&self) -> bool {
        self.public_base().starts_with("https://")
    }

    /// The client's address: the socket's peer, or, when that peer is a trusted proxy, the
    /// nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(list) = forwarded_for else { return peer };
        let mut client = peer;
        for hop in list.rsplit(',').map(str::trim) {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }

    /// Whether `peer` is a configured proxy.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(peer))
    }
}

/// The origins of a server nobody configured: the bound address, and `localhost` for a
/// loopback one. A server bound to every interface (`0.0.0.0`) must be told its address.
fn derived_origins(bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let mut out = Vec::new();
    if bound.ip().is_unspecified() {
        out.push(format!("http://127.0.0.1:{port}"));
        out.push(format!("http://localhost:{port}"));
        return out;
    }
    match bound.ip() {
        IpAddr::V4(ip) => out.push(format!("http://{ip}:{port}")),
        IpAddr::V6(ip) => out.push(format!("http://[{ip}]:{port}")),
    }
    if bound.ip().is_loopback() {
        out.push(format!("http://localhost:{port}"));
    }
    out
}

/// `scheme://host[:port]` of a URL, lower case, with the default port left out; `None`
/// unless it is http(s) with a host and nothing odd in it.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty()
        || authority.contains('@')
        || !authority.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
    {
        return None;
    }
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) if !host.ends_with(':') => {
            host.to_string()
        }
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

/// An IP network: an address and a prefix length (`10.0.0.0/8`, `::1/128`, `127.0.0.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `ADDR` or `ADDR/PREFIX`.
    pub fn parse(text: &str) -> Option<Self> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { addr, prefix })
    }

    /// Whether `ip` lies in this network (an IPv4 address also in its IPv6-mapped form).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(sites: &str, proxies: &str) -> Settings {
        Settings::new(sites, proxies, "127.0.0.1:3000".parse().unwrap()).unwrap()
    }

    #[test]
    fn origins_are_compared_with_the_configured_site_not_the_host() {
        let s = settings("https://ss.example.gov.cn/", "");
        assert!(s.is_site_origin("https://ss.example.gov.cn"));
        assert!(s.is_site_origin("https://SS.example.gov.cn:443/tasks/1?x"));
        for bad in [
            "http://ss.example.gov.cn",
            "https://ss.example.gov.cn.evil.example",
            "https://evil.example",
            "null",
            "https://user@ss.example.gov.cn",
            "",
        ] {
            assert!(!s.is_site_origin(bad), "{bad}");
        }
        assert_eq!(s.public_base(), "https://ss.example.gov.cn");
        assert!(s.is_https());
        let local = settings("", "");
        assert!(local.is_site_origin("http://127.0.0.1:3000"));
        assert!(local.is_site_origin("http://localhost:3000/login"));
        assert!(!local.is_site_origin("http://127.0.0.1:3001"));
        assert!(!local.is_site_origin("http://rebound.evil.example:3000"));
        assert!(Settings::new("ftp://x", "", "127.0.0.1:1".parse().unwrap()).is_err());
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let peer: IpAddr = "10.0.0.5".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let none = settings("", "");
        assert_eq!(none.client_ip(peer, Some("203.0.113.9")), peer, "no proxy configured");
        let s = settings("", "10.0.0.0/24, ::1");
        assert_eq!(s.client_ip(peer, Some("203.0.113.9")), client);
        // The client may send its own X-Forwarded-For; the proxy appends the real address.
        assert_eq!(s.client_ip(peer, Some("1.2.3.4, 203.0.113.9")), client);
        assert_eq!(s.client_ip(peer, Some("203.0.113.9, 10.0.0.7")), client, "a chain of proxies");
        assert_eq!(s.client_ip(peer, Some("garbage")), peer);
        assert_eq!(s.client_ip(client, Some("1.2.3.4")), client, "not from a proxy");
        assert!(IpNet::parse("10.0.0.0/33").is_none());
        assert!(IpNet::parse("::ffff:0:0/96").is_some());
        assert!(IpNet::parse("127.0.0.1").unwrap().contains("::ffff:127.0.0.1".parse().unwrap()));
    }
}
