//! The guarded fetcher against local servers: address policy, redirects, limits, content
//! types and charsets. Every server listens on loopback only.
//!
//! One file on purpose: each integration-test file is its own binary to build and link, and
//! these tests share the loopback servers of `support/http.rs` and the fetch configuration.

#[path = "support/http.rs"]
mod http;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::{serve, serve_on, Reply};
use newsbrief::error::Error;
use newsbrief::fetch::{
    is_public, AddressPolicy, Body, FetchConfig, Fetcher, HostResolver, Lookup, Page,
    SystemResolver, USER_AGENT,
};

const PUBLIC_LOOPBACK: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const PRIVATE_LOOPBACK: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// A policy where 127.0.0.1 stands in for a public server and 127.0.0.2 for a private one.
#[derive(Debug)]
struct TestPolicy;

impl AddressPolicy for TestPolicy {
    fn allows(&self, addr: IpAddr) -> bool {
        addr == IpAddr::V4(PUBLIC_LOOPBACK) || is_public(addr)
    }
}

/// Fake DNS: each name answers from a list of answer sets, one per lookup (the last one
/// repeats), so a name can change its answer between connections.
#[derive(Debug, Default)]
struct FakeDns {
    answers: HashMap<String, Vec<Vec<IpAddr>>>,
    lookups: Mutex<HashMap<String, usize>>,
}

impl FakeDns {
    fn with(mut self, name: &str, answers: &[&[Ipv4Addr]]) -> Self {
        let sets = answers
            .iter()
            .map(|set| set.iter().map(|&a| IpAddr::V4(a)).collect())
            .collect();
        self.answers.insert(name.to_string(), sets);
        self
    }
    fn lookups(&self, name: &str) -> usize {
        self.lookups.lock().unwrap().get(name).copied().unwrap_or(0)
    }
}

impl HostResolver for FakeDns {
    fn lookup(&self, host: &str) -> Lookup {
        let mut counts = self.lookups.lock().unwrap();
        let n = counts.entry(host.to_string()).or_default();
        let answer = self.answers.get(host).map(|sets| {
            let i = (*n).min(sets.len() - 1);
            sets[i].clone()
        });
        *n += 1;
        Box::pin(async move {
            answer.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such host (fake)"))
        })
    }
}

fn private_ok() -> FetchConfig {
    FetchConfig {
        allow_private_hosts: true,
        ..FetchConfig::default()
    }
}

/// The default limits with any port allowed (the test servers listen on random ports).
fn any_port() -> FetchConfig {
    FetchConfig {
        allowed_ports: Vec::new(),
        ..FetchConfig::default()
    }
}

fn open_fetcher() -> Fetcher {
    Fetcher::new(private_ok()).unwrap()
}

fn test_policy_fetcher(dns: Arc<FakeDns>) -> Fetcher {
    Fetcher::with_policy(any_port(), Arc::new(TestPolicy), dns).unwrap()
}

fn html(page: &Page) -> &str {
    match &page.body {
        Body::Html(s) => s,
        Body::Text(t) => panic!("expected HTML, got text: {t:.80}"),
    }
}

fn assert_blocked(result: Result<Page, Error>, want_addr: &str) {
    match result {
        Err(Error::BlockedAddress { addr, .. }) => assert_eq!(addr, want_addr),
        other => panic!("expected BlockedAddress({want_addr}), got {other:?}"),
    }
}

// ---------------------------------------------------------------- address policy

