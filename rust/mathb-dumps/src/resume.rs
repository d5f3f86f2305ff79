//! Resuming a killed run. Verdict lines are appended to their file in input order, so
//! whatever a run killed at any moment leaves is a prefix of the full output, perhaps
//! ending in a line cut short. A resumed run reads the input from its start again, parses
//! it and extracts its answers (the maj@k votes need them) but does not grade the records
//! whose lines the file already holds: it checks that each of those lines is the one the
//! record would get (line number, file, problem, sample, duplicate mark) and counts the verdict written there.
//! The first record whose lines are missing or incomplete, and the part-line after the
//! last newline, are cut off; from there the run grades and appends as usual. The file
//! then ends exactly as an uninterrupted run's would, and so do the counts.

use crate::diagnostics::{ErrorCode, InputError};
use crate::verdict_line::{LineMaker, Shape};
use mathb_core::verdict::Status;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The verdict lines of an earlier, interrupted run, read back in order.
pub struct VerdictLog {
    path: PathBuf,
    reader: BufReader<File>,
    /// Where the next unread line starts.
    pos: u64,
    /// Where the text after the last newline starts: what follows is a line cut short.
    end: u64,
    /// The file's length when opened.
    len: u64,
    /// False once the run writes again: the kept lines are all read.
    open: bool,
    line: Vec<u8>,
}

/// What the kept lines of a chunk's leading records say.
#[derive(Default)]
pub(crate) struct Replayed {
    /// Leading records of the chunk whose lines are all kept.
    pub records: usize,
    /// Their verdict lines.
    pub lines: u64,
    /// The status of each of their samples, in order.
    pub statuses: Vec<Status>,
    /// Of those samples, the ones the fallback was asked about, and the ones it settled.
    pub fallback_sent: u64,
    pub fallback_settled: u64,
}

impl VerdictLog {
    /// The verdict lines of the file at `path`.
    pub fn open(path: &Path) -> io::Result<VerdictLog> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        let end = complete_length(&mut file, len)?;
        file.seek(SeekFrom::Start(0))?;
        Ok(VerdictLog {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 20, file),
            pos: 0,
            end,
            len,
            open: true,
            line: Vec::new(),
        })
    }

    /// Whether the log still has lines to replay.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether the file was cut (a part-line or an incomplete record removed).
    pub fn was_cut(&self) -> bool {
        !self.open && self.pos < self.len
    }

    /// The next complete line, newline included; None past the last one.
    fn next_line(&mut self) -> Result<Option<&[u8]>, InputError> {
        if self.pos >= self.end {
            return Ok(None);
        }
        self.line.clear();
        let n = match self.reader.read_until(b'\n', &mut self.line) {
            Ok(n) => n,
            Err(e) => return Err(unreadable(&self.path, &e)),
        };
        if n == 0 {
            return Ok(None);
        }
        self.pos += n as u64;
        Ok(Some(&self.line))
    }

    /// Cuts the file at `at`, where the run writes on.
    fn cut(&mut self, at: u64) -> Result<(), InputError> {
        self.open = false;
        self.pos = at;
        if at < self.len {
            OpenOptions::new()
                .write(true)
                .open(&self.path)
                .and_then(|f| f.set_len(at))
                .map_err(|e| unreadable(&self.path, &e))?;
        }
        Ok(())
    }

    /// Ends the resumed part after the last record of the input: the kept lines must all
    /// be read by then; a part-line after them is removed.
    pub fn finish(&mut self, input: &str) -> Result<(), InputError> {
        if !self.open {
            return Ok(());
        }
        let at = self.pos;
        if let Some(line) = self.next_line()? {
            let shown = snippet(line);
            return Err(mismatch(
                format!(
                    "the verdicts file {} holds more lines than the input gives: `{shown}`",
                    self.path.display()
                ),
                input,
                None,
            ));
        }
        self.cut(at)
    }

    /// Counts the chunk's leading records whose lines the file holds, checking each line
    /// against what the record would get; cuts the file before the first record whose
    /// lines are not all there.
    pub(crate) fn replay(
        &mut self,
        lines: &LineMaker<'_>,
        input: &str,
    ) -> Result<Replayed, InputError> {
        let mut done = Replayed::default();
        let mut head = Vec::new();
        'records: for i in 0..lines.records() {
            let start = self.pos;
            let line_number = lines.line_number(i);
            let fail = |this: &Self, found: &[u8]| {
                mismatch(
                    format!(
                        "the verdicts file {} does not match the input: where this line's verdict \
                         belongs it holds `{}`",
                        this.path.display(),
                        snippet(found)
                    ),
                    input,
                    (line_number > 0).then_some(line_number),
                )
            };
            let mut statuses = Vec::new();
            let (mut sent, mut settled) = (0, 0);
            let mut count = 0;
            match lines.shape(i) {
                Shape::Nothing => {}
                Shape::Line(expected) => {
                    let Some(found) = self.next_line()? else {
                        self.cut(start)?;
                        break 'records;
                    };
                    if found != expected.as_slice() {
                        let found = found.to_vec();
                        return Err(fail(self, &found));
                    }
                    count = 1;
                }
                Shape::Samples(samples) => {
                    for s in samples {
                        head.clear();
                        lines.head(&mut head, i, s);
                        let Some(found) = self.next_line()? else {
                            self.cut(start)?;
                            break 'records;
                        };
                        let Some(kept) = found.strip_prefix(head.as_slice()).and_then(read_tail)
                        else {
                            let found = found.to_vec();
                            return Err(fail(self, &found));
                        };
                        statuses.push(kept.status);
                        sent += u64::from(kept.asked);
                        settled += u64::from(kept.by_fallback);
                        count += 1;
                    }
                }
            }
            done.records += 1;
            done.lines += count;
            done.statuses.extend(statuses);
            done.fallback_sent += sent;
            done.fallback_settled += settled;
        }
        Ok(done)
    }
}

