//! Where webhooks may go: public addresses over https, and nothing inside the network unless an
//! operator listed the host in `LEDER_WEBHOOK_ALLOWED_HOSTS`.
//!
//! A target is checked twice. At registration (and again before each attempt) its literal host
//! is judged: an address in any notation (`[::ffff:127.0.0.1]`, NAT64 `64:ff9b::/96`, 6to4,
//! `0x7f000001`) by the IPv4 address it stands for, a name with or without its trailing dot.
//! At connection time [`PublicResolver`] judges what a name resolves to, so a name that
//! resolves inward, or is rebound inward after registration, is never connected to; the
//! client has no proxy, so the addresses it resolves are the ones it connects to. Link-local,
//! multicast and cloud metadata addresses are refused even when listed.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How far an address or name reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// On the public internet.
    Public,
    /// Inside a network (loopback, private, shared, reserved): only when listed.
    Internal,
    /// Never a target: link-local, multicast, unspecified, broadcast, cloud metadata.
    Never,
}

/// Cloud metadata services that sit on otherwise unremarkable addresses.
const METADATA_V4: [Ipv4Addr; 2] = [
    Ipv4Addr::new(100, 100, 100, 200), // Alibaba Cloud
    Ipv4Addr::new(168, 63, 129, 16),   // Azure WireServer
];

/// Cloud metadata names.
const METADATA_NAMES: [&str; 5] = [
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Name suffixes that only ever resolve inside a network.
const INTERNAL_SUFFIXES: [&str; 5] = [
    ".localhost",
    ".internal",
    ".local",
    ".localdomain",
    ".home.arpa",
];

/// How far an IPv4 address reaches.
pub fn reach_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified()
        || a == 0
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || METADATA_V4.contains(&ip)
    {
        return Reach::Never;
    }
    let internal = ip.is_loopback()
        || ip.is_private()
        || (a == 100 && (b & 0xc0) == 64) // 100.64.0.0/10, shared (CGNAT)
        || (a == 192 && b == 0 && c == 0) // 192.0.0.0/24, IETF protocol assignments
        || ip.is_documentation()
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 198 && (b & 0xfe) == 18) // 198.18.0.0/15, benchmarking
        || a >= 240; // reserved
    if internal {
        Reach::Internal
    } else {
        Reach::Public
    }
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped, NAT64 (`64:ff9b::/96`) or 6to4.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low()),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

/// How far an IPv6 address reaches: only global unicast (`2000::/3`) outside the special
/// ranges is public; an address standing for an IPv4 address reaches as far as that one.
pub fn reach_v6(ip: Ipv6Addr) -> Reach {
    if let Some(v4) = embedded_v4(ip) {
        return reach_v4(v4);
    }
    let s = ip.segments();
    let link_local = (s[0] & 0xffc0) == 0xfe80;
    // fd00:ec2::254 is AWS's metadata service; its /64 holds nothing else.
    let aws_metadata = s[..4] == [0xfd00, 0x0ec2, 0, 0];
    if ip.is_unspecified() || ip.is_multicast() || link_local || aws_metadata {
        return Reach::Never;
    }
    let global_unicast = (s[0] & 0xe000) == 0x2000;
    // 2001::/23 (IETF protocols: Teredo, ORCHID), 2001:db8::/32 and 3fff::/20 (documentation).
    let special =
        (s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8)) || (s[0] & 0xfff0) == 0x3ff0;
    if global_unicast && !special {
        Reach::Public
    } else {
        Reach::Internal
    }
}

/// How far an address reaches.
pub fn reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => reach_v4(v4),
        IpAddr::V6(v6) => reach_v6(v6),
    }
}

/// A host name as compared with the allow-list: lower case, without a trailing dot.
pub fn host_key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// How far a name reaches before it is resolved: metadata names never, names that can only be
/// local (`localhost`, `*.localhost`, `*.internal`, single labels) inside; the rest is decided
/// by what they resolve to.
pub fn reach_of_name(key: &str) -> Reach {
    if METADATA_NAMES.contains(&key) {
        Reach::Never
    } else if key == "localhost"
        || !key.contains('.')
        || INTERNAL_SUFFIXES.iter().any(|s| key.ends_with(s))
    {
        Reach::Internal
    } else {
        Reach::Public
    }
}

