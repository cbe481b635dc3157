//! Where outgoing webhooks may connect (SPEC D6). Every address a host name
//! resolves to is checked once, by the resolver the HTTP client uses, so the
//! client can only connect to an address that passed the check.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Why an address is refused, in words for the delivery log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("refused {ip}: {reason}")]
pub struct Refusal {
    pub ip: IpAddr,
    pub reason: &'static str,
    /// The reason as a word the locale files select on (`loopback`,
    /// `private`, `metadata-host`…).
    pub kind: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    /// Cloud instance metadata: refused whoever configured the URL.
    Metadata,
    /// Unspecified, multicast, broadcast, documentation, benchmarking and
    /// other addresses no webhook receiver lives on.
    Reserved,
}

impl AddressClass {
    fn kind(self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::SharedCgnat => "shared-cgnat",
            AddressClass::Metadata => "metadata",
            AddressClass::Reserved => "reserved",
        }
    }

    fn words(self) -> &'static str {
        match self {
            AddressClass::Public => "public address",
            AddressClass::Loopback => "loopback address",
            AddressClass::Private => "private network address",
            AddressClass::LinkLocal => "link-local address",
            AddressClass::SharedCgnat => "carrier-grade NAT address",
            AddressClass::Metadata => "cloud metadata address",
            AddressClass::Reserved => "reserved or non-unicast address",
        }
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    (u128::from(ip) & mask) == (u128::from(net) & mask)
}

pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    use AddressClass::*;
    if METADATA_V4.contains(&ip.octets()) {
        return Metadata;
    }
    let table: &[([u8; 4], u32, AddressClass)] = &[
        ([0, 0, 0, 0], 8, Reserved),
        ([127, 0, 0, 0], 8, Loopback),
        ([10, 0, 0, 0], 8, Private),
        ([172, 16, 0, 0], 12, Private),
        ([192, 168, 0, 0], 16, Private),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([100, 64, 0, 0], 10, SharedCgnat),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Reserved),
        ([198, 18, 0, 0], 15, Reserved),
        ([198, 51, 100, 0], 24, Reserved),
        ([203, 0, 113, 0], 24, Reserved),
        ([224, 0, 0, 0], 4, Reserved),
        ([240, 0, 0, 0], 4, Reserved),
    ];
    table
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map_or(Public, |(_, _, class)| *class)
}

/// Cloud instance metadata services, refused for every target: AWS
/// (IMDS, ECS task credentials, EKS pod identity), GCP, Azure, Oracle and
/// OpenStack at 169.254.169.254, Alibaba, Tencent.
const METADATA_V4: [[u8; 4]; 6] = [
    [169, 254, 169, 254],
    [169, 254, 170, 2],
    [169, 254, 170, 23],
    [169, 254, 0, 23],
    [100, 100, 100, 200],
    [192, 0, 0, 192],
];
const METADATA_V6: [&str; 3] = ["fd00:ec2::254", "fd00:ec2::23", "fd20:ce::254"];

/// Host names of metadata services, refused before any lookup.
const METADATA_HOSTS: [&str; 6] = [
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.tencentyun.com",
];

/// Whether `host` (a name from a URL) names a cloud metadata service.
pub fn is_metadata_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    METADATA_HOSTS.contains(&host.as_str())
}

