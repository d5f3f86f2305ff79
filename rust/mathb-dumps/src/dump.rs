//! Streaming dump reader: expands a file, directory, glob or `-` (stdin) into inputs, opens
//! each one (plain, gzip, zstd or Parquet, told apart by their magic bytes) and hands out
//! chunks of whole lines, so memory stays bounded by the chunk size, not the file size.

use crate::line_reader::READ_BLOCK;
pub use crate::line_reader::{ChunkReader, Line, LineChunk};
use crate::schema::{ErrorCode, InputError};
pub use crate::source::{Mapped, Opened, RowIter};
use memmap2::Mmap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// File names a directory contributes; other files in it (verdicts, READMEs) are ignored.
pub const SHARD_SUFFIXES: [&str; 6] = [
    ".jsonl",
    ".jsonl.gz",
    ".jsonl.zst",
    ".jsonl.zstd",
    ".parquet",
    ".ndjson",
];

/// One input file, or stdin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name diagnostics print: the path as given, or `<stdin>`.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.to_string_lossy().into_owned(),
        }
    }
}

fn cannot_open(path: &str, e: &io::Error) -> InputError {
    // Python prints strerror alone; Rust appends " (os error N)".
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
    InputError::new(
        ErrorCode::CannotOpen,
        format!("cannot open the file: {text}"),
        "check the path; mathb grade reads JSON Lines (plain, .gz or .zst), Parquet, CSV / TSV, a directory of shards or a glob",
    )
    .at(path, None)
}

/// The inputs `spec` names, in the order they are read: `-` is stdin; a directory gives its
/// shard files sorted by name; a pattern with `*`, `?` or `[` that names no existing file
/// gives its matches sorted by name; anything else is one file.
pub fn expand_inputs(spec: &str) -> Result<Vec<Input>, InputError> {
    if spec == "-" {
        return Ok(vec![Input::Stdin]);
    }
    let path = Path::new(spec);
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| cannot_open(spec, &e))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                p.is_file() && SHARD_SUFFIXES.iter().any(|s| name.ends_with(s))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(InputError::new(
                ErrorCode::NoRecords,
                "the directory holds no dump files",
                format!(
                    "a directory is read as shards named *{}",
                    SHARD_SUFFIXES.join(", *")
                ),
            )
            .at(spec, None));
        }
        return Ok(files.into_iter().map(Input::File).collect());
    }
    if !path.exists() && spec.contains(['*', '?', '[']) {
        let pattern = glob::glob(spec).map_err(|e| {
            InputError::new(
                ErrorCode::CannotOpen,
                format!("invalid glob pattern: {e}"),
                "quote the pattern so the shell does not expand it, e.g. 'shards/*.jsonl.gz'",
            )
            .at(spec, None)
        })?;
        let mut files: Vec<PathBuf> = pattern
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(InputError::new(
                ErrorCode::CannotOpen,
                "cannot open the file: no file matches the pattern",
                "check the pattern; it is matched against file names, sorted by name",
            )
            .at(spec, None));
        }
        return Ok(files.into_iter().map(Input::File).collect());
    }
    Ok(vec![Input::File(path.to_path_buf())])
}

/// Total size in bytes of the inputs when all are regular files (for an ETA), else None.
pub fn total_size(inputs: &[Input]) -> Option<u64> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Stdin => None,
            Input::File(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        })
        .sum()
}

/// Counts the (compressed) bytes read, so progress can report a fraction of the input.
struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
const PARQUET_MAGIC: &[u8] = b"PAR1";
/// Compressions told apart by their first bytes but not read, named in the error (their
/// bytes would otherwise be reported as invalid UTF-8).
const UNREAD_MAGIC: [(&[u8], &str); 4] = [
    (b"BZh", "bzip2"),
    (b"\xfd7zX", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"7z\xbc\xaf", "7z"),
];

/// The delimiter of a CSV (`.csv`) or TSV (`.tsv`) file, told apart by its name: a table
/// has no magic bytes.
fn table_delimiter(input: &Input) -> Option<u8> {
    let Input::File(path) = input else {
        return None;
    };
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".csv") {
        Some(b',')
    } else if name.ends_with(".tsv") {
        Some(b'\t')
    } else {
        None
    }
}

