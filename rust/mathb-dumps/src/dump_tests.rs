//! Tests of the dump reader: codecs, read blocks, mapped files, shards, truncation.

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
        if let Some(e) = chunk.failure {
            return Err(e);
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
fn a_compressed_file_cut_short_keeps_every_line_before_the_cut() {
    let dir = tempdir("cut");
    let text: String = (0..50_000)
        .map(|i| format!("{{\"answer\": \"{i}\", \"completion\": \"x{i}\"}}\n"))
        .collect();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
    for (name, bytes) in [("c.jsonl.gz", gz), ("c.jsonl.zst", zst)] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let input = Input::File(path.clone());
        let opened = open_input(&input, Arc::default()).unwrap();
        let mut reader = ChunkReader::new(opened, 0, input.display(), 100);
        let (mut lines, mut failure) = (Vec::new(), None);
        while let Some(chunk) = reader.next_chunk(None).unwrap() {
            assert!(failure.is_none(), "{name}: nothing after the failure");
            lines.extend(chunk.lines.iter().map(|l| l.0));
            failure = chunk.failure;
        }
        let failure = failure.unwrap_or_else(|| panic!("{name}: the cut is reported"));
        assert_eq!(failure.code, ErrorCode::Unreadable, "{name}");
        // Every line before the failing one, in order, and none after it.
        let at = failure.line.unwrap();
        assert!(at > 1000, "{name}: {at}");
        assert_eq!(lines, (1..at).collect::<Vec<u64>>(), "{name}");
        assert_eq!(failure.path, path.to_string_lossy(), "{name}");
        // Cut inside its first block, a file yields no line and fails at line 1.
        std::fs::write(&path, &bytes[..40]).unwrap();
        let err = read_all(&path, 100).unwrap_err();
        assert_eq!(
            (err.code, err.line),
            (ErrorCode::Unreadable, Some(1)),
            "{name}"
        );
    }
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

fn tempdir(tag: &str) -> PathBuf {
    crate::test_support::tempdir("dump", tag)
}
