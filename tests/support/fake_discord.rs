//! A fake Discord for tests: REST plus a WebSocket gateway on 127.0.0.1.
//!
//! REST: `GET /api/v10/gateway` and `/gateway/bot` give the ws URL; `GET
//! /api/v10/oauth2/applications/@me` and `/users/@me` describe the bot; command registration,
//! channel messages, typing, interaction callbacks and webhook follow-ups are answered with
//! Discord's shapes. Every REST call is recorded, and tests wait on them with bounded waits.
//!
//! Gateway: HELLO on connect, READY after IDENTIFY (close 4004 on a wrong token), heartbeat
//! ACKs at any time, RESUMED after RESUME, and scripted dispatches (each with its `s`) pushed
//! by the test while the heartbeats keep being answered.
//!
//! Sharding: `GET /gateway/bot` recommends [`FakeDiscord::recommend_shards`] shards (1 by
//! default); any number of connections may IDENTIFY, each with its `shard` field recorded
//! ([`FakeDiscord::identified`]) and echoed in its READY. Dispatches go to the newest
//! connection ([`FakeDiscord::dispatch`]) or to the one of a given shard
//! ([`FakeDiscord::dispatch_on`]), as Discord routes a guild's events to one shard.
//!
//! One file on purpose: REST and the gateway share the recorded state (calls, sessions,
//! shards) that tests wait on, and benches include it with one `#[path]`.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};

/// The application (and bot user) id of the fake.
pub const APP_ID: u64 = 900_000_000_000_000_001;
/// The bot's user id.
pub const BOT_ID: u64 = 900_000_000_000_000_002;
/// A guild the bot is in.
pub const GUILD_ID: u64 = 800_000_000_000_000_001;
/// How long `wait_*` helpers wait before failing the test.
pub const WAIT: Duration = Duration::from_secs(30);

/// One recorded REST call.
#[derive(Debug, Clone)]
pub struct Call {
    /// HTTP method.
    pub method: String,
    /// Path without the `/api/v10` prefix, e.g. `/channels/1/messages`.
    pub path: String,
    /// Query string.
    pub query: String,
    /// JSON body (Null when none).
    pub body: Value,
    /// Authorization header.
    pub auth: Option<String>,
    /// When the fake received it.
    pub at: std::time::Instant,
}

impl Call {
    /// Whether this is `method` on exactly `path`.
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

struct Inner {
    token: String,
    calls: Mutex<Vec<Call>>,
    calls_changed: watch::Sender<usize>,
    /// The open gateway connections, oldest first.
    gateway: Mutex<Vec<Conn>>,
    /// Bumped whenever a connection identifies or closes.
    conns_changed: watch::Sender<usize>,
    /// The `shard` field of every IDENTIFY so far, in order.
    identifies: Mutex<Vec<[u32; 2]>>,
    /// The shard of each session id handed out (a RESUME names its session).
    session_shards: Mutex<std::collections::HashMap<String, [u32; 2]>>,
    /// Shards recommended by `GET /gateway/bot`.
    recommended_shards: AtomicU32,
    next_conn: AtomicU64,
    /// Identifies (and resumes) seen so far.
    sessions: watch::Sender<usize>,
    next_id: AtomicU64,
    /// Statuses to answer the next `POST /channels/*/messages` calls with (failure injection),
    /// each with the wait a 429 advertises.
    message_failures: Mutex<VecDeque<(u16, Option<Duration>)>>,
    ws_url: Mutex<String>,
    /// Answer gateway connections with 503 (no gateway at all) while set.
    refuse_connections: std::sync::atomic::AtomicBool,
    /// Close IDENTIFY with 4014 (as Discord does when a privileged intent is not enabled).
    refuse_intents: std::sync::atomic::AtomicBool,
    /// Threads by id, with their parent channel (`GET /channels/{id}` answers for them).
    threads: Mutex<std::collections::HashMap<u64, u64>>,
    /// Messages sent by tests, by id (`GET /channels/{c}/messages/{id}` answers with them).
    messages: Mutex<std::collections::HashMap<u64, Value>>,
    /// Channels whose next `GET /channels/{id}` lookups fail, with how many more fail.
    channel_failures: Mutex<std::collections::HashMap<u64, usize>>,
}

struct Conn {
    id: u64,
    /// `[id, total]` from its IDENTIFY (None before it identifies).
    shard: Option<[u32; 2]>,
    tx: mpsc::UnboundedSender<Outgoing>,
}

/// Removes a connection from the open list when its session ends, however it ends.
struct ConnGuard {
    inner: Arc<Inner>,
    id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.inner
            .gateway
            .lock()
            .unwrap()
            .retain(|c| c.id != self.id);
        self.inner.conns_changed.send_modify(|n| *n += 1);
    }
}

