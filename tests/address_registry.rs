//! The address policy against references that owe nothing to its own tables:
//!
//! - the IANA IPv4 and IPv6 Special-Purpose Address Registries, written out row by row from
//!   the registry (<https://www.iana.org/assignments/iana-ipv4-special-registry>,
//!   <https://www.iana.org/assignments/iana-ipv6-special-registry>) with their "Globally
//!   Reachable" column, plus the multicast blocks and the IPv6 address space registry
//!   (only 2000::/3 is allocated for global unicast);
//! - the standard library's address predicates.
//!
//! Every address the registries call not globally reachable, and every address a std
//! predicate calls loopback, private, link-local, multicast, broadcast, unspecified,
//! documentation or unique-local, must be refused; every address outside all of them must be
//! allowed. Rows marked globally reachable (anycast services, AS112) or not applicable
//! (6to4, Teredo, deprecated blocks) may go either way: refusing them costs no news site.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use newsbrief::fetch::is_public;
use proptest::prelude::*;

/// (CIDR, registry name, globally reachable: Some(true/false), or None for N/A).
const IANA_V4: &[(&str, &str, Option<bool>)] = &[
    ("0.0.0.0/8", "This network", Some(false)),
    ("0.0.0.0/32", "This host on this network", Some(false)),
    ("10.0.0.0/8", "Private-Use", Some(false)),
    ("100.64.0.0/10", "Shared Address Space", Some(false)),
    ("127.0.0.0/8", "Loopback", Some(false)),
    ("169.254.0.0/16", "Link Local", Some(false)),
    ("172.16.0.0/12", "Private-Use", Some(false)),
    ("192.0.0.0/24", "IETF Protocol Assignments", Some(false)),
    (
        "192.0.0.0/29",
        "IPv4 Service Continuity Prefix",
        Some(false),
    ),
    ("192.0.0.8/32", "IPv4 dummy address", Some(false)),
    ("192.0.0.9/32", "Port Control Protocol Anycast", Some(true)),
    (
        "192.0.0.10/32",
        "Traversal Using Relays around NAT Anycast",
        Some(true),
    ),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", Some(false)),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", Some(false)),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", Some(false)),
    ("192.31.196.0/24", "AS112-v4", Some(true)),
    ("192.52.193.0/24", "AMT", Some(true)),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", None),
    ("192.168.0.0/16", "Private-Use", Some(false)),
    (
        "192.175.48.0/24",
        "Direct Delegation AS112 Service",
        Some(true),
    ),
    ("198.18.0.0/15", "Benchmarking", Some(false)),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", Some(false)),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", Some(false)),
    ("240.0.0.0/4", "Reserved", Some(false)),
    ("255.255.255.255/32", "Limited Broadcast", Some(false)),
    // IPv4 Multicast Address Space Registry: the whole block.
    ("224.0.0.0/4", "Multicast", Some(false)),
];

const IANA_V6: &[(&str, &str, Option<bool>)] = &[
    ("::1/128", "Loopback Address", Some(false)),
    ("::/128", "Unspecified Address", Some(false)),
    ("::ffff:0:0/96", "IPv4-mapped Address", Some(false)),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", Some(true)),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", Some(false)),
    ("100::/64", "Discard-Only Address Block", Some(false)),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", Some(false)),
    ("2001::/23", "IETF Protocol Assignments", Some(false)),
    ("2001::/32", "TEREDO", None),
    ("2001:1::1/128", "Port Control Protocol Anycast", Some(true)),
    (
        "2001:1::2/128",
        "Traversal Using Relays around NAT Anycast",
        Some(true),
    ),
    (
        "2001:1::3/128",
        "DNS-SD Service Registration Protocol Anycast",
        Some(true),
    ),
    ("2001:2::/48", "Benchmarking", Some(false)),
    ("2001:3::/32", "AMT", Some(true)),
    ("2001:4:112::/48", "AS112-v6", Some(true)),
    ("2001:10::/28", "Deprecated (previously ORCHID)", None),
    ("2001:20::/28", "ORCHIDv2", Some(true)),
    (
        "2001:30::/28",
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
        Some(true),
    ),
    ("2001:db8::/32", "Documentation", Some(false)),
    ("2002::/16", "6to4", None),
    (
        "2620:4f:8000::/48",
        "Direct Delegation AS112 Service",
        Some(true),
    ),
    ("3fff::/20", "Documentation", Some(false)),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", Some(false)),
    ("fc00::/7", "Unique-Local", Some(false)),
    ("fe80::/10", "Link-Local Unicast", Some(false)),
    // IPv6 Multicast Address Space Registry: the whole block.
    ("ff00::/8", "Multicast", Some(false)),
];

fn cidr_v4(c: &str) -> (u32, u32) {
    let (net, len) = c.split_once('/').unwrap();
    (
        u32::from(net.parse::<Ipv4Addr>().unwrap()),
        len.parse().unwrap(),
    )
}

fn cidr_v6(c: &str) -> (u128, u32) {
    let (net, len) = c.split_once('/').unwrap();
    (
        u128::from(net.parse::<Ipv6Addr>().unwrap()),
        len.parse().unwrap(),
    )
}

