//! The pending record's file: `pending.json` in the account's directory of
//! the machine directory ([`crate::machine`]), beside the apply lock, so that
//! every run against the account on this machine reads the same record,
//! whatever its working directory. Written only by a run that holds the
//! account's lock (apply, `pending forget`), atomically (a new file renamed
//! over the old one); read by anyone.
//!
//! Does file IO, and reads through [`clearsky::read`] like every file: a
//! FIFO, a device or a file over [`FileKind::PendingRecord`]'s limit is
//! refused before it can hang the run or fill its memory. A record that
//! cannot be read, or of a `format_version` this skyform does not know, is an
//! error: ignoring it could buy its orders again.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PendingOrder;
use super::legacy::Legacy;
use crate::machine::{self, AccountId};
use clearsky::read::{self, FileKind};

/// The version of the record this skyform reads and writes.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct RecordFile {
    format_version: u32,
    /// The [`AccountId`] the record is for (also its directory's name).
    account: String,
    items: Vec<PendingOrder>,
}

/// The one field read before the rest, so that a record of another version
/// is refused as such rather than misread.
#[derive(Deserialize)]
struct Version {
    format_version: Option<u32>,
}

/// Why a pending record cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The file exists but cannot be read or parsed.
    #[error("cannot read the pending record `{}`", path.display())]
    Read {
        /// The record.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file (or its directory) cannot be written.
    #[error("cannot write the pending record `{}`", path.display())]
    Write {
        /// The record.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is of a version this skyform does not read.
    #[error(
        "the pending record `{}` has {}; this skyform reads version {expected} only",
        path.display(),
        found.map_or("no `format_version`".to_owned(), |v| format!("`format_version` {v}"))
    )]
    Version {
        /// The record.
        path: PathBuf,
        /// The version in the file.
        found: Option<u32>,
        /// The version this skyform reads there.
        expected: u32,
    },
}

impl RecordError {
    /// How to get past it without buying an order twice.
    pub fn hint(&self) -> String {
        match self {
            Self::Write { .. } => "nothing was created; the directory may belong to another user \
                 of this machine: run as that user, or set `SKYFORM_LOCK_DIR` to a directory of \
                 yours (runs with another directory do not exclude each other)"
                .to_owned(),
            Self::Read { .. } | Self::Version { .. } => "the record keeps creates whose outcome \
                 is unknown from being sent twice, so skyform stops rather than ignore it; use \
                 the skyform that wrote it, or check the account's orders on the ClearSKY \
                 dashboard, then remove the file"
                .to_owned(),
        }
    }
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
        for item in legacy.iter().flat_map(|l| l.items()) {
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

/// The bytes of the record at `path` read within its bound, or `None` when
/// there is no file.
pub(super) fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, RecordError> {
    match read::read(path, FileKind::PendingRecord) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path.is_symlink() => Ok(None),
        Err(e) => Err(RecordError::Read {
            path: path.to_owned(),
            source: std::io::Error::new(e.kind(), read::reason(&e)),
        }),
    }
}

/// The `format_version` of a record's bytes, refusing any but `expected`.
pub(super) fn check_version(path: &Path, bytes: &[u8], expected: u32) -> Result<(), RecordError> {
    let version: Version = serde_json::from_slice(bytes)
        .map_err(|e| RecordError::Read { path: path.to_owned(), source: e.into() })?;
    if version.format_version == Some(expected) {
        Ok(())
    } else {
        Err(RecordError::Version { path: path.to_owned(), found: version.format_version, expected })
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
