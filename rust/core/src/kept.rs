//! Small stores of what compiles build again and again (parsed patterns,
//! their JSON-text translations, regexes), kept between compiles: bounded
//! in entries, and started again empty when full.

use std::hash::Hash;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

/// At most `max` values by key, shared by every thread.
pub(crate) struct Kept<K, V> {
    map: Mutex<Option<FxHashMap<K, V>>>,
    max: usize,
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    pub(crate) const fn new(max: usize) -> Self {
        Kept {
            map: Mutex::new(None),
            max,
        }
    }

    /// The value kept under `key`, or `make`'s, kept (made outside the
    /// lock: two threads may both make one).
    pub(crate) fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.lock().as_ref().and_then(|m| m.get(&key)) {
            return v.clone();
        }
        let v = make();
        let mut g = self.lock();
        let m = g.get_or_insert_with(FxHashMap::default);
        if m.len() >= self.max {
            m.clear();
        }
        m.insert(key, v.clone());
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<FxHashMap<K, V>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_come_back_and_a_full_store_starts_again() {
        let k: Kept<u32, u32> = Kept::new(2);
        assert_eq!(k.get_or_insert_with(1, || 10), 10);
        assert_eq!(k.get_or_insert_with(1, || 99), 10);
        assert_eq!(k.get_or_insert_with(2, || 20), 20);
        // Full: the third key empties the store first.
        assert_eq!(k.get_or_insert_with(3, || 30), 30);
        assert_eq!(k.get_or_insert_with(1, || 11), 11);
    }
}
