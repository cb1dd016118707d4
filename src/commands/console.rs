//! Talking to the person at the terminal during `apply`: the confirmation
//! prompt, the progress bar, and Ctrl-C / SIGTERM.
//!
//! Does IO (stdin, stderr, process signals).

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Error;
use crate::plan::{Action, Plan};

/// Asks on the terminal; only `yes` applies.
pub(super) fn confirm() -> Result<bool, Error> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\nApply these changes? Only `yes` is accepted.\n  Enter a value: ");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Failed(format!("cannot read the answer: {e}")))?;
    Ok(line.trim() == "yes")
}

/// Installs the interrupt handler. First Ctrl-C (or SIGTERM): no new change starts, those in flight finish.
/// Second: exit at once.
pub(super) fn watch_interrupts(stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        loop {
            interrupted().await;
            if stop.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "\nInterrupted again: exiting now. A change in flight may have been made; \
                     run `skyform plan` to see the account as it is."
                );
                std::process::exit(130);
            }
            let _ = writeln!(
                std::io::stderr(),
                "\nInterrupted: no new change will start; waiting for the changes in flight \
                 (interrupt again to exit at once)."
            );
        }
    });
}

#[cfg(unix)]
async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn interrupted() {
    let _ = tokio::signal::ctrl_c().await;
}

/// A progress bar over the steps of the plan, on stderr when it is a terminal
/// and `wanted` (the renderer shows no events of its own).
pub(super) fn progress_bar(plan: &Plan, wanted: bool) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let steps = plan
        .changes
        .iter()
        .map(|c| match c.action {
            Action::Replace => 2,
            a if a.is_change() => 1,
            _ => 0,
        })
        .sum::<u64>();
    let bar = indicatif::ProgressBar::new(steps);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} changes {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
