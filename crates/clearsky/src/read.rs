//! Bounded, typed file reads: every file skyform reads goes through [`read`],
//! which refuses anything but a regular file (a FIFO would block forever, a
//! device such as `/dev/zero` never ends) before reading a byte, and stops at a
//! size limit chosen per kind of file, so that no input can hang a run or eat
//! the machine's memory.
//!
//! Does file IO. The limits are documented in `docs/reference/manifest.md` ("Files skyform reads").

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// What a file is for; each kind has its own size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A manifest (`*.yaml`): 64 MiB.
    Manifest,
    /// A `WktFile` or `GeoJsonFile`: 256 MiB.
    Aoi,
    /// A saved plan (`plan --out`, `apply --plan`): 64 MiB.
    SavedPlan,
    /// An `--api-key-file`: 4 KiB.
    KeyFile,
    /// The sandbox emulator's state file: 1 GiB.
    State,
    /// An emulator `--models` file: 16 MiB.
    Models,
    /// skyform's pending record (the request bodies of up to every create of
    /// a plan): 256 MiB.
    PendingRecord,
}

impl FileKind {
    /// The largest file of this kind skyform reads, in bytes.
    pub const fn limit(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Self::Manifest | Self::SavedPlan => 64 * MIB,
            Self::Aoi | Self::PendingRecord => 256 * MIB,
            Self::KeyFile => 4 * 1024,
            Self::Models => 16 * MIB,
            Self::State => 1024 * MIB,
        }
    }

    /// How the kind is named in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Manifest => "a manifest",
            Self::Aoi => "an AOI file",
            Self::SavedPlan => "a saved plan",
            Self::KeyFile => "an API key file",
            Self::State => "a sandbox state file",
            Self::Models => "an emulator models file",
            Self::PendingRecord => "a pending record",
        }
    }
}

/// Reads a whole regular file of `kind`, refusing other file types and files
/// over the kind's limit. Errors keep the `io::ErrorKind` (`NotFound` for a
/// missing file or a dangling link) and read as plain lower-case sentences
/// without the path, which the caller names.
pub fn read(path: &Path, kind: FileKind) -> io::Result<Vec<u8>> {
    read_limited(path, kind, kind.limit())
}

/// [`read`] with an explicit limit (for tests of the limit itself).
pub fn read_limited(path: &Path, kind: FileKind, limit: u64) -> io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| not_readable(path, &e))?;
    check_type(&meta)?;
    check_size(meta.len(), kind, limit)?;
    let file = File::open(path)?;
    // The path may have been swapped between the two looks; check what was opened.
    let meta = file.metadata()?;
    check_type(&meta)?;
    check_size(meta.len(), kind, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file that grows while it is read (or a special file that reports a
    // size of 0) still stops one byte past the limit.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    check_size(bytes.len() as u64, kind, limit)?;
    Ok(bytes)
}

/// Reads a file of `kind` as UTF-8 text.
pub fn read_text(path: &Path, kind: FileKind) -> io::Result<String> {
    String::from_utf8(read(path, kind)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
}

/// Says why `std::fs::metadata` failed, telling a dangling link from a missing file.
fn not_readable(path: &Path, e: &io::Error) -> io::Error {
    let dangling = e.kind() == io::ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if dangling {
        return io::Error::new(io::ErrorKind::NotFound, "it is a symbolic link to a missing file");
    }
    io::Error::new(e.kind(), reason(e))
}

fn check_type(meta: &Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let what = file_type_name(meta);
    Err(io::Error::new(io::ErrorKind::InvalidInput, format!("it is {what}, not a regular file")))
}

fn file_type_name(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

fn check_size(len: u64, kind: FileKind, limit: u64) -> io::Result<()> {
    if len <= limit {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "it is larger than {} (at least {}), the limit for {}",
            Size(limit),
            Size(len),
            kind.name()
        ),
    ))
}

/// An IO error as a lower-case reason without the `(os error N)` suffix.
pub fn reason(e: &io::Error) -> String {
    if e.get_ref().is_some() {
        // One of ours (or a library's): already a sentence.
        return e.to_string();
    }
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s);
            let mut c = s.chars();
            match c.next() {
                Some(first) => first.to_lowercase().chain(c).collect(),
                None => s.to_owned(),
            }
        }
    }
}

/// A byte count for people: `4 KiB`, `64 MiB`, `1.5 GiB`.
struct Size(u64);

impl fmt::Display for Size {
    #[allow(clippy::cast_precision_loss)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
        if self.0 < 1024 {
            return write!(f, "{} bytes", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if (value - value.round()).abs() < 0.05 {
            write!(f, "{value:.0} {}", UNITS[unit])
        } else {
            write!(f, "{value:.1} {}", UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "orders: []\n").unwrap();
        assert_eq!(read(&file, FileKind::Manifest).unwrap(), b"orders: []\n");
        assert_eq!(read_limited(&file, FileKind::Manifest, 11).unwrap().len(), 11);
        let e = read_limited(&file, FileKind::Manifest, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            e.to_string(),
            "it is larger than 10 bytes (at least 11 bytes), the limit for a manifest"
        );
    }

    #[test]
    fn refuses_sparse_giants_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        File::create(&key).unwrap().set_len(2 * 1024 * 1024 * 1024).unwrap();
        let e = read(&key, FileKind::KeyFile).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is larger than 4 KiB (at least 2 GiB), the limit for an API key file"
        );
        let e = read(dir.path(), FileKind::Aoi).unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
        let e = read(&dir.path().join("missing"), FileKind::Aoi).unwrap_err();
        assert_eq!((e.kind(), reason(&e)), (io::ErrorKind::NotFound, "no such file".into()));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_links_to_nothing_and_loops() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(Path::new("/dev/zero"), FileKind::Manifest).unwrap_err();
        assert_eq!(e.to_string(), "it is a device, not a regular file");
        let dangling = dir.path().join("dangling.yaml");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        let e = read(&dangling, FileKind::Manifest).unwrap_err();
        assert_eq!(reason(&e), "it is a symbolic link to a missing file");
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let e = read(&a, FileKind::Manifest).unwrap_err();
        assert_eq!(reason(&e), "too many levels of symbolic links");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        let cases = [
            (10, "10 bytes"),
            (4096, "4 KiB"),
            (1536, "1.5 KiB"),
            (64 << 20, "64 MiB"),
            (1 << 30, "1 GiB"),
        ];
        for (n, want) in cases {
            assert_eq!(Size(n).to_string(), want);
        }
    }
}
