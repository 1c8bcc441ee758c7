//! Output files that never destroy data. An output is written to a temporary file beside
//! its destination and renamed over it only when the run succeeds ([`AtomicFile`]), so a
//! failed or interrupted run leaves the old file (or none), never a plausible half of a
//! new one; and an output that is also an input or another output of the same run is
//! refused before anything is opened for writing ([`refuse_overlaps`]). This module does
//! not decide what to write, only where and when it becomes visible.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// A file being written: invisible under its own name until [`AtomicFile::commit`].
/// Dropped without a commit (an error, a panic), its temporary file is removed.
///
/// A destination that exists and is not a regular file (`/dev/stdout`, a named pipe) is
/// written directly: nothing there can be half-overwritten, and no temporary file could
/// be renamed over it.
pub struct AtomicFile {
    dest: PathBuf,
    target: Target,
    /// Listed for [`remove_pending`] until committed or dropped.
    _pending: Option<Pending>,
}

/// Temporary files not yet committed, for [`remove_pending`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending_list() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it usable: it is only paths.
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// One temporary file's place in [`PENDING`], left when it is dropped.
struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Pending {
        pending_list().push(path.to_path_buf());
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        pending_list().retain(|p| p != &self.0);
    }
}

/// Removes every temporary output file not yet committed: for a run ended by a signal
/// ([`crate::interrupt`]), which runs no destructors. A file renamed into place in the
/// meantime is already gone from its temporary name, so nothing committed is touched.
pub fn remove_pending() {
    for path in pending_list().iter() {
        let _ = std::fs::remove_file(path);
    }
}

enum Target {
    Temp(BufWriter<tempfile::NamedTempFile>),
    Direct(BufWriter<File>),
}