#[tokio::test]
async fn loopback_is_refused_by_default_quickly_and_without_connecting() {
    let server = serve(|_| Reply::html("<p>secret</p>")).await;
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let started = Instant::now();
    let err = fetcher.fetch(&server.url("/")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(err.kind(), "blocked_address");
    let message = err.to_string();
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(message.contains("--allow-private-hosts"), "{message}");
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn every_ip_literal_spelling_of_a_private_address_is_refused() {
    let server = serve(|_| Reply::html("<p>secret</p>")).await;
    let p = server.port();
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let cases = [
        (format!("http://2130706433:{p}/"), "127.0.0.1"),
        (format!("http://0x7f.1:{p}/"), "127.0.0.1"),
        (format!("http://0x7f000001:{p}/"), "127.0.0.1"),
        (format!("http://0177.0.0.1:{p}/"), "127.0.0.1"),
        (format!("http://127.1:{p}/"), "127.0.0.1"),
        (format!("http://127.0.0.1.:{p}/"), "127.0.0.1"),
        (format!("HTTP://127.0.0.1:{p}/"), "127.0.0.1"),
        (format!("hTtPs://127.0.0.1:{p}/"), "127.0.0.1"),
        (format!("http://example.com@127.0.0.1:{p}/"), "127.0.0.1"),
        (format!("http://user:pw@127.0.0.1:{p}/"), "127.0.0.1"),
        (
            format!("http://[::ffff:127.0.0.1]:{p}/"),
            "::ffff:127.0.0.1",
        ),
        (format!("http://[::ffff:7f00:1]:{p}/"), "::ffff:127.0.0.1"),
        (format!("http://[::1]:{p}/"), "::1"),
        (format!("http://[::]:{p}/"), "::"),
        (format!("http://0:{p}/"), "0.0.0.0"),
        (format!("http://%31%32%37.0.0.1:{p}/"), "127.0.0.1"),
        (
            format!("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1:{p}/"),
            "127.0.0.1",
        ),
        (format!("http://127.0.0.1\u{3002}:{p}/"), "127.0.0.1"),
        (format!(" http://127.0.0.1:{p}/ "), "127.0.0.1"),
        (format!("http:\\\\127.0.0.1:{p}/"), "127.0.0.1"),
        (format!("http:/127.0.0.1:{p}/"), "127.0.0.1"),
        (format!("http://0.0.0.0:{p}/"), "0.0.0.0"),
        ("http://10.1.2.3/".into(), "10.1.2.3"),
        ("http://172.16.0.1/".into(), "172.16.0.1"),
        ("http://192.168.0.1/".into(), "192.168.0.1"),
        (
            "http://169.254.169.254/latest/meta-data/".into(),
            "169.254.169.254",
        ),
        ("http://0xa9.0xfe.0xa9.0xfe/".into(), "169.254.169.254"),
        ("http://100.64.0.1/".into(), "100.64.0.1"),
        ("http://192.0.0.1/".into(), "192.0.0.1"),
        ("http://192.0.2.1/".into(), "192.0.2.1"),
        ("http://198.51.100.1/".into(), "198.51.100.1"),
        ("http://203.0.113.1/".into(), "203.0.113.1"),
        ("http://198.18.0.1/".into(), "198.18.0.1"),
        ("http://224.0.0.1/".into(), "224.0.0.1"),
        ("http://240.0.0.1/".into(), "240.0.0.1"),
        ("http://255.255.255.255/".into(), "255.255.255.255"),
        ("http://[fd00::1]/".into(), "fd00::1"),
        ("http://[fe80::1]/".into(), "fe80::1"),
        ("http://[ff02::1]/".into(), "ff02::1"),
        ("http://[2001:db8::1]/".into(), "2001:db8::1"),
        ("http://[::127.0.0.1]/".into(), "::7f00:1"),
        (
            "http://[::ffff:a9fe:a9fe]/".into(),
            "::ffff:169.254.169.254",
        ),
        ("http://[64:ff9b::7f00:1]/".into(), "64:ff9b::7f00:1"),
        ("http://[64:ff9b::a00:1]/".into(), "64:ff9b::a00:1"),
        ("http://[2002:7f00:1::]/".into(), "2002:7f00:1::"),
        ("http://[2002:c0a8:1::1]/".into(), "2002:c0a8:1::1"),
    ];
    for (url, addr) in &cases {
        let started = Instant::now();
        let result = fetcher.fetch(url).await;
        match result {
            Err(Error::BlockedAddress { addr: got, .. }) => assert_eq!(&got, addr, "{url}"),
            other => panic!("{url}: expected BlockedAddress, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(3), "{url} was slow");
    }
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn localhost_by_name_is_refused_through_the_guarded_resolver() {
    // The project's own resolver path with a fake DNS that answers 127.0.0.1 (no query
    // ever leaves the machine), under the real default policy: the refusal is required.
    let server = serve(|_| Reply::html("<p>secret</p>")).await;
    let dns = Arc::new(
        FakeDns::default()
            .with("localhost", &[&[PUBLIC_LOOPBACK]])
            .with("localhost.", &[&[PUBLIC_LOOPBACK]]),
    );
    let fetcher = Fetcher::with_policy(
        any_port(),
        Arc::new(newsbrief::fetch::PublicOnly),
        Arc::clone(&dns) as Arc<dyn HostResolver>,
    )
    .unwrap();
    for host in ["localhost", "localhost.", "LOCALHOST"] {
        let url = format!("http://{host}:{}/", server.port());
        match fetcher.fetch(&url).await {
            Err(Error::BlockedAddress { host: h, addr }) => {
                assert_eq!(h.trim_end_matches('.'), "localhost");
                assert_eq!(addr, "127.0.0.1");
            }
            other => panic!("{url}: expected BlockedAddress, got {other:?}"),
        }
    }
    assert!(dns.lookups("localhost") + dns.lookups("localhost.") >= 3);
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------------------- ports

#[tokio::test]
async fn only_web_ports_are_fetched_by_default() {
    let server = serve(|_| Reply::html("<p>internal service</p>")).await;
    let dns = Arc::new(FakeDns::default().with("public.test", &[&[PUBLIC_LOOPBACK]]));
    let strict = Fetcher::with_policy(
        FetchConfig::default(),
        Arc::new(TestPolicy),
        Arc::clone(&dns) as Arc<dyn HostResolver>,
    )
    .unwrap();
    for url in [
        format!("http://public.test:{}/", server.port()),
        "http://public.test:22/".to_string(),
        "https://public.test:8443/".to_string(),
        "http://public.test:6379/".to_string(),
    ] {
        match strict.fetch(&url).await {
            Err(e @ Error::BlockedPort { .. }) => {
                assert_eq!(e.kind(), "blocked_port");
                assert!(e.to_string().contains("port"), "{e}");
            }
            other => panic!("{url}: expected BlockedPort, got {other:?}"),
        }
    }
    assert_eq!(server.connections(), 0, "refused before connecting");
    assert_eq!(dns.lookups("public.test"), 0, "refused before resolving");

    // A redirect from an allowed port to another port is refused the same way.
    let hop = serve(|_| Reply::redirect(302, "http://public.test:2375/containers")).await;
    let listed = Fetcher::with_policy(
        FetchConfig {
            allowed_ports: vec![80, 443, hop.port()],
            ..FetchConfig::default()
        },
        Arc::new(TestPolicy),
        Arc::clone(&dns) as Arc<dyn HostResolver>,
    )
    .unwrap();
    match listed
        .fetch(&format!("http://public.test:{}/", hop.port()))
        .await
    {
        Err(Error::BlockedPort { port, .. }) => assert_eq!(port, 2375),
        other => panic!("expected BlockedPort, got {other:?}"),
    }
    // A configured port is fetched.
    let listed = Fetcher::with_policy(
        FetchConfig {
            allowed_ports: vec![server.port()],
            ..FetchConfig::default()
        },
        Arc::new(TestPolicy),
        dns,
    )
    .unwrap();
    let page = listed
        .fetch(&format!("http://public.test:{}/", server.port()))
        .await
        .unwrap();
    assert!(html(&page).contains("internal service"));
}

// ---------------------------------------------------------------- site rate limits

#[tokio::test]
async fn a_site_asking_for_a_pause_is_not_fetched_again_until_then() {
    let server = serve(|req| match req.path.as_str() {
        "/slow-down" => Reply::status(429).header("Retry-After", "120"),
        "/maintenance" => Reply::status(503).header(
            "Retry-After",
            &httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(600)),
        ),
        "/down" => Reply::status(503),
        _ => Reply::html("<p>fine</p>"),
    })
    .await;
    let p = server.port();
    let dns = Arc::new(
        FakeDns::default()
            .with("busy.test", &[&[PUBLIC_LOOPBACK]])
            .with("upkeep.test", &[&[PUBLIC_LOOPBACK]])
            .with("calm.test", &[&[PUBLIC_LOOPBACK]]),
    );
    let fetcher = test_policy_fetcher(dns);
    let err = fetcher
        .fetch(&format!("http://busy.test:{p}/slow-down"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "http_status");
    let before = server.connections();
    match fetcher
        .fetch(&format!("http://busy.test:{p}/other-page"))
        .await
    {
        Err(e @ Error::RateLimited { .. }) => {
            assert_eq!(e.kind(), "rate_limited");
            let Error::RateLimited { seconds, .. } = &e else {
                unreachable!()
            };
            assert!((100..=120).contains(seconds), "{e}");
            assert!(e.to_string().contains("busy.test"), "{e}");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // A clone (another bot task) respects it too; other hosts are unaffected.
    assert!(matches!(
        fetcher
            .clone()
            .fetch(&format!("http://busy.test:{p}/"))
            .await,
        Err(Error::RateLimited { .. })
    ));
    assert_eq!(server.connections(), before, "no request while paused");
    assert!(fetcher
        .fetch(&format!("http://calm.test:{p}/"))
        .await
        .is_ok());
    // 503 with an HTTP date pauses too; 503 without Retry-After does not.
    let _ = fetcher
        .fetch(&format!("http://upkeep.test:{p}/maintenance"))
        .await;
    assert!(matches!(
        fetcher.fetch(&format!("http://upkeep.test:{p}/")).await,
        Err(Error::RateLimited { seconds, .. }) if seconds > 500
    ));
    let _ = fetcher.fetch(&format!("http://calm.test:{p}/down")).await;
    assert!(fetcher
        .fetch(&format!("http://calm.test:{p}/"))
        .await
        .is_ok());
}

#[tokio::test]
async fn allow_private_hosts_lifts_the_policy() {
    let server = serve(|_| Reply::html("<p>hello from loopback</p>")).await;
    let page = open_fetcher().fetch(&server.url("/a?b=c")).await.unwrap();
    assert!(html(&page).contains("hello from loopback"));
    assert_eq!(page.url.as_str(), server.url("/a?b=c"));
}

#[tokio::test]
async fn allow_private_hosts_beats_a_custom_policy() {
    let server = serve_on(SocketAddr::new(PRIVATE_LOOPBACK.into(), 0), |_| {
        Reply::html("<p>ok</p>")
    })
    .await;
    let fetcher =
        Fetcher::with_policy(private_ok(), Arc::new(TestPolicy), Arc::new(SystemResolver)).unwrap();
    assert!(fetcher.fetch(&server.url("/")).await.is_ok());
}

#[tokio::test]
async fn a_name_with_any_private_address_is_refused() {
    let server = serve(|_| Reply::html("<p>ok</p>")).await;
    let dns = Arc::new(
        FakeDns::default()
            .with("public.test", &[&[PUBLIC_LOOPBACK]])
            .with("mixed.test", &[&[PUBLIC_LOOPBACK, PRIVATE_LOOPBACK]])
            .with("metadata.test", &[&[Ipv4Addr::new(169, 254, 169, 254)]]),
    );
    let fetcher = test_policy_fetcher(Arc::clone(&dns));
    let ok = fetcher
        .fetch(&format!("http://public.test:{}/", server.port()))
        .await
        .unwrap();
    assert!(html(&ok).contains("ok"));
    assert_blocked(
        fetcher
            .fetch(&format!("http://mixed.test:{}/", server.port()))
            .await,
        "127.0.0.2",
    );
    assert_blocked(
        fetcher.fetch("http://metadata.test/latest/").await,
        "169.254.169.254",
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn dns_rebinding_is_caught_on_the_next_connection() {
    let server = serve(|_| Reply::html("<p>public page</p>")).await;
    // First answer public, every later answer private.
    let dns = Arc::new(
        FakeDns::default().with("rebind.test", &[&[PUBLIC_LOOPBACK], &[PRIVATE_LOOPBACK]]),
    );
    let fetcher = test_policy_fetcher(Arc::clone(&dns));
    let url = format!("http://rebind.test:{}/", server.port());
    assert!(fetcher.fetch(&url).await.is_ok());
    assert_blocked(fetcher.fetch(&url).await, "127.0.0.2");
    assert_eq!(dns.lookups("rebind.test"), 2);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn dns_rebinding_inside_a_redirect_chain_is_caught() {
    // The page redirects to itself on a new path; the server closes every connection, so
    // the hop opens a new one and resolves again, now to the private address.
    let server = serve(|r| {
        if r.path == "/" {
            Reply::redirect(302, "/again")
        } else {
            Reply::html("<p>should not be reached</p>")
        }
    })
    .await;
    let dns = Arc::new(
        FakeDns::default().with("rebind.test", &[&[PUBLIC_LOOPBACK], &[PRIVATE_LOOPBACK]]),
    );
    let fetcher = test_policy_fetcher(dns);
    let url = format!("http://rebind.test:{}/", server.port());
    assert_blocked(fetcher.fetch(&url).await, "127.0.0.2");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_names_give_a_dns_error() {
    let fetcher = test_policy_fetcher(Arc::new(FakeDns::default()));
    match fetcher.fetch("http://nowhere.test/").await {
        Err(Error::Dns { host, reason }) => {
            assert_eq!(host, "nowhere.test");
            assert!(reason.contains("no such host"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let empty = Arc::new(FakeDns::default().with("empty.test", &[&[]]));
    let fetcher = test_policy_fetcher(empty);
    assert!(matches!(
        fetcher.fetch("http://empty.test/").await,
        Err(Error::Dns { .. })
    ));
}

// ---------------------------------------------------------------- URLs and schemes

#[tokio::test]
async fn bad_urls_and_schemes_are_refused() {
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    for url in [
        "not a url",
        "example.com/page",
        "http://",
        "http://exa mple.com/",
    ] {
        let err = fetcher.fetch(url).await.unwrap_err();
        assert_eq!(err.kind(), "invalid_url", "{url}: {err}");
    }
    for (url, scheme) in [
        ("ftp://example.com/", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,<p>x</p>", "data"),
        ("gopher://127.0.0.1:6379/_INFO", "gopher"),
    ] {
        match fetcher.fetch(url).await {
            Err(Error::UnsupportedScheme(s)) => assert_eq!(s, scheme),
            other => panic!("{url}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- redirects

#[tokio::test]
async fn redirect_to_a_private_address_is_refused() {
    let private = serve_on(SocketAddr::new(PRIVATE_LOOPBACK.into(), 0), |_| {
        Reply::html("<p>internal admin</p>")
    })
    .await;
    let target = private.url("/admin");
    let public = serve(move |_| Reply::redirect(302, &target)).await;
    let fetcher = test_policy_fetcher(Arc::new(FakeDns::default()));
    assert_blocked(fetcher.fetch(&public.url("/")).await, "127.0.0.2");
    assert_eq!(public.connections(), 1);
    assert_eq!(private.connections(), 0);
}

#[tokio::test]
async fn redirect_to_other_spellings_of_a_private_address_is_refused() {
    let private = serve_on(SocketAddr::new(PRIVATE_LOOPBACK.into(), 0), |_| {
        Reply::html("<p>internal admin</p>")
    })
    .await;
    let p = private.port();
    for location in [
        format!("http://2130706434:{p}/"),
        format!("http://0x7f.0.0.2:{p}/"),
        format!("http://0177.0.0.02:{p}/"),
        format!("http://127.2:{p}/"),
        format!("//127.0.0.2:{p}/"),
        format!("HTTP://x@127.0.0.2.:{p}/"),
        format!("http://[::ffff:127.0.0.2]:{p}/"),
    ] {
        let loc = location.clone();
        let public = serve(move |_| Reply::redirect(302, &loc)).await;
        let fetcher = test_policy_fetcher(Arc::new(FakeDns::default()));
        match fetcher.fetch(&public.url("/")).await {
            Err(Error::BlockedAddress { addr, .. }) => {
                assert!(addr.ends_with("127.0.0.2"), "{location}: {addr}");
            }
            other => panic!("{location}: {other:?}"),
        }
    }
    assert_eq!(private.connections(), 0);
}

#[tokio::test]
async fn redirect_to_a_name_resolving_private_is_refused() {
    let private = serve_on(SocketAddr::new(PRIVATE_LOOPBACK.into(), 0), |_| {
        Reply::html("<p>internal admin</p>")
    })
    .await;
    let target = format!("http://intranet.test:{}/", private.port());
    let public = serve(move |_| Reply::redirect(301, &target)).await;
    let dns = Arc::new(FakeDns::default().with("intranet.test", &[&[PRIVATE_LOOPBACK]]));
    let fetcher = test_policy_fetcher(dns);
    assert_blocked(fetcher.fetch(&public.url("/")).await, "127.0.0.2");
    assert_eq!(private.connections(), 0);
}

#[tokio::test]
async fn redirects_to_public_addresses_are_followed_and_relative_ones_resolved() {
    let server = serve(|r| match r.path.as_str() {
        "/start" => Reply::redirect(301, "/dir/next"),
        "/dir/next" => Reply::redirect(307, "final?x=1"),
        "/dir/final?x=1" => Reply::html("<p>arrived</p>"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = test_policy_fetcher(Arc::new(FakeDns::default()));
    let page = fetcher.fetch(&server.url("/start")).await.unwrap();
    assert!(html(&page).contains("arrived"));
    assert_eq!(page.url.as_str(), server.url("/dir/final?x=1"));
}

#[tokio::test]
async fn redirect_to_another_scheme_is_refused() {
    for location in ["file:///etc/passwd", "ftp://example.com/", "gopher://x/"] {
        let loc = location.to_string();
        let server = serve(move |_| Reply::redirect(302, &loc)).await;
        let err = open_fetcher().fetch(&server.url("/")).await.unwrap_err();
        assert_eq!(err.kind(), "unsupported_scheme", "{location}: {err}");
    }
}

#[tokio::test]
async fn redirect_loop_stops_at_the_limit() {
    let server = serve(|_| Reply::redirect(302, "/")).await;
    let started = Instant::now();
    match open_fetcher().fetch(&server.url("/")).await {
        Err(Error::TooManyRedirects(n)) => assert_eq!(n, 5),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn exactly_max_redirects_is_allowed_and_one_more_is_not() {
    let server = serve(|r| {
        let n: usize = r.path.trim_start_matches('/').parse().unwrap_or(0);
        if n > 0 {
            Reply::redirect(302, &format!("/{}", n - 1))
        } else {
            Reply::html("<p>end of chain</p>")
        }
    })
    .await;
    let config = FetchConfig {
        max_redirects: 3,
        ..private_ok()
    };
    let fetcher = Fetcher::new(config).unwrap();
    assert!(fetcher.fetch(&server.url("/3")).await.is_ok());
    assert!(matches!(
        fetcher.fetch(&server.url("/4")).await,
        Err(Error::TooManyRedirects(3))
    ));
    let none = Fetcher::new(FetchConfig {
        max_redirects: 0,
        ..private_ok()
    })
    .unwrap();
    assert!(none.fetch(&server.url("/0")).await.is_ok());
    assert!(matches!(
        none.fetch(&server.url("/1")).await,
        Err(Error::TooManyRedirects(0))
    ));
}

#[tokio::test]
async fn redirect_without_location_is_an_http_status_error() {
    let server = serve(|_| Reply::status(302)).await;
    match open_fetcher().fetch(&server.url("/")).await {
        Err(Error::HttpStatus { status }) => assert_eq!(status, 302),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- time limits

#[tokio::test]
async fn a_server_dripping_one_byte_a_second_times_out_within_the_limit() {
    let body = format!("<p>{}</p>", "x".repeat(100));
    let server = serve(move |_| Reply::html(&body).drip(Duration::from_millis(1000))).await;
    let config = FetchConfig {
        request_timeout: Duration::from_millis(1500),
        ..private_ok()
    };
    let started = Instant::now();
    let err = Fetcher::new(config)
        .unwrap()
        .fetch(&server.url("/"))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(1500)),
        "{err:?}"
    );
    assert!(elapsed >= Duration::from_millis(1400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert!(err.to_string().contains("1.5 s"), "{err}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = serve(|_| Reply::status(200).stall()).await;
    let config = FetchConfig {
        request_timeout: Duration::from_millis(700),
        ..private_ok()
    };
    let started = Instant::now();
    let err = Fetcher::new(config)
        .unwrap()
        .fetch(&server.url("/"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "timeout");
    assert!(started.elapsed() < Duration::from_secs(6));
}

#[tokio::test]
async fn a_slow_redirect_chain_shares_one_deadline() {
    // Each hop answers quickly but the hops together exceed the whole-request limit.
    let server = serve(|r| {
        let n: usize = r.path.trim_start_matches('/').parse().unwrap_or(0);
        Reply::redirect(302, &format!("/{}", n + 1)).delay(Duration::from_millis(200))
    })
    .await;
    let config = FetchConfig {
        request_timeout: Duration::from_millis(1000),
        max_redirects: 50,
        ..private_ok()
    };
    let started = Instant::now();
    let err = Fetcher::new(config)
        .unwrap()
        .fetch(&server.url("/0"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "timeout", "{err}");
    assert!(started.elapsed() < Duration::from_secs(6));
}

/// A resolver that never answers.
#[derive(Debug)]
struct SilentDns;

impl HostResolver for SilentDns {
    fn lookup(&self, _host: &str) -> Lookup {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_connection_that_cannot_be_set_up_hits_the_connect_timeout() {
    let config = FetchConfig {
        connect_timeout: Duration::from_millis(300),
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::with_policy(config, Arc::new(TestPolicy), Arc::new(SilentDns)).unwrap();
    let started = Instant::now();
    match fetcher.fetch("http://slow-dns.test/").await {
        Err(Error::Timeout(d)) => assert_eq!(d, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = open_fetcher()
        .fetch(&format!("http://{addr}/"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "connect", "{err}");
    assert!(err.to_string().to_lowercase().contains("refused"), "{err}");
}

// ---------------------------------------------------------------- size limits

fn limited(max: u64) -> Fetcher {
    Fetcher::new(FetchConfig {
        max_body_bytes: max,
        ..private_ok()
    })
    .unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_too_large_with_or_without_content_length() {
    let big = format!("<p>{}</p>", "a".repeat(300_000));
    let b1 = big.clone();
    let with_length = serve(move |_| Reply::html(&b1)).await;
    let without_length = serve(move |_| Reply::html(&big).without_length()).await;
    for server in [&with_length, &without_length] {
        match limited(100_000).fetch(&server.url("/")).await {
            Err(Error::TooLarge(limit)) => assert_eq!(limit, 100_000),
            other => panic!("{other:?}"),
        }
    }
    let err = limited(100 * 1024)
        .fetch(&with_length.url("/"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("100 KiB"), "{err}");
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let body = format!("<p>{}</p>", "b".repeat(993));
    assert_eq!(body.len(), 1000);
    let server = serve(move |_| Reply::html(&body).without_length()).await;
    let page = limited(1000).fetch(&server.url("/")).await.unwrap();
    assert_eq!(html(&page).len(), 1000);
    assert!(matches!(
        limited(999).fetch(&server.url("/")).await,
        Err(Error::TooLarge(999))
    ));
}

#[tokio::test]
async fn a_ten_mib_single_line_works_with_a_larger_limit() {
    let line = format!(
        "<html><body><p>{}</p></body></html>",
        "word ".repeat(2 * 1024 * 1024)
    );
    let expected = line.len();
    assert!(expected > 10 * 1024 * 1024);
    let server = serve(move |_| Reply::html(&line)).await;
    let page = limited(16 * 1024 * 1024)
        .fetch(&server.url("/"))
        .await
        .unwrap();
    assert_eq!(html(&page).len(), expected);
    // And with the default limit it fails cleanly.
    let err = open_fetcher().fetch(&server.url("/")).await.unwrap_err();
    assert_eq!(err.kind(), "too_large");
    assert!(err.to_string().contains("5 MiB"), "{err}");
}

// ---------------------------------------------------------------- status and emptiness

#[tokio::test]
async fn error_statuses_are_reported() {
    let server = serve(|r| match r.path.as_str() {
        "/404" => Reply::status(404)
            .header("Content-Type", "text/html")
            .body(b"<p>nope</p>".to_vec()),
        "/500" => Reply::status(500),
        "/403" => Reply::status(403),
        _ => Reply::status(418),
    })
    .await;
    for status in [404u16, 500, 403] {
        match open_fetcher()
            .fetch(&server.url(&format!("/{status}")))
            .await
        {
            Err(e @ Error::HttpStatus { .. }) => {
                assert!(matches!(e, Error::HttpStatus { status: s } if s == status));
                assert!(e.to_string().contains(&status.to_string()));
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_empty_200_is_an_empty_page() {
    let server = serve(|r| match r.path.as_str() {
        "/empty" => Reply::status(200).header("Content-Type", "text/html"),
        "/blank" => Reply::html(" \r\n\t\n "),
        _ => Reply::status(200).without_length(),
    })
    .await;
    for path in ["/empty", "/blank", "/untyped"] {
        match open_fetcher().fetch(&server.url(path)).await {
            Err(Error::EmptyPage) => {}
            other => panic!("{path}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- content types

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\x01\0\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";

#[tokio::test]
async fn non_article_types_are_refused_by_their_declared_type() {
    let server = serve(|r| {
        let ct = match r.path.as_str() {
            "/png" => "image/png",
            "/pdf" => "application/pdf",
            "/video" => "video/mp4",
            "/json" => "application/json; charset=utf-8",
            _ => "application/octet-stream",
        };
        Reply::status(200)
            .header("Content-Type", ct)
            .body(PNG.to_vec())
    })
    .await;
    for (path, want) in [
        ("/png", "image/png"),
        ("/pdf", "application/pdf"),
        ("/video", "video/mp4"),
        ("/json", "application/json"),
        ("/bin", "application/octet-stream"),
    ] {
        match open_fetcher().fetch(&server.url(path)).await {
            Err(e @ Error::NotAnArticle(_)) => {
                assert!(matches!(&e, Error::NotAnArticle(t) if t == want), "{e:?}");
                assert!(e.to_string().contains(want));
            }
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_png_served_as_html_is_refused_by_its_magic_bytes() {
    let server = serve(|r| {
        let ct = if r.path == "/untyped" {
            None
        } else {
            Some("text/html; charset=utf-8")
        };
        let reply = Reply::status(200).body(PNG.to_vec());
        match ct {
            Some(ct) => reply.header("Content-Type", ct),
            None => reply,
        }
    })
    .await;
    for path in ["/typed", "/untyped"] {
        match open_fetcher().fetch(&server.url(path)).await {
            Err(Error::NotAnArticle(t)) => assert_eq!(t, "image/png"),
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn article_types_and_sniffing() {
    let server = serve(|r| match r.path.as_str() {
        "/xhtml" => Reply::status(200)
            .header("Content-Type", "application/xhtml+xml")
            .body(b"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></html>".to_vec()),
        "/plain" => Reply::status(200)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(b"Plain words.\n\nSecond paragraph.".to_vec()),
        "/sniff-html" => Reply::status(200).body(b"  <!DOCTYPE html><title>t</title><p>sniffed</p>".to_vec()),
        "/sniff-text" => Reply::status(200).body(b"Just a note, no markup.".to_vec()),
        "/sniff-binary" => Reply::status(200).body(b"\0\x01\x02\x03 binary junk".to_vec()),
        "/upper" => Reply::status(200)
            .header("Content-Type", "TEXT/HTML; Charset=UTF-8")
            .body(b"<p>upper</p>".to_vec()),
        _ => Reply::status(404),
    })
    .await;
    let f = open_fetcher();
    assert!(html(&f.fetch(&server.url("/xhtml")).await.unwrap()).contains("<p>x</p>"));
    assert!(html(&f.fetch(&server.url("/upper")).await.unwrap()).contains("upper"));
    match f.fetch(&server.url("/plain")).await.unwrap().body {
        Body::Text(t) => assert_eq!(t, "Plain words.\n\nSecond paragraph."),
        Body::Html(h) => panic!("text/plain taken as HTML: {h}"),
    }
    assert!(html(&f.fetch(&server.url("/sniff-html")).await.unwrap()).contains("sniffed"));
    assert!(matches!(
        f.fetch(&server.url("/sniff-text")).await.unwrap().body,
        Body::Text(_)
    ));
    assert!(matches!(
        f.fetch(&server.url("/sniff-binary")).await,
        Err(Error::NotAnArticle(_))
    ));
}

#[tokio::test]
async fn sends_a_descriptive_user_agent_and_accept_headers() {
    let server = serve(|_| Reply::html("<p>hi</p>")).await;
    open_fetcher().fetch(&server.url("/")).await.unwrap();
    let req = &server.requests()[0];
    let ua = req.header("user-agent").unwrap();
    assert_eq!(ua, USER_AGENT);
    assert!(ua.starts_with(&format!("newsbrief/{}", env!("CARGO_PKG_VERSION"))));
    assert!(req.header("accept").unwrap().starts_with("text/html"));
    assert!(req.header("accept-language").is_some());
    assert!(req.header("accept-encoding").unwrap().contains("gzip"));
}

// ---------------------------------------------------------------- charsets

fn encode(text: &str, label: &str) -> Vec<u8> {
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "{text} not representable in {label}");
    bytes.into_owned()
}

/// Serves `body` at `/` with an optional Content-Type and returns the decoded HTML.
async fn fetch_bytes(body: Vec<u8>, content_type: Option<&str>) -> String {
    let ct = content_type.map(str::to_string);
    let server = serve(move |_| {
        let reply = Reply::status(200).body(body.clone());
        match &ct {
            Some(ct) => reply.header("Content-Type", ct),
            None => reply,
        }
    })
    .await;
    match open_fetcher().fetch(&server.url("/")).await.unwrap().body {
        Body::Html(s) | Body::Text(s) => s,
    }
}

const FRENCH: &str = "Le ministère a confirmé que l'enquête était « à un stade précoce ». \
    Les élèves, déçus, ont réagi très vivement à cette décision prise sans concertation. \
    Où sont passées les garanties données l'été dernier ? Ça reste à démontrer.";
const WIN1252: &str = "The minister said “it’s early days” — and the €2 billion plan was \
    “not confirmed” by officials; others called it ‘premature’… Critics’ reaction was swift.";
const JAPANESE: &str = "政府は、調査がまだ初期段階にあると発表した。関係者によると、\
    両社は不正行為を否定しており、国際的なサイバーセキュリティ基準に従って運営していると述べた。\
    この問題については、今後も報道を続ける予定である。東京の記者が伝えた。";

#[tokio::test]
async fn latin1_pages_decode_with_header_meta_or_detection() {
    let body = |head: &str| {
        let mut b = format!("<html><head>{head}<title>t</title></head><body><p>").into_bytes();
        b.extend(encode(FRENCH, "iso-8859-1"));
        b.extend_from_slice(b"</p></body></html>");
        b
    };
    let by_header = fetch_bytes(body(""), Some("text/html; charset=ISO-8859-1")).await;
    assert!(by_header.contains(FRENCH), "{by_header}");
    let by_meta = fetch_bytes(body("<meta charset=\"iso-8859-1\">"), Some("text/html")).await;
    assert!(by_meta.contains(FRENCH), "{by_meta}");
    let by_http_equiv = fetch_bytes(
        body("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=latin1\">"),
        None,
    )
    .await;
    assert!(by_http_equiv.contains(FRENCH), "{by_http_equiv}");
    let detected = fetch_bytes(body(""), Some("text/html")).await;
    assert!(detected.contains(FRENCH), "{detected}");
}

#[tokio::test]
async fn windows_1252_pages_decode_declared_and_undeclared() {
    let page = |head: &str| {
        let mut b = format!("<html><head>{head}</head><body><p>").into_bytes();
        b.extend(encode(WIN1252, "windows-1252"));
        b.extend_from_slice(b"</p></body></html>");
        b
    };
    let declared = fetch_bytes(page(""), Some("text/html; charset=windows-1252")).await;
    assert!(declared.contains(WIN1252), "{declared}");
    let meta = fetch_bytes(page("<meta charset=windows-1252>"), None).await;
    assert!(meta.contains(WIN1252), "{meta}");
    let detected = fetch_bytes(page(""), Some("text/html")).await;
    assert!(detected.contains(WIN1252), "{detected}");
}

#[tokio::test]
async fn shift_jis_pages_decode_declared_and_undeclared() {
    let page = |head: &str| {
        let mut b = format!("<html><head>{head}</head><body><p>").into_bytes();
        b.extend(encode(JAPANESE, "shift_jis"));
        b.extend_from_slice(b"</p></body></html>");
        b
    };
    let declared = fetch_bytes(page(""), Some("text/html; charset=Shift_JIS")).await;
    assert!(declared.contains(JAPANESE), "{declared}");
    let meta = fetch_bytes(
        page("<meta http-equiv=\"content-type\" content=\"text/html; charset=shift_jis\">"),
        Some("text/html"),
    )
    .await;
    assert!(meta.contains(JAPANESE), "{meta}");
    let detected = fetch_bytes(page(""), None).await;
    assert!(detected.contains(JAPANESE), "{detected}");
    // Plain text in Shift-JIS, undeclared.
    let text = fetch_bytes(encode(JAPANESE, "shift_jis"), Some("text/plain")).await;
    assert_eq!(text, JAPANESE);
}

#[tokio::test]
async fn utf8_pages_without_declaration_and_invalid_utf8_never_panic() {
    let utf8 = format!("<p>{FRENCH} {JAPANESE}</p>");
    let plain = fetch_bytes(utf8.clone().into_bytes(), Some("text/html")).await;
    assert_eq!(plain, utf8);
    let mut broken = b"<p>valid start ".to_vec();
    broken.extend_from_slice(b"\xff\xfe\xc3\x28 \xe2\x82 \xf0\x9f\x98");
    broken.extend_from_slice(b" end</p>");
    let decoded = fetch_bytes(broken, Some("text/html; charset=utf-8")).await;
    assert!(decoded.starts_with("<p>valid start "));
    assert!(decoded.ends_with(" end</p>"));
    assert!(decoded.contains('\u{FFFD}'));
}

#[tokio::test]
async fn a_lying_charset_label_still_decodes_lossily() {
    // UTF-16 label on ASCII bytes, and an unknown label: neither may panic.
    let a = fetch_bytes(b"<p>hello</p>".to_vec(), Some("text/html; charset=utf-16")).await;
    assert!(!a.is_empty());
    let b = fetch_bytes(b"<p>hello</p>".to_vec(), Some("text/html; charset=klingon")).await;
    assert_eq!(b, "<p>hello</p>");
}

// ---------------------------------------------------------------- broken servers

/// Serves raw bytes (not HTTP) to the first connection on 127.0.0.1.
async fn serve_raw(bytes: Vec<u8>) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
    });
    addr
}

#[tokio::test]
async fn servers_that_do_not_speak_http_give_clean_errors() {
    let mut huge_header = b"HTTP/1.1 200 OK\r\nX-Filler: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    huge_header.extend_from_slice(b"\r\n\r\n<p>x</p>");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"this is not HTTP at all\r\n\r\n".to_vec()),
        ("nothing", Vec::new()),
        ("huge header", huge_header),
        (
            "short body",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>cut".to_vec(),
        ),
        (
            "bad chunking",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let addr = serve_raw(bytes).await;
        let started = Instant::now();
        let err = open_fetcher()
            .fetch(&format!("http://{addr}/"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "connect", "{name}: {err}");
        assert!(started.elapsed() < Duration::from_secs(3), "{name} hung");
    }
}

// ---------------------------------------------------------------- slow hosts

#[tokio::test]
async fn a_host_slow_to_answer_times_out_at_the_first_byte_limit() {
    // Headers come after 3 s, well within the whole-request limit but past the first-byte one.
    let server = serve(|_| Reply::html("<p>late</p>").delay(Duration::from_secs(3))).await;
    let config = FetchConfig {
        request_timeout: Duration::from_secs(30),
        first_byte_timeout: Duration::from_millis(300),
        ..private_ok()
    };
    let err = Fetcher::new(config)
        .unwrap()
        .fetch(&server.url("/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(300)),
        "{err:?}"
    );
    // Each redirect hop gets the limit anew: two quick hops and a quick page pass.
    let server = serve(|r| match r.path.as_str() {
        "/0" => Reply::redirect(302, "/1").delay(Duration::from_millis(50)),
        "/1" => Reply::redirect(302, "/2").delay(Duration::from_millis(50)),
        _ => Reply::html("<p>here</p>"),
    })
    .await;
    let page = Fetcher::new(FetchConfig {
        first_byte_timeout: Duration::from_secs(5),
        ..private_ok()
    })
    .unwrap()
    .fetch(&server.url("/0"))
    .await
    .unwrap();
    let hops: Vec<String> = page.hops.iter().map(ToString::to_string).collect();
    assert_eq!(
        hops,
        vec![server.url("/0"), server.url("/1")],
        "the redirects, in order"
    );
    assert_eq!(page.url.as_str(), server.url("/2"));
}

#[tokio::test]
async fn a_host_that_keeps_timing_out_is_paused_and_others_are_not() {
    let server = serve(|_| Reply::status(200).stall()).await;
    let fetcher = Fetcher::new(FetchConfig {
        first_byte_timeout: Duration::from_millis(200),
        ..private_ok()
    })
    .unwrap();
    for i in 0..newsbrief::fetch::SLOW_HOST_STRIKES {
        let err = fetcher
            .fetch(&server.url(&format!("/{i}")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "timeout");
    }
    let seen = server.requests().len();
    assert_eq!(seen, newsbrief::fetch::SLOW_HOST_STRIKES as usize);
    // Paused: the next link of that host fails as a timeout without a request.
    let err = fetcher.fetch(&server.url("/next")).await.unwrap_err();
    assert_eq!(err.kind(), "timeout");
    assert_eq!(server.requests().len(), seen, "not fetched while paused");
    // The same server under another name is another host.
    let other = server.url("/other").replace("127.0.0.1", "localhost");
    assert_eq!(fetcher.fetch(&other).await.unwrap_err().kind(), "timeout");
    assert_eq!(
        server.requests().len(),
        seen + 1,
        "another host is still fetched"
    );
}

#[tokio::test]
async fn a_host_that_answers_between_timeouts_is_paused_only_if_timeouts_win() {
    // Every other request stalls: a success takes a strike back, so this host, timing out
    // half the time, is never paused.
    let n = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = serve(move |_| {
        if n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 2 == 0 {
            Reply::status(200).stall()
        } else {
            Reply::html("<p>The council said on Monday that the plan was approved.</p>")
        }
    })
    .await;
    let fetcher = Fetcher::new(FetchConfig {
        first_byte_timeout: Duration::from_millis(200),
        ..private_ok()
    })
    .unwrap();
    for i in 0..8 {
        let _ = fetcher.fetch(&server.url(&format!("/{i}"))).await;
    }
    assert_eq!(server.requests().len(), 8, "never paused");
}
