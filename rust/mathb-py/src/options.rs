//! Grading options from Python keyword arguments, parsed and validated in one place.

use crate::errors::InvalidArgumentError;
use mathb_core::{DecimalPolicy, ExtractMode, Options};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Every option keyword, for error messages.
const KNOWN: &str = "decimal, min_significant_digits, decimal_places, relation_as_set, \
strict_variables, extract";

fn invalid(msg: String) -> PyErr {
    InvalidArgumentError::new_err(msg)
}

/// Python ints may be negative or huge; both are argument errors, not OverflowErrors.
pub fn to_u32(value: i64, name: &str) -> PyResult<u32> {
    u32::try_from(value)
        .map_err(|_| invalid(format!("{name} must be between 0 and 2^32, not {value}")))
}

pub fn extract_mode(extract: &str) -> PyResult<ExtractMode> {
    match extract {
        "strict" => Ok(ExtractMode::Strict),
        "standard" => Ok(ExtractMode::Standard),
        "lenient" => Ok(ExtractMode::Lenient),
        other => Err(invalid(format!(
            "extract must be 'strict', 'standard' or 'lenient', not {other:?}"
        ))),
    }
}

/// Builds [`Options`] from `**options`; unknown keywords are errors, not silently ignored.
pub fn from_kwargs(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut decimal = "rounded".to_string();
    let mut min_significant_digits = 3i64;
    let mut decimal_places: Option<i64> = None;
    let mut opts = Options::default();
    if let Some(kwargs) = kwargs {
        for (key, value) in kwargs.iter() {
            let key: String = key.extract()?;
            match key.as_str() {
                "decimal" => decimal = value.extract()?,
                "min_significant_digits" => min_significant_digits = value.extract()?,
                "decimal_places" => decimal_places = value.extract()?,
                "relation_as_set" => opts.relation_as_set = value.extract()?,
                "strict_variables" => opts.strict_variables = value.extract()?,
                "extract" => opts.extract = extract_mode(&value.extract::<String>()?)?,
                other => {
                    return Err(invalid(format!(
                        "unknown option {other:?}; options are {KNOWN}"
                    )))
                }
            }
        }
    }
    opts.decimal = match decimal.as_str() {
        "rounded" => DecimalPolicy::Rounded {
            min_significant_digits: to_u32(min_significant_digits, "min_significant_digits")?,
            max_places: decimal_places
                .map(|p| to_u32(p, "decimal_places"))
                .transpose()?,
        },
        "exact" => DecimalPolicy::Exact,
        other => {
            return Err(invalid(format!(
                "decimal must be 'rounded' or 'exact', not {other:?}"
            )))
        }
    };
    Ok(opts)
}
