//! Tests of whole runs that go on past malformed records, and of resuming a verdicts file
//! cut at every byte.

use crate::malformed::OnError;
use crate::resume::VerdictLog;
use crate::schema::ErrorCode;
use crate::stream::{grade_stream_resuming, StreamError, StreamOptions, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

fn tempdir(tag: &str) -> PathBuf {
    crate::test_support::tempdir("resume", tag)
}

fn run(spec: &Path, opts: &StreamOptions) -> Result<(Summary, String), StreamError> {
    crate::test_support::graded(spec.to_str().unwrap(), opts)
}

/// Resumes the verdicts file at `verdicts` (appending to it, as the bindings do).
fn resume(spec: &Path, verdicts: &Path, opts: &StreamOptions) -> Result<Summary, StreamError> {
    let mut log = VerdictLog::open(verdicts).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(verdicts)
        .unwrap();
    let out: &mut dyn Write = &mut file;
    let spec = spec.to_str().unwrap();
    grade_stream_resuming(
        &[spec],
        Some(out),
        opts,
        &mut |_| true,
        None,
        Some(&mut log),
    )
}

fn opts(on_error: OnError, chunk_lines: usize) -> StreamOptions {
    StreamOptions {
        on_error,
        chunk_lines,
        threads: Some(2),
        ..Default::default()
    }
}

/// Valid records, blank lines, invalid JSON, a wrong type, a missing field, a record cut
/// short without its newline.
const MIXED: &str =
    "{\"id\": 1, \"answer\": \"2\", \"completion\": [\"\\\\boxed{2}\", \"\\\\boxed{3}\"]}\n\
\n\
{\"id\": 1, \"answer\": \"2\", \"completion\": \"so 2\"\n\
   \n\
{\"id\": 2, \"answer\": \"5\", \"completion\": 5}\n\
{\"id\": 2, \"answer\": \"5\", \"completion\": \"\\\\boxed{5}\"}\n\
{\"id\": 3, \"completion\": \"\\\\boxed{5}\"}\n\
{\"id\": 1, \"answer\": \"2\", \"completion\": \"the answer is 2\"}\n\
{\"id\": 3, \"answer\": \"7\", \"comple";

#[test]
fn malformed_records_are_skipped_or_recorded_in_place() {
    let dir = tempdir("mixed");
    let path = dir.join("mixed.jsonl");
    std::fs::write(&path, MIXED).unwrap();
    let name = path.display().to_string();
    for chunk_lines in [1, 3, 100] {
        let Err(StreamError::Input(e)) = run(&path, &opts(OnError::Stop, chunk_lines)) else {
            panic!("the default stops");
        };
        assert_eq!((e.code, e.line), (ErrorCode::InvalidJson, Some(3)));

        let (skipped, out) = run(&path, &opts(OnError::Skip, chunk_lines)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert!(lines[2].starts_with("{\"line\":6,\"problem_id\":2,\"sample_idx\":0,"));
        assert!(lines[3].starts_with("{\"line\":8,\"problem_id\":1,\"sample_idx\":2,"));
        assert_eq!(skipped.records, 7);
        assert_eq!(skipped.errors.count, 4);
        let where_: Vec<&str> = skipped
            .errors
            .first
            .iter()
            .map(|d| d.split(" error[").next().unwrap())
            .collect();
        let at = |n: u64| format!("{name}:{n}:");
        assert_eq!(where_, [at(3), at(5), at(7), at(9)]);
        assert!(skipped.errors.first[1].contains("error[E006] completion field"));
        assert!(skipped.errors.first[2].contains("error[E005]"));
        assert_eq!(skipped.tally.n, [3, 1]);
        assert_eq!(skipped.tally.counts, [3, 1, 0, 0]);

        let (recorded, out) = run(&path, &opts(OnError::Record, chunk_lines)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        // One line per sample of a good record, one per malformed record, in input order.
        let numbers: Vec<&str> = lines.iter().map(|l| l.split(',').next().unwrap()).collect();
        let expected = [1, 1, 3, 5, 6, 7, 8, 9].map(|n| format!("{{\"line\":{n}"));
        assert_eq!(numbers, expected);
        let file = serde_json::to_string(&name).unwrap();
        assert_eq!(
            lines[2],
            format!(
                "{{\"line\":3,\"file\":{file},\"status\":\"error\",\"reason\":\"error[E002] \
                 invalid JSON: EOF while parsing an object at column 45\"}}"
            )
        );
        assert!(lines[7].contains("\"status\":\"error\",\"reason\":\"error[E002] invalid JSON"));
        assert_eq!(recorded.errors.count, 4);
        assert_eq!(recorded.tally.counts, skipped.tally.counts);
    }
}

#[test]
fn a_bad_shard_is_skipped_or_recorded_and_the_others_graded() {
    let dir = tempdir("shards");
    let good = "{\"answer\": \"1\", \"completion\": \"\\\\boxed{1}\"}\n".repeat(3000);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(good.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    std::fs::write(dir.join("a.jsonl"), &good[..good.len() / 3000 * 2]).unwrap();
    std::fs::write(dir.join("b.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(
        dir.join("c.jsonl"),
        "not JSON\n{\"answer\": \"2\", \"completion\": \"2\"}\n",
    )
    .unwrap();
    std::fs::write(dir.join("d.jsonl"), &good[..good.len() / 3000]).unwrap();
    let Err(StreamError::Input(e)) = run(&dir, &opts(OnError::Stop, 1000)) else {
        panic!("the default stops");
    };
    assert!(e.path.ends_with("b.jsonl.gz"), "{e}");
    assert_eq!(e.code, ErrorCode::Unreadable);
    let cut = e.line.unwrap();
    let (summary, out) = run(&dir, &opts(OnError::Record, 1000)).unwrap();
    let errors: Vec<&str> = out.lines().filter(|l| l.contains("\"error\"")).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with(&format!("{{\"line\":{cut},\"file\":")));
    assert!(errors[0].contains("b.jsonl.gz\",\"status\":\"error\",\"reason\":\"error[E009]"));
    assert!(
        errors[1].starts_with("{\"line\":1,\"file\":") && errors[1].contains("c.jsonl"),
        "{errors:?}"
    );
    // 2 + (cut - 1) + 1 + 1 good records, 2 malformed ones.
    assert_eq!(summary.records, 2 + (cut - 1) + 2 + 1 + 1);
    assert_eq!(summary.tally.counts[0], 2 + (cut - 1) + 2);
    assert_eq!(out.lines().count() as u64, summary.records);
}

/// A file none of whose records can be read still completes when the run goes on.
#[test]
fn a_run_of_only_malformed_records_completes() {
    let dir = tempdir("all-bad");
    let path = dir.join("bad.jsonl");
    std::fs::write(&path, "not json\n{\"x\": 1}\n").unwrap();
    let (summary, out) = run(&path, &opts(OnError::Record, 100)).unwrap();
    assert_eq!((summary.records, summary.errors.count), (2, 2));
    assert_eq!(out.lines().count(), 2);
    assert!(out.contains("error[E004]"));
    // Whole chunks of them before the first good record: the fields come from that one.
    let good = "{\"answer\": \"1\", \"completion\": \"\\\\boxed{1}\"}\n";
    std::fs::write(&path, format!("not json\n{{\"x\": 1}}\n{good}{good}")).unwrap();
    for chunk_lines in [1, 2, 100] {
        let (summary, out) = run(&path, &opts(OnError::Record, chunk_lines)).unwrap();
        let statuses: Vec<&str> = out
            .lines()
            .map(|l| {
                l.split("\"status\":\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            statuses,
            ["error", "error", "correct", "correct"],
            "{chunk_lines}"
        );
        assert_eq!(summary.fields.gold, "answer");
    }
}

/// A dump with problems of several samples (maj@k, pass@k), list rows, a malformed record
/// (recorded) and enough lines for several chunks.
fn resumable_dump(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..60 {
        let p = i % 7;
        match i {
            17 => text.push_str("{\"broken\n"),
            23 => text.push('\n'),
            i if i % 11 == 0 => text.push_str(&format!(
                "{{\"problem_id\": \"p{p}\", \"answer\": \"{p}\", \"completion\": \
                 [\"\\\\boxed{{{p}}}\", \"so {}\", \"\\\\boxed{{{}}}\"]}}\n",
                i % 3,
                i % 4
            )),
            _ => text.push_str(&format!(
                "{{\"problem_id\": \"p{p}\", \"answer\": \"{p}\", \"completion\": \
                 \"the answer is {}\"}}\n",
                i % 5
            )),
        }
    }
    let path = dir.join("dump.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

fn same_summary(a: &Summary, b: &Summary) {
    assert_eq!((a.records, a.skipped), (b.records, b.skipped));
    assert_eq!((&a.tally.n, &a.tally.c), (&b.tally.n, &b.tally.c));
    assert_eq!(a.tally.counts, b.tally.counts);
    assert_eq!(a.tally.maj_at_k(), b.tally.maj_at_k());
    assert_eq!(a.errors.count, b.errors.count);
    assert_eq!(a.errors.first, b.errors.first);
}

#[test]
fn a_verdicts_file_cut_at_any_byte_resumes_to_the_same_file_and_counts() {
    let dir = tempdir("cut");
    let dump = resumable_dump(&dir);
    let options = opts(OnError::Record, 8);
    let (full, reference) = run(&dump, &options).unwrap();
    assert!(reference.lines().count() > 60);
    let verdicts = dir.join("v.jsonl");
    // Every byte of the first lines, then each line's end and the bytes either side of it,
    // and a stride through the rest.
    let mut cuts: Vec<usize> = (0..400).collect();
    for (i, b) in reference.bytes().enumerate() {
        if b == b'\n' {
            cuts.extend([i, i + 1, i + 2]);
        }
    }
    cuts.extend((0..reference.len()).step_by(97));
    cuts.retain(|&at| at <= reference.len());
    cuts.sort_unstable();
    cuts.dedup();
    for at in cuts {
        std::fs::write(&verdicts, &reference.as_bytes()[..at]).unwrap();
        let resumed = resume(&dump, &verdicts, &options).unwrap();
        let text = std::fs::read_to_string(&verdicts).unwrap();
        assert!(text == reference, "cut at byte {at}");
        same_summary(&resumed, &full);
        let kept = reference.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        // Lines of a record whose lines are not all kept are graded again.
        assert!(resumed.resumed_lines <= kept && resumed.resumed_lines + 3 > kept);
    }
}

#[test]
fn a_verdicts_file_of_another_input_is_refused() {
    let dir = tempdir("mismatch");
    let dump = resumable_dump(&dir);
    let options = opts(OnError::Record, 8);
    let (_, reference) = run(&dump, &options).unwrap();
    let verdicts = dir.join("v.jsonl");
    // Lines of another problem where the first record's belong.
    let other = reference.replacen("\"problem_id\":\"p0\"", "\"problem_id\":\"q0\"", 1);
    std::fs::write(&verdicts, &other[..other.len() / 2]).unwrap();
    let Err(StreamError::Input(e)) = resume(&dump, &verdicts, &options) else {
        panic!("expected a mismatch");
    };
    assert_eq!((e.code, e.line), (ErrorCode::ResumeMismatch, Some(1)));
    assert!(e.message.contains("does not match the input"), "{e}");
    // More lines than the input gives.
    std::fs::write(
        &verdicts,
        format!("{reference}{}", reference.lines().next().unwrap()) + "\n",
    )
    .unwrap();
    let Err(StreamError::Input(e)) = resume(&dump, &verdicts, &options) else {
        panic!("expected a mismatch");
    };
    assert_eq!(e.code, ErrorCode::ResumeMismatch);
    assert!(e.message.contains("more lines"), "{e}");
    // The same input read as skip instead of record: the error line is not where it was.
    std::fs::write(&verdicts, &reference).unwrap();
    let Err(StreamError::Input(e)) = resume(&dump, &verdicts, &opts(OnError::Skip, 8)) else {
        panic!("expected a mismatch");
    };
    assert_eq!(e.code, ErrorCode::ResumeMismatch);
}
