//! A validating scanner over the text of one JSON object, for the one-pass record reader.
//!
//! It accepts a subset of what the general reader (serde_json, values kept raw) accepts and
//! gives up (`None`) on everything else, so a caller that falls back to the general reader
//! on `None` gets the same answers and the same diagnostics. Strings are checked and
//! unescaped in a single scan, sixteen bytes at a time, which is why it exists: the general
//! parser scans a string once to validate it and the unescaper scans it again.
//!
//! Where it is stricter than the general reader (a key holding an escape, values nested
//! deeper than [`MAX_DEPTH`]) the general reader decides; it is never more lenient.

use mathb_core::extract::is_repairable_control;

/// Nesting deeper than this inside a skipped value is left to the general reader.
const MAX_DEPTH: usize = 64;

pub struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

/// A string value as read: its text and whether unescaping produced one of the control
/// characters that a LaTeX command loses its backslash to (`"\frac"` → form feed + "rac").
pub struct Unescaped {
    pub text: String,
    pub controls: bool,
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a str) -> Scan<'a> {
        Scan { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The first byte of the next value (the scanner stands on it between a key and its value).
    pub fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Reads `{ "key": value, ... }` up to and including the closing brace, calling `value`
    /// with each key; it must consume exactly that key's value.
    pub fn object(
        &mut self,
        mut value: impl FnMut(&'a str, &mut Scan<'a>) -> Option<()>,
    ) -> Option<()> {
        self.ws();
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.key()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            value(key, self)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.ws();
                }
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads `[ value, ... ]`, calling `item` to consume each value.
    pub fn array(&mut self, mut item: impl FnMut(&mut Scan<'a>) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            item(self)?;
            self.ws();
            if self.eat(b']').is_some() {
                return Some(());
            }
            self.eat(b',')?;
            self.ws();
        }
    }

    /// Nothing but whitespace is left.
    pub fn end(&mut self) -> Option<()> {
        self.ws();
        (self.pos == self.text.len()).then_some(())
    }

    /// A key without escapes (keys with escapes are rare and left to the general reader).
    fn key(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = special_at(self.bytes(), start);
        if self.bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.pos = end + 1;
        Some(&self.text[start..end])
    }

    /// A string value, unescaped; None for anything else, or for a string the general reader
    /// would refuse to build (a lone UTF-16 surrogate escape).
    pub fn string(&mut self) -> Option<Unescaped> {
        self.eat(b'"')?;
        let (bytes, start) = (self.bytes(), self.pos);
        let mut end = special_at(bytes, start);
        if *bytes.get(end)? == b'"' {
            self.pos = end + 1;
            let text = self.text[start..end].to_owned();
            return Some(Unescaped {
                text,
                controls: false,
            });
        }
        // The escaped text bounds the unescaped one, and a block copy writes at most 16
        // bytes past it: one allocation.
        let mut out = Vec::with_capacity(closing_quote(bytes, end) - start + BLOCK);
        out.extend_from_slice(&bytes[start..end]);
        let mut controls = false;
        while *bytes.get(end)? == b'\\' {
            // The common escapes by table lookup rather than a branch per kind, which
            // mispredicts on text that alternates `\\` and `\n`.
            let kind = *bytes.get(end + 1)?;
            let simple = SIMPLE_ESCAPES[usize::from(kind)];
            if simple != 0 {
                out.push(simple);
                controls |= is_repairable_control(simple);
                self.pos = end + 2;
            } else if kind == b'u' {
                self.pos = end + 1;
                let c = self.unicode_escape()?;
                controls |= u8::try_from(c).is_ok_and(is_repairable_control);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            } else {
                return None;
            }
            // The run up to the next special byte, a whole block at a time: each block is
            // appended, then the part past the special byte is cut off again.
            end = self.pos;
            loop {
                let Some(block) = bytes.get(end..end + BLOCK) else {
                    let stop = special_at(bytes, end);
                    out.extend_from_slice(&bytes[end..stop]);
                    end = stop;
                    break;
                };
                let block: &[u8; BLOCK] = block.try_into().expect("a block");
                out.extend_from_slice(block);
                if let Some(k) = first_special(block) {
                    out.truncate(out.len() - BLOCK + k);
                    end += k;
                    break;
                }
                end += BLOCK;
            }
        }
        if bytes[end] != b'"' {
            return None;
        }
        self.pos = end + 1;
        debug_assert!(std::str::from_utf8(&out).is_ok());
        // SAFETY: `out` is UTF-8. It holds the runs between escapes, each a range of the
        // (UTF-8) text that starts and ends next to an ASCII byte (a quote, a backslash or
        // an escape's last character), so at character boundaries — a block copied past
        // a run's end is cut back to it, or continued by the next block — and the
        // characters the escapes stand for, each encoded whole.
        let text = unsafe { String::from_utf8_unchecked(out) };
        Some(Unescaped { text, controls })
    }

    /// The character a `\\uXXXX` escape (or a surrogate pair of them) stands for; `pos` is
    /// on the `u`. None for a lone surrogate, which the general reader refuses to build.
    fn unicode_escape(&mut self) -> Option<char> {
        let unit = self.hex4(self.pos + 1)?;
        self.pos += 5;
        match unit {
            0xD800..=0xDBFF => {
                if self.bytes().get(self.pos..self.pos + 2)? != b"\\u" {
                    return None;
                }
                let low = self
                    .hex4(self.pos + 2)
                    .filter(|l| (0xDC00..=0xDFFF).contains(l))?;
                self.pos += 6;
                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            }
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(unit),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes().get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0, |acc, &d| Some(acc << 4 | char::from(d).to_digit(16)?))
    }

    /// The text of the next value, checked as the general reader checks what it keeps raw.
    pub fn raw_value(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.skip_value(0)?;
        Some(&self.text[start..self.pos])
    }

    /// Skips one value. Strings are checked as the general reader checks a raw value: valid
    /// escapes, `\u` with four hex digits whatever they encode.
    pub fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            // Nested keys with escapes are left to the general reader, as top-level ones are.
            b'{' if depth < MAX_DEPTH => self.object(|_, s| s.skip_value(depth + 1)),
            b'[' if depth < MAX_DEPTH => self.array(|s| s.skip_value(depth + 1)),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            let end = special_at(self.bytes(), self.pos);
            match self.bytes().get(end)? {
                b'"' => {
                    self.pos = end + 1;
                    return Some(());
                }
                b'\\' => {
                    self.pos = end + 1;
                    match self.peek()? {
                        b'u' => {
                            self.hex4(self.pos + 1)?;
                            self.pos += 5;
                        }
                        kind if SIMPLE_ESCAPES[usize::from(kind)] != 0 => self.pos += 1,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.text[self.pos..]
            .starts_with(word)
            .then(|| self.pos += word.len())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; numbers are kept as text, so
    /// any size is valid.
    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.peek().filter(u8::is_ascii_digit)?;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.peek().filter(u8::is_ascii_digit)?;
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

/// The index of the first quote from `from` on that no backslash escapes, or the length.
/// It only sizes a buffer, so it need not check the string; memchr makes it cheap.
fn closing_quote(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(q) = memchr::memchr(b'"', &bytes[i..]) {
        let at = i + q;
        let backslashes = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return at;
        }
        i = at + 1;
    }
    bytes.len()
}

/// What each one-character escape (`\\n`, `\\"`, …) stands for; 0 for the others.
static SIMPLE_ESCAPES: [u8; 256] = {
    let mut table = [0; 256];
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'/' as usize] = b'/';
    table[b'b' as usize] = 0x08;
    table[b'f' as usize] = 0x0C;
    table[b'n' as usize] = b'\n';
    table[b'r' as usize] = b'\r';
    table[b't' as usize] = b'\t';
    table
};

/// Bytes per step of the string scan.
const BLOCK: usize = 16;

/// The index of the first byte from `from` on that ends a run of plain string text — a
/// quote, a backslash or a control character — or the length.
fn special_at(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(block) = bytes.get(i..i + BLOCK) {
        if let Some(k) = first_special(block.try_into().expect("a block")) {
            return i + k;
        }
        i += BLOCK;
    }
    bytes[i..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map_or(bytes.len(), |p| i + p)
}

/// The index of the first quote, backslash or control character in `block`.
#[inline]
fn first_special(block: &[u8; BLOCK]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let flags = sse2::special_flags(block);
        (flags != 0).then(|| flags.trailing_zeros() as usize)
    }
    #[cfg(not(target_arch = "x86_64"))]
    first_special_swar(block)
}

/// [`first_special`] without SIMD instructions, eight bytes per word: a byte is flagged
/// when subtracting from it borrows, and the lowest flag is always exact.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn first_special_swar(block: &[u8; BLOCK]) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    block.chunks_exact(8).enumerate().find_map(|(w, chunk)| {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let flags = (control | quote | backslash) & HIGH;
        (flags != 0).then(|| w * 8 + (flags.trailing_zeros() / 8) as usize)
    })
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// Bit k is set when byte k of `block` is a quote, a backslash or below 0x20.
    pub(super) fn special_flags(block: &[u8; 16]) -> u32 {
        // SAFETY: SSE2 is part of every x86_64 target, so these instructions always exist;
        // the load reads the 16 bytes `block` refers to and allows any alignment.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // Unsigned v <= 0x1F exactly when max(v, 0x1F) is 0x1F.
            let limit = _mm_set1_epi8(0x1F);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;

    fn string(literal: &str) -> Option<String> {
        let mut s = Scan::new(literal);
        let out = s.string()?;
        s.end()?;
        Some(out.text)
    }

    #[test]
    fn unescapes_like_serde_json() {
        for literal in [
            r#""""#,
            r#""plain""#,
            r#""a\nb\t\"q\" \\ \/ \b\f\r""#,
            r#""\u00e9\u0041\u20AC \ud83d\ude00 end""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\ud800\u0041""#,
            r#""\ud83d\ude00\ud83d""#,
            r#""caf\u00e9 \\boxed{1}""#,
            "\"tab\there\"",
            r#""\x""#,
            r#""\u12""#,
            r#""unterminated"#,
            r#""long run of plain text that spans several words \\frac{1}{2} and more text""#,
        ] {
            let parsed = serde_json::from_str::<String>(literal).ok();
            assert_eq!(string(literal), parsed, "{literal}");
        }
    }

    #[test]
    fn sizes_unescaped_strings_by_their_closing_quote() {
        let text = r#""a\\\"b\\" , "c""#;
        assert_eq!(closing_quote(text.as_bytes(), 1), 9);
        let read = Scan::new(text).string().unwrap().text;
        assert_eq!(read, r#"a\"b\"#);
        assert!(read.capacity() <= 8 + BLOCK);
    }

    #[test]
    fn flags_decoded_control_characters() {
        let controls = |literal: &str| Scan::new(literal).string().unwrap().controls;
        assert!(controls(r#""\frac{1}{2}""#));
        assert!(controls(r#""x \u000b""#));
        assert!(!controls(r#""a\nb \\frac""#));
    }

    #[test]
    fn finds_the_first_special_byte_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x1F, 0] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    // A later special byte and bytes above 0x7F never hide the first one.
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                    }
                    if at > 0 {
                        bytes[at - 1] = 0xE9;
                    }
                    assert_eq!(special_at(&bytes, 0), at, "{bytes:?}");
                }
            }
            assert_eq!(special_at(&vec![0x80; len], 0), len);
        }
    }

    proptest::proptest! {
        #[test]
        fn block_scans_agree(block in proptest::array::uniform16(proptest::prop_oneof![
            proptest::num::u8::ANY, proptest::sample::select(vec![b'"', b'\\', 0x1F, 0x20, 0x7F, 0x80])
        ])) {
            let expected = block.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            proptest::prop_assert_eq!(first_special(&block), expected);
            proptest::prop_assert_eq!(first_special_swar(&block), expected);
        }
    }

    /// Skipping accepts what serde_json accepts as a raw value, or gives up.
    #[test]
    fn skips_values_serde_json_accepts() {
        for (text, accepted) in [
            ("0", true),
            ("-12.5e+3", true),
            ("1E400", true),
            ("01", false),
            ("1.", false),
            ("-", false),
            ("1e", false),
            ("true", true),
            ("tru", false),
            ("null", true),
            (r#"[1, "a", {"b": [null, false]}, []]"#, true),
            (r#"{"a": 1,}"#, false),
            ("[1,]", false),
            ("[1 2]", false),
            (r#""\ud800""#, true),
            (r#""\u00g0""#, false),
            ("{}", true),
            ("[", false),
        ] {
            let mut s = Scan::new(text);
            let ours = s.skip_value(0).and_then(|()| s.end()).is_some();
            let theirs = serde_json::from_str::<IgnoredAny>(text).is_ok();
            assert_eq!(theirs, accepted, "{text}");
            assert_eq!(ours, accepted, "{text}");
        }
    }
}
