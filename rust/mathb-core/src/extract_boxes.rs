//! Boxed answers: the box commands of a text, the boxes written together as one answer
//! (`\boxed{1}, \boxed{2}`; labelled `y_1 = \boxed{…} and y_2 = \boxed{…}`), and a gold
//! answer's boxes.
//!
//! Work is linear in the text: the box commands and where their braces close are found in
//! one pass ([`BoxCommands`]), and each later step looks at a box or the gap between two.

use super::{strip_math_delimiters, BOX_FINDER};
use std::collections::VecDeque;

/// One box in the text: where it starts, where it ends (after its closing brace), and its
/// content.
struct BoxSpan<'a> {
    start: usize,
    end: usize,
    content: &'a str,
}

/// Where a bare argument (`\boxed 5`) is marked in [`BoxCommand::body`]: no braced body
/// starts at byte 0, after its command.
const BARE: usize = 0;
/// Where an unclosed brace is marked in [`BoxCommand::close`].
const UNCLOSED: usize = usize::MAX;

/// A box command of the text (a text may hold millions: it is kept to three offsets).
struct BoxCommand {
    start: usize,
    /// Where the body of its `{…}` argument starts, or [`BARE`].
    body: usize,
    /// Where that argument's closing brace is, or [`UNCLOSED`].
    close: usize,
}

impl BoxCommand {
    fn is_fbox(&self, s: &[u8]) -> bool {
        s[self.start + 1] == b'f'
    }

    /// Offset of its "box", which orders the commands as the search for them does.
    fn box_at(&self, s: &[u8]) -> usize {
        self.start + if self.is_fbox(s) { 2 } else { 1 }
    }

    fn name_end(&self, s: &[u8]) -> usize {
        self.start + if self.is_fbox(s) { 5 } else { 6 }
    }
}

/// Every `\boxed` / `\fbox` command of a text with where its argument ends.
struct BoxCommands<'a> {
    s: &'a str,
    commands: Vec<BoxCommand>,
}

impl<'a> BoxCommands<'a> {
    /// The usable box commands of `s`: bare ones and those whose argument closes, in text
    /// order. One pass over the text matches the braces; arguments left open are dropped.
    fn new(s: &'a str) -> Self {
        let bytes = s.as_bytes();
        let mut commands = Vec::new();
        let mut found = BOX_FINDER.find_iter(bytes).filter_map(|i| command_at(s, i));
        // The next command with a braced argument; bare ones are kept on the way.
        let mut next_braced = |commands: &mut Vec<BoxCommand>| {
            for c in found.by_ref() {
                match c.body {
                    BARE => commands.push(c),
                    _ => return Some(c),
                }
            }
            None
        };
        let mut next = next_braced(&mut commands);
        let Some(first) = next.as_ref().map(|c| c.body) else {
            return BoxCommands { s, commands };
        };
        // (command, depth outside its brace) of the arguments still open, newest last.
        let mut open: VecDeque<(BoxCommand, usize)> = VecDeque::new();
        let mut depth = 0usize;
        let mut escaped = false;
        for (at, &b) in bytes.iter().enumerate().skip(first - 1) {
            if escaped {
                escaped = false;
                continue;
            }
            match b {
                b'\\' => escaped = true,
                b'{' => {
                    // An argument whose brace was passed over (none, by the argument above)
                    // stays unclosed rather than misplace the others.
                    while next.as_ref().is_some_and(|c| c.body <= at) {
                        next = next_braced(&mut commands);
                    }
                    if let Some(c) = next.take_if(|c| c.body == at + 1) {
                        if open.len() == MAX_OPEN_BOXES {
                            open.pop_front();
                        }
                        open.push_back((c, depth));
                        next = next_braced(&mut commands);
                    }
                    depth += 1;
                }
                b'}' if depth > 0 => {
                    depth -= 1;
                    if open.back().is_some_and(|&(_, outside)| outside == depth) {
                        let (mut c, _) = open.pop_back().expect("checked");
                        c.close = at;
                        commands.push(c);
                    }
                }
                _ => {}
            }
        }
        while next.is_some() {
            next = next_braced(&mut commands);
        }
        // Closed arguments were kept as they closed: an outer box after the ones inside it.
        commands.sort_by_key(|c| c.start);
        BoxCommands { s, commands }
    }

    /// The last non-empty box whose "box" ends at or before byte `before`.
    fn box_before(&self, before: usize) -> Option<(usize, BoxSpan<'a>)> {
        let s = self.s.as_bytes();
        let below = self.commands.partition_point(|c| c.box_at(s) + 3 <= before);
        (0..below).rev().find_map(|k| self.span(k).map(|b| (k, b)))
    }

    /// The box of command `k`, when its argument is usable and not empty.
    fn span(&self, k: usize) -> Option<BoxSpan<'a>> {
        let c = &self.commands[k];
        let (body_start, body_end, close) = match (c.body, c.close) {
            (BARE, _) => {
                let token = bare_token(&self.s[c.name_end(self.s.as_bytes())..])?;
                let start = token.as_ptr() as usize - self.s.as_ptr() as usize;
                let end = start + token.len();
                (start, end, usize::from(self.s[end..].starts_with('}')))
            }
            // Unbalanced: not a usable box.
            (_, UNCLOSED) => return None,
            (start, end) => (start, end, 1),
        };
        let content = strip_math_delimiters(self.s[body_start..body_end].trim());
        (!content.is_empty()).then_some(BoxSpan {
            start: c.start,
            end: body_end + close,
            content,
        })
    }
}