/// Whether `host` (a name key or an address) is listed in `LEDER_WEBHOOK_ALLOWED_HOSTS`.
fn listed(allowed: &[String], host: &str) -> bool {
    allowed
        .iter()
        .any(|a| host_key(a.trim_matches(|c| c == '[' || c == ']')) == host)
}

/// Checks a target URL: https, or http to a listed host; never link-local, multicast or
/// metadata; an internal address or name only when listed.
pub fn check_target(url: &str, allowed: &[String]) -> Result<(), String> {
    let parsed = Url::parse(url).map_err(|_| "must be an absolute URL".to_owned())?;
    // The URL parser has already written every IPv4 notation (`0x7f000001`, `127.1`) as a
    // dotted quad and put IPv6 in brackets.
    let host = parsed
        .host_str()
        .ok_or_else(|| "must name a host".to_owned())?;
    let (key, reach) = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: Ipv6Addr = v6.parse().map_err(|_| "must name a host".to_owned())?;
        (ip.to_string(), reach_v6(ip))
    } else if let Ok(ip) = host.parse::<Ipv4Addr>() {
        (ip.to_string(), reach_v4(ip))
    } else {
        let key = host_key(host);
        let reach = reach_of_name(&key);
        (key, reach)
    };
    let listed = listed(allowed, &key);
    match reach {
        Reach::Never => {
            return Err(
                "link-local, multicast and cloud metadata addresses are never targets".into(),
            );
        }
        Reach::Internal if !listed => {
            return Err(
                "internal addresses and names must be listed in LEDER_WEBHOOK_ALLOWED_HOSTS".into(),
            );
        }
        Reach::Internal | Reach::Public => {}
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if listed => Ok(()),
        _ => Err("must be https (http only for hosts in LEDER_WEBHOOK_ALLOWED_HOSTS)".into()),
    }
}

/// A name that resolved to no address it may be connected to.
#[derive(Debug, thiserror::Error)]
#[error("refused: {0} resolves to no public address")]
pub struct Refused(pub String);

