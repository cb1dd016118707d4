//! The account's concurrent connections: with `--max-connections N`, a call
//! that arrives while N others are being served is answered 400 with code
//! 1003, "max concurrent requests reached" (docs D19, "Error codes", which
//! also say to retry it after a backoff; `MaxConcurrentConnections` in
//! `GET /api/account/info`, contract A5.10).
//!
//! No IO. Assumption: the real service counts per API key; the emulator
//! counts every call it serves (tests use one key per emulator).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::Shared;

/// One call being served; leaving (on drop) frees its connection.
pub(super) struct InFlight<'a> {
    counter: &'a AtomicUsize,
    limit: Option<usize>,
    /// How many calls were in flight with this one, itself included.
    count: usize,
}

impl<'a> InFlight<'a> {
    /// Counts a call in.
    pub(super) fn enter(shared: &'a Shared) -> Self {
        let counter = &shared.in_flight;
        let count = counter.fetch_add(1, Ordering::SeqCst) + 1;
        Self { counter, limit: shared.config.max_connections, count }
    }

    /// True when the call is beyond the limit and must be refused.
    pub(super) fn over_limit(&self) -> bool {
        self.limit.is_some_and(|limit| self.count > limit)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counter.fetch_sub(1, Ordering::SeqCst);
    }
}
