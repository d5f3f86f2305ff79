//! Parquet dumps (one row per problem, as verl and lighteval write them) read row by row
//! and turned into JSON objects, so they take the same path as JSON Lines records.

use crate::schema::{ErrorCode, InputError};
use parquet::file::reader::SerializedFileReader;
use std::fs::File;
use std::path::Path;

/// The rows of the Parquet file at `path`, each as one JSON object (UTF-8 bytes).
pub fn rows(path: &Path, name: &str) -> Result<crate::source::RowIter, InputError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        InputError::new(
            ErrorCode::Unreadable,
            format!("the Parquet file cannot be read: {e}"),
            "the file is truncated, corrupt or uses an unsupported codec (snappy, gzip and zstd are read)",
        )
    };
    let file = File::open(path).map_err(|e| unreadable(&e).at(name, None))?;
    let reader = SerializedFileReader::new(file).map_err(|e| unreadable(&e).at(name, None))?;
    Ok(Box::new(reader.into_iter().map(move |row| {
        let row = row.map_err(|e| unreadable(&e))?;
        let row = crate::formats::adapt_row(row.to_json_value());
        serde_json::to_vec(&row).map_err(|e| unreadable(&e))
    })))
}
