//! Boxed answers: the box commands of a text, the boxes written together as one answer
//! (`\boxed{1}, \boxed{2}`; labelled `y_1 = \boxed{…} and y_2 = \boxed{…}`), and a gold
//! answer's boxes.

use super::{strip_math_delimiters, BOX_COMMANDS, BOX_FINDER};

/// One box in the text: where it starts, where it ends (after its closing brace), and its
/// content.
struct BoxSpan<'a> {
    start: usize,
    end: usize,
    content: &'a str,
}

/// The last non-empty box command starting before byte `before`.
/// `boxes` are the offsets of every "box" in `s`, in order (the scan is shared by both
/// commands and by every call on `s`).
fn box_before<'a>(s: &'a str, before: usize, boxes: &[usize]) -> Option<BoxSpan<'a>> {
    let mut end = before;
    loop {
        let candidates = boxes.iter().rev().filter(|&&i| i + 3 <= end);
        let (start, cmd) = candidates.copied().find_map(|i| {
            BOX_COMMANDS.iter().find_map(|cmd| {
                let box_at = cmd.as_bytes().windows(3).position(|w| w == b"box")?;
                let at = i.checked_sub(box_at)?;
                s.as_bytes()[at..]
                    .starts_with(cmd.as_bytes())
                    .then_some((at, *cmd))
            })
        })?;
        let after = &s[start + cmd.len()..];
        // `\boxedfoo` is another command, not a box.
        let is_command_end = !after.starts_with(|c: char| c.is_ascii_alphabetic());
        if is_command_end {
            if let Some(content) = box_content(after) {
                let content_end = content.as_ptr() as usize - s.as_ptr() as usize + content.len();
                let close = if s[content_end..].starts_with('}') {
                    1
                } else {
                    0
                };
                let content = strip_math_delimiters(content.trim());
                if !content.is_empty() {
                    return Some(BoxSpan {
                        start,
                        end: content_end + close,
                        content,
                    });
                }
            }
        }
        end = start;
    }
}

/// Text between two boxes that joins them into one answer: spacing, punctuation, math
/// delimiters and "and" / "or" only.
pub(super) fn joins_boxes(between: &str) -> bool {
    const JOINERS: [&str; 20] = [
        "\\text{ and }",
        "\\text{and}",
        "\\text{ or }",
        "\\text{or}",
        "\\qquad",
        "\\quad",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
        "\\,",
        "\\;",
        "\\\\",
        "and",
        "or",
        ",",
        ";",
        "$",
        "~",
        "&",
    ];
    let mut t = between.trim_start();
    while !t.is_empty() {
        if let Some(j) = JOINERS.iter().find(|j| t.starts_with(*j)) {
            t = t[j.len()..].trim_start();
            continue;
        }
        // A labelled continuation, `\text{ for part (a) and }`, also joins.
        let label = t
            .strip_prefix("\\text{")
            .and_then(|r| r.find('}').map(|end| (&r[..end], &r[end + 1..])));
        match label {
            Some((words, rest)) if words.trim_end().ends_with(" and") => t = rest.trim_start(),
            _ => return false,
        }
    }
    true
}

/// `LABEL =` written just before a box (`y_1 = \boxed{…}`, `f(x) = \boxed{…}`): the label and
/// where it starts. A label is one letter or Greek command with an optional subscript and an
/// optional argument list.
fn label_before(s: &str, box_start: usize) -> Option<(usize, &str)> {
    let head = s[..box_start].trim_end().strip_suffix('=')?.trim_end();
    let bytes = head.as_bytes();
    let mut i = bytes.len();
    // Optional argument list `(x)` / `(x, y)`.
    if bytes.last() == Some(&b')') {
        let open = head.rfind('(')?;
        let args = &head[open + 1..i - 1];
        if !args
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ',' || c == ' ')
        {
            return None;
        }
        i = open;
    }
    // Optional subscript `_1` / `_{12}`.
    if let Some(open) = head[..i].strip_suffix('}').and_then(|h| h.rfind("_{")) {
        i = open;
    } else if i >= 2 && bytes[i - 2] == b'_' && bytes[i - 1].is_ascii_alphanumeric() {
        i -= 2;
    }
    // The symbol: one ASCII letter, or a command such as `\alpha`.
    // After the last character that is not a letter, whatever its width (`°`, `²`).
    let name_start = head[..i]
        .char_indices()
        .rfind(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(0, |(k, c)| k + c.len_utf8());
    let symbol = &head[name_start..i];
    let start = match head[..name_start].strip_suffix('\\') {
        Some(_) if symbol.len() > 1 => name_start - 1,
        _ if symbol.len() == 1 => name_start,
        _ => return None,
    };
    // The label must stand apart from the text before it (`x = ` in "so x = ", not "2x = ").
    let before = head[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '^' || c == '}') {
        return None;
    }
    Some((start, &head[start..]))
}

