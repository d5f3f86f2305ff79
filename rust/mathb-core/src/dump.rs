//! Streaming dump reader: expands a file, directory, glob or `-` (stdin) into inputs, opens
//! each one (plain, gzip, zstd or Parquet, told apart by their magic bytes) and hands out
//! chunks of whole lines, so memory stays bounded by the chunk size, not the file size.

use crate::schema::{ErrorCode, InputError};
use memmap2::Mmap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// File names a directory contributes; other files in it (verdicts, READMEs) are ignored.
const SHARD_SUFFIXES: [&str; 6] = [
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
    Stdin,
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
        "check the path; mathb grade reads JSON Lines (plain, .gz or .zst), Parquet, a directory of shards or a glob",
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

/// Rows of a table, each already turned into one JSON object.
pub type RowIter = Box<dyn Iterator<Item = Result<Vec<u8>, InputError>> + Send>;

/// What an opened input yields: lines of JSON (read from a stream, or in place from a
/// mapped plain file), or Parquet rows already turned into JSON.
pub enum Opened {
    Lines(Box<dyn BufRead + Send>),
    Mapped(Mapped),
    Rows(RowIter),
}

/// A plain JSON Lines file mapped into memory, and the count of its bytes handed out.
pub struct Mapped {
    map: Arc<Mmap>,
    bytes: Arc<AtomicU64>,
}

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// Opens one input, decompressing by magic bytes; `bytes` counts what is read from disk.
pub fn open_input(input: &Input, bytes: Arc<AtomicU64>) -> Result<Opened, InputError> {
    let name = input.display();
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
    let head = reader.fill_buf().map_err(|e| cannot_open(name, &e))?;
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

/// A line of a chunk: (1-based line number, start, end) in the chunk's buffer.
pub type Line = (u64, usize, usize);

/// Whole lines of one input: stored back to back in one buffer, or lying in a mapped file.
#[derive(Default)]
pub struct LineChunk {
    /// Index of the input in `expand_inputs`' list.
    pub input: usize,
    /// The lines' bytes, unless they lie in `mapped`; past the last line it may hold anything.
    pub buf: Vec<u8>,
    /// The mapped file the lines lie in, when they do.
    mapped: Option<MappedSpan>,
    /// (1-based line number, start, end) of each non-blank line, newline excluded: offsets
    /// into `buf`, or into the mapped file.
    pub lines: Vec<Line>,
}

impl LineChunk {
    pub fn line(&self, i: usize) -> &[u8] {
        let (_, a, b) = self.lines[i];
        match &self.mapped {
            Some(span) => &span.map[a..b],
            None => &self.buf[a..b],
        }
    }
}

/// The span of a mapped file one chunk's lines lie in. Once the chunk is done with, the
/// span's pages are unmapped from the process (they stay in the page cache): the resident
/// memory of a run does not grow with the file.
struct MappedSpan {
    map: Arc<Mmap>,
    start: usize,
    end: usize,
}

impl Drop for MappedSpan {
    fn drop(&mut self) {
        // Pages from the one holding `start` to the one before the page holding `end`
        // (the last span: to the end); a page shared with the next span is released by
        // it, and one read again after release is simply mapped again.
        const PAGE: usize = 4096;
        let from = self.start / PAGE * PAGE;
        let to = if self.end >= self.map.len() {
            self.map.len()
        } else {
            self.end / PAGE * PAGE
        };
        if to > from {
            // SAFETY: the mapping is read-only and shared: released pages read the same
            // bytes from the file when touched again, and no reference into the span
            // outlives the chunk holding it.
            let _ = unsafe {
                self.map
                    .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from)
            };
        }
    }
}

/// Reads one opened input chunk by chunk.
pub struct ChunkReader {
    source: Opened,
    input: usize,
    name: String,
    line: u64,
    max_lines: usize,
    /// Lines of the next chunk: small at first, so that grading starts while the reader
    /// cuts the next chunks, then growing to `max_lines`.
    next_lines: usize,
    max_bytes: usize,
    /// The largest chunk so far, in bytes: the capacity a new chunk starts with.
    last_size: usize,
    /// Text read past the end of the last chunk.
    carry: Vec<u8>,
    /// Where the next chunk of a mapped file starts.
    mapped_from: usize,
}

/// Lines of the first chunk of an input (later chunks grow fourfold up to the maximum).
const FIRST_CHUNK_LINES: usize = 1024;

/// Bytes read from a text input at a time.
const READ_BLOCK: usize = 1 << 20;

impl ChunkReader {
    pub fn new(source: Opened, input: usize, name: String, max_lines: usize) -> Self {
        ChunkReader {
            source,
            input,
            name,
            line: 0,
            max_lines: max_lines.max(1),
            next_lines: max_lines.clamp(1, FIRST_CHUNK_LINES),
            // A chunk of long list rows is cut by size: this, times the chunks in flight,
            // bounds the memory of a run.
            max_bytes: 16 << 20,
            last_size: 0,
            carry: Vec::new(),
            mapped_from: 0,
        }
    }

    /// The next chunk of up to `max_lines` non-blank lines, or None at the end of the input;
    /// `spare`, a chunk done with, lends its buffers (no new allocation, no page faults).
    pub fn next_chunk(
        &mut self,
        spare: Option<LineChunk>,
    ) -> Result<Option<LineChunk>, InputError> {
        let mut chunk = spare.unwrap_or_else(|| LineChunk {
            buf: Vec::with_capacity(self.last_size),
            ..LineChunk::default()
        });
        chunk.input = self.input;
        chunk.lines.clear();
        chunk.mapped = None;
        match &mut self.source {
            Opened::Lines(_) => self.fill_from_lines(&mut chunk)?,
            Opened::Mapped(_) => {
                // A stretch of blank lines longer than a chunk's byte budget yields no line;
                // the chunk is filled on, so that only the end of the file ends the input.
                while chunk.lines.is_empty() && !self.mapped_done() {
                    self.fill_from_map(&mut chunk);
                }
            }
            Opened::Rows(_) => self.fill_from_rows(&mut chunk)?,
        }
        self.last_size = self.last_size.max(chunk.buf.len());
        self.next_lines = (self.next_lines * 4).min(self.max_lines);
        Ok((!chunk.lines.is_empty()).then_some(chunk))
    }

    fn full(&self, lines: &[Line], bytes: usize) -> bool {
        lines.len() >= self.next_lines || bytes >= self.max_bytes
    }

    /// Reads text in blocks straight into the chunk's buffer and cuts it into lines; the
    /// bytes after the chunk's last line wait in `carry` for the next chunk.
    fn fill_from_lines(&mut self, chunk: &mut LineChunk) -> Result<(), InputError> {
        // The buffer's length is how much of it was ever zeroed, not how much holds text
        // (`filled`): a reused buffer is read into without being zeroed again.
        let mut filled = self.carry.len();
        if chunk.buf.len() < filled {
            chunk.buf.resize(filled, 0);
        }
        chunk.buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut scanned = 0;
        loop {
            let (from, buf, lines) = (scanned, &chunk.buf[..filled], &mut chunk.lines);
            for n in memchr::memchr_iter(b'\n', &buf[from..]).map(|n| from + n) {
                if self.full(lines, scanned) {
                    break;
                }
                self.add_line(buf, lines, scanned, n + 1);
                scanned = n + 1;
            }
            if self.full(&chunk.lines, scanned) {
                self.carry.extend_from_slice(&chunk.buf[scanned..filled]);
                return Ok(());
            }
            let Opened::Lines(r) = &mut self.source else {
                unreachable!("a text input")
            };
            // A read at least as large as the BufReader's buffer bypasses it: the text is
            // copied once, into the chunk. Short reads (pipes, decoders) are repeated until
            // the block is full.
            if chunk.buf.len() < filled + READ_BLOCK {
                chunk.buf.resize(filled + READ_BLOCK, 0);
            }
            let block = &mut chunk.buf[filled..filled + READ_BLOCK];
            let mut got = 0;
            let read = loop {
                match r.read(&mut block[got..]) {
                    Ok(0) => break Ok(got),
                    Ok(n) => {
                        got += n;
                        if got == READ_BLOCK {
                            break Ok(got);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => break Err(e),
                }
            };
            filled += got;
            if let Err(e) = read {
                // The error is in the line after the complete ones read before it.
                let complete = memchr::memchr_iter(b'\n', &chunk.buf[scanned..filled]).count();
                self.line += complete as u64;
                return Err(self.unreadable(&e.to_string()));
            }
            if got == 0 {
                // The end of the input: a last line without a newline is a line too.
                if scanned < filled {
                    self.add_line(&chunk.buf[..filled], &mut chunk.lines, scanned, filled);
                }
                return Ok(());
            }
        }
    }

    fn mapped_done(&self) -> bool {
        matches!(&self.source, Opened::Mapped(m) if self.mapped_from >= m.map.len())
    }

    /// Cuts the next lines out of a mapped file, where they lie.
    fn fill_from_map(&mut self, chunk: &mut LineChunk) {
        let Opened::Mapped(Mapped { map, bytes }) = &self.source else {
            unreachable!("a mapped input")
        };
        let (map, bytes) = (map.clone(), bytes.clone());
        let start = self.mapped_from;
        let mut scanned = start;
        for n in memchr::memchr_iter(b'\n', &map[start..]).map(|n| start + n) {
            if self.full(&chunk.lines, scanned - start) {
                break;
            }
            self.add_line(&map, &mut chunk.lines, scanned, n + 1);
            scanned = n + 1;
        }
        if !self.full(&chunk.lines, scanned - start) && scanned < map.len() {
            // The end of the file: a last line without a newline is a line too.
            self.add_line(&map, &mut chunk.lines, scanned, map.len());
            scanned = map.len();
        }
        bytes.fetch_add((scanned - start) as u64, Ordering::Relaxed);
        self.mapped_from = scanned;
        chunk.mapped = Some(MappedSpan {
            map,
            start,
            end: scanned,
        });
    }

    fn fill_from_rows(&mut self, chunk: &mut LineChunk) -> Result<(), InputError> {
        chunk.buf.clear();
        while !self.full(&chunk.lines, chunk.buf.len()) {
            let Opened::Rows(rows) = &mut self.source else {
                unreachable!("a table input")
            };
            let Some(row) = rows.next() else { break };
            let row = row.map_err(|e| e.at(&self.name, Some(self.line + 1)))?;
            let start = chunk.buf.len();
            chunk.buf.extend_from_slice(&row);
            chunk.buf.push(b'\n');
            self.add_line(&chunk.buf, &mut chunk.lines, start, chunk.buf.len());
        }
        Ok(())
    }

    /// Numbers the line at `buf[start..end]` (its newline included, when it has one) and
    /// keeps it unless it is blank.
    fn add_line(&mut self, buf: &[u8], lines: &mut Vec<Line>, start: usize, mut end: usize) {
        self.line += 1;
        while end > start && matches!(buf[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let mut from = start;
        if self.line == 1 && buf[start..end].starts_with(b"\xef\xbb\xbf") {
            from += 3;
        }
        let blank = buf[from..end]
            .iter()
            .all(|b| b" \t\n\r\x0b\x0c".contains(b));
        if !blank {
            lines.push((self.line, from, end));
        }
    }

    fn unreadable(&self, why: &str) -> InputError {
        InputError::new(
            ErrorCode::Unreadable,
            format!("the file cannot be read past here: {why}"),
            "the file is truncated or corrupt; regenerate or re-download it",
        )
        .at(&self.name, Some(self.line + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(path: &Path, max_lines: usize) -> Result<Vec<(u64, String)>, InputError> {
        let input = Input::File(path.to_path_buf());
        let opened = open_input(&input, Arc::default())?;
        let mut reader = ChunkReader::new(opened, 0, input.display(), max_lines);
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk(None)? {
            for (i, &(line, _, _)) in chunk.lines.iter().enumerate() {
                out.push((line, String::from_utf8(chunk.line(i).to_vec()).unwrap()));
            }
        }
        Ok(out)
    }

    fn write_gzip(path: &Path, text: &str) {
        let file = File::create(path).unwrap();
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
    }

    const TEXT: &str = "\u{feff}{\"a\":1}\r\n\n  \n{\"a\":2}\n{\"a\":3}";

    fn expected() -> Vec<(u64, String)> {
        vec![
            (1, "{\"a\":1}".into()),
            (4, "{\"a\":2}".into()),
            (5, "{\"a\":3}".into()),
        ]
    }

    #[test]
    fn plain_gzip_and_zstd_read_the_same_lines() {
        let dir = tempdir("codecs");
        let plain = dir.join("d.jsonl");
        std::fs::write(&plain, TEXT).unwrap();
        let gz = dir.join("d.jsonl.gz");
        write_gzip(&gz, TEXT);
        let zst = dir.join("d.jsonl.zst");
        std::fs::write(&zst, zstd::encode_all(TEXT.as_bytes(), 3).unwrap()).unwrap();
        for path in [&plain, &gz, &zst] {
            for max_lines in [1, 2, 100] {
                assert_eq!(read_all(path, max_lines).unwrap(), expected(), "{path:?}");
            }
        }
    }

    #[test]
    fn lines_across_read_blocks_and_chunks() {
        // Several read blocks of lines of many lengths, some blank or ending in "\r\n".
        let dir = tempdir("blocks");
        let mut text = String::new();
        let mut expected = Vec::new();
        for i in 0..40_000u64 {
            let line = format!("{{\"a\":\"{}\"}}", "x".repeat((i * 7919 % 300) as usize));
            match i % 97 {
                0 => text.push_str("  \n"),
                1 => {
                    text.push_str(&line);
                    text.push_str("\r\n");
                    expected.push((i + 1, line));
                }
                _ => {
                    text.push_str(&line);
                    text.push('\n');
                    expected.push((i + 1, line));
                }
            }
        }
        text.push_str("{\"last\":1}");
        expected.push((40_001, "{\"last\":1}".into()));
        assert!(text.len() > 3 * READ_BLOCK);
        // The plain file is read in place from its mapping, the zstd one through read blocks.
        let plain = dir.join("big.jsonl");
        std::fs::write(&plain, &text).unwrap();
        let zst = dir.join("big.jsonl.zst");
        std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 1).unwrap()).unwrap();
        for path in [&plain, &zst] {
            for max_lines in [1000, 16_384, 100_000] {
                assert_eq!(read_all(path, max_lines).unwrap(), expected, "{path:?}");
            }
        }
    }

    #[test]
    fn plain_files_are_mapped_and_the_rest_streamed() {
        let dir = tempdir("mapped");
        let plain = dir.join("p.jsonl");
        std::fs::write(&plain, TEXT).unwrap();
        let document = dir.join("d.json");
        std::fs::write(&document, "[{\"a\": 1},\n {\"a\": 2}]").unwrap();
        let gz = dir.join("g.jsonl.gz");
        write_gzip(&gz, TEXT);
        let empty = dir.join("e.jsonl");
        std::fs::write(&empty, "").unwrap();
        let kind = |p: &Path| match open_input(&Input::File(p.into()), Arc::default()).unwrap() {
            Opened::Lines(_) => "lines",
            Opened::Mapped(_) => "mapped",
            Opened::Rows(_) => "rows",
        };
        assert_eq!(kind(&plain), "mapped");
        assert_eq!(kind(&gz), "lines");
        assert_eq!(kind(&empty), "lines");
        assert_eq!(kind(&document), "rows");
    }

    #[test]
    fn a_mapped_file_counts_its_bytes_and_reads_past_blank_stretches() {
        // More blank text than a chunk's byte budget must not end the input early.
        let dir = tempdir("blank-stretch");
        let path = dir.join("b.jsonl");
        let text = format!("{{\"a\":1}}\n{}{{\"a\":2}}\n", "\n".repeat(3000));
        std::fs::write(&path, &text).unwrap();
        let bytes = Arc::new(AtomicU64::new(0));
        let opened = open_input(&Input::File(path.clone()), bytes.clone()).unwrap();
        let mut reader = ChunkReader::new(opened, 0, "b.jsonl".into(), 10);
        reader.max_bytes = 1000;
        let mut lines = Vec::new();
        while let Some(chunk) = reader.next_chunk(None).unwrap() {
            lines.extend(chunk.lines.iter().map(|l| l.0));
        }
        assert_eq!(lines, [1, 3002]);
        assert_eq!(bytes.load(Ordering::Relaxed), text.len() as u64);
    }

    #[test]
    fn truncated_gzip_names_the_line() {
        let dir = tempdir("truncated");
        let gz = dir.join("t.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(enc, "{{\"answer\": \"{i}\", \"completion\": \"x{i}\"}}").unwrap();
        }
        let bytes = enc.finish().unwrap();
        std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
        let err = read_all(&gz, 100).unwrap_err();
        assert_eq!(err.code, ErrorCode::Unreadable);
        assert!(err.line.unwrap() > 1);
    }

    #[test]
    fn directories_and_globs_are_sorted_by_name() {
        let dir = tempdir("shards");
        for name in ["b.jsonl", "a.jsonl.gz", "c.jsonl.zst", "notes.txt"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let names = |inputs: Vec<Input>| -> Vec<String> {
            inputs
                .iter()
                .map(|i| match i {
                    Input::File(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
                    Input::Stdin => "-".into(),
                })
                .collect()
        };
        let spec = dir.to_string_lossy().into_owned();
        assert_eq!(
            names(expand_inputs(&spec).unwrap()),
            ["a.jsonl.gz", "b.jsonl", "c.jsonl.zst"]
        );
        let glob = format!("{spec}/*.jsonl*");
        assert_eq!(
            names(expand_inputs(&glob).unwrap()),
            ["a.jsonl.gz", "b.jsonl", "c.jsonl.zst"]
        );
        assert_eq!(expand_inputs("-").unwrap(), vec![Input::Stdin]);
        let missing = format!("{spec}/nothing-*.jsonl");
        assert_eq!(
            expand_inputs(&missing).unwrap_err().code,
            ErrorCode::CannotOpen
        );
    }

    #[test]
    fn missing_file_is_cannot_open() {
        let input = Input::File(PathBuf::from("/nonexistent/x.jsonl"));
        let err = open_input(&input, Arc::default()).err().unwrap();
        assert_eq!(err.code, ErrorCode::CannotOpen);
        assert!(
            err.message.ends_with("No such file or directory"),
            "{}",
            err.message
        );
    }

    pub(crate) fn tempdir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mathb-dump-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
