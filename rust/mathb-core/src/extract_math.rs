//! Math delimiters in completions: `$…$`, `$$…$$`, `\(…\)`, `\[…\]` segments, escaped and
//! currency dollars, and the one layer of delimiters around a whole answer.

use super::{find_short, MATH_DELIMITERS};

/// The last math segment of `s` with the byte range it spans (delimiters included); a chain
/// `a = b = c` inside it is left for the comparison.
pub(super) fn last_math_segment(s: &str) -> Option<(usize, usize, String)> {
    let mut best: Option<(usize, usize, &str)> = None;
    for (open, close) in MATH_DELIMITERS {
        let mut from = 0;
        while let Some(i) = find_delimiter(s, open, from) {
            let body_start = i + open.len();
            let Some(j) = find_closing(s, close, body_start) else {
                break;
            };
            let raw = &s[body_start..j];
            let body = raw.trim();
            if !body.is_empty() && best.is_none_or(|(pos, _, _)| i > pos) && spans_ok(open, raw) {
                best = Some((i, j + close.len(), body));
            }
            from = j + close.len();
        }
    }
    best.map(|(start, end, body)| (start, end, body.to_string()))
}

/// Byte offset of the first `delim` in `s` at or after `from` that is not escaped (`\$` is a
/// dollar sign, not a math delimiter).
pub(super) fn find_delimiter(s: &str, delim: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = find_short(&s.as_bytes()[at..], delim.as_bytes()).map(|i| i + at) {
        let escaped = delim.starts_with('$') && s[..i].ends_with('\\') && !s[..i].ends_with("\\\\");
        if !escaped {
            return Some(i);
        }
        at = i + delim.len();
    }
    None
}

/// Byte offset of the delimiter closing math opened before `from`. A `$` followed by a
/// digit opens an amount (`$4 - $3 = $1`) and closes nothing.
fn find_closing(s: &str, close: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let j = find_delimiter(s, close, at)?;
        let amount = close == "$" && s.as_bytes().get(j + 1).is_some_and(u8::is_ascii_digit);
        if !amount {
            return Some(j);
        }
        at = j + 1;
    }
}

/// Inline math (`$…$`, `\(…\)`) stays on one line; display math (`$$…$$`, `\[…\]`) may span
/// lines.
fn spans_ok(open: &str, body: &str) -> bool {
    matches!(open, "$$" | "\\[") || !body.contains('\n')
}

/// The first `$…$`, `\(…\)` or `\[…\]` segment of `text` starting at or after byte `from`:
/// (start, end after the closing delimiter, body).
pub(super) fn next_math_segment(text: &str, from: usize) -> Option<(usize, usize, &str)> {
    MathSegments::new(text).next_from(from)
}

/// The math segments of one text, asked for at increasing offsets: each delimiter search
/// remembers what it found, so that walking through all the segments of a text is linear
/// in its length (a fresh search per segment would rescan the text for every delimiter
/// that no longer occurs).
pub(super) struct MathSegments<'a> {
    text: &'a str,
    opens: [Memo; 4],
    closes: [Memo; 4],
}

/// The last result of a forward search and where it started.
#[derive(Clone, Copy, Default)]
struct Memo {
    from: usize,
    found: Option<Option<usize>>,
}

impl Memo {
    /// The first match at or after `from`: the remembered one when it is still ahead (or
    /// when there was none at or after an earlier start), else a new search.
    fn first_from(
        &mut self,
        from: usize,
        search: impl FnOnce(usize) -> Option<usize>,
    ) -> Option<usize> {
        if let Some(found) = self.found.filter(|_| from >= self.from) {
            match found {
                None => return None,
                Some(p) if p >= from => return Some(p),
                Some(_) => {}
            }
        }
        let found = search(from);
        *self = Memo {
            from,
            found: Some(found),
        };
        found
    }
}

impl<'a> MathSegments<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        MathSegments {
            text,
            opens: [Memo::default(); 4],
            closes: [Memo::default(); 4],
        }
    }

    /// [`next_math_segment`] of the text from byte `from`.
    pub(super) fn next_from(&mut self, from: usize) -> Option<(usize, usize, &'a str)> {
        let text = self.text;
        let mut best: Option<(usize, usize, &str)> = None;
        for (k, (open, close)) in MATH_DELIMITERS.into_iter().enumerate() {
            let Some(i) = self.opens[k].first_from(from, |f| find_delimiter(text, open, f)) else {
                continue;
            };
            let body_start = i + open.len();
            if let Some(j) = self.closes[k].first_from(body_start, |f| find_closing(text, close, f))
            {
                let body = &text[body_start..j];
                if best.is_none_or(|(b, _, _)| i < b) && spans_ok(open, body) {
                    best = Some((i, j + close.len(), body));
                }
            }
        }
        best
    }
}

pub(super) fn first_math_segment(line: &str) -> Option<&str> {
    next_math_segment(line, 0).map(|(_, _, body)| body)
}

/// Removes one layer of math delimiters around the whole string.
pub fn strip_math_delimiters(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if s.len() >= open.len() + close.len() && s.starts_with(open) && s.ends_with(close) {
                let inner = &s[open.len()..s.len() - close.len()];
                // `$5$ and $6$` is two math segments, not one delimited answer; `$\$5$` is one.
                let escaped_close = open == "$" && inner.ends_with('\\');
                if find_delimiter(inner, close, 0).is_none() && !escaped_close {
                    s = inner.trim();
                    break;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}
