//! Times of day as answers: `\text{4:30 p.m.}`, `4:30 \text{ p.m.}`, `16:30`.
//!
//! `4:30` alone may just as well be a ratio, so an answer is read as a time only when one side
//! names a.m. or p.m.

use crate::verdict::Status;

/// A time of day as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    /// `Some(true)` for p.m., `Some(false)` for a.m., `None` when not stated.
    pm: Option<bool>,
}

impl Clock {
    /// Seconds since midnight, when the text leaves no doubt about it.
    fn of_day(self) -> Option<u32> {
        let hour = match self.pm {
            Some(pm) => self.hour % 12 + if pm { 12 } else { 0 },
            // 13:00–23:59 and 0:xx can only be read on a 24-hour clock.
            None if self.hour == 0 || self.hour > 12 => self.hour,
            None => return None,
        };
        Some((hour * 60 + self.minute) * 60 + self.second)
    }
}

/// Formatting removed: `\text{…}` / `\mathrm{…}` wrappers, spacing commands, spaces, dots and
/// case.
fn plain(text: &str) -> String {
    let mut s = text.to_ascii_lowercase();
    for cmd in [
        "\\text", "\\mathrm", "\\mbox", "\\,", "\\;", "\\!", "\\ ", "~",
    ] {
        s = s.replace(cmd, "");
    }
    s.retain(|c| !c.is_whitespace() && !matches!(c, '{' | '}' | '.' | '$'));
    s
}

fn parse(text: &str) -> Option<Clock> {
    // A time has a colon, which cleaning up the text never adds: most answers stop here.
    if !text.contains(':') {
        return None;
    }
    let s = plain(text);
    let (body, pm) = if let Some(b) = s.strip_suffix("pm") {
        (b, Some(true))
    } else if let Some(b) = s.strip_suffix("am") {
        (b, Some(false))
    } else {
        (s.as_str(), None)
    };
    let parts: Vec<&str> = body.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let field = |i: usize, max: u32| -> Option<u32> {
        let p = parts.get(i)?;
        let width = if i == 0 { 1..=2 } else { 2..=2 };
        if !width.contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|v| *v <= max)
    };
    let hour = field(0, 24)?;
    let minute = field(1, 59)?;
    let second = if parts.len() == 3 { field(2, 59)? } else { 0 };
    if pm.is_some() && !(1..=12).contains(&hour) {
        return None;
    }
    Some(Clock {
        hour,
        minute,
        second,
        pm,
    })
}

/// The verdict on two times of day, when both are times and one names a.m. or p.m.
pub fn compare_times(gold: &str, answer: &str) -> Option<(Status, &'static str)> {
    let (g, a) = match (parse(gold), parse(answer)) {
        (Some(g), Some(a)) => (g, a),
        (Some(time), None) => return time_against_number(time, answer),
        (None, Some(time)) => return time_against_number(time, gold),
        (None, None) => return None,
    };
    if g.pm.is_none() && a.pm.is_none() {
        return None;
    }
    Some(match (g.of_day(), a.of_day()) {
        (Some(x), Some(y)) if x == y => (Status::Correct, "same time of day"),
        (Some(_), Some(_)) => (Status::Incorrect, "different times of day"),
        _ => (Status::Undecided, "time of day given without a.m. or p.m."),
    })
}

/// A time of day with a.m. or p.m. against a plain number (`3:00 p.m.` for 2): different
/// answers, unless the number is the time's hour (`3` may name 3 p.m.).
fn time_against_number(time: Clock, other: &str) -> Option<(Status, &'static str)> {
    let number = other.trim().trim_end_matches('.');
    let plain = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let value: f64 = number.parse().ok().filter(|_| plain)?;
    let hour = time.of_day()? / 3600;
    let named = [f64::from(time.hour), f64::from(hour)].contains(&value);
    (time.pm.is_some() && !named).then_some((
        Status::Incorrect,
        "a time of day and a number are different answers",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(g: &str, a: &str) -> Option<Status> {
        compare_times(g, a).map(|(s, _)| s)
    }

    #[test]
    fn times_of_day() {
        use Status::*;
        assert_eq!(
            status("\\text{4:30 p.m.}", "4:30 \\text{ p.m.}"),
            Some(Correct)
        );
        assert_eq!(status("\\text{4:30 p.m.}", "16:30"), Some(Correct));
        assert_eq!(status("4:30 PM", "4:30pm"), Some(Correct));
        assert_eq!(status("12:15 a.m.", "0:15"), Some(Correct));
        assert_eq!(status("12:15 p.m.", "12:15 \\text{pm}"), Some(Correct));
        assert_eq!(
            status("\\text{4:30 p.m.}", "4:30 \\text{ a.m.}"),
            Some(Incorrect)
        );
        assert_eq!(status("\\text{4:30 p.m.}", "5:30 p.m."), Some(Incorrect));
        assert_eq!(status("4:30 p.m.", "4:30:00 p.m."), Some(Correct));
        assert_eq!(status("4:30 p.m.", "4:30"), Some(Undecided));
    }

    #[test]
    fn a_time_against_a_number() {
        use Status::*;
        assert_eq!(status("2", "3:00 pm"), Some(Incorrect));
        assert_eq!(status("3:00 p.m.", "2.5"), Some(Incorrect));
        // The number may be the time's hour, on either clock.
        assert_eq!(status("3", "3:00 pm"), None);
        assert_eq!(status("15", "3:00 pm"), None);
        // Without a.m. or p.m., `3:00` may be a ratio; a non-number is not judged here.
        assert_eq!(status("2", "3:00"), None);
        assert_eq!(status("x", "3:00 pm"), None);
    }

    #[test]
    fn not_times() {
        // Without a.m./p.m. on either side `4:30` may be a ratio: not judged here.
        assert_eq!(status("4:30", "2:15"), None);
        assert_eq!(status("4:30 p.m.", "\\frac{9}{2}"), None);
        assert_eq!(status("13:30 p.m.", "1:30 p.m."), None);
        assert_eq!(status("4:3 p.m.", "4:30 p.m."), None);
        assert_eq!(status("4:30 p.m.", "4:60 p.m."), None);
    }
}
