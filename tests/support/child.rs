//! Stopping child processes (bots, servers) in tests and benches: a signal, then a bounded
//! wait for the exit, then SIGKILL.

#![allow(dead_code)]

use std::process::Child;
use std::time::{Duration, Instant};

/// Sends `signal` to `child` (if still running).
pub fn signal(child: &Child, signal: i32) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

/// Waits up to `wait` for `child` to exit, then kills it.
pub fn reap(child: &mut Child, wait: Duration) {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Stops `child` gracefully: SIGTERM, up to 30 s to exit, then SIGKILL.
pub fn stop(mut child: Child) {
    signal(&child, libc::SIGTERM);
    reap(&mut child, Duration::from_secs(30));
}