/// The IPv4 address inside an RFC 6052 address with a /48 prefix: bits
/// 48–63 and 72–87 (bits 64–71 are the reserved "u" octet).
fn rfc6052_slash48(ip: Ipv6Addr) -> Ipv4Addr {
    let b = ip.octets();
    Ipv4Addr::new(b[6], b[7], b[9], b[10])
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    use AddressClass::*;
    let v6 = |s: &str| s.parse::<Ipv6Addr>().unwrap_or(Ipv6Addr::UNSPECIFIED);
    if METADATA_V6.iter().any(|m| ip == v6(m)) {
        return Metadata;
    }
    // Addresses that carry an IPv4 address inside are judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let embedded_low32 = Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32);
    if in_v6(ip, v6("64:ff9b::"), 96) {
        return classify_v4(embedded_low32);
    }
    if in_v6(ip, v6("64:ff9b:1::"), 48) {
        // The local-use NAT64 prefix (RFC 8215) is used with RFC 6052's /48
        // layout or with the IPv4 address in the last 32 bits (/96). The
        // bits the other layout uses are zero in an honest address; when
        // both readings carry an address, both must be public.
        let readings: Vec<Ipv4Addr> = [rfc6052_slash48(ip), embedded_low32]
            .into_iter()
            .filter(|v4| !v4.is_unspecified())
            .collect();
        return readings
            .into_iter()
            .map(classify_v4)
            .find(|class| *class != Public)
            .unwrap_or(if u128::from(ip) & 0xffff_ffff_ffff_ffff_ffff == 0 {
                Reserved
            } else {
                Public
            });
    }
    if in_v6(ip, v6("2002::"), 16) {
        let seg = ip.segments();
        let inner = Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        );
        return classify_v4(inner);
    }
    if ip.is_loopback() {
        return Loopback;
    }
    if ip.is_unspecified() {
        return Reserved;
    }
    let table: &[(&str, u32, AddressClass)] = &[
        ("::", 96, Reserved), // IPv4-compatible (deprecated)
        ("fc00::", 7, Private),
        ("fe80::", 10, LinkLocal),
        ("fec0::", 10, Private),
        ("ff00::", 8, Reserved),
        ("2001:db8::", 32, Reserved),
        ("2001::", 32, Reserved), // Teredo
        ("100::", 64, Reserved),
    ];
    table
        .iter()
        .find(|(net, prefix, _)| in_v6(ip, v6(net), *prefix))
        .map_or(Public, |(_, _, class)| *class)
}

/// An entry of `WEBHOOK_ALLOWED_HOSTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allowance {
    Private,
    Loopback,
    Cidr(IpAddr, u32),
    Host(String),
}

impl Allowance {
    pub fn parse(entry: &str) -> Result<Allowance, String> {
        let e = entry.trim().to_ascii_lowercase();
        match e.as_str() {
            "" => Err("empty entry".into()),
            "private" => Ok(Allowance::Private),
            "loopback" | "localhost" => Ok(Allowance::Loopback),
            _ => {
                if let Some((addr, prefix)) = e.split_once('/') {
                    let ip: IpAddr = addr
                        .parse()
                        .map_err(|_| format!("'{entry}' is not a CIDR"))?;
                    let max = if ip.is_ipv4() { 32 } else { 128 };
                    let prefix: u32 = prefix
                        .parse()
                        .ok()
                        .filter(|p| *p <= max)
                        .ok_or_else(|| format!("'{entry}' has a bad prefix"))?;
                    Ok(Allowance::Cidr(ip, prefix))
                } else if let Ok(ip) = e.parse::<IpAddr>() {
                    Ok(Allowance::Cidr(ip, if ip.is_ipv4() { 32 } else { 128 }))
                } else {
                    Ok(Allowance::Host(e.trim_end_matches('.').to_string()))
                }
            }
        }
    }
}

/// Who configured the URL decides what it may reach.
#[derive(Clone, Debug)]
pub enum Policy {
    /// The admin's own webhook: may point inside the network.
    Admin,
    /// A user's webhook: public addresses, plus what the admin allowed.
    User(Arc<Vec<Allowance>>),
}

impl Policy {
    pub fn user(entries: &[String]) -> Policy {
        let list = entries
            .iter()
            .filter_map(|e| match Allowance::parse(e) {
                Ok(a) => Some(a),
                Err(err) => {
                    tracing::warn!("WEBHOOK_ALLOWED_HOSTS: ignoring {err}");
                    None
                }
            })
            .collect();
        Policy::User(Arc::new(list))
    }

    /// Checks one address that `host` (if a name) resolved to.
    pub fn check(&self, ip: IpAddr, host: Option<&str>) -> Result<(), Refusal> {
        let ip = canonical(ip);
        let class = classify(ip);
        let refuse = |class: AddressClass| {
            Err(Refusal {
                ip,
                reason: class.words(),
                kind: class.kind(),
            })
        };
        match (self, class) {
            // Link-local holds metadata services of clouds not in the table
            // and nothing a webhook should reach: refused for every target.
            (_, AddressClass::Metadata | AddressClass::Reserved | AddressClass::LinkLocal) => {
                refuse(class)
            }
            (_, AddressClass::Public) => Ok(()),
            (Policy::Admin, _) => Ok(()),
            (Policy::User(allow), class) => {
                let allowed = allow.iter().any(|a| match a {
                    Allowance::Private => {
                        matches!(class, AddressClass::Private | AddressClass::SharedCgnat)
                    }
                    Allowance::Loopback => class == AddressClass::Loopback,
                    Allowance::Cidr(net, prefix) => match (net, ip) {
                        (IpAddr::V4(n), IpAddr::V4(i)) => in_v4(i, n.octets(), *prefix),
                        (IpAddr::V6(n), IpAddr::V6(i)) => in_v6(i, *n, *prefix),
                        _ => false,
                    },
                    Allowance::Host(name) => {
                        host.is_some_and(|h| h.trim_end_matches('.').eq_ignore_ascii_case(name))
                    }
                });
                if allowed {
                    Ok(())
                } else {
                    refuse(class)
                }
            }
        }
    }

