//! Which IP addresses a fetch may reach.
//!
//! The bot fetches links that strangers paste, so it must not become a way to reach the
//! machine it runs on, the private network around it, or a cloud provider's metadata
//! service. [`is_public`] says whether an address is an ordinary, globally reachable
//! unicast address; [`AddressPolicy`] lets the fetcher (and tests) decide per address.
//!
//! This module only classifies addresses. It does not resolve names or look at URLs:
//! the resolver ([`super::resolver`]) applies the policy to every address a name resolves
//! to, and the fetcher applies it to IP-literal hosts on every redirect hop.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Decides which addresses a fetch may connect to.
///
/// The fetcher calls [`AddressPolicy::allows`] on every address a host resolves to (and on
/// IP-literal hosts) before connecting; one refused address refuses the whole host.
pub trait AddressPolicy: Send + Sync + fmt::Debug {
    /// Whether a connection to `addr` is allowed.
    fn allows(&self, addr: IpAddr) -> bool;
}

/// The default policy: only public, globally reachable unicast addresses (see [`is_public`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicOnly;

impl AddressPolicy for PublicOnly {
    fn allows(&self, addr: IpAddr) -> bool {
        is_public(addr)
    }
}

/// Allows every address: what `allow_private_hosts` selects (self-hosted sources, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl AddressPolicy for AllowAll {
    fn allows(&self, _addr: IpAddr) -> bool {
        true
    }
}

/// IPv4 ranges that are never fetched, as (network, prefix length, why).
///
/// From the IANA special-purpose address registry: everything there that is not globally
/// reachable, plus multicast and the reserved class E block.
pub const BLOCKED_V4: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8, "this network"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private (RFC 1918)"),
    (Ipv4Addr::new(100, 64, 0, 0), 10, "carrier-grade NAT"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local (cloud metadata)",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private (RFC 1918)"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "deprecated 6to4 relay"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private (RFC 1918)"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved and broadcast"),
];

/// IPv6 ranges that are never fetched, as (network, prefix length, why).
///
/// Only 2000::/3 is allocated for global unicast, so everything outside it is refused
/// (that covers ::, ::1, fc00::/7, fe80::/10, ff00::/8 and the rest) except the forms that
/// embed an IPv4 address, which are judged by that address instead (see [`is_public_v6`]).
pub const BLOCKED_V6_IN_GLOBAL: &[(Ipv6Addr, u8, &str)] = &[
    // Teredo (2001::/32) inside it is judged by its embedded addresses before this table.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments",
    ),
    (
        Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0),
        48,
        "benchmarking",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
];

/// Whether an address is an ordinary public unicast address that a fetch may reach.
#[must_use]
pub fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// Whether an IPv4 address is public: outside every range of [`BLOCKED_V4`].
#[must_use]
pub fn is_public_v4(addr: Ipv4Addr) -> bool {
    let bits = u32::from(addr);
    !BLOCKED_V4
        .iter()
        .any(|&(net, len, _)| prefix_matches_v4(bits, u32::from(net), len))
}

/// Whether an IPv6 address is public.
///
/// Addresses that carry an IPv4 address are judged by it, so `[::ffff:127.0.0.1]` is as
/// blocked as `127.0.0.1`: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96, which also
/// holds :: and ::1), NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001::/32, both
/// the server and the obfuscated client address). Everything else must lie in global
/// unicast 2000::/3 and outside [`BLOCKED_V6_IN_GLOBAL`].
#[must_use]
pub fn is_public_v6(addr: Ipv6Addr) -> bool {
    let bits = u128::from(addr);
    if let Some(embedded) = embedded_v4(bits) {
        return embedded.iter().all(|&v4| is_public_v4(v4));
    }
    prefix_matches_v6(bits, 0x2000 << 112, 3)
        && !BLOCKED_V6_IN_GLOBAL
            .iter()
            .any(|&(net, len, _)| prefix_matches_v6(bits, u128::from(net), len))
}

/// The IPv4 addresses an IPv6 address carries, if it is one of the embedding forms.
#[allow(clippy::cast_possible_truncation)] // each cast selects a 32-bit field on purpose
fn embedded_v4(bits: u128) -> Option<Vec<Ipv4Addr>> {
    // Truncating casts pick the 32-bit field that holds the embedded address.
    let low32 = Ipv4Addr::from(bits as u32);
    if prefix_matches_v6(bits, 0xffff << 32, 96) || prefix_matches_v6(bits, 0, 96) {
        return Some(vec![low32]);
    }
    if prefix_matches_v6(bits, 0x0064_ff9b << 96, 96) {
        return Some(vec![low32]);
    }
    if prefix_matches_v6(bits, 0x2002 << 112, 16) {
        return Some(vec![Ipv4Addr::from((bits >> 80) as u32)]);
    }
    if prefix_matches_v6(bits, 0x2001_0000 << 96, 32) {
        let server = Ipv4Addr::from((bits >> 64) as u32);
        let client = Ipv4Addr::from(!(bits as u32));
        return Some(vec![server, client]);
    }
    None
}

fn prefix_matches_v4(addr: u32, net: u32, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    addr & mask == net & mask
}

fn prefix_matches_v6(addr: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    addr & mask == net & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn refuses_non_public_ipv4() {
        for a in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.1.2.3",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!public(a), "{a} should be refused");
        }
    }

    #[test]
    fn allows_public_ipv4_next_to_blocked_ranges() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "203.0.112.255",
            "223.255.255.255",
        ] {
            assert!(public(a), "{a} should be allowed");
        }
    }

    #[test]
    fn refuses_non_public_ipv6() {
        for a in [
            "::",
            "::1",
            "fc00::1",
            "fdff:ffff::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff0e::1",
            "2001:db8::1",
            "2001:db8:ffff::1",
            "2001:1::",
            "2001:1ff:ffff::1",
            "100::1",
            "64:ff9b:1::1",
            "4000::1",
        ] {
            assert!(!public(a), "{a} should be refused");
        }
    }

    #[test]
    fn judges_embedded_ipv4_by_the_ipv4_address() {
        for a in [
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::192.168.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "2001:0:7f00:1::",
            // Teredo client 127.0.0.1 is stored inverted: !0x7f000001.
            "2001:0:808:808::80ff:fffe",
        ] {
            assert!(!public(a), "{a} should be refused");
        }
        for a in [
            "::ffff:8.8.8.8",
            "::8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
        ] {
            assert!(public(a), "{a} should be allowed");
        }
    }

    #[test]
    fn policies_decide_as_named() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(!PublicOnly.allows(lo));
        assert!(AllowAll.allows(lo));
        assert!(PublicOnly.allows("93.184.215.14".parse().unwrap()));
    }
}