fn unreadable(path: &Path, e: &io::Error) -> InputError {
    InputError::new(
        ErrorCode::ResumeMismatch,
        format!("cannot resume from {}: {e}", path.display()),
        "remove the verdicts file (or drop --resume) to grade from the start",
    )
}

/// The length of the file up to its last newline (0 when it has none).
fn complete_length(file: &mut File, len: u64) -> io::Result<u64> {
    let mut at = len;
    let mut block = vec![0u8; 1 << 16];
    while at > 0 {
        let from = at.saturating_sub(block.len() as u64);
        let n = (at - from) as usize;
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut block[..n])?;
        if let Some(i) = memchr::memrchr(b'\n', &block[..n]) {
            return Ok(from + i as u64 + 1);
        }
        at = from;
    }
    Ok(0)
}

/// What a kept sample line says after its head.
struct KeptVerdict {
    status: Status,
    /// Undecided with an answer when the core graded it: sent to the fallback (when the
    /// run has one), settled or not.
    asked: bool,
    by_fallback: bool,
}

/// Reads `"status":"…",…}` as the stream writes it: the status first; `"extracted":null`
/// for no answer; `,"decided_by":"fallback"}` last when the fallback settled it. (Inside
/// JSON strings a quote is always escaped, so these patterns cannot occur in the text.)
fn read_tail(tail: &[u8]) -> Option<KeptVerdict> {
    let rest = tail.strip_prefix(b"\"status\":\"")?;
    let close = memchr::memchr(b'"', rest)?;
    let name = std::str::from_utf8(&rest[..close]).ok()?;
    let status = Status::ALL.into_iter().find(|s| s.as_str() == name)?;
    let tail = tail.strip_suffix(b"\n")?;
    // Review fields (previous, completion) may follow it.
    let by_fallback = memchr::memmem::find(tail, b",\"decided_by\":\"fallback\"").is_some();
    let no_answer = memchr::memmem::find(tail, b",\"extracted\":null").is_some();
    Some(KeptVerdict {
        status,
        asked: by_fallback || (status == Status::Undecided && !no_answer),
        by_fallback,
    })
}

fn snippet(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end();
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn mismatch(message: String, input: &str, line: Option<u64>) -> InputError {
    InputError::new(
        ErrorCode::ResumeMismatch,
        message,
        "--resume continues a verdicts file written by the same command on the same input; \
         remove it (or drop --resume) to grade from the start",
    )
    .at(input, line)
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