enum Outgoing {
    Dispatch(String, Value),
    Close(u16),
}

/// The fake Discord server.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    /// `http://127.0.0.1:PORT` (the value for DISCORD_PROXY_URL).
    pub base_url: String,
}

impl FakeDiscord {
    /// Starts a fake that accepts `token`.
    pub async fn start(token: &str) -> Self {
        let inner = Arc::new(Inner {
            token: token.to_string(),
            calls: Mutex::new(Vec::new()),
            calls_changed: watch::channel(0).0,
            gateway: Mutex::new(Vec::new()),
            conns_changed: watch::channel(0).0,
            identifies: Mutex::new(Vec::new()),
            session_shards: Mutex::default(),
            recommended_shards: AtomicU32::new(1),
            next_conn: AtomicU64::new(1),
            sessions: watch::channel(0).0,
            next_id: AtomicU64::new(1_000_000_000_000_000_000),
            message_failures: Mutex::new(VecDeque::new()),
            ws_url: Mutex::new(String::new()),
            refuse_intents: std::sync::atomic::AtomicBool::new(false),
            threads: Mutex::default(),
            messages: Mutex::default(),
            channel_failures: Mutex::default(),
            refuse_connections: std::sync::atomic::AtomicBool::new(false),
        });
        let app = Router::new()
            .route("/gateway", get(gateway))
            .fallback(rest)
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        *inner.ws_url.lock().unwrap() = format!("ws://{addr}/gateway");
        tokio::spawn(async move {
            // No Nagle delay: events are small frames sent one at a time, as Discord's are.
            axum::serve(listener, app).tcp_nodelay(true).await.unwrap();
        });
        Self {
            inner,
            base_url: format!("http://{addr}"),
        }
    }

