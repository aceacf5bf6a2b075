//! Name resolution with the address policy applied to every answer.
//!
//! The guarded resolver is the DNS resolver reqwest uses for every connection it opens. It
//! asks a [`HostResolver`] (the system resolver by default, a fake in tests) for the
//! host's addresses and refuses the whole host if the [`AddressPolicy`] refuses ANY of
//! them, so a name that mixes public and private answers cannot slip through. Because the
//! check runs inside the resolver that the connection itself uses, there is no gap between
//! checking and connecting for DNS rebinding to exploit: every new connection is checked.
//!
//! IP-literal hosts never reach a resolver (reqwest connects to them directly); the
//! fetcher checks those itself.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::policy::AddressPolicy;

/// A boxed future answering a name lookup.
pub type Lookup = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Turns a host name into IP addresses. Injectable so tests can fake DNS.
pub trait HostResolver: Send + Sync + fmt::Debug {
    /// All addresses `host` resolves to (a name, never an IP literal).
    fn lookup(&self, host: &str) -> Lookup;
}

/// The operating system's resolver (`getaddrinfo`, through [`tokio::net::lookup_host`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl HostResolver for SystemResolver {
    fn lookup(&self, host: &str) -> Lookup {
        // Port 0 is a placeholder: lookup_host wants a socket address, only the IPs are kept.
        let target = format!("{host}:0");
        Box::pin(async move {
            let addrs = tokio::net::lookup_host(target).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// Why the guarded resolver gave no addresses. Found again in reqwest's error chain by
/// the fetcher and turned into [`crate::error::Error::BlockedAddress`] or `Dns`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ResolveRefusal {
    /// The policy refused one of the addresses.
    #[error("{host} resolves to the non-public address {addr}")]
    Blocked {
        /// The host name.
        host: String,
        /// The first refused address.
        addr: IpAddr,
    },
    /// The lookup failed or found nothing.
    #[error("could not resolve {host}: {reason}")]
    Failed {
        /// The host name.
        host: String,
        /// Why.
        reason: String,
    },
}

/// The reqwest resolver that applies an [`AddressPolicy`] to every answer.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    inner: Arc<dyn HostResolver>,
    policy: Arc<dyn AddressPolicy>,
}

impl GuardedResolver {
    pub(crate) fn new(inner: Arc<dyn HostResolver>, policy: Arc<dyn AddressPolicy>) -> Self {
        Self { inner, policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let lookup = self.inner.lookup(&host);
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let addrs = lookup.await.map_err(|e| ResolveRefusal::Failed {
                host: host.clone(),
                reason: e.to_string(),
            })?;
            if addrs.is_empty() {
                return Err(ResolveRefusal::Failed {
                    host,
                    reason: "no addresses found".into(),
                }
                .into());
            }
            if let Some(&addr) = addrs.iter().find(|&&a| !policy.allows(a)) {
                tracing::debug!(%host, %addr, "refusing host: non-public address");
                return Err(ResolveRefusal::Blocked { host, addr }.into());
            }
            // Port 0 is replaced by the URL's port (or the scheme's default) by reqwest.
            let addrs: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}
