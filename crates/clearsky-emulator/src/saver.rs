//! Writes the `--state` file behind the requests: a change marks the state
//! dirty, and one writer thread serialises the latest state (compact JSON,
//! one buffer, one `write`) and replaces the file atomically through
//! [`super::persist::save_bytes`]. The file is written outside the request
//! lock, never for a state equal to the one last written, and a burst of
//! changes costs one write, not one per change. Stopping the writer (when the
//! [`super::Handle`] is dropped) writes what is still pending first.
//!
//! Does file IO (on the writer thread only).

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use super::{Shared, persist};

/// Whether the state changed since the writer last looked, and whether to stop.
#[derive(Debug, Default)]
pub(super) struct Dirty {
    flags: Mutex<Flags>,
    wake: Condvar,
}

#[derive(Debug, Default)]
struct Flags {
    dirty: bool,
    stop: bool,
}

impl Dirty {
    /// Notes a change for the writer.
    pub(super) fn mark(&self) {
        self.flags.lock().unwrap_or_else(PoisonError::into_inner).dirty = true;
        self.wake.notify_one();
    }

    /// Asks the writer to write what is pending, then stop.
    pub(super) fn stop(&self) {
        self.flags.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        self.wake.notify_one();
    }

    /// Waits for a change (true) or for the stop with nothing pending (false).
    fn wait(&self) -> bool {
        let mut flags = self.flags.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if flags.dirty {
                flags.dirty = false;
                return true;
            }
            if flags.stop {
                return false;
            }
            flags = self.wake.wait(flags).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Starts the writer of `path`. `written` is the compact JSON of the state
/// as the file already holds it, when it does (so an unchanged state is not
/// written again).
pub(super) fn spawn(
    shared: Arc<Shared>,
    path: PathBuf,
    mut written: Option<Vec<u8>>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("skyform-emulator-state".to_owned()).spawn(move || {
        while shared.dirty.wait() {
            let bytes = match serde_json::to_vec(&shared.lock().state) {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!("cannot serialise the emulator state: {e}");
                    continue;
                }
            };
            if written.as_ref() == Some(&bytes) {
                continue;
            }
            match persist::save_bytes(&path, &bytes) {
                Ok(()) => written = Some(bytes),
                Err(e) => tracing::error!("cannot write state file `{}`: {e}", path.display()),
            }
        }
    })
}