    /// A fresh snowflake.
    pub fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.calls.lock().unwrap().clone()
    }

    /// Forgets the calls seen so far (long benchmarks, so the list does not grow without end).
    pub fn clear_calls(&self) {
        self.inner.calls.lock().unwrap().clear();
    }

    /// Makes `GET /gateway` and `/gateway/bot` hand out `url` as the gateway URL (a
    /// misconfigured or hostile proxy).
    pub fn set_gateway_url(&self, url: &str) {
        *self.inner.ws_url.lock().unwrap() = url.to_string();
    }

    /// Makes `GET /gateway/bot` recommend `n` shards.
    pub fn recommend_shards(&self, n: u32) {
        self.inner.recommended_shards.store(n, Ordering::SeqCst);
    }

    /// The `shard` field (`[id, total]`) of every IDENTIFY so far, in order.
    pub fn identified(&self) -> Vec<[u32; 2]> {
        self.inner.identifies.lock().unwrap().clone()
    }

    /// The shard ids of the connections open and identified now, sorted.
    pub fn open_shards(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .inner
            .gateway
            .lock()
            .unwrap()
            .iter()
            .filter_map(|c| c.shard.map(|s| s[0]))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Waits until the open, identified shards are exactly `ids` (sorted).
    pub async fn wait_open_shards(&self, ids: &[u32]) {
        let mut rx = self.inner.conns_changed.subscribe();
        let done = tokio::time::timeout(WAIT, async {
            while self.open_shards() != ids {
                rx.changed().await.unwrap();
            }
        })
        .await;
        if done.is_err() {
            panic!(
                "open shards are {:?}, not {ids:?}, after {WAIT:?}",
                self.open_shards()
            );
        }
    }

    /// While `on`, the gateway refuses new connections (HTTP 503), as during an outage.
    pub fn refuse_connections(&self, on: bool) {
        self.inner.refuse_connections.store(on, Ordering::SeqCst);
    }

    /// Refuses every IDENTIFY with close code 4014 (disallowed intents).
    pub fn refuse_intents(&self) {
        self.inner.refuse_intents.store(true, Ordering::SeqCst);
    }

    /// Makes the next `n` message posts fail with `status`.
    pub fn fail_next_messages(&self, n: usize, status: u16) {
        let mut q = self.inner.message_failures.lock().unwrap();
        for _ in 0..n {
            q.push_back((status, None));
        }
    }

    /// Makes the next message post answer 429 as Discord does: `Retry-After` (whole seconds,
    /// rounded up), `X-RateLimit-Reset-After` and the body's `retry_after` all saying `wait`,
    /// and no `code` in the body.
    pub fn rate_limit_next_message(&self, wait: Duration) {
        self.inner
            .message_failures
            .lock()
            .unwrap()
            .push_back((429, Some(wait)));
    }

    /// Waits until at least `n` gateway sessions (IDENTIFY or RESUME) have been answered.
    pub async fn wait_sessions(&self, n: usize) {
        let mut rx = self.inner.sessions.subscribe();
        tokio::time::timeout(WAIT, rx.wait_for(|s| *s >= n))
            .await
            .unwrap_or_else(|_| panic!("the bot did not open gateway session #{n} within {WAIT:?}"))
            .unwrap();
    }

    /// Waits for the first call (from index `from`) matching `pred`.
    pub async fn wait_call_from(
        &self,
        from: usize,
        what: &str,
        pred: impl Fn(&Call) -> bool,
    ) -> Call {
        let mut rx = self.inner.calls_changed.subscribe();
        let found = tokio::time::timeout(WAIT, async {
            loop {
                if let Some(c) = self.calls().into_iter().skip(from).find(|c| pred(c)) {
                    return c;
                }
                rx.changed().await.unwrap();
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            let seen: Vec<String> = self
                .calls()
                .iter()
                .map(|c| format!("{} {}", c.method, c.path))
                .collect();
            panic!("timed out after {WAIT:?} waiting for {what}; calls seen: {seen:#?}")
        })
    }

    /// Waits until `pred` holds for the list of all calls.
    pub async fn wait_until(&self, what: &str, pred: impl Fn(&[Call]) -> bool) {
        let mut rx = self.inner.calls_changed.subscribe();
        let done = tokio::time::timeout(WAIT, async {
            loop {
                if pred(&self.inner.calls.lock().unwrap()) {
                    return;
                }
                rx.changed().await.unwrap();
            }
        })
        .await;
        if done.is_err() {
            panic!(
                "timed out after {WAIT:?} waiting for {what}; {} calls seen",
                self.calls().len()
            );
        }
    }

    /// Waits for a call matching `pred`.
    pub async fn wait_call(&self, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        self.wait_call_from(0, what, pred).await
    }

    /// Waits until command registration happened (the bot is then fully set up).
    pub async fn wait_registered(&self, from: usize) -> Call {
        self.wait_call_from(from, "command registration", |c| {
            c.method == "PUT"
                && c.path.starts_with(&format!("/applications/{APP_ID}/"))
                && c.path.ends_with("/commands")
        })
        .await
    }

    /// Sends a dispatch event on the newest gateway connection.
    pub fn dispatch(&self, t: &str, d: Value) {
        let tx = self
            .inner
            .gateway
            .lock()
            .unwrap()
            .last()
            .map(|c| c.tx.clone());
        tx.expect("no gateway connection")
            .send(Outgoing::Dispatch(t.to_string(), d))
            .expect("gateway connection closed");
    }

    /// Sends a dispatch event on the connection of shard `shard`.
    pub fn dispatch_on(&self, shard: u32, t: &str, d: Value) {
        let tx = self
            .inner
            .gateway
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|c| c.shard.is_some_and(|s| s[0] == shard))
            .map(|c| c.tx.clone());
        tx.unwrap_or_else(|| panic!("no gateway connection for shard {shard}"))
            .send(Outgoing::Dispatch(t.to_string(), d))
            .expect("gateway connection closed");
    }

    /// Closes the newest gateway connection with `code` (the bot should reconnect).
    pub fn drop_gateway(&self, code: u16) {
        let tx = self
            .inner
            .gateway
            .lock()
            .unwrap()
            .last()
            .map(|c| c.tx.clone());
        if let Some(tx) = tx {
            let _ = tx.send(Outgoing::Close(code));
        }
    }

    /// Sends a MESSAGE_CREATE from `author` in `channel` and returns the message id.
    pub fn send_message(&self, channel: u64, author: &Value, content: &str) -> u64 {
        self.send_message_via(None, channel, author, content)
    }

    /// [`Self::send_message`] on the connection of shard `shard`.
    pub fn send_message_on(&self, shard: u32, channel: u64, author: &Value, content: &str) -> u64 {
        self.send_message_via(Some(shard), channel, author, content)
    }

    /// [`Self::send_message`] in the server `guild` (another server than [`GUILD_ID`]).
    pub fn send_message_in(&self, guild: u64, channel: u64, author: &Value, content: &str) -> u64 {
        self.send_message_to(None, guild, channel, author, content)
    }

    fn send_message_via(
        &self,
        shard: Option<u32>,
        channel: u64,
        author: &Value,
        content: &str,
    ) -> u64 {
        self.send_message_to(shard, GUILD_ID, channel, author, content)
    }

    fn send_message_to(
        &self,
        shard: Option<u32>,
        guild: u64,
        channel: u64,
        author: &Value,
        content: &str,
    ) -> u64 {
        let id = self.next_id();
        let mut m = message_json(id, channel, Some(guild), author.clone(), content, json!([]));
        m["member"] =
            json!({"roles": [], "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0});
        self.inner.messages.lock().unwrap().insert(id, m.clone());
        match shard {
            Some(s) => self.dispatch_on(s, "MESSAGE_CREATE", m),
            None => self.dispatch("MESSAGE_CREATE", m),
        }
        id
    }

    /// Sends a MESSAGE_CREATE in a direct message channel (no guild); returns its id.
    pub fn send_dm(&self, channel: u64, author: &Value, content: &str) -> u64 {
        let id = self.next_id();
        let m = message_json(id, channel, None, author.clone(), content, json!([]));
        self.inner.messages.lock().unwrap().insert(id, m.clone());
        self.dispatch("MESSAGE_CREATE", m);
        id
    }

    /// Makes the next `n` lookups of `channel` (`GET /channels/{channel}`) fail with HTTP 500.
    pub fn fail_channel_lookups(&self, channel: u64, n: usize) {
        self.inner
            .channel_failures
            .lock()
            .unwrap()
            .insert(channel, n);
    }

    /// Makes `thread` a thread of the channel `parent` (as `GET /channels/{thread}` says).
    pub fn add_thread(&self, thread: u64, parent: u64) {
        self.inner.threads.lock().unwrap().insert(thread, parent);
    }

    /// Sends a MESSAGE_REACTION_ADD: `user` added `emoji` to `message` in `channel`.
    pub fn add_reaction(&self, channel: u64, message: u64, user: &Value, emoji: &str) {
        let d = json!({
            "user_id": user["id"], "channel_id": channel.to_string(),
            "message_id": message.to_string(), "guild_id": GUILD_ID.to_string(),
            "member": {"user": user, "roles": [], "joined_at": TIMESTAMP, "deaf": false,
                       "mute": false, "flags": 0},
            "emoji": {"id": null, "name": emoji}, "burst": false, "type": 0,
        });
        self.dispatch("MESSAGE_REACTION_ADD", d);
    }

    /// Sends an INTERACTION_CREATE for a slash command; returns the interaction token.
    pub fn slash_command(
        &self,
        channel: u64,
        user: &Value,
        name: &str,
        options: Value,
        permissions: u64,
    ) -> String {
        self.slash_via(None, channel, user, (name, options), permissions)
    }

    /// [`Self::slash_command`] on the connection of shard `shard`.
    pub fn slash_command_on(
        &self,
        shard: u32,
        channel: u64,
        user: &Value,
        name: &str,
        options: Value,
        permissions: u64,
    ) -> String {
        self.slash_via(Some(shard), channel, user, (name, options), permissions)
    }

    fn slash_via(
        &self,
        shard: Option<u32>,
        channel: u64,
        user: &Value,
        (name, options): (&str, Value),
        permissions: u64,
    ) -> String {
        let data =
            json!({"id": self.next_id().to_string(), "name": name, "type": 1, "options": options});
        self.interaction(shard, channel, user, data, permissions)
    }

    /// The option `option` of the registered `command` set to its choice `name`, as an
    /// interaction carries it.
    pub fn command_choice(&self, command: &str, option: &str, name: &str) -> Value {
        let reg = self
            .calls()
            .into_iter()
            .rev()
            .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
            .expect("commands registered");
        // The item of the list `list` whose "name" is `name`.
        let named = |list: &Value, name: &str| {
            list.as_array()
                .and_then(|items| items.iter().find(|i| i["name"] == name))
                .cloned()
                .unwrap_or_else(|| panic!("no {name:?} in {list}"))
        };
        let opt = named(&named(&reg.body, command)["options"], option);
        let ch = named(&opt["choices"], name);
        json!({"name": option, "type": opt["type"], "value": ch["value"]})
    }

    /// Sends an INTERACTION_CREATE for the "Summarize" message menu on `target`, from a member
    /// who may view the channel, send messages and embed links there.
    pub fn message_menu(&self, channel: u64, user: &Value, name: &str, target: Value) -> String {
        self.message_menu_with(channel, user, name, target, MEMBER_PERMISSIONS)
    }

    /// [`Self::message_menu`] from a member with `permissions` in the channel.
    pub fn message_menu_with(
        &self,
        channel: u64,
        user: &Value,
        name: &str,
        target: Value,
        permissions: u64,
    ) -> String {
        let target_id = target["id"].as_str().unwrap().to_string();
        let data = json!({
            "id": self.next_id().to_string(), "name": name, "type": 3, "target_id": target_id,
            "resolved": {"messages": {target_id.clone(): target}},
        });
        self.interaction(None, channel, user, data, permissions)
    }

    /// Sends an INTERACTION_CREATE for a press on the button `custom_id` under `message` (a
    /// message object as the bot posted it); returns the interaction token.
    pub fn press_button(&self, user: &Value, message: Value, custom_id: &str) -> String {
        let channel: u64 = message["channel_id"].as_str().unwrap().parse().unwrap();
        let data = json!({"custom_id": custom_id, "component_type": 2});
        self.interaction_of_type(
            3,
            None,
            channel,
            user,
            data,
            message,
            0x0000_0400 | 0x0000_0800,
        )
    }

    fn interaction(
        &self,
        shard: Option<u32>,
        channel: u64,
        user: &Value,
        data: Value,
        permissions: u64,
    ) -> String {
        self.interaction_of_type(2, shard, channel, user, data, Value::Null, permissions)
    }

    #[allow(clippy::too_many_arguments)]
    fn interaction_of_type(
        &self,
        kind: u8,
        shard: Option<u32>,
        channel: u64,
        user: &Value,
        data: Value,
        message: Value,
        permissions: u64,
    ) -> String {
        let id = self.next_id();
        let token = format!("itoken-{id}");
        let mut d = json!({
            "id": id.to_string(),
            "application_id": APP_ID.to_string(),
            "type": kind,
            "data": data,
            "guild_id": GUILD_ID.to_string(),
            "channel_id": channel.to_string(),
            "channel": {"id": channel.to_string(), "type": 0, "name": "news", "guild_id": GUILD_ID.to_string(), "permissions": permissions.to_string()},
            "member": {
                "user": user, "nick": null, "avatar": null, "roles": [], "joined_at": TIMESTAMP,
                "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false,
                "permissions": permissions.to_string(),
            },
            "token": token,
            "version": 1,
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
            "context": 0,
            "attachment_size_limit": 26_214_400,
        });
        if !message.is_null() {
            d["message"] = message;
        }
        match shard {
            Some(s) => self.dispatch_on(s, "INTERACTION_CREATE", d),
            None => self.dispatch("INTERACTION_CREATE", d),
        }
        token
    }
}

/// Whether `c` posts a reply to `message` (a message with a reference to it).
pub fn is_reply_to(c: &Call, message: u64) -> bool {
    c.method == "POST"
        && c.path.ends_with("/messages")
        && c.body["message_reference"]["message_id"].as_str() == Some(&message.to_string())
}

/// View channel, send messages and embed links: what an ordinary member may do in a channel.
pub const MEMBER_PERMISSIONS: u64 = 0x0000_0400 | 0x0000_0800 | 0x0000_4000;

/// A pseudo status for [`FakeDiscord::fail_next_messages`]: never answer.
pub const HANG: u16 = 0;

/// A fixed ISO 8601 timestamp for payloads.
pub const TIMESTAMP: &str = "2024-03-27T10:00:00.000000+00:00";

/// A user object.
pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name,
           "avatar": null, "bot": bot, "public_flags": 0})
}