/// Opens one input, decompressing by magic bytes; `bytes` counts what is read from disk.
pub fn open_input(input: &Input, bytes: Arc<AtomicU64>) -> Result<Opened, InputError> {
    let name = input.display();
    if let Some(delimiter) = table_delimiter(input) {
        let Input::File(path) = input else {
            unreachable!("only files have a suffix")
        };
        let file = File::open(path).map_err(|e| cannot_open(&name, &e))?;
        let reader = BufReader::with_capacity(1 << 20, Counting { inner: file, bytes });
        return crate::csv_rows::rows(reader, delimiter, &name).map(Opened::Rows);
    }
    if let Input::File(path) = input {
        if let Some(map) = map_plain_lines(path, &name)? {
            return Ok(Opened::Mapped(Mapped { map, bytes }));
        }
    }
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(io::stdin()),
        Input::File(p) => Box::new(File::open(p).map_err(|e| cannot_open(&name, &e))?),
    };
    let mut reader = BufReader::with_capacity(1 << 20, Counting { inner: raw, bytes });
    let magic = {
        let head = reader.fill_buf().map_err(|e| cannot_open(&name, &e))?;
        head[..head.len().min(4)].to_vec()
    };
    if magic.starts_with(GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        return lines_or_document(BufReader::with_capacity(1 << 20, decoder), &name);
    }
    if magic.starts_with(ZSTD_MAGIC) {
        let decoder =
            zstd::stream::read::Decoder::with_buffer(reader).map_err(|e| cannot_open(&name, &e))?;
        return lines_or_document(BufReader::with_capacity(1 << 20, decoder), &name);
    }
    if magic.starts_with(PARQUET_MAGIC) {
        return open_parquet(input, &name);
    }
    if let Some(&(_, compression)) = UNREAD_MAGIC.iter().find(|(m, _)| magic.starts_with(m)) {
        return Err(InputError::new(
            ErrorCode::Unreadable,
            format!("{compression} compression is not supported"),
            "mathb reads plain, gzip (.gz) and zstd (.zst) files: decompress it first, or pipe \
             it in (e.g. `bzcat FILE | mathb grade -`)",
        )
        .at(&name, None));
    }
    lines_or_document(reader, &name)
}

/// A plain (uncompressed) JSON Lines file, mapped so that its lines are parsed where they
/// lie; None for anything else (compressed, Parquet, one JSON document, empty, not a regular
/// file, or a mapping the system refuses), which is then read as a stream.
fn map_plain_lines(path: &Path, name: &str) -> Result<Option<Arc<Mmap>>, InputError> {
    let file = File::open(path).map_err(|e| cannot_open(name, &e))?;
    let meta = file.metadata().map_err(|e| cannot_open(name, &e))?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok(None);
    }
    // SAFETY: the mapping is only ever read. Another process truncating the file while it
    // is graded would make the reads fault; a dump is not rewritten while it is graded.
    let Ok(map) = (unsafe { Mmap::map(&file) }) else {
        return Ok(None);
    };
    // The same head the stream path looks at: its first read block.
    let head = &map[..map.len().min(READ_BLOCK)];
    let other = [GZIP_MAGIC, ZSTD_MAGIC, PARQUET_MAGIC]
        .iter()
        .chain(UNREAD_MAGIC.iter().map(|(m, _)| m))
        .any(|m| head.starts_with(m));
    if other || crate::formats::is_document(head) {
        return Ok(None);
    }
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(Some(Arc::new(map)))
}

/// JSON Lines are read line by line; a file holding one JSON document (an array, or an
/// object spread over lines) is read whole and its records taken out of it.
fn lines_or_document<R: BufRead + Send + 'static>(
    mut reader: R,
    name: &str,
) -> Result<Opened, InputError> {
    // A compressed stream cut short or corrupt before its first line fails here.
    let head = reader.fill_buf().map_err(|e| {
        InputError::new(
            ErrorCode::Unreadable,
            format!("the file cannot be read: {e}"),
            "the file is truncated or corrupt; regenerate or re-download it",
        )
        .at(name, Some(1))
    })?;
    if !crate::formats::is_document(head) {
        return Ok(Opened::Lines(Box::new(reader)));
    }
    let mut text = Vec::new();
    reader
        .read_to_end(&mut text)
        .map_err(|e| cannot_open(name, &e))?;
    let records = crate::formats::document_records(&text).map_err(|e| e.at(name, None))?;
    Ok(Opened::Rows(Box::new(records.into_iter().map(|r| {
        serde_json::to_vec(&r).map_err(|e| {
            InputError::new(ErrorCode::Unreadable, e.to_string(), "report this as a bug")
        })
    }))))
}

#[cfg(feature = "parquet")]
fn open_parquet(input: &Input, name: &str) -> Result<Opened, InputError> {
    match input {
        Input::File(p) => crate::parquet_rows::rows(p, name).map(Opened::Rows),
        Input::Stdin => Err(InputError::new(
            ErrorCode::Unreadable,
            "Parquet cannot be read from stdin",
            "pass the Parquet file's path instead of '-'",
        )
        .at(name, None)),
    }
}

#[cfg(not(feature = "parquet"))]
fn open_parquet(_input: &Input, name: &str) -> Result<Opened, InputError> {
    Err(InputError::new(
        ErrorCode::Unreadable,
        "the file is Parquet, and this build of mathb reads no Parquet",
        "rebuild mathb-core with the `parquet` feature, or convert the file to JSON Lines",
    )
    .at(name, None))
}

#[cfg(test)]
#[path = "dump_tests.rs"]
mod tests;
