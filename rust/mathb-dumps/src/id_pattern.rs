//! Problem ids that also number the sample: batch requests sent one per sample name each
//! `q17#0`, `q17#1`, …; `--id-pattern '{problem}#{sample}'` reads them back as problem `q17`,
//! samples 0, 1, … so that they group into one problem and join its gold.

const PROBLEM: &str = "{problem}";
const SAMPLE: &str = "{sample}";

/// A template of literal text around `{problem}` and `{sample}` (decimal digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdPattern {
    template: String,
    before: String,
    between: String,
    after: String,
    problem_first: bool,
}

impl IdPattern {
    /// `{problem}#{sample}`, `{problem}-s{sample}`, `req-{sample}-{problem}`, …: each
    /// placeholder once, with literal text between them.
    pub fn parse(template: &str) -> Result<IdPattern, String> {
        let once = |p: &str| template.matches(p).count() == 1;
        if !once(PROBLEM) || !once(SAMPLE) {
            return Err(format!(
                "id pattern {template:?} needs {PROBLEM} and {SAMPLE} once each, e.g. '{{problem}}#{{sample}}'"
            ));
        }
        let (p, s) = (
            template.find(PROBLEM).unwrap(),
            template.find(SAMPLE).unwrap(),
        );
        let problem_first = p < s;
        let (first, first_len, second, second_len) = match problem_first {
            true => (p, PROBLEM.len(), s, SAMPLE.len()),
            false => (s, SAMPLE.len(), p, PROBLEM.len()),
        };
        let between = &template[first + first_len..second];
        if between.is_empty() {
            return Err(format!(
                "id pattern {template:?} needs text between {PROBLEM} and {SAMPLE} to tell them apart"
            ));
        }
        Ok(IdPattern {
            template: template.to_owned(),
            before: template[..first].to_owned(),
            between: between.to_owned(),
            after: template[second + second_len..].to_owned(),
            problem_first,
        })
    }

    /// The problem and sample an id names, or None when it does not fit the pattern. The
    /// problem part may hold the separator itself: the last one (first, when the sample
    /// comes first) separates.
    pub fn split<'a>(&self, id: &'a str) -> Option<(&'a str, u64)> {
        let middle = id
            .strip_prefix(self.before.as_str())?
            .strip_suffix(self.after.as_str())?;
        let (problem, sample) = match self.problem_first {
            true => {
                let at = middle.rfind(self.between.as_str())?;
                (&middle[..at], &middle[at + self.between.len()..])
            }
            false => {
                let at = middle.find(self.between.as_str())?;
                (&middle[at + self.between.len()..], &middle[..at])
            }
        };
        let digits = !sample.is_empty() && sample.bytes().all(|b| b.is_ascii_digit());
        let sample = sample.parse().ok().filter(|_| digits)?;
        (!problem.is_empty()).then_some((problem, sample))
    }

    /// The template as given (`{problem}#{sample}`).
    pub fn template(&self) -> &str {
        &self.template
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_into_problem_and_sample() {
        let p = IdPattern::parse("{problem}#{sample}").unwrap();
        assert_eq!(p.split("q17#3"), Some(("q17", 3)));
        assert_eq!(p.split("a#b#12"), Some(("a#b", 12)));
        assert_eq!(p.split("q17"), None);
        assert_eq!(p.split("q17#x"), None);
        assert_eq!(p.split("#1"), None);
        let p = IdPattern::parse("req-{sample}-{problem}.json").unwrap();
        assert_eq!(p.split("req-4-math-7.json"), Some(("math-7", 4)));
    }

    #[test]
    fn templates_need_both_placeholders_apart() {
        assert!(IdPattern::parse("{problem}").is_err());
        assert!(IdPattern::parse("{problem}{sample}").is_err());
        assert!(IdPattern::parse("{problem}#{sample}#{sample}").is_err());
    }
}