/// A message object.
pub fn message_json(
    id: u64,
    channel: u64,
    guild: Option<u64>,
    author: Value,
    content: &str,
    embeds: Value,
) -> Value {
    let mut m = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author,
        "content": content, "timestamp": TIMESTAMP, "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": embeds, "pinned": false, "type": 0, "flags": 0, "components": [],
    });
    if let Some(g) = guild {
        m["guild_id"] = json!(g.to_string());
    }
    m
}

fn bot_user() -> Value {
    json!({"id": BOT_ID.to_string(), "username": "newsbrief", "discriminator": "0",
           "global_name": null, "avatar": null, "bot": true, "verified": true,
           "mfa_enabled": false, "flags": 0, "public_flags": 0})
}

fn record(inner: &Inner, call: Call) {
    inner.calls.lock().unwrap().push(call);
    inner.calls_changed.send_modify(|n| *n += 1);
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message, "code": 0}))).into_response()
}

/// A 429 as Discord sends it for a route's limit.
fn rate_limited(wait: Duration) -> Response {
    let secs = wait.as_secs_f64();
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            ("retry-after", secs.ceil().to_string()),
            ("x-ratelimit-limit", "5".to_string()),
            ("x-ratelimit-remaining", "0".to_string()),
            ("x-ratelimit-reset-after", format!("{secs:.3}")),
            ("x-ratelimit-scope", "user".to_string()),
        ],
        Json(
            json!({"message": "You are being rate limited.", "retry_after": secs, "global": false}),
        ),
    )
        .into_response()
}

