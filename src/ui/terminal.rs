//! Talking to the person at the terminal during `plan` and `apply`: the
//! confirmation prompt, the progress bar, and Ctrl-C / SIGTERM.
//!
//! Does IO (stdin, stderr, process signals).

use std::fmt::Write as _;
use std::io::{BufRead, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Progress;
use crate::Error;
use crate::apply::{Event, EventKind, Step};
use crate::plan::{Action, Plan};

/// Prints the error that ends the command: `error: …`, its `source()` chain
/// as `caused by:` lines, then its hints.
pub fn print_error(err: &Error) {
    let mut out = format!("error: {err}\n");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let _ = writeln!(out, "caused by: {cause}");
        source = cause.source();
    }
    for hint in err.hints() {
        let _ = writeln!(out, "hint: {hint}");
    }
    let out = super::inert_lines(&out);
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), out.as_bytes());
}

/// Asks on the terminal; only `yes` applies.
pub fn confirm() -> Result<bool, Error> {
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

/// Installs the interrupt handler (Ctrl-C or SIGTERM); call it inside the
/// runtime, before the first request. Until `applying` is set nothing has been
/// changed, and an interrupt exits at once (130) saying so. Once it is set, the
/// first interrupt sets `stop`: no new change starts and those in flight
/// finish; a second one exits at once, warning that a change in flight may
/// have reached the server.
pub fn watch_interrupts(stop: Arc<AtomicBool>, applying: Arc<AtomicBool>) {
    let mut interrupts = Interrupts::listen();
    tokio::spawn(async move {
        loop {
            interrupts.next().await;
            if !applying.load(Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "\nInterrupted: exiting; no order was created or cancelled."
                );
                std::process::exit(130);
            }
            if stop.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "\nInterrupted again: exiting now. An order create or cancel in flight may \
                     have reached the server: run `skyform plan` to see the account as it is \
                     (the next apply finds such an order by its content and does not buy it again)."
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

/// [`watch_interrupts`] for a command that changes nothing (`plan`): any
/// interrupt exits at once, saying so.
pub fn exit_on_interrupt() {
    watch_interrupts(Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
}

/// Ctrl-C and SIGTERM, listened for from creation on: a signal that comes
/// before the handler's task first runs is not lost to the default action.
struct Interrupts {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Interrupts {
    /// Registers the handlers; must run inside the runtime.
    fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let both = signal(SignalKind::interrupt())
                .and_then(|i| Ok((i, signal(SignalKind::terminate())?)));
            Self { signals: both.ok() }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for the next interrupt.
    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some((interrupt, terminate)) = &mut self.signals {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A progress bar over the steps of the plan, on stderr when it is a terminal
/// and `wanted` (the renderer shows no events of its own). It shows from the
/// start of the first change, with the change in progress.
pub fn progress_bar(plan: &Plan, wanted: bool) -> Progress {
    if !wanted {
        return Progress::hidden();
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
    Progress::bar("changes", steps)
}

/// Moves the progress bar on for one apply event.
pub fn on_progress(progress: &Progress, e: &Event) {
    if let EventKind::Rechecking { left } = e.kind {
        let secs = left.as_secs_f64().ceil();
        return progress.set_message(format!(
            "changes: checking whether the order of `{}` was created, {secs} s left",
            e.name
        ));
    }
    if e.outcome.is_some() {
        progress.inc();
        return;
    }
    let what = match e.step {
        Step::Create => "creating",
        Step::Cancel => "cancelling",
    };
    progress.set_message(format!("changes: {what} `{}`", e.name));
}
