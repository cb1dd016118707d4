//! The pending record's file: `pending.json` in the account's directory of
//! the machine directory ([`crate::machine`]), beside the apply lock, so that
//! every run against the account on this machine reads the same record,
//! whatever its working directory. Written only by a run that holds the
//! account's lock (apply, `pending forget`), atomically (a new file renamed
//! over the old one); read by anyone.
//!
//! Does file IO; reads through [`super::file`], bounded. A record that cannot
//! be read, of a `format_version` this skyform does not know, or of another
//! account, is an error: ignoring it could buy its orders again.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PendingOrder;
use super::file::{RecordError, check_version, read_bounded};
use super::legacy::Legacy;
use crate::machine::{self, AccountId};

/// The version of the record this skyform reads and writes.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct RecordFile {
    format_version: u32,
    /// The [`AccountId`] the record is for (also its directory's name).
    account: String,
    items: Vec<PendingOrder>,
}

/// The record of one account on this machine, with the items a legacy
/// per-directory record still held for it (moved into this one at [`Pending::save`]).
#[derive(Debug)]
pub struct Pending {
    root: PathBuf,
    account: AccountId,
    items: Vec<PendingOrder>,
    legacy: Option<Legacy>,
}

impl Pending {
    /// Reads the record of `account` under the machine directory `root` (none
    /// yet is an empty record), merged with the items of `legacy`.
    pub fn open(
        root: &Path,
        account: AccountId,
        legacy: Option<Legacy>,
    ) -> Result<Self, RecordError> {
        let path = machine::account_path(root, &account).join(machine::RECORD_FILE);
        let mut items = match read_bounded(&path)? {
            None => Vec::new(),
            Some(bytes) => parse(&path, &bytes, &account)?,
        };
        for item in legacy.iter().flat_map(Legacy::items) {
            if !items.contains(item) {
                items.push(item.clone());
            }
        }
        Ok(Self { root: root.to_owned(), account, items, legacy })
    }

    /// Reads the record of `account` under `root`, and the legacy record of
    /// the working directory ([`super::legacy::PATH`]) for the account
    /// `config` reaches.
    pub fn open_for(
        root: &Path,
        account: AccountId,
        config: &clearsky::api::Config,
    ) -> Result<Self, RecordError> {
        let id = super::legacy::account_id(&config.base_url, config.key.expose());
        let legacy = Legacy::read(Path::new(super::legacy::PATH), &id)?;
        Self::open(root, account, legacy)
    }

    /// The record's file.
    pub fn path(&self) -> PathBuf {
        machine::account_path(&self.root, &self.account).join(machine::RECORD_FILE)
    }

    /// The account's items.
    pub fn items(&self) -> &[PendingOrder] {
        &self.items
    }

    /// Replaces the account's items.
    pub fn set_items(&mut self, items: Vec<PendingOrder>) {
        self.items = items;
    }

    /// The legacy record whose items this record took in, and how many
    /// (until [`Pending::save`] has moved them).
    pub fn legacy(&self) -> Option<(&Path, usize)> {
        self.legacy.as_ref().map(|l| (l.path(), l.items().len()))
    }

    /// Writes the record (atomically: a new file renamed over the old one), or
    /// removes it when empty; then takes the items it moved out of the legacy
    /// record. Call only while holding the account's lock.
    pub fn save(&mut self) -> Result<(), RecordError> {
        let path = self.path();
        let write = |source| RecordError::Write { path: path.clone(), source };
        if self.items.is_empty() {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(write(e)),
                _ => {}
            }
        } else {
            let dir = machine::account_dir(&self.root, &self.account).map_err(write)?;
            let file = RecordFile {
                format_version: FORMAT_VERSION,
                account: self.account.as_str().to_owned(),
                items: self.items.clone(),
            };
            let bytes = serde_json::to_vec_pretty(&file).map_err(|e| write(e.into()))?;
            let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(write)?;
            tmp.write_all(&bytes).and_then(|()| tmp.as_file().sync_all()).map_err(write)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // Readable by the other users whose applies share the lock.
                let mode = std::fs::Permissions::from_mode(0o644);
                tmp.as_file().set_permissions(mode).map_err(write)?;
            }
            tmp.persist(&path).map_err(|e| write(e.error))?;
        }
        // Only once the items are safe here are they taken out of the legacy record.
        if let Some(legacy) = self.legacy.take() {
            legacy.remove()?;
        }
        Ok(())
    }
}

fn parse(path: &Path, bytes: &[u8], account: &AccountId) -> Result<Vec<PendingOrder>, RecordError> {
    check_version(path, bytes, FORMAT_VERSION)?;
    let read = |source| RecordError::Read { path: path.to_owned(), source };
    let file: RecordFile = serde_json::from_slice(bytes).map_err(|e| read(e.into()))?;
    if file.account != account.as_str() {
        return Err(read(std::io::Error::other(format!(
            "it is the record of another account (`{}`)",
            file.account
        ))));
    }
    Ok(file.items)
}
