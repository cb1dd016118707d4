//! The account lock: one `skyform apply` at a time per account on one machine.
//!
//! Does IO: the file `apply.lock` in the account's directory of the machine
//! directory ([`crate::machine`]), held with the OS's exclusive file lock
//! ([`File::try_lock`]). The lock belongs to the open file, so the OS releases
//! it however the process ends, a kill included: a crashed run never leaves a
//! stale lock, which is why this is not a PID file. The holder writes its PID
//! into the file for the waiting message only; the PID decides nothing.
//!
//! The account's directory is named by [`AccountId`] (the canonical API URL
//! and a hash of the key), so every run against one account finds the same
//! file whatever directory it runs in and however it spells the URL, and the
//! key is never written anywhere.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::machine::{self, AccountId};

/// The environment variable that moves the machine directory (tests use it to
/// simulate runs on different machines); read once, by [`crate::settings::Environment`].
pub const DIR_ENV: &str = crate::settings::environment::LOCK_DIR_ENV;

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another run held the lock for the whole `--lock-timeout`.
    #[error("another skyform apply on this account is running{}; gave up after {}", holder_text(*holder), wait_text(*waited))]
    Busy {
        /// The holder's PID, when it could be read.
        holder: Option<u32>,
        /// How long this run waited.
        waited: Duration,
        /// The lock file.
        path: PathBuf,
    },
    /// The lock file could not be created, opened or locked.
    #[error("cannot lock `{}`", path.display())]
    Io {
        /// The lock file or its directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

fn holder_text(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

fn wait_text(d: Duration) -> String {
    if d.is_zero() { "not waiting (`--lock-timeout 0`)".to_owned() } else { format!("{d:.1?}") }
}

/// A held lock; dropping it (or exiting) releases it.
#[derive(Debug)]
pub struct AccountLock {
    path: PathBuf,
    _file: File,
}

impl AccountLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock of `account` under the machine directory `root`, waiting
/// up to `timeout`. When the lock is busy, `on_wait` is called once with the
/// holder's PID (if readable) before waiting; with a zero timeout it fails at once.
pub fn acquire(
    account: &AccountId,
    root: &Path,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<u32>),
) -> Result<AccountLock, Error> {
    let dir = machine::account_dir(root, account)
        .map_err(|source| Error::Io { path: machine::account_path(root, account), source })?;
    let path = dir.join(machine::LOCK_FILE);
    let io = |source| Error::Io { path: path.clone(), source };
    let mut file = open(&path).map_err(io)?;
    let start = Instant::now();
    let (mut announced, mut reads) = (false, 0);
    loop {
        match file.try_lock() {
            Ok(()) => {
                // For the waiting message of other runs only.
                let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
                return Ok(AccountLock { path, _file: file });
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(Error::Busy { holder: read_pid(&mut file), waited: timeout, path });
        }
        if !announced {
            // The holder writes its PID just after it takes the lock: a run that
            // started with it may read an empty file, so that is read once more.
            let pid = read_pid(&mut file);
            if pid.is_some() || reads > 0 {
                announced = true;
                on_wait(pid);
            }
            reads += 1;
        }
        std::thread::sleep(POLL.min(timeout.saturating_sub(waited)));
    }
}

/// Opens (creating) the lock file without truncating it, refusing a symlink
/// (another user could point one at a file of ours).
fn open(path: &Path) -> std::io::Result<File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other("the lock file is a symbolic link"));
    }
    let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o666));
    }
    Ok(file)
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_lives_in_the_account_directory() {
        let root = tempfile::tempdir().unwrap();
        let account = AccountId::new("http://localhost:1/", "k");
        let lock = acquire(&account, root.path(), Duration::ZERO, &mut |_| {}).unwrap();
        assert_eq!(lock.path(), root.path().join(account.as_str()).join("apply.lock"));
        let same = AccountId::new("http://127.0.0.1:1", "k");
        let busy = acquire(&same, root.path(), Duration::ZERO, &mut |_| {});
        assert!(matches!(busy, Err(Error::Busy { .. })), "one lock for both spellings");
    }

    #[test]
    fn a_second_lock_waits_then_fails_and_succeeds_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let account = AccountId::new("http://127.0.0.1:1", "k");
        let first = acquire(&account, dir.path(), Duration::ZERO, &mut |_| panic!("free")).unwrap();
        let mut seen = Vec::new();
        let busy = acquire(&account, dir.path(), Duration::from_millis(250), &mut |p| seen.push(p));
        let Err(Error::Busy { holder, .. }) = busy else { panic!("{busy:?}") };
        assert_eq!((holder, seen), (Some(std::process::id()), vec![Some(std::process::id())]));
        let now = acquire(&account, dir.path(), Duration::ZERO, &mut |_| {});
        assert!(matches!(now, Err(Error::Busy { .. })), "timeout 0 fails at once");
        let other = AccountId::new("http://127.0.0.1:2", "k");
        assert!(acquire(&other, dir.path(), Duration::ZERO, &mut |_| {}).is_ok());
        drop(first);
        assert!(acquire(&account, dir.path(), Duration::ZERO, &mut |_| {}).is_ok());
    }
}