impl AtomicFile {
    /// Starts writing `path`: a temporary file in the same directory (so the final
    /// rename stays on one filesystem and is atomic). A symbolic link is followed, so the
    /// file it points to is replaced, not the link.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let existing = std::fs::metadata(path).ok();
        if let Some(meta) = &existing
            && !meta.is_file()
        {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(io)?;
            return Ok(AtomicFile {
                dest: path.to_path_buf(),
                target: Target::Direct(BufWriter::with_capacity(1 << 16, file)),
                _pending: None,
            });
        }
        let dest = match &existing {
            Some(_) => std::fs::canonicalize(path).map_err(io)?,
            None => path.to_path_buf(),
        };
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A dot-name that says what it is, should a killed run leave one behind.
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".lurescan-tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Created as a new file would be (0666 less the umask), not tempfile's 0600;
            // an existing destination keeps its own mode (set below).
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(&dir).map_err(io)?;
        if let Some(meta) = &existing {
            std::fs::set_permissions(temp.path(), meta.permissions()).map_err(io)?;
        }
        let pending = Pending::new(temp.path());
        Ok(AtomicFile {
            dest,
            target: Target::Temp(BufWriter::with_capacity(1 << 16, temp)),
            _pending: Some(pending),
        })
    }

    /// The destination path.
    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Flushes the file to disk and renames it over the destination.
    pub fn commit(self) -> Result<()> {
        let io = |source| Error::Io {
            path: self.dest.clone(),
            source,
        };
        match self.target {
            Target::Direct(mut w) => w.flush().map_err(io),
            Target::Temp(w) => {
                let temp = w.into_inner().map_err(|e| io(e.into_error()))?;
                // On disk before the rename: a crash must not leave an empty file under
                // the destination's name.
                temp.as_file().sync_all().map_err(io)?;
                temp.persist(&self.dest).map_err(|e| io(e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.target {
            Target::Temp(w) => w.write(buf),
            Target::Direct(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.target {
            Target::Temp(w) => w.write_all(buf),
            Target::Direct(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.target {
            Target::Temp(w) => w.flush(),
            Target::Direct(w) => w.flush(),
        }
    }
}

/// One file a command reads or writes, with the flag that names it (for the message).
#[derive(Debug, Clone, Copy)]
pub struct NamedPath<'a> {
    /// How the user gave it: `input`, `-o`, `--errors`, `--card` ...
    pub role: &'a str,
    /// The path (`-` is stdin or stdout and never overlaps anything).
    pub path: &'a Path,
}

/// Refuses a run where an output is also an input or another output: the same path, a
/// symbolic link to it or a hard link (same device and inode). Writing would destroy the
/// input before it is read (`score x.csv -o x.csv`), or one output would overwrite the
/// other. Only regular files and paths that do not exist yet are compared: writing to
/// `/dev/stdout` or a pipe destroys nothing.
pub fn refuse_overlaps(inputs: &[NamedPath<'_>], outputs: &[NamedPath<'_>]) -> Result<()> {
    for (i, out) in outputs.iter().enumerate() {
        let Some(out_id) = identity(out.path) else {
            continue;
        };
        let others = inputs.iter().chain(&outputs[..i]);
        for other in others {
            if identity(other.path).is_some_and(|id| id == out_id) {
                return Err(Error::OutputOverlap {
                    output: out.role.to_string(),
                    other: other.role.to_string(),
                    path: out.path.to_path_buf(),
                    other_path: other.path.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
enum FileId {
    /// An existing regular file: its device and inode (its canonical path off Unix).
    #[cfg(unix)]
    Inode(u64, u64),
    /// A file that does not exist yet (or any file off Unix): its absolute path, with the
    /// directory's links resolved.
    Path(PathBuf),
}

/// The identity of a path, or `None` for stdin/stdout (`-`) and for existing files that
/// are not regular files.
fn identity(path: &Path) -> Option<FileId> {
    if path.as_os_str() == "-" {
        return None;
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => None,
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                Some(FileId::Inode(meta.dev(), meta.ino()))
            }
            #[cfg(not(unix))]
            {
                let _ = meta;
                std::fs::canonicalize(path).ok().map(FileId::Path)
            }
        }
        Err(_) => {
            let name = path.file_name()?;
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            // A missing directory cannot be resolved: the path as given, made absolute.
            let dir = std::fs::canonicalize(dir)
                .or_else(|_| std::path::absolute(dir))
                .unwrap_or_else(|_| dir.to_path_buf());
            Some(FileId::Path(dir.join(name)))
        }
    }
}

/// A CSV cell that a spreadsheet will not run as a formula: a value starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule for CSV
/// injection). Ids and kept columns come from adverts anyone can post, and NGO staff open
/// the output in Excel, where `=HYPERLINK(...)` would be live. JSONL output stays exact.
pub fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named<'a>(role: &'a str, path: &'a Path) -> NamedPath<'a> {
        NamedPath { role, path }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").expect("write");
        {
            let mut f = AtomicFile::create(&path).expect("create");
            f.write_all(b"new, half written").expect("write");
            // Dropped without commit.
        }
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"new\n").expect("write");
        f.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn overlaps_are_found_through_links_and_relative_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("d.csv");
        std::fs::write(&data, "x").expect("write");
        let link = dir.path().join("link.csv");
        std::fs::hard_link(&data, &link).expect("hard link");
        let dotted = dir.path().join(".").join("d.csv");
        let new = dir.path().join("new.csv");
        let new_again = dir.path().join("sub/../new.csv");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        for (a, b) in [(&data, &link), (&data, &dotted), (&new, &new_again)] {
            let err = refuse_overlaps(&[named("input", a)], &[named("-o", b)]);
            assert!(err.is_err(), "{} and {}", a.display(), b.display());
        }
        let outputs = [named("-o", &new), named("--errors", &new_again)];
        assert!(refuse_overlaps(&[], &outputs).is_err());
        let fine = [named("-o", &new), named("--errors", Path::new("-"))];
        assert!(refuse_overlaps(&[named("input", &data)], &fine).is_ok());
    }
}
