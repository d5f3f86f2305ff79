//! Tests of the streaming pass: list rows, diagnostics, shard order, thread invariance.

use super::*;
use crate::schema::ErrorCode;
use mathb_core::verdict::Status;
use std::path::PathBuf;

fn tempdir(tag: &str) -> PathBuf {
    crate::test_support::tempdir("stream", tag)
}

fn run(spec: &str, opts: &StreamOptions) -> Result<(Summary, String), StreamError> {
    crate::test_support::graded(spec, opts)
}

const ROWS: &str = r#"{"idx": 7, "gt": "2", "code": ["so \\boxed{2}", "so \\boxed{3}", "hmm"]}
{"idx": "7", "gt": "1/2", "code": ["\\boxed{0.5}"]}

{"idx": 7, "gt": "2", "code": ["\\boxed{2}"]}
"#;

#[test]
fn list_rows_expand_to_samples_in_order() {
    let dir = tempdir("list");
    let path = dir.join("rows.jsonl");
    std::fs::write(&path, ROWS).unwrap();
    let (summary, out) = run(path.to_str().unwrap(), &StreamOptions::default()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with(r#"{"line":1,"problem_id":7,"sample_idx":0,"status":"correct""#));
    assert!(
        lines[2].contains(r#""sample_idx":2,"status":"no_answer""#)
            && lines[2].ends_with(r#""extracted":null,"method":null}"#)
    );
    assert!(lines[3].starts_with(r#"{"line":2,"problem_id":"7","sample_idx":0,"#));
    assert!(lines[4].starts_with(r#"{"line":4,"problem_id":7,"sample_idx":3,"#));
    assert_eq!(summary.records, 3);
    assert_eq!(summary.fields.completion, "code");
    assert_eq!(
        (summary.tally.n.clone(), summary.tally.c.clone()),
        (vec![4, 1], vec![2, 1])
    );
    assert_eq!(summary.tally.counts, [3, 1, 1, 0]);
}

#[test]
fn output_is_independent_of_threads_and_chunk_size() {
    let dir = tempdir("threads");
    let path = dir.join("many.jsonl");
    let mut text = String::new();
    for i in 0..500 {
        text += &format!(
            "{{\"problem_id\": {}, \"answer\": \"{}\", \"completion\": \"so \\\\boxed{{{}}}\"}}\n",
            i % 13,
            i % 13,
            i % 5
        );
    }
    std::fs::write(&path, text).unwrap();
    let spec = path.to_str().unwrap();
    let reference = run(
        spec,
        &StreamOptions {
            threads: Some(1),
            ..Default::default()
        },
    )
    .unwrap()
    .1;
    for (threads, chunk_lines) in [(Some(2), 7), (Some(3), 1), (None, 100_000)] {
        let opts = StreamOptions {
            threads,
            chunk_lines,
            ..Default::default()
        };
        assert_eq!(run(spec, &opts).unwrap().1, reference);
    }
}

#[test]
fn malformed_line_names_file_and_line() {
    let dir = tempdir("bad");
    let path = dir.join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"answer\": \"1\", \"completion\": \"x\"}\n\n{\"answer\": \"1\", \n",
    )
    .unwrap();
    for chunk_lines in [1, 100] {
        let opts = StreamOptions {
            chunk_lines,
            ..Default::default()
        };
        let Err(StreamError::Input(e)) = run(path.to_str().unwrap(), &opts) else {
            panic!("expected an input error");
        };
        assert_eq!((e.code, e.line), (ErrorCode::InvalidJson, Some(3)));
        assert!(e
            .to_string()
            .starts_with(&format!("{}:3: error[E002] invalid JSON", path.display())));
    }
    let missing = dir.join("missing.jsonl");
    std::fs::write(
        &missing,
        "{\"answer\": \"1\", \"completion\": \"x\"}\n{\"answer\": \"1\"}\n",
    )
    .unwrap();
    let Err(StreamError::Input(e)) = run(missing.to_str().unwrap(), &StreamOptions::default())
    else {
        panic!("expected an input error");
    };
    assert_eq!((e.code, e.line), (ErrorCode::MissingField, Some(2)));
    assert_eq!(e.message, "completion field 'completion' is missing");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "\n\n").unwrap();
    let Err(StreamError::Input(e)) = run(empty.to_str().unwrap(), &StreamOptions::default()) else {
        panic!("expected an input error");
    };
    assert_eq!((e.code, e.line), (ErrorCode::NoRecords, None));
}

#[test]
fn shards_are_read_in_name_order() {
    let dir = tempdir("shards");
    std::fs::write(
        dir.join("part-1.jsonl"),
        "{\"id\": \"b\", \"answer\": \"1\", \"completion\": \"\\\\boxed{1}\"}\n",
    )
    .unwrap();
    let gz = std::fs::File::create(dir.join("part-0.jsonl.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
    enc.write_all(b"{\"id\": \"a\", \"answer\": \"1\", \"completion\": \"\\\\boxed{2}\"}\n")
        .unwrap();
    enc.finish().unwrap();
    let (summary, out) = run(dir.to_str().unwrap(), &StreamOptions::default()).unwrap();
    let ids: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["problem_id"].clone())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(summary.tally.c, vec![0, 1]);
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_rows_are_records() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/formats/verl.main_generation.synthetic.parquet");
    if !path.exists() {
        return; // the shared formats folder is not part of every checkout
    }
    let opts = StreamOptions {
        fields: FieldOverrides {
            gold: Some("reward_model.ground_truth".into()),
            completion: None,
            problem_id: Some("extra_info.index".into()),
            choices: None,
            answers_by_id: false,
            id_pattern: None,
        },
        ..Default::default()
    };
    let (summary, out) = run(path.to_str().unwrap(), &opts).unwrap();
    assert_eq!(summary.fields.completion, "responses");
    assert!(summary.tally.n.iter().all(|&n| n > 1));
    assert_eq!(
        out.lines().count() as u32,
        summary.tally.n.iter().sum::<u32>()
    );
}

#[test]
fn settled_verdicts_are_written_and_counted() {
    let dir = tempdir("settle");
    let path = dir.join("rows.jsonl");
    // Two samples share the one undecided pair: it is sent once, both are settled.
    let row = r#"{"id": "a", "answer": "1", "completion": ["\\boxed{\\sin^2 x + \\cos^2 x}", "\\boxed{\\sin^2 x + \\cos^2 x}", "\\boxed{2}"]}"#;
    std::fs::write(&path, format!("{row}\n")).unwrap();
    let mut calls = Vec::new();
    let mut settle = |pairs: &[(&str, &str)]| -> Vec<Option<(Status, String)>> {
        calls.push(pairs.len());
        pairs
            .iter()
            .map(|_| Some((Status::Correct, "checked".to_string())))
            .collect()
    };
    let mut out = Vec::new();
    let summary = grade_stream_with_fallback(
        path.to_str().unwrap(),
        Some(&mut out),
        &StreamOptions::default(),
        &mut |_| true,
        Some(&mut Blocking::new(&mut settle)),
    )
    .unwrap();
    assert_eq!(calls, vec![1]);
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains(r#""status":"correct","reason":"checked""#));
    assert!(lines[1].ends_with(r#","decided_by":"fallback"}"#));
    assert!(lines[2].contains(r#""status":"incorrect""#) && !lines[2].contains("decided_by"));
    assert_eq!(summary.tally.counts, [2, 1, 0, 0]);
    assert_eq!((summary.fallback_sent, summary.fallback_settled), (2, 2));
}

#[test]
fn a_list_gold_accepts_any_of_its_answers() {
    let dir = tempdir("golds");
    let path = dir.join("rows.jsonl");
    let rows = [
        r#"{"id": "a", "answer": ["\\frac12", 0.5, "x=3"], "completion": ["\\boxed{0.5}", "\\boxed{3}", "\\boxed{7}", "none"]}"#,
        r#"{"id": "b", "answer": "4", "completion": "\\boxed{4}"}"#,
        r#"{"id": "c", "answer": ["1", "\\sin^2 x + \\cos^2 x"], "completion": "\\boxed{1}"}"#,
        r#"{"id": "d", "answer": ["2", "\\sin^2 x + \\cos^2 x"], "completion": "\\boxed{1}"}"#,
    ];
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    let (summary, out) = run(path.to_str().unwrap(), &StreamOptions::default()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains(r#""status":"correct","reason":"gold 1 of 3 (\\frac12) matches"#));
    assert!(lines[1].contains(r#""status":"correct","reason":"gold 3 of 3 (x=3) matches"#));
    assert!(lines[2].contains(r#""status":"incorrect","reason":"none of the 3 golds"#));
    assert!(lines[3].contains(r#""status":"no_answer""#));
    assert!(lines[5].contains(r#""status":"correct""#));
    // Undecided: the verdict line carries the golds as a JSON list.
    assert!(lines[6].contains(r#""status":"undecided""#), "{}", lines[6]);
    assert!(
        lines[6].ends_with(r#""gold":["2","\\sin^2 x + \\cos^2 x"]}"#),
        "{}",
        lines[6]
    );
    assert_eq!(summary.tally.counts, [4, 1, 1, 1]);

    // The fallback sees each gold of the list as a plain pair, and settles the sample.
    let mut asked: Vec<(String, String)> = Vec::new();
    let mut settle = |pairs: &[(&str, &str)]| -> Vec<Option<(Status, String)>> {
        asked.extend(pairs.iter().map(|(g, a)| (g.to_string(), a.to_string())));
        pairs
            .iter()
            .map(|(g, _)| match g.starts_with("\\sin") {
                true => Some((Status::Correct, "sympy: equal".to_string())),
                false => Some((Status::Incorrect, "sympy: differ".to_string())),
            })
            .collect()
    };
    let mut out = Vec::new();
    let summary = grade_stream_with_fallback(
        path.to_str().unwrap(),
        Some(&mut out),
        &StreamOptions::default(),
        &mut |_| true,
        Some(&mut Blocking::new(&mut settle)),
    )
    .unwrap();
    assert_eq!(
        asked,
        vec![
            ("2".to_string(), "1".to_string()),
            ("\\sin^2 x + \\cos^2 x".to_string(), "1".to_string())
        ]
    );
    let out = String::from_utf8(out).unwrap();
    let last = out.lines().last().unwrap();
    assert!(
        last.contains(r#""status":"correct","reason":"gold 2 of 2 (\\sin^2 x + \\cos^2 x) matches: sympy: equal""#),
        "{last}"
    );
    assert!(last.ends_with(r#""decided_by":"fallback"}"#));
    assert_eq!(summary.tally.counts, [5, 1, 1, 0]);
}

#[test]
fn multiple_choice_records_with_their_options() {
    let dir = tempdir("choices");
    // lm-eval: the options in doc.choices, the gold an index in doc.answer.
    let lm_eval = dir.join("samples_mmlu.jsonl");
    let row = r#"{"doc_id": 0, "doc": {"question": "Q", "choices": ["27", "\\frac{1}{2}", "30", "12"], "answer": 1}, "target": "1", "resps": [["The answer is (B).", "so \\boxed{0.5}", "\\boxed{C}", "\\boxed{30}", "\\boxed{7}"]], "filtered_resps": ["B"], "filter": "none"}"#;
    std::fs::write(&lm_eval, format!("{row}\n")).unwrap();
    let (summary, out) = run(lm_eval.to_str().unwrap(), &StreamOptions::default()).unwrap();
    assert_eq!(summary.fields.choices.as_deref(), Some("doc.choices"));
    assert_eq!(summary.fields.gold, "doc.answer");
    let statuses: Vec<&str> = out
        .lines()
        .map(|l| {
            l.split(r#""status":""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        statuses,
        ["correct", "correct", "incorrect", "incorrect", "incorrect"]
    );
    assert!(out.contains("states the value of option C, B expected"));

    // A generic record: `options` and a letter gold; a record without options is plain.
    let generic = dir.join("generic.jsonl");
    let rows = [
        r#"{"id": 1, "answer": "C", "options": ["(A) 1", "(B) 2", "(C) 3", "(D) 4"], "completion": ["\\boxed{3}", "\\boxed{C}", "\\boxed{2}", "\\boxed{B}"]}"#,
        r#"{"id": 2, "answer": "A", "options": ["Paris", "Lyon"], "completion": "The answer is: Paris"}"#,
    ];
    std::fs::write(&generic, rows.join("\n") + "\n").unwrap();
    let (summary, _) = run(generic.to_str().unwrap(), &StreamOptions::default()).unwrap();
    assert_eq!(summary.fields.choices.as_deref(), Some("options"));
    assert_eq!(summary.tally.counts, [3, 2, 0, 0]);

    // A dump that mixes free-form and multiple-choice items, the first one free-form: each
    // record with options is graded against them (a value names its option).
    let mixed = dir.join("mixed.jsonl");
    let rows = [
        r#"{"id": 1, "answer": "12", "completion": "\\boxed{12}"}"#,
        r#"{"id": 2, "answer": "C", "options": ["1", "2", "3", "4"], "completion": ["\\boxed{3}", "\\boxed{C}", "\\boxed{2}"]}"#,
    ];
    std::fs::write(&mixed, rows.join("\n") + "\n").unwrap();
    let (summary, out) = run(mixed.to_str().unwrap(), &StreamOptions::default()).unwrap();
    assert_eq!(summary.fields.choices, None);
    assert_eq!(summary.tally.counts, [3, 1, 0, 0], "{out}");
    assert!(
        out.contains("states the value of option B, C expected"),
        "{out}"
    );

    // lm-eval's target is str() of the index: digits there name an option by position.
    let target = dir.join("samples_hellaswag.jsonl");
    let row = r#"{"doc_id": 0, "doc": {"ctx": "Q", "choices": ["10", "20", "30"], "label": "2"}, "target": "2", "resps": [["\boxed{30}", "\boxed{C}", "\boxed{2}"]], "filter": "none"}"#;
    std::fs::write(&target, format!("{row}\n")).unwrap();
    let (summary, _) = run(target.to_str().unwrap(), &StreamOptions::default()).unwrap();
    assert_eq!(summary.fields.gold, "target");
    assert_eq!(summary.tally.counts, [2, 1, 0, 0]);

    // Completions named `choices` are not options.
    let samples = dir.join("samples.jsonl");
    let row = r#"{"answer": "1", "choices": ["\boxed{1}", "\boxed{2}"]}"#;
    std::fs::write(&samples, format!("{row}\n")).unwrap();
    let mut opts = StreamOptions::default();
    opts.fields.completion = Some("choices".into());
    let (summary, _) = run(samples.to_str().unwrap(), &opts).unwrap();
    assert_eq!(summary.fields.choices, None);
    assert_eq!(summary.tally.counts, [1, 1, 0, 0]);

    // A named choices field; one that is missing is an error naming the flag.
    let named = dir.join("named.jsonl");
    let row = r#"{"answer": 0, "opts": ["3", "4"], "completion": ["\boxed{3}", "\boxed{B}"]}"#;
    std::fs::write(&named, format!("{row}\n")).unwrap();
    let mut opts = StreamOptions::default();
    opts.fields.choices = Some("opts".into());
    let (summary, _) = run(named.to_str().unwrap(), &opts).unwrap();
    assert_eq!(summary.tally.counts, [1, 1, 0, 0]);
    opts.fields.choices = Some("nope".into());
    let Err(StreamError::Input(e)) = run(named.to_str().unwrap(), &opts) else {
        panic!("a missing choices field is an error")
    };
    assert!(e.to_string().contains("--choices-field"), "{e}");
}

#[test]
fn own_sample_idx_file_names_and_duplicates() {
    let dir = tempdir("dups");
    let row = |p: &str, s: u32, c: &str| {
        format!("{{\"problem_id\": \"{p}\", \"sample_idx\": {s}, \"answer\": \"2\", \"completion\": \"\\\\boxed{{{c}}}\"}}\n")
    };
    std::fs::write(dir.join("a.jsonl"), row("p", 3, "2") + &row("p", 0, "5")).unwrap();
    std::fs::write(dir.join("b.jsonl"), row("p", 3, "7")).unwrap();
    let (summary, out) = run(dir.to_str().unwrap(), &StreamOptions::default()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    let a = serde_json::to_string(&dir.join("a.jsonl").display().to_string()).unwrap();
    let b = serde_json::to_string(&dir.join("b.jsonl").display().to_string()).unwrap();
    assert!(lines[0].starts_with(&format!(
        r#"{{"line":1,"file":{a},"problem_id":"p","sample_idx":3,"status":"correct""#
    )));
    assert!(lines[1].starts_with(&format!(
        r#"{{"line":2,"file":{a},"problem_id":"p","sample_idx":0,"#
    )));
    assert!(lines[2].starts_with(&format!(
        r#"{{"line":1,"file":{b},"problem_id":"p","sample_idx":3,"duplicate":true,"status":"incorrect""#
    )));
    // The repeat is in no count.
    assert_eq!(
        (summary.tally.n.clone(), summary.tally.c.clone()),
        (vec![2], vec![1])
    );
    assert_eq!(summary.tally.counts, [1, 1, 0, 0]);
    assert_eq!(summary.duplicates, 1);
    assert!(summary.duplicate_notes[0].contains("b.jsonl:1 repeats problem \"p\" sample_idx 3 of"));
    let keep = StreamOptions {
        duplicates: Duplicates::Keep,
        ..StreamOptions::default()
    };
    let (summary, out) = run(dir.to_str().unwrap(), &keep).unwrap();
    assert_eq!(summary.tally.n, vec![3]);
    assert!(!out.contains("duplicate"));
    let refuse = StreamOptions {
        duplicates: Duplicates::Error,
        ..StreamOptions::default()
    };
    match run(dir.to_str().unwrap(), &refuse) {
        Err(StreamError::Input(e)) => {
            assert_eq!((e.code, e.line), (ErrorCode::Duplicate, Some(1)));
            assert!(e.path.ends_with("b.jsonl"));
        }
        _ => panic!("a duplicate refused"),
    }
}

#[test]
fn limit_reads_the_first_records() {
    let dir = tempdir("limit");
    let path = dir.join("d.jsonl");
    let text: String = (0..10)
        .map(|i| format!("{{\"problem_id\": {i}, \"answer\": \"1\", \"completion\": \"x\"}}\n\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    let opts = StreamOptions {
        limit: Some(3),
        chunk_lines: 2,
        ..StreamOptions::default()
    };
    let (summary, out) = run(path.to_str().unwrap(), &opts).unwrap();
    assert_eq!(summary.records, 3);
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn unread_compressions_are_named() {
    let dir = tempdir("bz2");
    for (name, bytes, what) in [
        ("d.jsonl", &b"BZh91AY&SY\x00\x01"[..], "bzip2"),
        ("e.jsonl", &b"\xfd7zXZ\x00\x00"[..], "xz"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        match run(path.to_str().unwrap(), &StreamOptions::default()) {
            Err(StreamError::Input(e)) => {
                assert_eq!(e.code, ErrorCode::Unreadable);
                assert_eq!(e.message, format!("{what} compression is not supported"));
            }
            _ => panic!("{name} refused"),
        }
    }
}

#[test]
fn zero_threads_is_a_usage_error() {
    let dir = tempdir("zero-threads");
    let path = dir.join("a.jsonl");
    std::fs::write(
        &path,
        "{\"answer\": \"1\", \"completion\": \"\\\\boxed{1}\"}\n",
    )
    .unwrap();
    let opts = StreamOptions {
        threads: Some(0),
        ..Default::default()
    };
    let result = run(path.to_str().unwrap(), &opts);
    assert!(
        matches!(result, Err(StreamError::Usage(_))),
        "{:?}",
        result.err()
    );
}

/// A fallback that never answers before it is asked to: every chunk with undecided pairs
/// waits in the backlog until it is full or the input ends.
struct Slow {
    submitted: Vec<(u64, Vec<Settled>)>,
    collected: Vec<u64>,
    most_waiting: usize,
}

impl FallbackQueue for Slow {
    fn submit(&mut self, pairs: &[(&str, &str)]) -> u64 {
        let ticket = self.submitted.len() as u64 + 1;
        let verdicts = pairs
            .iter()
            .map(|(_, a)| Some((Status::Correct, format!("slow: {a}"))))
            .collect();
        self.submitted.push((ticket, verdicts));
        let waiting = self.submitted.len() - self.collected.len();
        self.most_waiting = self.most_waiting.max(waiting);
        ticket
    }

    fn is_ready(&mut self, _ticket: u64) -> bool {
        false
    }

    fn collect(&mut self, ticket: u64) -> Vec<Settled> {
        self.collected.push(ticket);
        self.submitted[ticket as usize - 1].1.clone()
    }
}

#[test]
fn a_slow_fallback_keeps_the_order_and_bounds_its_backlog() {
    let dir = tempdir("slow-fallback");
    let path = dir.join("rows.jsonl");
    let rows: Vec<String> = (0..40)
        .map(|i| {
            let answer = match i % 3 {
                0 => format!(r"\\boxed{{{i}}}"),
                _ => format!(r"so \\boxed{{{i} + f(x_0, y_0)}}"),
            };
            format!(r#"{{"id": {i}, "answer": "-0.5", "completion": "{answer}"}}"#)
        })
        .collect();
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    let opts = StreamOptions {
        chunk_lines: 3,
        ..StreamOptions::default()
    };
    let spec = path.to_str().unwrap();
    let (_, plain) = run(spec, &opts).unwrap();
    let undecided = plain.matches(r#""status":"undecided""#).count();
    assert!(undecided >= 20, "{plain}");

    let settle_now = |pairs: &[(&str, &str)]| -> Vec<Settled> {
        pairs
            .iter()
            .map(|(_, a)| Some((Status::Correct, format!("slow: {a}"))))
            .collect()
    };
    let mut blocking_out = Vec::new();
    let blocking = grade_stream_with_fallback(
        spec,
        Some(&mut blocking_out),
        &opts,
        &mut |_| true,
        Some(&mut Blocking::new(settle_now)),
    )
    .unwrap();
    let mut slow = Slow {
        submitted: Vec::new(),
        collected: Vec::new(),
        most_waiting: 0,
    };
    let mut slow_out = Vec::new();
    let waited = grade_stream_with_fallback(
        spec,
        Some(&mut slow_out),
        &opts,
        &mut |_| true,
        Some(&mut slow),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(slow_out).unwrap(),
        String::from_utf8(blocking_out).unwrap()
    );
    assert_eq!(waited.tally.counts, blocking.tally.counts);
    assert_eq!(waited.tally.counts[0], undecided as u64);
    assert_eq!(waited.fallback_settled, undecided as u64);
    // Every ticket collected once, in order; never more than the backlog (+ the chunk just
    // graded) waiting.
    let tickets: Vec<u64> = (1..=slow.submitted.len() as u64).collect();
    assert_eq!(slow.collected, tickets);
    assert!(slow.most_waiting > 1 && slow.most_waiting <= FALLBACK_BACKLOG + 1);
}
