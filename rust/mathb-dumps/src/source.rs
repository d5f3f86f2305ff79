//! What an opened input yields, shared by the readers of each kind of input: lines of JSON
//! (from a stream or a memory map) or table rows already turned into JSON.

use crate::diagnostics::InputError;
use memmap2::Mmap;
use std::io::BufRead;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Rows of a table, each already turned into one JSON object.
pub type RowIter = Box<dyn Iterator<Item = Result<Vec<u8>, InputError>> + Send>;

/// What an opened input yields: lines of JSON (read from a stream, or in place from a
/// mapped plain file), or Parquet / CSV / TSV rows already turned into JSON.
pub enum Opened {
    /// Lines read from a stream (stdin, compressed files).
    Lines(Box<dyn BufRead + Send>),
    /// Lines read in place from a mapped plain file.
    Mapped(Mapped),
    /// Table rows, each one JSON object.
    Rows(RowIter),
}

/// A plain JSON Lines file mapped into memory, and the count of its bytes handed out.
pub struct Mapped {
    pub(crate) map: Arc<Mmap>,
    pub(crate) bytes: Arc<AtomicU64>,
}