/// Open box arguments tracked at once. Past it the outermost is forgotten and stays
/// unclosed: a box inside more than this many open boxes is still found, and a text of a
/// million unclosed `\\boxed{` is read in bounded memory.
const MAX_OPEN_BOXES: usize = 1024;

/// The box command around the "box" found at byte `i`, if it is one. Told by its bytes (no
/// string comparison per match: a text may hold millions of them).
fn command_at(s: &str, i: usize) -> Option<BoxCommand> {
    let bytes = s.as_bytes();
    let at = |k: usize| bytes.get(k).copied();
    let (start, name_end) = if i >= 2 && bytes[i - 2] == b'\\' && bytes[i - 1] == b'f' {
        (i - 2, i + 3)
    } else if i >= 1 && bytes[i - 1] == b'\\' && at(i + 3) == Some(b'e') && at(i + 4) == Some(b'd')
    {
        (i - 1, i + 5)
    } else {
        return None;
    };
    // `\\boxedfoo` is another command, not a box.
    if at(name_end).is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let after = &s[name_end..];
    let trimmed = after.trim_start();
    let body = match trimmed.starts_with('{') {
        true => name_end + (after.len() - trimmed.len()) + 1,
        false => BARE,
    };
    Some(BoxCommand {
        start,
        body,
        close: UNCLOSED,
    })
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
    // A label is short: only the text just before the box is looked at, so that a text of
    // many boxes is read in linear time.
    let before = s[..box_start].trim_end();
    let mut window = before.len().saturating_sub(LABEL_WINDOW);
    while !before.is_char_boundary(window) {
        window += 1;
    }
    let (start, label) = label_at_end(&before[window..])?;
    Some((window + start, label))
}

/// Bytes before a box searched for its label.
const LABEL_WINDOW: usize = 256;

/// The label of [`label_before`] at the end of `before` (the text before the box), with its
/// offset in `before`.
fn label_at_end(before: &str) -> Option<(usize, &str)> {
    let head = before.strip_suffix('=')?.trim_end();
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
    let commands = BoxCommands::new(s);
    let (_, last) = commands.box_before(s.len())?;
    let end = last.end;
    let mut group = vec![last];
    let mut labels = vec![label_before(s, group[0].start)];
    while let Some((_, prev)) = commands.box_before(group.last().map_or(0, |b| b.start)) {
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

/// The argument of a box command written without braces (`\boxed 5`): a bare token after
/// white space.
fn bare_token(after: &str) -> Option<&str> {
    let trimmed = after.trim_start();
    if trimmed.len() == after.len() || trimmed.starts_with('{') {
        return None; // `\boxed5` without a space is not standard; `\boxed 5` is
    }
    let end = trimmed
        .find(|c: char| c.is_whitespace() || c == '$' || c == '\\')
        .unwrap_or(trimmed.len());
    let token = trimmed[..end].trim_end_matches(['.', ',']);
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The argument of a box as a scan from its own brace finds it (the definition the
    /// one-pass [`BoxCommands::new`] must agree with).
    fn scanned_close(s: &str, body: usize) -> Option<usize> {
        let (mut depth, mut escaped) = (1usize, false);
        for (i, c) in s[body..].char_indices() {
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
                        return Some(body + i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    const PIECES: &[&str] = &[
        "\\boxed{", "\\fbox{", "\\boxed ", "\\boxedx", "{", "}", "\\", "\\{", "\\}", "x", " ", "é",
        "²", "答", "\u{200b}", "$", "box", "\\\\",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn one_pass_closes_every_box_where_its_own_scan_does(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40)
        ) {
            let s = pieces.concat();
            let commands = BoxCommands::new(&s);
            let kept: Vec<(usize, usize)> = commands
                .commands
                .iter()
                .filter(|c| c.body != BARE)
                .map(|c| (c.start, c.close))
                .collect();
            let closing: Vec<(usize, usize)> = BOX_FINDER
                .find_iter(s.as_bytes())
                .filter_map(|i| command_at(&s, i))
                .filter(|c| c.body != BARE)
                .filter_map(|c| Some((c.start, scanned_close(&s, c.body)?)))
                .collect();
            prop_assert_eq!(kept, closing, "{:?}", s);
        }
    }

    #[test]
    fn nested_unclosed_boxes_leave_the_closed_one() {
        // The inner box closes; every outer one stays open (also past the open boxes
        // tracked at once).
        for n in [1000, 3 * MAX_OPEN_BOXES] {
            let s = format!("{}\\boxed{{41}}", "\\boxed{".repeat(n));
            assert_eq!(last_boxed(&s).map(|(_, t)| t), Some("41".to_string()));
        }
        // A box around others closes after them but starts first: the last box written
        // is still the one read.
        let s = "\\boxed{\\boxed{1} = \\boxed{2}}";
        assert_eq!(last_boxed(s).map(|(_, t)| t), Some("2".to_string()));
        let labels = "f(x) = \\boxed{1} and ".repeat(3);
        assert_eq!(
            last_boxed(labels.trim_end_matches(" and ")).map(|(_, t)| t),
            Some("f(x) = 1, f(x) = 1, f(x) = 1".to_string())
        );
    }
}