async fn rest(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or(uri.path())
        .to_string();
    let body_json: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or(Value::String(String::from_utf8_lossy(&body).into()))
    };
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let call = Call {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().unwrap_or("").to_string(),
        body: body_json.clone(),
        auth: auth.clone(),
        at: std::time::Instant::now(),
    };
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    // Webhook and interaction routes are authorised by their token, not the bot token.
    let needs_bot_auth = !matches!(segs.first(), Some(&"webhooks") | Some(&"interactions"));
    if needs_bot_auth && auth.as_deref() != Some(&format!("Bot {}", inner.token)) {
        record(&inner, call);
        return error(StatusCode::UNAUTHORIZED, "401: Unauthorized");
    }
    let ws_url = inner.ws_url.lock().unwrap().clone();
    let response = match (method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => Json(json!({"url": ws_url})).into_response(),
        ("GET", ["gateway", "bot"]) => Json(json!({
            "url": ws_url, "shards": inner.recommended_shards.load(Ordering::SeqCst),
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        }))
        .into_response(),
        ("GET", ["oauth2", "applications", "@me"]) => Json(json!({
            "id": APP_ID.to_string(), "name": "newsbrief", "icon": null, "description": "",
            "rpc_origins": [], "bot_public": true, "bot_require_code_grant": false,
            "owner": user(700, "owner", false), "verify_key": "00", "team": null, "flags": 0,
            "bot": bot_user(),
        }))
        .into_response(),
        ("GET", ["users", "@me"]) => Json(bot_user()).into_response(),
        ("PUT", ["applications", _app, "commands"]) => Json(echo_commands(&inner, &body_json, None)).into_response(),
        ("PUT", ["applications", _app, "guilds", g, "commands"]) => {
            Json(echo_commands(&inner, &body_json, Some(g))).into_response()
        }
        ("POST", ["channels", channel, "typing"]) => {
            let _ = channel;
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", ["channels", channel, "messages"]) => {
            let failure = inner.message_failures.lock().unwrap().pop_front();
            if let Some((status, wait)) = failure {
                record(&inner, call);
                if let Some(wait) = wait {
                    return rate_limited(wait);
                }
                if status == HANG {
                    // Never answer this request (the client must time out).
                    std::future::pending::<()>().await;
                }
                return error(StatusCode::from_u16(status).unwrap(), "injected failure");
            }
            let channel: u64 = channel.parse().unwrap_or(0);
            let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
            let mut m = message_json(
                id,
                channel,
                Some(GUILD_ID),
                bot_user(),
                body_json["content"].as_str().unwrap_or(""),
                body_json.get("embeds").cloned().unwrap_or(json!([])),
            );
            if let Some(r) = body_json.get("message_reference") {
                m["message_reference"] = r.clone();
                m["type"] = json!(19);
            }
            Json(m).into_response()
        }
        ("GET", ["channels", channel]) => {
            let id: u64 = channel.parse().unwrap_or(0);
            let fail = {
                let mut failing = inner.channel_failures.lock().unwrap();
                match failing.get_mut(&id) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            };
            if fail {
                record(&inner, call);
                return error(StatusCode::INTERNAL_SERVER_ERROR, "injected failure");
            }
            let parent = inner.threads.lock().unwrap().get(&id).copied();
            match parent {
                Some(p) => Json(json!({
                    "id": id.to_string(), "type": 11, "guild_id": GUILD_ID.to_string(),
                    "name": "a thread", "parent_id": p.to_string(), "owner_id": "700",
                    "thread_metadata": {"archived": false, "auto_archive_duration": 1440,
                                        "archive_timestamp": TIMESTAMP, "locked": false},
                    "message_count": 1, "member_count": 1, "rate_limit_per_user": 0,
                    "flags": 0, "last_message_id": null,
                }))
                .into_response(),
                None => Json(json!({
                    "id": id.to_string(), "type": 0, "guild_id": GUILD_ID.to_string(),
                    "name": "news", "position": 0, "permission_overwrites": [], "nsfw": false,
                    "parent_id": null, "rate_limit_per_user": 0, "flags": 0,
                    "last_message_id": null, "topic": null,
                }))
                .into_response(),
            }
        }
        ("GET", ["channels", _channel, "messages", message]) => {
            let id: u64 = message.parse().unwrap_or(0);
            let m = inner.messages.lock().unwrap().get(&id).cloned();
            match m {
                Some(m) => Json(m).into_response(),
                None => error(StatusCode::NOT_FOUND, "Unknown Message"),
            }
        }
        ("PUT", ["channels", _channel, "messages", _message, "reactions", _emoji, "@me"]) => {
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", ["interactions", _id, _token, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _app, _token]) => {
            let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
            let mut m = message_json(
                id,
                1,
                None,
                bot_user(),
                body_json["content"].as_str().unwrap_or(""),
                body_json.get("embeds").cloned().unwrap_or(json!([])),
            );
            m["webhook_id"] = json!(APP_ID.to_string());
            m["flags"] = body_json.get("flags").cloned().unwrap_or(json!(0));
            Json(m).into_response()
        }
        ("PATCH", ["webhooks", _app, _token, "messages", _mid]) => {
            let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
            let m = message_json(
                id,
                1,
                None,
                bot_user(),
                body_json["content"].as_str().unwrap_or(""),
                body_json.get("embeds").cloned().unwrap_or(json!([])),
            );
            Json(m).into_response()
        }
        ("DELETE", ["webhooks", _app, _token, "messages", _mid]) => StatusCode::NO_CONTENT.into_response(),
        _ => error(StatusCode::NOT_FOUND, "404: Not Found"),
    };
    record(&inner, call);
    response
}

