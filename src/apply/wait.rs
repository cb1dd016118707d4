//! Pauses during apply: before sending a refused create again, and between
//! the re-checks after a create whose outcome is unknown.
//!
//! Every pause goes through the client's injectable [`Sleeper`] (so tests
//! record waits instead of sleeping) in slices of at most [`SLICE`], and the
//! stop flag is read before each slice: the first interrupt ends a pause
//! within one slice. No other IO.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clearsky::api::Sleeper;

/// The longest single sleep: how late an interrupt may be noticed.
pub(crate) const SLICE: Duration = Duration::from_millis(100);

/// How a pause ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waited {
    /// The whole duration went by.
    Full,
    /// The stop flag was set, before or during the pause.
    Interrupted,
}

/// Waits `total` through `sleeper`, unless `stop` is or becomes set.
pub(crate) async fn pause(sleeper: &Sleeper, total: Duration, stop: &AtomicBool) -> Waited {
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