    /// Keeps the resolved addresses that pass; refuses when none does.
    pub fn filter(&self, host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, Refusal> {
        let mut first_refusal = None;
        let ok: Vec<SocketAddr> = addrs
            .into_iter()
            .filter(|a| match self.check(a.ip(), Some(host)) {
                Ok(()) => true,
                Err(r) => {
                    first_refusal.get_or_insert(r);
                    false
                }
            })
            .collect();
        match (ok.is_empty(), first_refusal) {
            (false, _) => Ok(ok),
            (true, Some(r)) => Err(r),
            (true, None) => Err(Refusal {
                ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                reason: "host name did not resolve",
                kind: "unresolved",
            }),
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The custom resolver handed to reqwest: resolve once, drop what the policy
/// refuses, fail closed.
#[derive(Clone, Debug)]
pub struct GuardedResolver {
    pub policy: Policy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            if is_metadata_host(&host) {
                return Err(Box::new(ResolveFailure(format!(
                    "refused {host}: cloud metadata host name"
                )))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> {
                    Box::new(ResolveFailure(format!("cannot resolve {host}: {e}")))
                })?
                .collect();
            let allowed = policy
                .filter(&host, addrs)
                .map_err(|r| -> Box<dyn std::error::Error + Send + Sync> { Box::new(r) })?;
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ResolveFailure(pub String);

/// Checks a URL whose host is an IP literal (reqwest does not resolve
/// those). `url` normalises decimal and hex forms (`http://2130706433/`,
/// `http://0x7f.1/`) to dotted IPv4 first.
pub fn check_literal(url: &reqwest::Url, policy: &Policy) -> Result<(), Refusal> {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => policy.check(IpAddr::V4(ip), None),
        Some(url::Host::Ipv6(ip)) => policy.check(IpAddr::V6(ip), None),
        Some(url::Host::Domain(name)) if is_metadata_host(name) => Err(Refusal {
            ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            reason: "cloud metadata host name",
            kind: "metadata-host",
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_policy() -> Policy {
        Policy::user(&[])
    }

    fn url_verdict(url: &str) -> Result<(), Refusal> {
        let parsed = reqwest::Url::parse(url).expect("url");
        check_literal(&parsed, &user_policy())
    }

    #[test]
    fn user_urls_refuse_everything_but_public_addresses() {
        let refused = [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "169.254.10.10",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fd00::1",
            "fc00::1",
            "fe80::1",
            "64:ff9b::a00:1",  // NAT64 of 10.0.0.1
            "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
            "2002:7f00:1::1",  // 6to4 of 127.0.0.1
            "fd00:ec2::254",
            "fd00:ec2::23",
            "ff02::1",
            "169.254.170.23",
            "169.254.0.23",
            "100.100.100.200",
            "64:ff9b:1:a00:0:100::",         // RFC 6052 /48 of 10.0.0.1
            "64:ff9b:1:7f00:0:100::",        // RFC 6052 /48 of 127.0.0.1
            "64:ff9b:1:a00:0:100:5db8:d822", // /48 says 10.0.0.1, /96 says public
            "64:ff9b:1::a9fe:a9fe",          // /96 reading of 169.254.169.254
        ];
        for ip in refused {
            let ip: IpAddr = ip.parse().expect(ip);
            assert!(
                user_policy().check(ip, None).is_err(),
                "{ip} must be refused"
            );
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "64:ff9b::5db8:d822",
            "172.32.0.1",
            "100.128.0.1",
        ] {
            let ip: IpAddr = ip.parse().expect(ip);
            assert!(
                user_policy().check(ip, None).is_ok(),
                "{ip} must be allowed"
            );
        }
    }

    #[test]
    fn odd_spellings_of_loopback_are_caught() {
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://017700000001/",
            "http://127.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::1]:8080/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            assert!(url_verdict(url).is_err(), "{url} must be refused");
        }
        assert!(url_verdict("http://93.184.216.34/hook").is_ok());
        for url in [
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://METADATA.google.internal./",
            "http://metadata/",
            "http://instance-data.ec2.internal/latest/",
        ] {
            assert!(url_verdict(url).is_err(), "{url} must be refused");
            assert!(
                check_literal(&reqwest::Url::parse(url).expect("url"), &Policy::Admin).is_err(),
                "{url} must be refused for the admin too"
            );
        }
        assert!(
            url_verdict("https://hooks.slack.com/services/x").is_ok(),
            "names are checked at resolve time"
        );
    }

    #[test]
    fn admin_may_reach_the_network_but_never_metadata() {
        let admin = Policy::Admin;
        for ip in ["127.0.0.1", "10.0.0.5", "192.168.1.10", "fd12::1", "::1"] {
            assert!(admin.check(ip.parse().expect(ip), None).is_ok(), "{ip}");
        }
        for ip in [
            "169.254.169.254",
            "fd00:ec2::254",
            "fd00:ec2::23",
            "::ffff:169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "169.254.170.23",
            "169.254.0.23",
            "100.100.100.200",
            "169.254.10.10", // any link-local
            "fe80::1",
        ] {
            assert!(admin.check(ip.parse().expect(ip), None).is_err(), "{ip}");
        }
    }

    #[test]
    fn allowed_hosts_open_exactly_what_they_name() {
        let p = Policy::user(&[
            "10.20.0.0/16".into(),
            "hooks.internal".into(),
            "loopback".into(),
        ]);
        assert!(p.check("10.20.3.4".parse().expect("ip"), None).is_ok());
        assert!(p.check("10.21.3.4".parse().expect("ip"), None).is_err());
        assert!(p.check("127.0.0.1".parse().expect("ip"), None).is_ok());
        assert!(p
            .check("192.168.0.9".parse().expect("ip"), Some("hooks.internal"))
            .is_ok());
        assert!(p
            .check("192.168.0.9".parse().expect("ip"), Some("other.internal"))
            .is_err());
        assert!(
            p.check(
                "169.254.169.254".parse().expect("ip"),
                Some("hooks.internal")
            )
            .is_err(),
            "metadata stays refused"
        );
        let private = Policy::user(&["private".into()]);
        assert!(private
            .check("192.168.0.9".parse().expect("ip"), None)
            .is_ok());
        assert!(private
            .check("127.0.0.1".parse().expect("ip"), None)
            .is_err());
        for ip in ["169.254.1.1", "fe80::1", "169.254.170.23"] {
            assert!(
                private.check(ip.parse().expect("ip"), None).is_err(),
                "{ip}: `private` does not open link-local"
            );
        }
        let cidr = Policy::user(&["169.254.0.0/16".into()]);
        assert!(
            cidr.check("169.254.5.5".parse().expect("ip"), None)
                .is_err(),
            "not even a CIDR opens link-local"
        );
    }

    #[test]
    fn nat64_local_use_prefix_reads_ipv4_as_rfc_6052_says() {
        let ip: Ipv6Addr = "64:ff9b:1:a00:0:100::".parse().expect("ip");
        assert_eq!(rfc6052_slash48(ip), Ipv4Addr::new(10, 0, 0, 1));
        let public: Ipv6Addr = "64:ff9b:1:5db8:d8:2200::".parse().expect("ip");
        assert_eq!(rfc6052_slash48(public), Ipv4Addr::new(93, 184, 216, 34));
        assert_eq!(classify(IpAddr::V6(public)), AddressClass::Public);
        let public96: Ipv6Addr = "64:ff9b:1::5db8:d822".parse().expect("ip");
        assert_eq!(classify(IpAddr::V6(public96)), AddressClass::Public);
        let empty: Ipv6Addr = "64:ff9b:1::".parse().expect("ip");
        assert_eq!(classify(IpAddr::V6(empty)), AddressClass::Reserved);
    }

    #[tokio::test]
    async fn names_that_do_not_resolve_are_refused() {
        use reqwest::dns::Resolve;
        let resolver = GuardedResolver {
            policy: user_policy(),
        };
        let name: reqwest::dns::Name = "does-not-exist.invalid".parse().expect("name");
        assert!(resolver.resolve(name).await.is_err(), "fail closed");
        let local: reqwest::dns::Name = "localhost".parse().expect("name");
        assert!(
            resolver.resolve(local).await.is_err(),
            "localhost resolves to loopback"
        );
        let admin = GuardedResolver {
            policy: Policy::Admin,
        };
        let local: reqwest::dns::Name = "localhost".parse().expect("name");
        assert!(admin.resolve(local).await.is_ok());
    }
}