/// The registry's answer for the most specific row holding the address: `Some(Some(b))` for
/// a row with a globally-reachable value, `Some(None)` for N/A, `None` outside every row.
fn registry_v4(a: Ipv4Addr) -> Option<Option<bool>> {
    let a = u32::from(a);
    IANA_V4
        .iter()
        .map(|&(c, _, g)| (cidr_v4(c), g))
        .filter(|&((net, len), _)| len == 0 || a >> (32 - len) == net >> (32 - len))
        .max_by_key(|&((_, len), _)| len)
        .map(|(_, g)| g)
}

fn registry_v6(a: Ipv6Addr) -> Option<Option<bool>> {
    let a = u128::from(a);
    IANA_V6
        .iter()
        .map(|&(c, _, g)| (cidr_v6(c), g))
        .filter(|&((net, len), _)| len == 0 || a >> (128 - len) == net >> (128 - len))
        .max_by_key(|&((_, len), _)| len)
        .map(|(_, g)| g)
}

/// What the references demand: `Some(false)` must be refused, `Some(true)` must be allowed,
/// `None` may go either way.
fn demanded_v4(a: Ipv4Addr) -> Option<bool> {
    let std_says_special = a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_multicast()
        || a.is_broadcast()
        || a.is_unspecified()
        || a.is_documentation();
    if std_says_special {
        return Some(false);
    }
    match registry_v4(a) {
        None => Some(true),
        Some(Some(false)) => Some(false),
        Some(_) => None,
    }
}

fn demanded_v6(a: Ipv6Addr) -> Option<bool> {
    let std_says_special = a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        || a.is_unique_local()
        || a.is_unicast_link_local();
    if std_says_special {
        return Some(false);
    }
    // Addresses that carry an IPv4 address answer for it (mapped, compatible, NAT64).
    let s = a.segments();
    let embedded = Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7]));
    let mapped_or_compatible = s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0);
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    if mapped_or_compatible || nat64 {
        return demanded_v4(embedded);
    }
    match registry_v6(a) {
        // IPv6 Address Space registry: only 2000::/3 is allocated for global unicast.
        None => Some(s[0] & 0xe000 == 0x2000),
        Some(Some(false)) => Some(false),
        Some(_) => None,
    }
}

fn check(addr: IpAddr) -> Result<(), TestCaseError> {
    let demanded = match addr {
        IpAddr::V4(a) => demanded_v4(a),
        IpAddr::V6(a) => demanded_v6(a),
    };
    if let Some(want) = demanded {
        prop_assert_eq!(is_public(addr), want, "{}", addr);
    }
    Ok(())
}

/// Addresses uniform, inside each row, and just outside each row.
fn v4_strategy() -> impl Strategy<Value = Ipv4Addr> {
    let row = (0..IANA_V4.len(), any::<u32>(), 0u8..3).prop_map(|(i, r, where_)| {
        let (net, len) = cidr_v4(IANA_V4[i].0);
        let host = u32::MAX.checked_shr(len).unwrap_or(0);
        let base = net & !host;
        match where_ {
            0 => Ipv4Addr::from(base | (r & host)),
            1 => Ipv4Addr::from(base.wrapping_sub(1)),
            _ => Ipv4Addr::from((base | host).wrapping_add(1)),
        }
    });
    prop_oneof![any::<u32>().prop_map(Ipv4Addr::from), row]
}

fn v6_strategy() -> impl Strategy<Value = Ipv6Addr> {
    let row = (0..IANA_V6.len(), any::<u128>(), 0u8..3).prop_map(|(i, r, where_)| {
        let (net, len) = cidr_v6(IANA_V6[i].0);
        let host = u128::MAX.checked_shr(len).unwrap_or(0);
        let base = net & !host;
        match where_ {
            0 => Ipv6Addr::from(base | (r & host)),
            1 => Ipv6Addr::from(base.wrapping_sub(1)),
            _ => Ipv6Addr::from((base | host).wrapping_add(1)),
        }
    });
    let global = any::<u128>().prop_map(|r| Ipv6Addr::from((0x2000u128 << 112) | (r >> 3)));
    let embedded = v4_strategy().prop_map(|a| a.to_ipv6_mapped());
    prop_oneof![
        any::<u128>().prop_map(Ipv6Addr::from),
        global,
        row,
        embedded
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 6000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1a_4a_15),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ipv4_policy_obeys_the_iana_registry_and_std(addr in v4_strategy()) {
        check(IpAddr::V4(addr))?;
    }

    #[test]
    fn ipv6_policy_obeys_the_iana_registry_and_std(addr in v6_strategy()) {
        check(IpAddr::V6(addr))?;
    }
}

#[test]
fn every_row_edge_is_judged_as_the_registry_says() {
    // Deterministic: the first and last address of every row that has a firm answer.
    for &(c, name, g) in IANA_V4 {
        let (net, len) = cidr_v4(c);
        let host = u32::MAX.checked_shr(len).unwrap_or(0);
        for a in [net & !host, (net & !host) | host] {
            let a = Ipv4Addr::from(a);
            if let (Some(false), Some(want)) = (g, demanded_v4(a)) {
                assert_eq!(is_public(IpAddr::V4(a)), want, "{a} ({name})");
            }
        }
    }
    for &(c, name, g) in IANA_V6 {
        let (net, len) = cidr_v6(c);
        let host = u128::MAX.checked_shr(len).unwrap_or(0);
        for a in [net & !host, (net & !host) | host] {
            let a = Ipv6Addr::from(a);
            if let (Some(false), Some(want)) = (g, demanded_v6(a)) {
                assert_eq!(is_public(IpAddr::V6(a)), want, "{a} ({name})");
            }
        }
    }
}
