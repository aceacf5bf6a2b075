//! The address policy against an independent reference: a table of blocked CIDR ranges
//! written out as text, plus the IPv6 embedding rules stated on 16-bit segments. Random
//! addresses (uniform, inside each range, and at each range's edges) must get the same
//! answer from both.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use newsbrief::fetch::is_public;
use proptest::prelude::*;

/// Blocked IPv4 ranges, typed from the IANA special-purpose registry.
const REFERENCE_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
];

/// Blocked ranges inside IPv6 global unicast (2000::/3).
const REFERENCE_V6_IN_GLOBAL: &[&str] = &["2001::/23", "2001:2::/48", "2001:db8::/32", "3fff::/20"];

fn parse_v4(cidr: &str) -> (u32, u32) {
    let (net, len) = cidr.split_once('/').unwrap();
    (
        u32::from(net.parse::<Ipv4Addr>().unwrap()),
        len.parse().unwrap(),
    )
}

fn parse_v6(cidr: &str) -> (u128, u32) {
    let (net, len) = cidr.split_once('/').unwrap();
    (
        u128::from(net.parse::<Ipv6Addr>().unwrap()),
        len.parse().unwrap(),
    )
}

fn in_v4(addr: u32, (net, len): (u32, u32)) -> bool {
    len == 0 || (addr >> (32 - len)) == (net >> (32 - len))
}

fn in_v6(addr: u128, (net, len): (u128, u32)) -> bool {
    len == 0 || (addr >> (128 - len)) == (net >> (128 - len))
}

fn reference_v4(addr: Ipv4Addr) -> bool {
    let a = u32::from(addr);
    !REFERENCE_V4.iter().any(|c| in_v4(a, parse_v4(c)))
}

fn reference_v6(addr: Ipv6Addr) -> bool {
    let s = addr.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d
    if s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) {
        return reference_v4(v4(s[6], s[7]));
    }
    // NAT64 well-known prefix 64:ff9b::/96
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return reference_v4(v4(s[6], s[7]));
    }
    // 6to4 2002:AABB:CCDD::/48
    if s[0] == 0x2002 {
        return reference_v4(v4(s[1], s[2]));
    }
    // Teredo 2001:0:SERVER:...:~CLIENT
    if s[0] == 0x2001 && s[1] == 0 {
        return reference_v4(v4(s[2], s[3])) && reference_v4(v4(!s[6], !s[7]));
    }
    let a = u128::from(addr);
    (s[0] & 0xe000) == 0x2000 && !REFERENCE_V6_IN_GLOBAL.iter().any(|c| in_v6(a, parse_v6(c)))
}

fn reference(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => reference_v4(a),
        IpAddr::V6(a) => reference_v6(a),
    }
}

/// IPv4 addresses: uniform, inside a reference range, or just outside one.
fn v4_strategy() -> impl Strategy<Value = Ipv4Addr> {
    let in_range = (0..REFERENCE_V4.len(), any::<u32>()).prop_map(|(i, r)| {
        let (net, len) = parse_v4(REFERENCE_V4[i]);
        let host_mask = u32::MAX.checked_shr(len).unwrap_or(0);
        Ipv4Addr::from((net & !host_mask) | (r & host_mask))
    });
    let at_edge = (0..REFERENCE_V4.len(), any::<bool>()).prop_map(|(i, below)| {
        let (net, len) = parse_v4(REFERENCE_V4[i]);
        let size = 1u64 << (32 - len);
        let edge = if below {
            u64::from(net).wrapping_sub(1)
        } else {
            u64::from(net) + size
        };
        Ipv4Addr::from((edge & 0xffff_ffff) as u32)
    });
    prop_oneof![any::<u32>().prop_map(Ipv4Addr::from), in_range, at_edge]
}

/// IPv6 addresses: uniform, global unicast, each embedding form, and the listed ranges.
fn v6_strategy() -> impl Strategy<Value = Ipv6Addr> {
    let v4 = || v4_strategy().prop_map(|a| u128::from(u32::from(a)));
    prop_oneof![
        any::<u128>().prop_map(Ipv6Addr::from),
        any::<u128>().prop_map(|r| Ipv6Addr::from((0x2000u128 << 112) | (r >> 3))),
        v4().prop_map(|a| Ipv6Addr::from((0xffffu128 << 32) | a)),
        v4().prop_map(Ipv6Addr::from),
        v4().prop_map(|a| Ipv6Addr::from((0x0064_ff9bu128 << 96) | a)),
        (v4(), any::<u64>())
            .prop_map(|(a, r)| Ipv6Addr::from((0x2002u128 << 112) | (a << 80) | u128::from(r))),
        (v4(), v4(), any::<u32>()).prop_map(|(server, client, r)| Ipv6Addr::from(
            (0x2001_0000u128 << 96)
                | (server << 64)
                | (u128::from(r) << 32)
                | (!client & 0xffff_ffff)
        )),
        (0..REFERENCE_V6_IN_GLOBAL.len(), any::<u128>()).prop_map(|(i, r)| {
            let (net, len) = parse_v6(REFERENCE_V6_IN_GLOBAL[i]);
            let host_mask = u128::MAX >> len;
            Ipv6Addr::from((net & !host_mask) | (r & host_mask))
        }),
        Just(Ipv6Addr::UNSPECIFIED),
        Just(Ipv6Addr::LOCALHOST),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn ipv4_policy_matches_the_reference(addr in v4_strategy()) {
        prop_assert_eq!(is_public(IpAddr::V4(addr)), reference(IpAddr::V4(addr)), "{}", addr);
    }

    #[test]
    fn ipv6_policy_matches_the_reference(addr in v6_strategy()) {
        prop_assert_eq!(is_public(IpAddr::V6(addr)), reference(IpAddr::V6(addr)), "{}", addr);
    }

    #[test]
    fn an_ipv4_address_and_its_mapped_form_agree(addr in v4_strategy()) {
        prop_assert_eq!(
            is_public(IpAddr::V4(addr)),
            is_public(IpAddr::V6(addr.to_ipv6_mapped()))
        );
    }
}

#[test]
fn the_reference_agrees_with_std_where_std_has_an_opinion() {
    // Guards the reference table itself against typos.
    for a in [
        "127.0.0.1",
        "10.1.1.1",
        "172.20.0.1",
        "192.168.5.5",
        "169.254.1.1",
        "224.1.1.1",
        "255.255.255.255",
        "0.0.0.0",
        "192.0.2.5",
        "198.51.100.5",
        "203.0.113.5",
    ] {
        let v4: Ipv4Addr = a.parse().unwrap();
        assert!(
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
        );
        assert!(!reference_v4(v4), "{a}");
    }
    assert!(reference_v4(Ipv4Addr::new(8, 8, 8, 8)));
    for a in ["::1", "::", "fe80::1", "ff02::1", "fc00::1", "fd12::1"] {
        assert!(!reference_v6(a.parse().unwrap()), "{a}");
    }
    assert!(reference_v6("2606:4700::1111".parse().unwrap()));
}
