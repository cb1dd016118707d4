//! The account lock: one `skyform apply` at a time per account on one machine.
//!
//! Does IO: a file in a machine-wide directory (`$TMPDIR/skyform-locks`, or
//! `SKYFORM_LOCK_DIR`), held with the OS's exclusive file lock
//! ([`File::try_lock`]). The lock belongs to the open file, so the OS releases
//! it however the process ends, a kill included: a crashed run never leaves a
//! stale lock, which is why this is not a PID file. The holder writes its PID
//! into the file for the waiting message only; the PID decides nothing.
//!
//! The file is named by a hash of the API URL and of a hash of the API key, so
//! every run against one account finds the same file whatever directory it
//! runs in, and the key is never written anywhere.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::settings::ApiSettings;
use clearsky::api::Client;

/// The environment variable that moves the lock directory (tests use it to
/// simulate runs on different machines); read once, by [`crate::settings::Environment`].
pub const DIR_ENV: &str = crate::settings::environment::LOCK_DIR_ENV;

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// The account a lock is for: two runs exclude each other when these are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    digest: String,
}

impl Account {
    /// The account reached at `api_url` with `api_key`. The URL is compared
    /// without case and trailing `/`; only a hash of the key is used.
    pub fn new(api_url: &str, api_key: &str) -> Self {
        let url = api_url.trim().trim_end_matches('/').to_ascii_lowercase();
        let key = hex::encode(Sha256::digest(api_key.as_bytes()));
        let text = format!("skyform-lock-v1\n{url}\n{key}\n");
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        Self { digest: digest[..32].to_owned() }
    }

    /// The account a command line talks to: the API URL and key of its client,
    /// or for `--sandbox` the sandbox's state file (its emulator's URL changes
    /// with every run).
    pub fn of(api: &ApiSettings, client: &Client) -> Self {
        if api.sandbox {
            let state = std::path::absolute(&api.sandbox_state)
                .unwrap_or_else(|_| api.sandbox_state.clone());
            return Self::new(&format!("sandbox:{}", state.display()), crate::sandbox::SANDBOX_KEY);
        }
        let config = client.config();
        Self::new(&config.base_url, config.key.expose())
    }

    /// The account's digest: 32 hex digits, the same for every spelling of
    /// its URL that [`Account::new`] treats as one; never the key.
    pub fn id(&self) -> &str {
        &self.digest
    }

    /// The lock file's name: `apply-<32 hex digits>.lock`.
    pub fn file_name(&self) -> String {
        format!("apply-{}.lock", self.digest)
    }
}

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

/// Takes the lock of `account` in `dir`, waiting up to `timeout`. When the
/// lock is busy, `on_wait` is called once with the holder's PID (if readable)
/// before waiting; with a zero timeout it fails at once.
pub fn acquire(
    account: &Account,
    dir: &Path,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<u32>),
) -> Result<AccountLock, Error> {
    let path = dir.join(account.file_name());
    let io = |source| Error::Io { path: path.clone(), source };
    create_shared_dir(dir).map_err(|source| Error::Io { path: dir.to_owned(), source })?;
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

/// Creates the directory; one this run creates is made writable by every user
/// with the sticky bit (like `/tmp`), so that runs of several users share it.
fn create_shared_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o1777));
    }
    Ok(())
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
    fn the_name_depends_on_url_and_key_but_never_shows_the_key() {
        let a = Account::new("https://api.clearsky.vision", "secret-key");
        assert_eq!(a, Account::new("HTTPS://api.clearsky.vision/", "secret-key"));
        assert_ne!(a, Account::new("https://api.clearsky.vision", "other-key"));
        assert_ne!(a, Account::new("http://127.0.0.1:8080", "secret-key"));
        let name = a.file_name();
        assert!(name.starts_with("apply-"), "{name}");
        assert_eq!(Path::new(&name).extension().and_then(|e| e.to_str()), Some("lock"));
        assert_eq!(name.len(), "apply-.lock".len() + 32);
        assert!(!name.contains("secret"));
    }

    #[test]
    fn a_second_lock_waits_then_fails_and_succeeds_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let account = Account::new("http://127.0.0.1:1", "k");
        let first = acquire(&account, dir.path(), Duration::ZERO, &mut |_| panic!("free")).unwrap();
        let mut seen = Vec::new();
        let busy = acquire(&account, dir.path(), Duration::from_millis(250), &mut |p| seen.push(p));
        let Err(Error::Busy { holder, .. }) = busy else { panic!("{busy:?}") };
        assert_eq!((holder, seen), (Some(std::process::id()), vec![Some(std::process::id())]));
        let now = acquire(&account, dir.path(), Duration::ZERO, &mut |_| {});
        assert!(matches!(now, Err(Error::Busy { .. })), "timeout 0 fails at once");
        let other = Account::new("http://127.0.0.1:2", "k");
        assert!(acquire(&other, dir.path(), Duration::ZERO, &mut |_| {}).is_ok());
        drop(first);
        assert!(acquire(&account, dir.path(), Duration::ZERO, &mut |_| {}).is_ok());
    }
}
