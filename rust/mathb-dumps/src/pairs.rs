//! (gold, completion) pairs from JSON Lines held in memory, for callers that grade a batch
//! rather than stream a dump (the Python API's `grade_batch(bytes)`). The fields are chosen
//! on the first record as `mathb grade` chooses them (or named), and every record is read by
//! the dump reader's own record reader, so a record gives the same gold and completions,
//! or the same diagnostic, as it would in a dump.

use crate::chunk::parse;
use crate::lossy_json::lossy_line;
use crate::sample_fields::OnePass;
use crate::schema::{parse_record, FieldOverrides, Fields, InputError};
use rayon::prelude::*;

/// The samples of a batch of records, in record order.
#[derive(Debug, Default)]
pub struct Pairs {
    /// The fields read (None when the input holds no record).
    pub fields: Option<Fields>,
    /// Per record read, its gold (encoded, see `mathb_core::gold`).
    pub golds: Vec<String>,
    /// Per sample, its completion.
    pub completions: Vec<String>,
    /// Per sample, the index of its record's gold in `golds`.
    pub record: Vec<u32>,
    /// Per sample, the 1-based line of its record.
    pub lines: Vec<u64>,
}

/// Lines per parsing task: enough to amortize the task, few enough to balance threads.
const BLOCK: usize = 256;

/// Reads every non-blank line of `data` as one record; `name` names the input in errors.
/// A record whose completion field is a list gives one sample per element. The first
/// malformed record stops the read with its error (placed at its line). Runs on the
/// current rayon pool.
pub fn read_pairs(data: &[u8], given: &FieldOverrides, name: &str) -> Result<Pairs, InputError> {
    let lines = split_lines(data);
    let Some(&(first_line, first)) = lines.first() else {
        return Ok(Pairs::default());
    };
    let detected = parse_record(&lossy_line(first))
        .and_then(|r| Fields::detect(&r, given))
        .map_err(|e| e.at(name, Some(first_line)))?;
    // A batch is graded pair by pair: no problem grouping, so ids are not read (a record's
    // id cannot fail it).
    let fields = Fields {
        problem_id: None,
        problem_text: None,
        id_pattern: None,
        ..detected
    };
    let one_pass = OnePass::new(&fields);
    type Block = Result<Vec<(u64, String, Vec<String>)>, InputError>;
    let blocks: Vec<Block> = lines
        .par_chunks(BLOCK)
        .map(|block| {
            let mut records = Vec::with_capacity(block.len());
            for &(line, text) in block {
                let parsed = parse(text, &fields, one_pass.as_ref(), None, None)
                    .map_err(|e| e.at(name, Some(line)))?;
                // lm-eval writes each document once per filter: the other filters' records
                // repeat samples graded under the first one.
                if parsed.skipped.is_none() {
                    records.push((line, parsed.gold, parsed.completions));
                }
            }
            Ok(records)
        })
        .collect();
    let mut pairs = Pairs {
        fields: Some(fields),
        ..Pairs::default()
    };
    for block in blocks {
        for (line, gold, completions) in block? {
            let index = u32::try_from(pairs.golds.len()).map_err(|_| too_many(name, line))?;
            pairs.golds.push(gold);
            for completion in completions {
                pairs.completions.push(completion);
                pairs.record.push(index);
                pairs.lines.push(line);
            }
        }
    }
    Ok(pairs)
}

fn too_many(name: &str, line: u64) -> InputError {
    InputError::new(
        crate::schema::ErrorCode::Unreadable,
        "more than 2^32 records in one batch",
        "grade the records in several batches, or stream them with grade_file",
    )
    .at(name, Some(line))
}

/// The non-blank lines of `data` with their 1-based numbers, newlines (and a leading
/// byte-order mark) excluded, as the dump reader numbers them.
fn split_lines(data: &[u8]) -> Vec<(u64, &[u8])> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 0u64;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        number += 1;
        let mut text = &data[start..end];
        if number == 1 {
            text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        }
        while let [rest @ .., b'\r'] = text {
            text = rest;
        }
        if !text.iter().all(|b| b" \t\n\r\x0b\x0c".contains(b)) {
            lines.push((number, text));
        }
        start = end + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &str) -> Result<Pairs, InputError> {
        read_pairs(data.as_bytes(), &FieldOverrides::default(), "<bytes>")
    }

    #[test]
    fn reads_detected_fields_in_order_with_their_lines() {
        let data = "\u{feff}{\"answer\": 2, \"completion\": \"a\"}\n\n\
                    {\"answer\": \"x\", \"completion\": [\"b\", \"c\"], \"id\": 1.5}\r\n";
        let pairs = read(data).unwrap();
        assert_eq!(pairs.golds, ["2", "x"]);
        assert_eq!(pairs.completions, ["a", "b", "c"]);
        assert_eq!(pairs.record, [0, 1, 1]);
        assert_eq!(pairs.lines, [1, 3, 3]);
        assert_eq!(pairs.fields.unwrap().gold, "answer");
    }

    #[test]
    fn named_fields_and_an_empty_input() {
        let given = FieldOverrides {
            gold: Some("g".into()),
            completion: Some("c".into()),
            ..FieldOverrides::default()
        };
        let pairs = read_pairs(br#"{"g": "1", "c": "so 1", "answer": "9"}"#, &given, "x").unwrap();
        assert_eq!(
            (pairs.golds, pairs.completions),
            (vec!["1".into()], vec!["so 1".into()])
        );
        assert!(read(" \n\n").unwrap().fields.is_none());
    }

    #[test]
    fn a_malformed_record_is_an_error_at_its_line() {
        let data = "{\"answer\": \"1\", \"completion\": \"a\"}\n{\"answer\": null, \"completion\": \"b\"}\n";
        let e = read(data).unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("<bytes>", Some(2)));
        assert!(e.message.contains("gold field 'answer' is null"), "{e}");
        let e = read("{\"answer\": \"1\", \"completion\": \"a\"}\n[1]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = read("{\"x\": 1}\n").unwrap_err();
        assert_eq!(
            (e.code, e.line),
            (crate::schema::ErrorCode::FieldNotFound, Some(1))
        );
    }
}
