//! Waiting for the order list: the rhythm of the re-lists that look for an
//! order a create may have stored ([`recheck_polls`]), the pauses between
//! them ([`pause`]), and the one loop that re-lists until what is looked for
//! shows ([`until_listed`]). Every caller that waits for the list — a create
//! whose outcome is unknown, a plan waiting for an earlier apply's orders, an
//! apply waiting for its own — goes through here.
//!
//! Every pause goes through the client's injectable [`Sleeper`] (so tests
//! record waits instead of sleeping) in slices of at most [`SLICE`], and the
//! stop flag is read before each slice: the first interrupt ends a pause
//! within one slice. IO only through [`Client::list_all`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::types::TaskOrder;
use super::{Client, Error, Sleeper};

/// The longest single sleep: how late an interrupt may be noticed.
pub const SLICE: Duration = Duration::from_millis(100);

/// How a pause ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The whole duration went by.
    Full,
    /// The stop flag was set, before or during the pause.
    Interrupted,
}

/// Waits `total` through `sleeper`, unless `stop` is or becomes set.
pub async fn pause(sleeper: &Sleeper, total: Duration, stop: &AtomicBool) -> Waited {
    let mut left = total;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Waited::Interrupted;
        }
        if left.is_zero() {
            return Waited::Full;
        }
        let slice = left.min(SLICE);
        sleeper(slice).await;
        left -= slice;
    }
}

/// Waits before each re-list after an unknown create outcome: doubling from
/// 250 ms, adding up to `window`. The real API's delay between creating an
/// order and listing it is not documented; a generous window costs seconds,
/// a short one could cost a duplicate order.
pub fn recheck_polls(window: Duration) -> Vec<Duration> {
    let mut polls = Vec::new();
    let (mut next, mut total) = (Duration::from_millis(250), Duration::ZERO);
    while total + next <= window {
        polls.push(next);
        total += next;
        next *= 2;
    }
    if polls.is_empty() || total < window {
        polls.push(window.saturating_sub(total).max(Duration::from_millis(50)));
    }
    polls
}

/// How [`until_listed`] ended.
#[derive(Debug)]
pub enum Listed<T> {
    /// `find` found what it looked for in a list.
    Found(T),
    /// Every poll went by; `last` is the last list read, `None` when none could be.
    NotFound {
        /// The last good list.
        last: Option<Vec<TaskOrder>>,
    },
    /// The stop flag was set during a pause.
    Interrupted,
}

/// What to do when a re-list fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnListError {
    /// Try again at the next poll (a later list may succeed).
    Skip,
    /// Stop and return the error: the caller cannot go on without a list.
    Fail,
}

/// Pauses before each of `polls`, then lists every order and asks `find`;
/// returns at the first answer, an interrupt, or when the polls run out.
/// `on_poll` hears, before each pause, how long the waits left add up to.
pub async fn until_listed<T>(
    client: &Client,
    polls: &[Duration],
    stop: &AtomicBool,
    on_error: OnListError,
    on_poll: &(dyn Fn(Duration) + Sync),
    mut find: impl FnMut(&[TaskOrder]) -> Option<T>,
) -> Result<Listed<T>, Error> {
    let mut last = None;
    for (n, delay) in polls.iter().enumerate() {
        on_poll(polls[n..].iter().sum());
        if pause(&client.config().sleeper, *delay, stop).await == Waited::Interrupted {
            return Ok(Listed::Interrupted);
        }
        match client.list_all().await {
            Ok(live) => {
                if let Some(found) = find(&live) {
                    return Ok(Listed::Found(found));
                }
                last = Some(live);
            }
            Err(e) if on_error == OnListError::Skip => {
                tracing::debug!("re-list failed; trying again at the next poll: {e}");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Listed::NotFound { last })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A sleeper that records each sleep and sets `stop` after `stop_after` sleeps.
    fn recorder(stop: &Arc<AtomicBool>, stop_after: usize) -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
        let slept = Arc::new(Mutex::new(Vec::new()));
        let (record, stop) = (Arc::clone(&slept), Arc::clone(stop));
        let sleeper: Sleeper = Arc::new(move |d| {
            let mut slept = record.lock().unwrap();
            slept.push(d);
            if slept.len() >= stop_after {
                stop.store(true, Ordering::SeqCst);
            }
            Box::pin(async {})
        });
        (sleeper, slept)
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn recheck_polls_double_and_fill_the_window() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect::<Vec<_>>();
        assert_eq!(recheck_polls(Duration::from_secs(15)), ms(&[250, 500, 1000, 2000, 4000, 7250]));
        assert_eq!(recheck_polls(Duration::from_millis(750)), ms(&[250, 500]));
        assert_eq!(recheck_polls(Duration::ZERO), ms(&[50]));
        let total: Duration = recheck_polls(Duration::from_secs(40)).iter().sum();
        assert_eq!(total, Duration::from_secs(40));
    }

    #[test]
    fn a_pause_sleeps_its_whole_duration_in_slices() {
        let stop = Arc::new(AtomicBool::new(false));
        let (sleeper, slept) = recorder(&stop, usize::MAX);
        let waited = block_on(pause(&sleeper, Duration::from_millis(250), &stop));
        assert_eq!(waited, Waited::Full);
        let ms: Vec<u128> = slept.lock().unwrap().iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [100, 100, 50]);
        assert_eq!(block_on(pause(&sleeper, Duration::ZERO, &stop)), Waited::Full);
    }

    #[test]
    fn an_interrupt_ends_a_long_pause_within_one_slice() {
        let stop = Arc::new(AtomicBool::new(false));
        let (sleeper, slept) = recorder(&stop, 3);
        let day = Duration::from_secs(86_400);
        assert_eq!(block_on(pause(&sleeper, day, &stop)), Waited::Interrupted);
        assert_eq!(slept.lock().unwrap().iter().sum::<Duration>(), 3 * SLICE);
    }

    #[test]
    fn a_pause_after_the_interrupt_does_not_sleep() {
        let stop = Arc::new(AtomicBool::new(true));
        let (sleeper, slept) = recorder(&stop, usize::MAX);
        assert_eq!(block_on(pause(&sleeper, Duration::ZERO, &stop)), Waited::Interrupted);
        assert_eq!(block_on(pause(&sleeper, SLICE, &stop)), Waited::Interrupted);
        assert!(slept.lock().unwrap().is_empty());
    }
}