fn echo_commands(inner: &Inner, body: &Value, guild: Option<&str>) -> Value {
    let list = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.into_iter()
            .map(|mut c| {
                let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
                c["id"] = json!(id.to_string());
                c["application_id"] = json!(APP_ID.to_string());
                c["version"] = json!(id.to_string());
                if c.get("type").is_none() {
                    c["type"] = json!(1);
                }
                if c.get("description").is_none() {
                    c["description"] = json!("");
                }
                if let Some(g) = guild {
                    c["guild_id"] = json!(g);
                }
                c
            })
            .collect(),
    )
}

async fn gateway(State(inner): State<Arc<Inner>>, ws: WebSocketUpgrade) -> Response {
    if inner.refuse_connections.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| session(inner, socket))
}

async fn session(inner: Arc<Inner>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn_id = inner.next_conn.fetch_add(1, Ordering::Relaxed);
    inner.gateway.lock().unwrap().push(Conn {
        id: conn_id,
        shard: None,
        tx,
    });
    let _guard = ConnGuard {
        inner: Arc::clone(&inner),
        id: conn_id,
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41_250}, "s": null, "t": null});
    if socket
        .send(WsMessage::Text(hello.to_string()))
        .await
        .is_err()
    {
        return;
    }
    let mut seq: u64 = 0;
    let ws_url = inner.ws_url.lock().unwrap().clone();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { return };
                let text = match msg {
                    WsMessage::Text(t) => t,
                    WsMessage::Close(_) => return,
                    _ => continue,
                };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                match v["op"].as_u64() {
                    Some(1) => {
                        let ack = json!({"op": 11, "d": null, "s": null, "t": null});
                        if socket.send(WsMessage::Text(ack.to_string())).await.is_err() { return; }
                    }
                    Some(2) => {
                        let token = v["d"]["token"].as_str().unwrap_or("");
                        let token = token.strip_prefix("Bot ").unwrap_or(token);
                        if inner.refuse_intents.load(Ordering::SeqCst) {
                            let _ = socket.send(WsMessage::Close(Some(CloseFrame { code: 4014, reason: "Disallowed intent(s).".into() }))).await;
                            return;
                        }
                        if token != inner.token {
                            let _ = socket.send(WsMessage::Close(Some(CloseFrame { code: 4004, reason: "Authentication failed.".into() }))).await;
                            return;
                        }
                        let shard = v["d"]["shard"]
                            .as_array()
                            .and_then(|a| Some([u32::try_from(a.first()?.as_u64()?).ok()?, u32::try_from(a.get(1)?.as_u64()?).ok()?]))
                            .unwrap_or([0, 1]);
                        inner.identifies.lock().unwrap().push(shard);
                        if let Some(c) = inner.gateway.lock().unwrap().iter_mut().find(|c| c.id == conn_id) {
                            c.shard = Some(shard);
                        }
                        inner.conns_changed.send_modify(|n| *n += 1);
                        inner.session_shards.lock().unwrap().insert(format!("fake-session-{conn_id}"), shard);
                        seq += 1;
                        let ready = json!({"op": 0, "s": seq, "t": "READY", "d": {
                            "v": 10, "user": bot_user(),
                            "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
                            "session_id": format!("fake-session-{conn_id}"), "resume_gateway_url": ws_url,
                            "shard": shard,
                            "application": {"id": APP_ID.to_string(), "flags": 0},
                        }});
                        if socket.send(WsMessage::Text(ready.to_string())).await.is_err() { return; }
                        inner.sessions.send_modify(|n| *n += 1);
                    }
                    Some(6) => {
                        seq = v["d"]["seq"].as_u64().unwrap_or(seq);
                        seq += 1;
                        let resumed_shard = v["d"]["session_id"].as_str().and_then(|id| inner.session_shards.lock().unwrap().get(id).copied());
                        if let Some(c) = inner.gateway.lock().unwrap().iter_mut().find(|c| c.id == conn_id) {
                            c.shard = resumed_shard;
                        }
                        inner.conns_changed.send_modify(|n| *n += 1);
                        let resumed = json!({"op": 0, "s": seq, "t": "RESUMED", "d": {}});
                        if socket.send(WsMessage::Text(resumed.to_string())).await.is_err() { return; }
                        inner.sessions.send_modify(|n| *n += 1);
                    }
                    _ => {}
                }
            }
            out = rx.recv() => {
                match out {
                    Some(Outgoing::Dispatch(t, d)) => {
                        seq += 1;
                        let ev = json!({"op": 0, "s": seq, "t": t, "d": d});
                        if socket.send(WsMessage::Text(ev.to_string())).await.is_err() { return; }
                    }
                    Some(Outgoing::Close(code)) => {
                        let _ = socket.send(WsMessage::Close(Some(CloseFrame { code, reason: "".into() }))).await;
                        return;
                    }
                    None => return,
                }
            }
        }
    }
}
