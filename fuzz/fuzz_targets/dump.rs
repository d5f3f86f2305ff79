//! Bytes of a dump file → records → verdict lines, through the whole streaming reader.
//!
//! The first byte picks how the rest is stored: as is, gzip, gzip cut short, or zstd (random
//! bytes are almost never a valid compressed stream, so the target compresses them).
#![no_main]

use flate2::{write::GzEncoder, Compression};
use libfuzzer_sys::fuzz_target;
use mathb_dumps::{grade_stream, StreamOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("mathb-fuzz-dump-{}.jsonl", std::process::id()))
    })
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(body).unwrap();
    enc.finish().unwrap()
}

/// The verdict lines and the summary's counts, or the error's text.
fn run(chunk_lines: usize) -> Result<(Vec<u8>, u64, u64), String> {
    let opts = StreamOptions {
        threads: Some(1),
        chunk_lines,
        ..StreamOptions::default()
    };
    let mut out = Vec::new();
    let spec = path().to_str().unwrap();
    grade_stream(spec, Some(&mut out), &opts, &mut |_| true)
        .map(|s| (out, s.records, s.skipped))
        .map_err(|e| e.to_string())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let file = match mode & 3 {
        0 => body.to_vec(),
        1 => gzip(body),
        2 => {
            let full = gzip(body);
            let keep = full.len() * usize::from(mode >> 2) / 64;
            full[..keep].to_vec()
        }
        _ => zstd::encode_all(body, 1).unwrap(),
    };
    std::fs::write(path(), &file).unwrap();

    // Verdicts do not depend on how the input is cut into chunks.
    let small = run(2);
    let large = run(4096);
    assert_eq!(small, large);
    if let Ok((out, _, _)) = &small {
        for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).expect("verdict line is JSON");
            assert!(v.get("status").is_some_and(|s| s.is_string()), "{v}");
        }
    }
});