/// The delivery client's resolver: resolves (or takes the pinned addresses from
/// `LEDER_WEBHOOK_RESOLVE`) and keeps only the addresses the name may reach: public ones, and
/// internal ones when the name is listed. Link-local and metadata addresses never pass.
#[derive(Debug, Clone)]
pub struct PublicResolver {
    allowed: Arc<[String]>,
    pinned: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl PublicResolver {
    /// A resolver for these listed hosts and pinned addresses.
    pub fn new(allowed: &[String], pinned: &[(String, IpAddr)]) -> Self {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (name, ip) in pinned {
            map.entry(host_key(name)).or_default().push(*ip);
        }
        PublicResolver {
            allowed: allowed.into(),
            pinned: Arc::new(map),
        }
    }

    /// The addresses `key` may be connected to, of those it resolved to.
    fn keep(&self, key: &str, addrs: impl IntoIterator<Item = SocketAddr>) -> Vec<SocketAddr> {
        let listed = listed(&self.allowed, key);
        addrs
            .into_iter()
            .filter(|a| match reach(a.ip()) {
                Reach::Public => true,
                Reach::Internal => listed,
                Reach::Never => false,
            })
            .collect()
    }
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let key = host_key(name.as_str());
        let this = self.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = match this.pinned.get(&key) {
                Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
                None => {
                    let lookup = key.clone();
                    tokio::task::spawn_blocking(move || {
                        (lookup.as_str(), 0)
                            .to_socket_addrs()
                            .map(Iterator::collect)
                    })
                    .await??
                }
            };
            let kept = this.keep(&key, found);
            if kept.is_empty() {
                return Err(Box::new(Refused(key)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str, allowed: &[&str]) -> bool {
        let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
        check_target(url, &allowed).is_err()
    }

    #[test]
    fn targets_must_be_https_unless_listed_and_never_link_local() {
        assert!(!refused("https://ics.example.nhs.uk/hook", &[]));
        assert!(refused("http://ics.example.nhs.uk/hook", &[]));
        assert!(!refused("http://127.0.0.1:9000/hook", &["127.0.0.1"]));
        assert!(refused("https://127.0.0.1/hook", &[]));
        assert!(refused(
            "http://169.254.169.254/latest/meta-data",
            &["169.254.169.254"]
        ));
        assert!(refused("https://[fe80::1]/x", &[]));
        assert!(refused("https://metadata.google.internal/x", &[]));
        assert!(refused("not a url", &[]));
        assert!(!refused("https://8.8.8.8/x", &[]));
        assert!(!refused("https://[2a00:1450:4009::1]/x", &[]));
    }

    #[test]
    fn every_spelling_of_an_inward_address_is_refused() {
        for url in [
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/",
            "https://[::1]/",
            "https://[::]/",
            "https://[fd00:ec2::254]/",
            "https://[fc00::1]/",
            "https://[2001:db8::1]/",
            "https://[2001::1]/",
            "https://localhost./",
            "https://LocalHost/",
            "https://hooks.localhost/",
            "https://metadata.google.internal./",
            "https://metadata/",
            "https://intranet/",
            "https://printer.local/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.0.1/",
            "https://100.64.0.1/",
            "https://100.127.255.254/",
            "https://100.100.100.200/",
            "https://168.63.129.16/",
            "https://0.0.0.0/",
            "https://0x7f000001/",
            "https://2130706433/",
            "https://127.1/",
            "https://127.0.0.1./",
            "https://198.18.0.1/",
            "https://240.0.0.1/",
            "https://224.0.0.1/",
        ] {
            assert!(refused(url, &[]), "{url} was let through");
        }
        // Listing an address lists that spelling, not the IPv6 forms that stand for it.
        for url in ["https://[::ffff:127.0.0.1]/", "https://[64:ff9b::7f00:1]/"] {
            assert!(refused(url, &["127.0.0.1"]), "{url} was let through");
        }
        // Just outside the ranges.
        for url in [
            "https://100.128.0.1/",
            "https://172.32.0.1/",
            "https://[64:ff9b::808:808]/",
        ] {
            assert!(!refused(url, &[]), "{url} was refused");
        }
    }

    #[test]
    fn a_listed_host_may_be_internal_but_never_link_local() {
        assert!(!refused("http://localhost./hook", &["localhost"]));
        assert!(!refused("http://[::1]:8080/hook", &["[::1]"]));
        assert!(!refused(
            "http://receiver.internal/hook",
            &["receiver.internal"]
        ));
        assert!(refused("http://[::ffff:a9fe:a9fe]/", &["::ffff:a9fe:a9fe"]));
        assert!(refused(
            "http://metadata.google.internal/",
            &["metadata.google.internal"]
        ));
    }

    #[test]
    fn the_resolver_keeps_public_addresses_and_listed_names_internal_ones() {
        let r = PublicResolver::new(&["receiver.example.org".to_owned()], &[]);
        let at = |ip: &str| SocketAddr::new(ip.parse().unwrap(), 0);
        let mixed = [
            at("127.0.0.1"),
            at("10.0.0.1"),
            at("93.184.216.34"),
            at("::ffff:127.0.0.1"),
        ];
        assert_eq!(r.keep("rebound.example.org", mixed), [at("93.184.216.34")]);
        assert_eq!(
            r.keep("receiver.example.org", mixed),
            [
                at("127.0.0.1"),
                at("10.0.0.1"),
                at("93.184.216.34"),
                at("::ffff:127.0.0.1")
            ]
        );
        assert!(
            r.keep("receiver.example.org", [at("169.254.169.254")])
                .is_empty()
        );
    }
}
