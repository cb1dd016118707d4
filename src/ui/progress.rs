//! Progress on stderr for the waits of a run: listing, pricing, applying.
//!
//! Does IO: draws on stderr, and only when stderr is a terminal, so pipes and
//! CI logs never see it. A [`Progress`] stays invisible for its first
//! [`DELAY`]: a fast run shows nothing, a slow one shows that it is working.
//! It is cleared when finished, so the output that follows is unchanged.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a wait goes unannounced.
pub const DELAY: Duration = Duration::from_secs(1);

/// How often a visible spinner is redrawn.
const TICK: Duration = Duration::from_millis(120);

/// A spinner or a counter on stderr; cheap to clone (clones share the line).
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    /// True once finished: guards against a late [`DELAY`] showing a finished line.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// A spinner with `label` (`Listing the live orders…`).
    pub fn spinner(label: &str) -> Self {
        Self::start(ProgressBar::no_length(), "{spinner} {msg} {elapsed}", label)
    }

    /// A counter with `label` and `total` steps (`Pricing 37/100…`).
    pub fn counter(label: &str, total: u64) -> Self {
        Self::start(ProgressBar::new(total), "{spinner} {msg} {pos}/{len}… {elapsed}", label)
    }

    /// A bar with `label` and `total` steps, for apply's changes.
    pub fn bar(label: &str, total: u64) -> Self {
        Self::start(ProgressBar::new(total), "{bar:30} {pos}/{len} {msg} {elapsed}", label)
    }

    /// A progress that never shows.
    pub fn hidden() -> Self {
        Self { bar: ProgressBar::hidden(), done: Arc::new(Mutex::new(true)) }
    }

    fn start(bar: ProgressBar, template: &str, label: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::hidden();
        }
        bar.set_draw_target(ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(label.to_owned());
        let progress = Self { bar, done: Arc::new(Mutex::new(false)) };
        let (bar, done) = (progress.bar.downgrade(), Arc::downgrade(&progress.done));
        // A thread, not a task: the progress may start outside a runtime, and
        // a busy runtime must not delay it. It holds weak references only, so
        // a progress dropped within the delay is never shown.
        let _ = std::thread::Builder::new().name("skyform-progress".to_owned()).spawn(move || {
            std::thread::sleep(DELAY);
            if let (Some(bar), Some(done)) = (bar.upgrade(), done.upgrade()) {
                let done = done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if !*done {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(TICK);
                }
            }
        });
        progress
    }

    /// True for a progress that never shows.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// Counts one step done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Replaces the words after the count.
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Clears the line; later calls draw nothing.
    pub fn finish(&self) {
        let mut done = self.done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *done = true;
        self.bar.finish_and_clear();
    }

    /// Runs `f` (which writes to stderr) with the line cleared, then redraws it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // The last clone clears the line.
        if Arc::strong_count(&self.done) == 1 {
            self.finish();
        }
    }
}
