//! One create step: send the body, and never send it again unless a list
//! shows that no matching order exists.
//!
//! Does IO through the [`Client`] and waits through [`pause`]. The rules:
//! - a create is sent once; whatever comes back other than the new order or a
//!   refusal that says why (a timeout, a broken connection, 429, 5xx, an
//!   unreadable body) is an unknown outcome, resolved by re-listing the
//!   orders and matching the entry ([`identity::find_match`]) over the
//!   recheck window;
//! - only a connection that was never made and a 429 (usually a rate
//!   limiter's refusal, but a server has stored the order and answered 429)
//!   are sent again, and only after a list shows no matching order and the
//!   server's `Retry-After` went by; a 429 only when its re-lists spanned the
//!   list-lag bound ([`ExecuteOptions::max_list_lag`]), since a list may leave a
//!   stored order out that long;
//! - a 400 with code 1003 ("max concurrent requests reached") is a refusal
//!   that bought nothing: it is sent again after a backoff, without a re-list;
//! - any other unknown outcome that the rechecks cannot resolve is not sent
//!   again: the step fails and is reported as possibly bought, so that the
//!   next apply on this machine waits for that order first (a list can show
//!   a new order later than the window).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{ExecuteOptions, StepOutcome};
use crate::identity;
use crate::plan::Change;
use crate::spec::DesiredOrder;
use clearsky::api::poll::{self, Listed, OnListError, Waited, pause};
use clearsky::api::types::OrderRequest;
use clearsky::api::types::TaskOrder;
use clearsky::api::{Client, CreateOutcome, Error};

/// How a create step ended, and whether it may have bought an order that
/// could not be found.
pub(super) struct Sent {
    /// The step's outcome.
    pub(super) outcome: StepOutcome,
    /// True when the step failed but an order may exist.
    pub(super) maybe_bought: bool,
}

impl Sent {
    fn done(guid: String, note: Option<String>) -> Self {
        Self { outcome: StepOutcome::Done { guid: Some(guid), note }, maybe_bought: false }
    }

    fn failed(error: String, maybe_bought: bool) -> Self {
        Self { outcome: StepOutcome::failed(error, Vec::new()), maybe_bought }
    }
}

