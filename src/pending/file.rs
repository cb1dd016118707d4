//! Reading a pending record's file, the machine's or a legacy one: through
//! [`clearsky::read`] like every file (a FIFO, a device or a file over
//! [`FileKind::PendingRecord`]'s limit is refused before it can hang the run
//! or fill its memory), its `format_version` checked before anything else,
//! and the errors that stop a run rather than let it ignore a record.
//!
//! Does file IO (reads only).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use clearsky::read::{self, FileKind};

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
