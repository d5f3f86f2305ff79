//! The verdicts file of a `mathb grade` run, written in input order to `<output>.partial`
//! and renamed into place on success, so that a killed run leaves a file to resume.

use crate::resume::VerdictLog;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The verdicts file of a run: written in input order to `<target>.partial`, renamed to its
/// target when the run succeeds. A run that is killed leaves the partial file, which
/// `resume` continues (see `mathb_core::resume`); a run that fails otherwise removes it.
pub struct VerdictFile {
    /// None when writing straight to the target (a device or a pipe, see `create`).
    partial: Option<PathBuf>,
    target: PathBuf,
    file: Option<BufWriter<File>>,
    /// Whether the run continues an earlier one's file.
    resume: bool,
    /// The lines of the partial file being resumed.
    log: Option<VerdictLog>,
    /// Resuming a finished file: it was moved to the partial name, and goes back on failure
    /// if the run changed nothing in it.
    moved: bool,
    written: bool,
}

impl VerdictFile {
    /// The verdicts file for `target`; with `resume`, the one an earlier run left.
    pub fn create(target: &Path, resume: bool) -> io::Result<Self> {
        // `/dev/null`, `/dev/stdout` or a named pipe is written in place: renaming a file
        // onto it would replace the device with a regular file.
        if std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            if resume {
                return Err(io::Error::other(format!(
                    "cannot resume {}: it is not a regular file",
                    target.display()
                )));
            }
            let file = std::fs::OpenOptions::new().write(true).open(target)?;
            return Ok(VerdictFile {
                partial: None,
                target: target.to_path_buf(),
                file: Some(BufWriter::with_capacity(1 << 14, file)),
                resume: false,
                log: None,
                moved: false,
                written: false,
            });
        }
        let partial = partial_path(target);
        let mut moved = false;
        let file = if resume {
            if !partial.exists() && target.is_file() {
                std::fs::rename(target, &partial)?;
                moved = true;
            }
            // Appends land after whatever the resumed part keeps (it cuts the rest first).
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&partial)?
        } else {
            File::create(&partial)?
        };
        let log = match resume {
            true => Some(VerdictLog::open(&partial)?),
            false => None,
        };
        Ok(VerdictFile {
            partial: Some(partial),
            target: target.to_path_buf(),
            // The core writes blocks of verdict lines tens of KiB long; a buffer smaller than
            // that passes them straight to the file instead of copying them first.
            file: Some(BufWriter::with_capacity(1 << 14, file)),
            resume,
            log,
            moved,
            written: false,
        })
    }

    /// Renames the finished file into place.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().expect("not committed twice");
        let file = file.into_inner().map_err(|e| e.into_error())?;
        match &self.partial {
            // The rename makes the file appear whole or not at all. No fsync: waiting for
            // the disk would cost a large share of a short run. The previous file is removed
            // first: renaming over it makes ext4 write the new file out at once (its guard
            // for replace-by-rename), about 20 ms for a 30 MB verdict file.
            Some(partial) => {
                drop(file);
                match std::fs::remove_file(&self.target) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => std::fs::rename(partial, &self.target),
                }
            }
            None => Ok(()),
        }
    }

    /// After a failed run: a resumed file stays for the next attempt (back at its name if
    /// it was a finished file left unchanged); a fresh one is removed, unless the run was
    /// stopped (Ctrl-C), which `resume` can continue.
    pub fn abandon(mut self, stopped: bool) {
        let Some(file) = self.file.take() else { return };
        let Some(partial) = self.partial.clone() else {
            return;
        };
        let _ = file.into_inner();
        let changed = self.written || self.log.as_ref().is_some_and(|l| l.was_cut());
        if self.moved && !changed {
            let _ = std::fs::rename(&partial, &self.target);
        } else if !self.resume && !stopped {
            let _ = std::fs::remove_file(&partial);
        }
    }

    /// The lines being resumed, for the run to read back (see [`grade_stream_resuming`]).
    ///
    /// [`grade_stream_resuming`]: crate::stream::grade_stream_resuming
    pub fn take_log(&mut self) -> Option<VerdictLog> {
        self.log.take()
    }

    /// Gives back the log after the run, so that `abandon` knows whether it cut the file.
    pub fn put_log(&mut self, log: Option<VerdictLog>) {
        self.log = log;
    }
}

/// `<target>.partial`, beside the target.
fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

impl Write for VerdictFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written |= !buf.is_empty();
        self.file.as_mut().expect("open").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

impl Drop for VerdictFile {
    fn drop(&mut self) {
        // Dropped without `commit` or `abandon` (a panic): as for a failed run.
        if let (Some(_), Some(partial), false) = (self.file.take(), &self.partial, self.resume) {
            let _ = std::fs::remove_file(partial);
        }
    }
}

#[cfg(test)]
#[path = "verdict_file_tests.rs"]
mod tests;