/// Content of the final answer's boxes, with the byte offset where the last one ends. Boxes
/// written together (`\boxed{1}, \boxed{2}`, `\boxed{a} \quad\text{and}\quad \boxed{b}`) are one
/// answer, listed in order; a box separated from them by prose is an earlier attempt. Labelled
/// boxes written together (`y_1 = \boxed{…} and y_2 = \boxed{…}`) keep their labels.
pub(super) fn last_boxed(s: &str) -> Option<(usize, String)> {
    boxed_group(s, joins_boxes)
}

/// The last box and the boxes before it that `joins` links to it (see [`last_boxed`]).
pub(super) fn boxed_group(s: &str, joins: fn(&str) -> bool) -> Option<(usize, String)> {
    // "box" cannot overlap itself: the forward matches are all of them.
    let boxes: Vec<usize> = BOX_FINDER.find_iter(s.as_bytes()).collect();
    let last = box_before(s, s.len(), &boxes)?;
    let end = last.end;
    let mut group = vec![last];
    let mut labels = vec![label_before(s, group[0].start)];
    while let Some(prev) = box_before(s, group.last().map_or(0, |b| b.start), &boxes) {
        let next_start = group.last().map_or(0, |b| b.start);
        // A box that encloses the next one (`\boxed{\boxed{5}}`) is not a separate answer.
        if prev.end > next_start {
            break;
        }
        let label = labels.last().copied().flatten();
        let gap_end = label.map_or(next_start, |(at, _)| at);
        if prev.end > gap_end || !joins(&s[prev.end..gap_end]) {
            break;
        }
        let prev_label = label_before(s, prev.start);
        // `\boxed{3} and y = \boxed{4}`: a labelled box does not join an unlabelled one.
        if label.is_some() && prev_label.is_none() {
            break;
        }
        labels.push(prev_label);
        group.push(prev);
    }
    if let [only] = group.as_slice() {
        return Some((end, only.content.to_string()));
    }
    let labelled = labels.iter().all(Option::is_some);
    let contents: Vec<String> = group
        .iter()
        .zip(labels)
        .rev()
        .map(|(b, label)| match label {
            Some((_, name)) if labelled => format!("{name} = {}", b.content),
            _ => b.content.to_string(),
        })
        .collect();
    Some((end, contents.join(", ")))
}

/// Text between two boxes of a gold answer that joins them: what joins boxes in a completion,
/// symbols only (`\boxed{35} ++ \boxed{4}`), or a few words ending in "and" / "or" (`\boxed{1}
/// papers and \boxed{2} bins`). Other prose keeps only the last box.
pub(super) fn joins_gold_boxes(between: &str) -> bool {
    if joins_boxes(between) {
        return true;
    }
    let words: Vec<&str> = between
        .split(|c: char| !c.is_alphabetic() && c != '\\')
        .filter(|w| !w.is_empty() && !w.starts_with('\\'))
        .collect();
    match words.split_last() {
        None => true,
        Some((last, rest)) => matches!(*last, "and" | "or") && rest.len() <= 3,
    }
}

/// The argument of a box command: a balanced `{…}` group, or a bare token (`\boxed 5`).
fn box_content(after: &str) -> Option<&str> {
    let trimmed = after.trim_start();
    if let Some(body) = trimmed.strip_prefix('{') {
        let mut depth = 1usize;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' => escaped = true,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&body[..i]);
                    }
                }
                _ => {}
            }
        }
        return None; // unbalanced: not a usable box
    }
    if trimmed.len() == after.len() {
        return None; // `\boxed5` without a space is not standard; `\boxed 5` is
    }
    let end = trimmed
        .find(|c: char| c.is_whitespace() || c == '$' || c == '\\')
        .unwrap_or(trimmed.len());
    let token = trimmed[..end].trim_end_matches(['.', ',']);
    (!token.is_empty()).then_some(token)
}