/// Runs one create step (see the module rules).
pub(super) async fn create(
    client: &Client,
    change: &Change,
    entry: Option<&DesiredOrder>,
    opts: &ExecuteOptions,
    stop: &AtomicBool,
    on_recheck: &(dyn Fn(Duration) + Sync),
) -> Sent {
    let Some(body) = &change.request else {
        return Sent::failed("the plan has no request body for this change".to_owned(), false);
    };
    let config = client.config();
    let name = change.name.as_deref().unwrap_or("the order");
    let mut sends = 0;
    loop {
        sends += 1;
        let (e, never_sent) = match client.create(body).await {
            CreateOutcome::Created(order) => return Sent::done(order.task_order_guid, None),
            CreateOutcome::Rejected(e @ Error::Transport { not_sent: true, .. }) => (e, true),
            CreateOutcome::Rejected(e) if e.is_busy() && sends < opts.max_create_sends => {
                // 1003: the account's connections were all in use and nothing
                // was done; the error-code page says to retry after a backoff.
                let wait = config.retry.resend_wait(sends, e.retry_after(), (config.jitter)());
                if pause(&config.sleeper, wait.duration, stop).await == Waited::Interrupted {
                    return Sent::failed(
                        format!("not sent again: apply was interrupted ({e})"),
                        false,
                    );
                }
                continue;
            }
            CreateOutcome::Rejected(e) => {
                if let Some(note) = super::dedupe::already_ordered(&e, body) {
                    let outcome = StepOutcome::Done { guid: None, note: Some(note) };
                    return Sent { outcome, maybe_bought: false };
                }
                return Sent { outcome: StepOutcome::from_error(&e), maybe_bought: false };
            }
            CreateOutcome::Unknown(e) => (e, false),
        };
        let resendable = never_sent || matches!(e, Error::RateLimited { .. });
        let wait = config.retry.resend_wait(sends, e.retry_after(), (config.jitter)());
        let Some(entry) = entry else {
            return Sent::failed(
                format!("outcome unknown ({e}); run apply again to check"),
                !never_sent,
            );
        };
        // A request that never left needs one list; anything else may show late.
        let polls = if never_sent { vec![wait.duration] } else { opts.unknown_polls.clone() };
        let found = find(client, entry, body, &polls, stop, on_recheck).await;
        let checked = polls.iter().sum::<Duration>();
        let unresolved = |why: &str| {
            Sent::failed(
                format!(
                    "outcome unknown ({e}) and {why}; not sent again: the next apply on this \
                     machine waits for the order before it creates `{name}`"
                ),
                !never_sent,
            )
        };
        match found {
            Found::Yes(guid) => {
                let note = Some(format!("outcome was unknown ({e}); found the order"));
                return Sent::done(guid, note);
            }
            Found::NotListed => return unresolved("the orders could not be listed to check"),
            Found::Interrupted => {
                return unresolved("apply was interrupted before the orders were checked");
            }
            Found::No if stop.load(Ordering::SeqCst) => {
                return unresolved("the order is not listed, and apply was interrupted");
            }
            Found::No if !resendable => {
                return unresolved(&format!(
                    "the order is not listed after {} s",
                    shown_secs(checked)
                ));
            }
            Found::No if !never_sent && checked < opts.max_list_lag => {
                return unresolved(&format!(
                    "the order is not listed after {} s, but a list may lag up to {} s \
                     (`--max-list-lag`)",
                    shown_secs(checked),
                    shown_secs(opts.max_list_lag)
                ));
            }
            Found::No if sends >= opts.max_create_sends => {
                return unresolved(&format!("{sends} sends"));
            }
            Found::No => {}
        }
        if let Some(asked) = wait.capped_from {
            tracing::warn!(
                "the ClearSKY API asked to wait {} s before `{name}` is sent again; \
                 waiting {} s, the most skyform waits",
                asked.as_secs(),
                wait.duration.as_secs()
            );
        }
        // The list showed no such order; wait out what the server asked for.
        let rest = wait.duration.saturating_sub(checked);
        if pause(&config.sleeper, rest, stop).await == Waited::Interrupted {
            return Sent::failed(
                format!("not sent again: apply was interrupted ({e}); the order is not listed"),
                !never_sent,
            );
        }
    }
}

fn shown_secs(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs.fract() == 0.0 { format!("{secs:.0}") } else { format!("{secs:.1}") }
}

enum Found {
    Yes(String),
    No,
    NotListed,
    Interrupted,
}

/// Re-lists the orders after each wait in `polls` and looks for one that
/// satisfies the entry, since a new order may take a moment to show in the
/// list. `sent` is the body of the create; `on_recheck` hears, before each
/// wait, the longest the re-checks may still take. The waits are not jittered: they
/// add up to the window `--recheck-wait` promises, and only this create's
/// re-lists follow them.
async fn find(
    client: &Client,
    entry: &DesiredOrder,
    sent: &OrderRequest,
    polls: &[Duration],
    stop: &AtomicBool,
    on_recheck: &(dyn Fn(Duration) + Sync),
) -> Found {
    let find = |live: &[TaskOrder]| {
        identity::find_match(entry, sent, live).map(|o| o.task_order_guid.clone())
    };
    match poll::until_listed(client, polls, stop, OnListError::Skip, on_recheck, find).await {
        Ok(Listed::Found(guid)) => Found::Yes(guid),
        Ok(Listed::Interrupted) => Found::Interrupted,
        Ok(Listed::NotFound { last: Some(_) }) => Found::No,
        // `Skip` never fails; no list at all proves nothing either way.
        Ok(Listed::NotFound { last: None }) | Err(_) => Found::NotListed,
    }
}
