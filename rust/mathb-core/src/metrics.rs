//! Benchmark metrics: the unbiased pass@k estimator over per-problem counts, G-Pass@k_τ, the
//! ballots of maj@k and the vote over the first k samples ([`maj_at_k_first`]). maj@k itself,
//! the expected vote over random k-subsets, is in the `majority` module, and the class of an
//! answer in `answer_class`. Both the streaming summary of `mathb grade` and the curves of
//! `mathb eval` use these definitions.

use memchr::memmem::Finder;
use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hasher;
use std::sync::LazyLock;

/// Counts that no metric can be computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricError {
    /// c > n: more correct samples than samples.
    CorrectExceedsSamples {
        /// Samples.
        n: u64,
        /// Correct samples.
        c: u64,
    },
    /// k outside 1..=n.
    KOutOfRange {
        /// Samples.
        n: u64,
        /// The k asked for.
        k: u64,
    },
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricError::CorrectExceedsSamples { n, c } => {
                write!(f, "c = {c} correct samples exceeds n = {n} samples")
            }
            MetricError::KOutOfRange { n, k } => write!(f, "k = {k} must be between 1 and n = {n}"),
        }
    }
}

impl std::error::Error for MetricError {}

/// The mean of `values` as numpy's `mean` computes it for a float64 array: pairwise
/// summation in numpy's order (blocks of up to 128 summed in 8 lanes), divided by the
/// length; so summaries match numpy's bit for bit without importing it. NaN when empty.
pub fn numpy_mean(values: &[f64]) -> f64 {
    pairwise_sum(values) / values.len() as f64
}

/// numpy's `pairwise_sum` for doubles (`loops_utils.h.src`).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for x in &a[i..] {
            res += x;
        }
        res
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

/// Unbiased pass@k: the probability that at least one of k samples drawn without replacement
/// from n (of which c are correct) is correct, `1 − C(n−c, k) / C(n, k)`.
///
/// Computed as `1 − Π_{i=n−c+1..n} (1 − k/i)`, which never forms the huge binomials and stays
/// accurate for n in the thousands.
pub fn pass_at_k(n: u64, c: u64, k: u64) -> Result<f64, MetricError> {
    if c > n {
        return Err(MetricError::CorrectExceedsSamples { n, c });
    }
    if k == 0 || k > n {
        return Err(MetricError::KOutOfRange { n, k });
    }
    if n - c < k {
        return Ok(1.0);
    }
    let kf = k as f64;
    let mut prod = 1.0f64;
    for i in (n - c + 1)..=n {
        prod *= 1.0 - kf / i as f64;
    }
    Ok(1.0 - prod)
}

/// ln(i!) for i = 0..=n.
pub(crate) fn ln_factorials(n: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0f64;
    out.push(0.0);
    for i in 1..=n {
        acc += (i as f64).ln();
        out.push(acc);
    }
    out
}

/// ln C(a, b) from a log-factorial table (b ≤ a).
pub(crate) fn ln_binom(lf: &[f64], a: u64, b: u64) -> f64 {
    lf[a as usize] - lf[b as usize] - lf[(a - b) as usize]
}

/// The τ grid G-Pass@k_τ is reported at (Liu et al. 2024, "Are Your LLMs Capable of Stable
/// Reasoning?").
pub const G_PASS_TAUS: [f64; 4] = [0.25, 0.5, 0.75, 1.0];

/// G-Pass@k_τ: the probability that at least ⌈τ·k⌉ (and at least one) of k samples drawn
/// without replacement from n, c of them correct, are correct:
/// `Σ_{j ≥ ⌈τk⌉} C(c, j) C(n−c, k−j) / C(n, k)`. τ = 1 asks for all k; τ → 0 is pass@k.
pub fn g_pass_at_k(n: u64, c: u64, k: u64, tau: f64) -> Result<f64, MetricError> {
    check_draw(n, c, k)?;
    // ⌈τk⌉ without rounding 0.75 · 4 up to 4 through a float error.
    let need = ((tau * k as f64) - 1e-9).ceil().max(1.0) as u64;
    if need > c.min(k) {
        return Ok(0.0);
    }
    Ok(with_ln_factorials(n, |lf| {
        let lo = need.max(k.saturating_sub(n - c));
        (lo..=c.min(k))
            .map(|j| hypergeometric(lf, n, c, k, j))
            .fold(0.0, |acc, x| acc + x)
            .min(1.0)
    }))
}

