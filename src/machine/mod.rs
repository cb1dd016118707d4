//! What skyform keeps on this machine, shared by every run whatever its
//! working directory, checkout, `$HOME` or `$TMPDIR`: per account
//! ([`AccountId`]), the apply lock ([`crate::lock`]) and the pending record
//! ([`crate::pending`]), side by side in the account's directory
//! ([`account_dir`]) under the machine directory
//! ([`crate::settings::Environment::lock_dir`]: `/var/tmp/skyform`, or
//! `SKYFORM_LOCK_DIR`).
//!
//! Does IO: creates the directories.

pub mod account;

use std::path::{Path, PathBuf};

pub use account::{AccountId, canonical_url};

/// The lock file's name in an account's directory.
pub const LOCK_FILE: &str = "apply.lock";

/// The pending record's name in an account's directory.
pub const RECORD_FILE: &str = "pending.json";

/// The directory of `account` under the machine directory `root`, without
/// creating anything.
pub fn account_path(root: &Path, account: &AccountId) -> PathBuf {
    root.join(account.as_str())
}

/// The directory of `account` under `root`, created when missing.
///
/// `root` is made writable by every user with the sticky bit (mode `1777`,
/// like `/tmp`), so that runs of every user of the machine find their
/// accounts there and none can remove another's. An account's directory is
/// its creator's (mode `0755`): the lock file in it is opened by every user
/// (mode `0666`), so applies of all users exclude each other, but only its
/// creator can replace the pending record; another user's apply fails before
/// its first create rather than run without it.
pub fn account_dir(root: &Path, account: &AccountId) -> std::io::Result<PathBuf> {
    create(root, 0o1777)?;
    let dir = account_path(root, account);
    create(&dir, 0o755)?;
    Ok(dir)
}

/// Creates `dir` (and its parents) when missing, with `mode` on Unix; a
/// directory that exists is left as it is.
fn create(dir: &Path, mode: u32) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask may have taken bits off; another user may have won the race.
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_root_is_shared_and_an_account_directory_is_its_creator_s() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("machine");
        let account = AccountId::new("http://127.0.0.1:1", "k");
        let dir = account_dir(&root, &account).unwrap();
        assert_eq!(dir, root.join(account.as_str()));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!((mode(&root), mode(&dir)), (0o1777, 0o755));
        assert_eq!(account_dir(&root, &account).unwrap(), dir, "found again");
    }
}
