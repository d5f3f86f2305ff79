//! CSV and TSV dumps (a header row, then one sample or problem per row) read row by row and
//! turned into JSON objects of strings, so they take the same path as JSON Lines records.
//! Fields follow RFC 4180: quoted fields may hold the delimiter, newlines and doubled quotes.

use crate::schema::{ErrorCode, InputError};
use serde_json::{Map, Value};
use std::io::BufRead;

/// The rows of a CSV (`delimiter` b',') or TSV (b'\t') stream after its header, each as one
/// JSON object mapping the header's names to the row's fields.
pub fn rows<R: BufRead + Send + 'static>(
    mut reader: R,
    delimiter: u8,
    name: &str,
) -> Result<crate::source::RowIter, InputError> {
    let header = match next_record(&mut reader, delimiter) {
        Ok(Some(h)) => h,
        Ok(None) => return Ok(Box::new(std::iter::empty())),
        Err(e) => return Err(e.at(name, Some(1))),
    };
    let header: Vec<String> = header
        .into_iter()
        .enumerate()
        .map(|(i, h)| match i {
            0 => h.trim_start_matches('\u{feff}').to_owned(),
            _ => h,
        })
        .collect();
    let mut done = false;
    Ok(Box::new(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let fields = match next_record(&mut reader, delimiter) {
            Ok(Some(fields)) => fields,
            Ok(None) => return None,
            Err(e) => {
                done = true;
                return Some(Err(e));
            }
        };
        // A blank line is no row (JSON Lines readers skip them too).
        if fields.len() == 1 && fields[0].trim().is_empty() {
            return Some(Ok(Vec::new()));
        }
        if fields.len() > header.len() {
            return Some(Err(InputError::new(
                ErrorCode::WrongType,
                format!(
                    "the row has {} fields, the header {}",
                    fields.len(),
                    header.len()
                ),
                "quote fields that hold the delimiter",
            )));
        }
        let object: Map<String, Value> = header
            .iter()
            .cloned()
            .zip(fields.into_iter().map(Value::String))
            .collect();
        Some(serde_json::to_vec(&Value::Object(object)).map_err(|e| {
            InputError::new(
                ErrorCode::Unreadable,
                e.to_string(),
                "the row cannot be read",
            )
        }))
    })))
}

/// The fields of the next record, which may span lines inside quotes; None at the end.
fn next_record<R: BufRead>(
    reader: &mut R,
    delimiter: u8,
) -> Result<Option<Vec<String>>, InputError> {
    let mut raw = Vec::new();
    loop {
        let n = reader.read_until(b'\n', &mut raw).map_err(|e| {
            InputError::new(
                ErrorCode::Unreadable,
                format!("the file cannot be read: {e}"),
                "check the file",
            )
        })?;
        // An even number of quotes so far: the record is whole (a doubled quote counts two).
        if n == 0 || memchr::memchr_iter(b'"', &raw).count() % 2 == 0 {
            break;
        }
    }
    if raw.is_empty() {
        return Ok(None);
    }
    let text = std::str::from_utf8(&raw).map_err(|_| {
        InputError::new(
            ErrorCode::Unreadable,
            "the row is not valid UTF-8",
            "save the table as UTF-8",
        )
    })?;
    Ok(Some(split_fields(
        text.trim_end_matches(['\n', '\r']),
        delimiter as char,
    )))
}

/// A record's fields: quotes removed, doubled quotes made single.
fn split_fields(record: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == delimiter => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str, delimiter: u8) -> Vec<String> {
        let reader = std::io::Cursor::new(text.as_bytes().to_vec());
        rows(reader, delimiter, "t.csv")
            .unwrap()
            .map(|r| String::from_utf8(r.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn quoted_fields_hold_delimiters_newlines_and_quotes() {
        let text = "\u{feff}problem_id,answer,completion\r\np1,2,\"so, \\boxed{2}\"\r\n\
                    p2,\"1,5\",\"line one\nsaid \"\"hi\"\"\"\n";
        assert_eq!(
            objects(text, b','),
            [
                r#"{"answer":"2","completion":"so, \\boxed{2}","problem_id":"p1"}"#,
                r#"{"answer":"1,5","completion":"line one\nsaid \"hi\"","problem_id":"p2"}"#,
            ]
        );
    }

    #[test]
    fn tabs_separate_tsv_fields() {
        assert_eq!(
            objects("id\tanswer\n3\t\\frac12\n", b'\t'),
            [r#"{"answer":"\\frac12","id":"3"}"#]
        );
    }

    #[test]
    fn a_row_with_more_fields_than_the_header_is_an_error() {
        let reader = std::io::Cursor::new(b"a,b\n1,2,3\n".to_vec());
        let mut it = rows(reader, b',', "t.csv").unwrap();
        assert_eq!(it.next().unwrap().unwrap_err().code, ErrorCode::WrongType);
    }
}