/// mG-Pass@k: G-Pass@k_τ averaged over τ in (0.5, 1], `(2/k) Σ_{i=⌈k/2⌉+1..k} G-Pass@k_{i/k}`
/// (0 at k = 1, where the sum is empty). Each G-Pass@k_{i/k} is the chance of at least i
/// correct, so the terms are the tails of one distribution, summed once from the top.
pub fn mg_pass_at_k(n: u64, c: u64, k: u64) -> Result<f64, MetricError> {
    check_draw(n, c, k)?;
    let first = k.div_ceil(2) + 1;
    let top = c.min(k);
    if first > top {
        return Ok(0.0);
    }
    let lo = k.saturating_sub(n - c);
    let sum = with_ln_factorials(n, |lf| {
        // tail = P(at least j correct), for j from the top down to `first`.
        let (mut tail, mut sum) = (0.0f64, 0.0f64);
        for j in (first.max(lo)..=top).rev() {
            tail += hypergeometric(lf, n, c, k, j);
            sum += tail.min(1.0);
        }
        // Below the fewest correct a draw can hold, the tail is the whole distribution.
        if lo > first {
            sum += (lo - first) as f64 * tail.min(1.0);
        }
        sum
    });
    Ok(2.0 * sum / k as f64)
}

fn check_draw(n: u64, c: u64, k: u64) -> Result<(), MetricError> {
    if c > n {
        return Err(MetricError::CorrectExceedsSamples { n, c });
    }
    if k == 0 || k > n {
        return Err(MetricError::KOutOfRange { n, k });
    }
    Ok(())
}

/// P(j correct among k drawn from n, c of them correct).
pub(crate) fn hypergeometric(lf: &[f64], n: u64, c: u64, k: u64, j: u64) -> f64 {
    (ln_binom(lf, c, j) + ln_binom(lf, n - c, k - j) - ln_binom(lf, n, k)).exp()
}

/// Runs `f` on ln(i!) for i = 0..=n: a table kept on the thread and grown as needed (its
/// values are the same running sums whatever its length), so the metrics of many problems
/// do not each rebuild it. Tables past a million entries are built for the call alone.
fn with_ln_factorials<T>(n: u64, f: impl FnOnce(&[f64]) -> T) -> T {
    const KEPT: u64 = 1 << 20;
    thread_local! {
        static TABLE: std::cell::RefCell<Vec<f64>> = std::cell::RefCell::new(vec![0.0]);
    }
    if n > KEPT {
        return f(&ln_factorials(n));
    }
    TABLE.with(|t| {
        let mut table = t.borrow_mut();
        let mut acc = *table.last().expect("ln 0! is always there");
        while table.len() as u64 <= n {
            acc += (table.len() as f64).ln();
            table.push(acc);
        }
        f(&table[..=n as usize])
    })
}

/// A sample's ballot in the majority vote of its problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ballot {
    /// No extracted answer: the sample does not vote.
    Abstain,
    /// Graded correct: every correct sample votes for the gold class, whatever its form.
    Gold,
    /// Any other extracted answer (wrong or undecided), by its vote key
    /// ([`vote_key`]: spacing and `\dfrac`/`\left` spellings ignored).
    Answer(u64),
}

