//! A tiny raw HTTP/1.1 server on loopback for fetch tests: it answers each connection
//! with whatever the test's handler says, including misbehaviour (dripping bytes, no
//! Content-Length, lying headers), then closes the connection.

#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target, e.g. `/a?b`.
    pub path: String,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of a header, by lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_length: bool,
    drip: Option<Duration>,
    delay: Option<Duration>,
    stall: bool,
}

impl Reply {
    /// A reply with this status and no body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            content_length: true,
            drip: None,
            delay: None,
            stall: false,
        }
    }
    /// 200 with `text/html; charset=utf-8`.
    pub fn html(body: &str) -> Self {
        Self::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body.as_bytes().to_vec())
    }
    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::status(status).header("Location", location)
    }
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    /// Sets the body.
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }
    /// Sends no Content-Length: the body ends when the connection closes.
    pub fn without_length(mut self) -> Self {
        self.content_length = false;
        self
    }
    /// Sends the body one byte per `every`.
    pub fn drip(mut self, every: Duration) -> Self {
        self.drip = Some(every);
        self
    }
    /// Waits `delay` before answering at all.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
    /// Never answers at all (holds the connection open).
    pub fn stall(mut self) -> Self {
        self.stall = true;
        self
    }
}

/// A running server: its address and what it has seen.
#[derive(Clone)]
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// `http://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Serves `handler` on 127.0.0.1 on a free port.
pub async fn serve<F>(handler: F) -> Server
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    serve_on(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), handler).await
}

/// Serves `handler` on `addr` (a loopback address; port 0 picks a free one).
pub async fn serve_on<F>(addr: SocketAddr, handler: F) -> Server
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    assert!(addr.ip().is_loopback(), "tests only listen on loopback");
    let listener = TcpListener::bind(addr).await.unwrap();
    let server = Server {
        addr: listener.local_addr().unwrap(),
        connections: Arc::default(),
        requests: Arc::default(),
    };
    let handler = Arc::new(handler);
    let seen = server.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            seen.connections.fetch_add(1, Ordering::SeqCst);
            let handler = Arc::clone(&handler);
            let requests = Arc::clone(&seen.requests);
            tokio::spawn(async move {
                let Some(request) = read_request(&mut stream).await else {
                    return;
                };
                requests.lock().unwrap().push(request.clone());
                let reply = handler(&request);
                if reply.stall {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                if let Some(delay) = reply.delay {
                    tokio::time::sleep(delay).await;
                }
                let _ = write_reply(&mut stream, &reply).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    server
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Request { path, headers })
}

async fn write_reply(stream: &mut tokio::net::TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} Test\r\n", reply.status);
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if reply.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    match reply.drip {
        Some(every) => {
            for byte in &reply.body {
                stream.write_all(&[*byte]).await?;
                stream.flush().await?;
                tokio::time::sleep(every).await;
            }
        }
        None => {
            for part in reply.body.chunks(64 * 1024) {
                stream.write_all(part).await?;
            }
        }
    }
    stream.flush().await
}
