//! A per-thread memo with a size bound: results of pure functions of a string (a gold's
//! encoding or decoding, an answer's class key), kept while they fit and dropped all at once
//! when they would not, so that memory stays bounded whatever the input.

use rustc_hash::FxHashMap;

/// Bytes charged per entry beside its key and its own size (the table's slot, the boxes).
const ENTRY_BYTES: usize = 64;

/// Values by string key, holding at most about `limit` bytes.
pub struct BoundedMemo<V> {
    map: FxHashMap<Box<str>, V>,
    bytes: usize,
    limit: usize,
}

impl<V: Clone> BoundedMemo<V> {
    /// An empty memo that holds up to `limit` bytes.
    pub fn new(limit: usize) -> Self {
        BoundedMemo {
            map: FxHashMap::default(),
            bytes: 0,
            limit,
        }
    }

    /// The value kept for `key`, or `make()` kept and returned; `size` tells the bytes a value
    /// holds beyond itself. A key too large to keep a few hundred of is not kept.
    pub fn get_or_insert_with(
        &mut self,
        key: &str,
        size: impl FnOnce(&V) -> usize,
        make: impl FnOnce() -> V,
    ) -> V {
        if let Some(known) = self.map.get(key) {
            return known.clone();
        }
        let value = make();
        if key.len() > self.limit / 256 {
            return value;
        }
        let cost = key.len() + size(&value) + ENTRY_BYTES;
        if self.bytes + cost > self.limit {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += cost;
        self.map.insert(key.into(), value.clone());
        value
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_values_within_its_bound_and_starts_afresh_past_it() {
        let mut memo = BoundedMemo::new(64 * 1024);
        let made = std::cell::Cell::new(0);
        let get = |memo: &mut BoundedMemo<usize>, key: &str| {
            memo.get_or_insert_with(
                key,
                |_| 0,
                || {
                    made.set(made.get() + 1);
                    key.len()
                },
            )
        };
        assert_eq!(get(&mut memo, "abc"), 3);
        assert_eq!(get(&mut memo, "abc"), 3);
        assert_eq!(made.get(), 1);
        for i in 0..2000 {
            get(&mut memo, &format!("key {i}"));
        }
        // 2,000 entries of about 70 bytes do not fit in 64 KiB: it was emptied on the way.
        assert!(memo.len() < 1000 && !memo.is_empty());
        assert!(memo.bytes <= memo.limit);
        // A key too long to keep is computed every time.
        let long = "x".repeat(1024);
        get(&mut memo, &long);
        get(&mut memo, &long);
        assert_eq!(made.get(), 1 + 2000 + 2);
    }
}