/// The running majority vote of one problem, fed its samples in order.
///
/// maj@k is the score of the vote over the first k samples: 1 when the gold class has
/// strictly the most votes, 1/t when it ties with t − 1 answer classes (the expected score
/// of a uniformly random tie-break), 0 otherwise, and 0 when nobody voted.
#[derive(Clone, Debug, Default)]
pub struct MajorityVote {
    /// Ballots counted, abstentions included.
    samples: u32,
    gold: u32,
    answers: Vec<(u64, u32)>,
    /// Class of each key, built once a problem has many distinct answers (a linear scan
    /// is faster for the usual handful).
    index: Option<HashMap<u64, usize>>,
    /// The largest count of an answer class, and how many classes have it.
    top: u32,
    at_top: u32,
}

impl MajorityVote {
    /// Counts the next sample's ballot.
    pub fn add(&mut self, ballot: Ballot) {
        self.samples += 1;
        let key = match ballot {
            Ballot::Abstain => return,
            Ballot::Gold => {
                self.gold += 1;
                return;
            }
            Ballot::Answer(key) => key,
        };
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.answers.iter().position(|(k, _)| *k == key),
        };
        let count = match found {
            Some(i) => {
                self.answers[i].1 += 1;
                self.answers[i].1
            }
            None => {
                self.answers.push((key, 1));
                if let Some(index) = &mut self.index {
                    index.insert(key, self.answers.len() - 1);
                } else if self.answers.len() > 16 {
                    let index = self.answers.iter().enumerate().map(|(i, (k, _))| (*k, i));
                    self.index = Some(index.collect());
                }
                1
            }
        };
        // Counts grow by one, so the top moves up by at most one.
        if count > self.top {
            self.top = count;
            self.at_top = 1;
        } else if count == self.top {
            self.at_top += 1;
        }
    }

    /// The number of samples counted so far.
    pub fn samples(&self) -> u32 {
        self.samples
    }

    /// maj@k of the samples counted so far as 1/t: None for a score of 0, Some(1) when the
    /// gold class wins, Some(t) when it ties with t − 1 answer classes.
    pub fn tie_size(&self) -> Option<u32> {
        if self.gold == 0 || self.gold < self.top {
            None
        } else if self.gold > self.top {
            Some(1)
        } else {
            Some(self.at_top + 1)
        }
    }

    /// maj@k of the samples counted so far (k = their number).
    pub fn score(&self) -> f64 {
        if self.gold == 0 || self.gold < self.top {
            0.0
        } else if self.gold > self.top {
            1.0
        } else {
            1.0 / f64::from(self.at_top + 1)
        }
    }
}

/// maj@k of one problem at every k of `ks` (each in 1..=ballots.len()), its samples being
/// `ballots` in order: the vote over the first k samples (see `MajorityVote`). A single
/// draw of what `majority::maj_at_k` averages: it depends on sample order and varies much
/// more.
pub fn maj_at_k_first(ballots: &[Ballot], ks: &[u64]) -> Result<Vec<f64>, MetricError> {
    let n = ballots.len() as u64;
    if let Some(&k) = ks.iter().find(|&&k| k == 0 || k > n) {
        return Err(MetricError::KOutOfRange { n, k });
    }
    let mut order: Vec<usize> = (0..ks.len()).collect();
    order.sort_by_key(|&j| ks[j]);
    let mut out = vec![0.0; ks.len()];
    let mut vote = MajorityVote::default();
    let mut taken = 0u64;
    for j in order {
        while taken < ks[j] {
            vote.add(ballots[taken as usize]);
            taken += 1;
        }
        out[j] = vote.score();
    }
    Ok(out)
}

