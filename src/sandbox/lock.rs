//! The sandbox's state lock: `--sandbox` holds an exclusive OS lock on
//! `STATE.lock` (next to the state file) for the whole command, so that two
//! runs on one state file take turns instead of each writing its own copy
//! over the other's orders. A run that finds the lock taken says so
//! and waits. The lock is released by the OS when the process ends, however
//! it ends.
//!
//! Does file IO, and tells the [`Ui`] when it has to wait. This is a
//! lock of its own, apart from apply's account lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::ui::Ui;

/// An exclusive lock on a sandbox state file, held until dropped.
#[derive(Debug)]
pub struct SandboxLock {
    _file: File,
}

/// The lock file of a state file: `sandbox.json` → `sandbox.json.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    state.with_file_name(name)
}

/// Takes the lock of `state`, waiting (with a message) while another run holds it.
pub fn acquire(state: &Path, ui: &dyn Ui) -> Result<SandboxLock, Error> {
    let path = lock_path(state);
    let io = |source| Error::Io { action: "lock", path: path.clone(), source };
    let file =
        OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            ui.line(&format!(
                "sandbox: waiting for another skyform run using `{}` to finish…",
                state.display()
            ));
            file.lock().map_err(io)?;
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    Ok(SandboxLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("sandbox.json");
        assert_eq!(lock_path(&state), dir.path().join("sandbox.json.lock"));
        let first = acquire(&state, &crate::ui::Quiet).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let state = state.clone();
            std::thread::spawn(move || {
                let second = acquire(&state, &crate::ui::Quiet).unwrap();
                tx.send(()).unwrap();
                drop(second);
            })
        };
        let waited = rx.recv_timeout(std::time::Duration::from_millis(200));
        assert!(waited.is_err(), "the second lock did not wait");
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(5)).expect("the second lock was taken");
        waiter.join().unwrap();
    }
}
