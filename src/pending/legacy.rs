//! The record of earlier versions: `.skyform/pending.json` in the working
//! directory (`format_version` 1), which a run from another directory never
//! saw. Its items for the account are read once, merged into the account's
//! record on this machine, and taken out of it when that record is saved
//! (by apply or `pending forget`, which hold the lock); `plan` reads them
//! without moving them. Items of other accounts stay in it until a run of
//! theirs moves them; the file is removed once empty.
//!
//! Does file IO, bounded like every read ([`super::record`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::PendingOrder;
use super::file::{RecordError, check_version, read_bounded};

/// Where earlier versions kept the record, relative to the working directory.
pub const PATH: &str = ".skyform/pending.json";

/// The only version of the legacy record.
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct LegacyFile {
    format_version: u32,
    /// Items per legacy account id ([`account_id`]).
    accounts: BTreeMap<String, Vec<PendingOrder>>,
}

/// The legacy account id of a base URL and key, as earlier versions computed
/// it (the URL as the client holds it, not canonicalised).
pub fn account_id(base_url: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("skyform-account-v1\n{base_url}\n{key}").as_bytes());
    hex::encode(&digest[..16])
}

/// A legacy record that holds items of one account.
#[derive(Debug)]
pub struct Legacy {
    path: PathBuf,
    id: String,
    file: LegacyFile,
}

impl Legacy {
    /// Reads the legacy record at `path`; `None` when there is none or it
    /// holds nothing for the account `id`.
    pub fn read(path: &Path, id: &str) -> Result<Option<Self>, RecordError> {
        let Some(bytes) = read_bounded(path)? else { return Ok(None) };
        check_version(path, &bytes, FORMAT_VERSION)?;
        let file: LegacyFile = serde_json::from_slice(&bytes)
            .map_err(|e| RecordError::Read { path: path.to_owned(), source: e.into() })?;
        if file.accounts.get(id).is_none_or(Vec::is_empty) {
            return Ok(None);
        }
        Ok(Some(Self { path: path.to_owned(), id: id.to_owned(), file }))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The account's items.
    pub fn items(&self) -> &[PendingOrder] {
        self.file.accounts.get(&self.id).map_or(&[], Vec::as_slice)
    }

    /// Takes the account's items out of the file: rewrites it (atomically)
    /// with the other accounts' items, or removes it when none are left.
    pub fn remove(mut self) -> Result<(), RecordError> {
        let write = |source| RecordError::Write { path: self.path.clone(), source };
        self.file.accounts.remove(&self.id);
        if self.file.accounts.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write(e)),
                _ => Ok(()),
            };
        }
        let dir =
            self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let bytes = serde_json::to_vec_pretty(&self.file).map_err(|e| write(e.into()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write)?;
        tmp.write_all(&bytes).map_err(write)?;
        tmp.persist(&self.path).map_err(|e| write(e.error))?;
        Ok(())
    }
}
