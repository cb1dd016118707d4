//! The `--state` file: the whole [`State`] as JSON, loaded at start (a bounded
//! read) and rewritten atomically (a temporary file in the same directory,
//! then a rename) by [`super::saver`] after changes, so that a killed
//! emulator never leaves half a file.
//!
//! Does file IO.

use std::io::{self, Write};
use std::path::Path;

use super::store::State;
use clearsky::read::{self, FileKind};

/// Reads a state file; `Ok(None)` when it does not exist yet.
pub(crate) fn load(path: &Path) -> io::Result<Option<State>> {
    match read::read(path, FileKind::State) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("state file `{}` is not valid: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes serialised state (see [`super::saver`]) atomically: one buffer,
/// one write to a temporary file in the same directory, then a rename.
pub(crate) fn save_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