/// The rewrites `vote_key` makes, in order, and searchers for them built once.
const VOTE_REWRITES: [(&str, &str); 9] = [
    ("\\dfrac", "\\frac"),
    ("\\tfrac", "\\frac"),
    ("\\left", ""),
    ("\\right", ""),
    ("\\,", ""),
    ("\\;", ""),
    ("\\:", ""),
    ("\\!", ""),
    ("\\ ", ""),
];
static VOTE_FINDERS: LazyLock<[Finder<'static>; 9]> =
    LazyLock::new(|| VOTE_REWRITES.map(|(from, _)| Finder::new(from.as_bytes())));

/// The key majority voting groups answers by: the extracted text with whitespace, LaTeX
/// spacing commands and `\left`/`\right` removed and `\dfrac`/`\tfrac` read as `\frac`,
/// hashed with fixed keys (the same in every run).
pub fn vote_key(text: &str) -> u64 {
    let mut s = Cow::Borrowed(text);
    // Every rewrite starts with a backslash.
    if text.contains('\\') {
        for ((from, to), finder) in VOTE_REWRITES.iter().zip(VOTE_FINDERS.iter()) {
            if finder.find(s.as_bytes()).is_some() {
                s = Cow::Owned(s.replace(from, to));
            }
        }
    }
    let mut h = FxHasher::default();
    let kept_byte = |b: &u8| !b.is_ascii_whitespace() && *b != 0x0b;
    if s.is_ascii() && s.len() <= 256 {
        // Most answers are short: their bytes are gathered on the stack.
        let mut kept = [0u8; 256];
        let mut n = 0;
        for b in s.bytes().filter(kept_byte) {
            kept[n] = b;
            n += 1;
        }
        h.write(&kept[..n]);
    } else if s.is_ascii() {
        let kept: Vec<u8> = s.bytes().filter(kept_byte).collect();
        h.write(&kept);
    } else {
        let kept: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        h.write(kept.as_bytes());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mg_pass_at_k_is_the_mean_of_its_g_pass_at_k_terms() {
        for n in 1..=40u64 {
            for c in 0..=n {
                for k in 1..=n {
                    let mut sum = 0.0;
                    for i in (k.div_ceil(2) + 1)..=k {
                        sum += g_pass_at_k(n, c, k, i as f64 / k as f64).unwrap();
                    }
                    let by_terms = 2.0 * sum / k as f64;
                    let mg = mg_pass_at_k(n, c, k).unwrap();
                    assert!(
                        (mg - by_terms).abs() < 1e-12,
                        "n={n} c={c} k={k}: {mg} vs {by_terms}"
                    );
                }
            }
        }
        // Tables longer than the one kept on the thread give the same values.
        let direct = ln_factorials(3000);
        with_ln_factorials(3000, |lf| assert_eq!(lf, &direct[..]));
    }

    /// Exact 1 − C(n−c,k)/C(n,k) with integer binomials, for small n.
    fn exact(n: u64, c: u64, k: u64) -> f64 {
        fn binom(n: u64, k: u64) -> u128 {
            if k > n {
                return 0;
            }
            let mut r: u128 = 1;
            for i in 0..k {
                r = r * (n - i) as u128 / (i + 1) as u128;
            }
            r
        }
        1.0 - binom(n - c, k) as f64 / binom(n, k) as f64
    }

    #[test]
    fn matches_combinatorial_definition() {
        for n in 1..=20 {
            for c in 0..=n {
                for k in 1..=n {
                    let got = pass_at_k(n, c, k).unwrap();
                    assert!((got - exact(n, c, k)).abs() < 1e-12, "n={n} c={c} k={k}");
                }
            }
        }
    }

    #[test]
    fn g_pass_against_hand_computations() {
        // n = 4, c = 2, k = 2: both correct with probability C(2,2)/C(4,2) = 1/6; at least one
        // with 1 − C(2,2)/C(4,2) = 5/6 (= pass@2).
        assert!((g_pass_at_k(4, 2, 2, 1.0).unwrap() - 1.0 / 6.0).abs() < 1e-12);
        assert!((g_pass_at_k(4, 2, 2, 0.5).unwrap() - 5.0 / 6.0).abs() < 1e-12);
        assert!((g_pass_at_k(4, 2, 2, 0.25).unwrap() - pass_at_k(4, 2, 2).unwrap()).abs() < 1e-12);
        // n = 10, c = 6, k = 4, τ = 0.75: at least 3 correct of 4:
        // (C(6,3)·C(4,1) + C(6,4)) / C(10,4) = (80 + 15) / 210.
        assert!((g_pass_at_k(10, 6, 4, 0.75).unwrap() - 95.0 / 210.0).abs() < 1e-12);
        // mG-Pass@4 = (2/4)(G-Pass@4_{3/4} + G-Pass@4_{1}) = (1/2)(95 + 15)/210.
        assert!((mg_pass_at_k(10, 6, 4).unwrap() - 0.5 * 110.0 / 210.0).abs() < 1e-12);
        // mG-Pass@2 = G-Pass@2_{1}; at k = 1 the sum is empty.
        assert!((mg_pass_at_k(4, 2, 2).unwrap() - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(mg_pass_at_k(4, 2, 1).unwrap(), 0.0);
        // Fewer correct samples than asked for, and every sample correct.
        assert_eq!(g_pass_at_k(10, 2, 4, 0.75).unwrap(), 0.0);
        assert!((g_pass_at_k(8, 8, 8, 1.0).unwrap() - 1.0).abs() < 1e-12);
        assert!(g_pass_at_k(3, 4, 1, 0.5).is_err() && g_pass_at_k(3, 1, 4, 0.5).is_err());
        assert!(mg_pass_at_k(3, 1, 4).is_err());
    }

    #[test]
    fn edge_cases() {
        assert_eq!(pass_at_k(10, 0, 5).unwrap(), 0.0);
        assert_eq!(pass_at_k(10, 10, 1).unwrap(), 1.0);
        assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-15);
        assert!(pass_at_k(3, 4, 1).is_err());
        assert!(pass_at_k(3, 1, 0).is_err());
        assert!(pass_at_k(3, 1, 4).is_err());
    }

    #[test]
    fn large_n_is_finite_and_monotone() {
        let mut last = 0.0;
        for k in 1..=1024 {
            let p = pass_at_k(1024, 1, k).unwrap();
            assert!(p.is_finite() && p >= last);
            last = p;
        }
        assert!((pass_at_k(1024, 1, 1).unwrap() - 1.0 / 1024.0).abs() < 1e-15);
    }

    #[test]
    fn majority_vote_scores_ties_by_their_expected_value() {
        use Ballot::{Abstain, Answer, Gold};
        // A(wrong) gold gold A A, then no answer
        let seq = [Answer(1), Gold, Gold, Answer(1), Answer(1), Abstain];
        let got = maj_at_k_first(&seq, &[1, 2, 3, 4, 5, 6]).unwrap();
        assert_eq!(got, vec![0.0, 0.5, 1.0, 0.5, 0.0, 0.0]);
        // out of order and repeated ks, a three-way tie, and nobody voting
        let tie = [Answer(1), Answer(2), Gold, Abstain];
        assert_eq!(
            maj_at_k_first(&tie, &[4, 1, 3, 3]).unwrap(),
            [1.0 / 3.0, 0.0, 1.0 / 3.0, 1.0 / 3.0]
        );
        assert_eq!(maj_at_k_first(&[Abstain, Abstain], &[2]).unwrap(), [0.0]);
        assert!(maj_at_k_first(&tie, &[5]).is_err() && maj_at_k_first(&tie, &[0]).is_err());
    }

    #[test]
    fn many_distinct_answers_switch_to_an_index() {
        let mut ballots: Vec<Ballot> = (0..40).map(Ballot::Answer).collect();
        ballots.extend([
            Ballot::Gold,
            Ballot::Gold,
            Ballot::Answer(39),
            Ballot::Answer(39),
        ]);
        let got = maj_at_k_first(&ballots, &[40, 41, 42, 43, 44]).unwrap();
        assert_eq!(got, vec![0.0, 1.0 / 41.0, 1.0, 0.5, 0.0]);
    }

    #[test]
    fn vote_keys_ignore_spacing() {
        assert_eq!(vote_key("\\dfrac{1}{2}"), vote_key("\\frac { 1 } { 2 }"));
        assert_eq!(vote_key("\\left(1,2\\right)"), vote_key("(1, 2)"));
        assert_ne!(vote_key("12"), vote_key("1 3"));
    }
}
