//! maj@k for Python: class keys of answer strings and the per-problem maj@k matrix, both
//! computed by mathb-core (`majority::maj_at_k`, `answer_class::answer_class_key`).

use crate::errors::{CoreError, InvalidArgumentError};
use crate::text::Text;
use mathb_core::{maj_at_k, maj_at_k_first, Ballot};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

/// The majority-vote class key of each answer: its exact value where the core has a
/// canonical form, its normalized text otherwise (`answer_class::answer_class_key`).
#[pyfunction]
pub fn vote_keys<'py>(py: Python<'py>, answers: Vec<Text>) -> Bound<'py, PyArray1<u64>> {
    let keys: Vec<u64> = py.detach(|| {
        answers
            .iter()
            .map(|a| mathb_core::answer_class::answer_class_key(&a.0))
            .collect()
    });
    keys.into_pyarray(py)
}

/// maj@k of every problem (rows) at every k (columns). Problem i has `lengths[i]`
/// consecutive entries of `votes`, in sample order: -1 abstains, 0 is a correct sample,
/// any positive value an answer class. maj@k is the expected vote over random k-subsets, or
/// with `first_k` the vote over the first k samples.
#[pyfunction]
#[pyo3(signature = (lengths, votes, ks, *, first_k = false))]
pub fn maj_at_k_matrix<'py>(
    py: Python<'py>,
    lengths: PyReadonlyArray1<'py, i64>,
    votes: PyReadonlyArray1<'py, i64>,
    ks: PyReadonlyArray1<'py, i64>,
    first_k: bool,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let (lengths, votes, ks) = (lengths.as_slice()?, votes.as_slice()?, ks.as_slice()?);
    let mut ballots = Vec::with_capacity(votes.len());
    for &v in votes {
        ballots.push(match v {
            -1 => Ballot::Abstain,
            0 => Ballot::Gold,
            v if v > 0 => Ballot::Answer(v as u64),
            v => {
                return Err(InvalidArgumentError::new_err(format!(
                    "vote {v}: votes are -1 (abstain), 0 (correct) or a positive class"
                )))
            }
        });
    }
    let mut spans = Vec::with_capacity(lengths.len());
    let mut start = 0usize;
    for &len in lengths {
        let len = usize::try_from(len)
            .map_err(|_| InvalidArgumentError::new_err(format!("length {len} is negative")))?;
        spans.push(start..start + len);
        start += len;
    }
    if start != ballots.len() {
        return Err(InvalidArgumentError::new_err(format!(
            "the lengths add up to {start}, but there are {} votes",
            ballots.len()
        )));
    }
    let ks = ks
        .iter()
        .map(|&k| {
            u64::try_from(k)
                .map_err(|_| InvalidArgumentError::new_err(format!("k = {k} is negative")))
        })
        .collect::<PyResult<Vec<u64>>>()?;
    let width = ks.len();
    let mut out = Vec::with_capacity(spans.len() * width);
    let score = if first_k { maj_at_k_first } else { maj_at_k };
    for span in spans {
        out.extend(score(&ballots[span], &ks).map_err(CoreError::from)?);
    }
    PyArray1::from_vec(py, out).reshape([lengths.len(), width])
}
