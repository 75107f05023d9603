//! Process-local caches for hot read paths (the provider's token endpoint and userinfo), kept
//! coherent with one rule: every audited change (`AppState::write`) bumps an epoch, and an
//! entry only holds for the epoch it was read in — and never longer than its maximum age, which
//! bounds staleness when several Simpul processes share one PostgreSQL database.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The epoch and each context's cache slot.
#[derive(Default)]
pub struct Caches {
    epoch: AtomicU64,
    slots: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("epoch", &self.epoch())
            .finish_non_exhaustive()
    }
}

impl Caches {
    /// The current epoch; read it *before* reading what is to be cached.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Invalidates every cached entry (after a change that may affect them).
    pub fn bump(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// A context's cache, made on first use.
    pub fn slot<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let any = slots
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        // The slot under T's TypeId always holds a T.
        any.downcast::<T>()
            .unwrap_or_else(|_| Arc::new(T::default()))
    }
}

/// Bumps `caches`' epoch whenever another instance commits a change (PostgreSQL `LISTEN`), so
/// instances agree within a second instead of the entries' maximum age; stops with the caches.
pub fn follow_other_instances(url: &str, caches: &Arc<Caches>) {
    let weak = Arc::downgrade(caches);
    db::watch_changes(url, move |changed| match weak.upgrade() {
        Some(c) => {
            if changed {
                c.bump();
            }
            true
        }
        None => false,
    });
}

/// A map of values read in some epoch, each valid for that epoch and at most `max_age`.
#[derive(Debug)]
pub struct Memo<K, V> {
    max_age: Duration,
    capacity: usize,
    map: Mutex<HashMap<K, (u64, Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// A memo holding at most `capacity` entries (cleared when full) of at most `max_age`.
    pub fn new(capacity: usize, max_age: Duration) -> Self {
        Self {
            max_age,
            capacity,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key` if it was read in `epoch` and is young enough.
    pub fn get(&self, epoch: u64, key: &K) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let (e, at, v) = map.get(key)?;
        (*e == epoch && at.elapsed() < self.max_age).then(|| v.clone())
    }

    /// Remembers a value read in `epoch`.
    pub fn put(&self, epoch: u64, key: K, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, (epoch, Instant::now(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_hold_only_for_their_epoch() {
        let caches = Caches::default();
        let memo: Memo<&str, i32> = Memo::new(2, Duration::from_secs(60));
        let e = caches.epoch();
        memo.put(e, "a", 1);
        assert_eq!(memo.get(caches.epoch(), &"a"), Some(1));
        caches.bump();
        assert_eq!(memo.get(caches.epoch(), &"a"), None, "a change invalidates");
        memo.put(caches.epoch(), "a", 2);
        memo.put(caches.epoch(), "b", 3);
        memo.put(caches.epoch(), "c", 4);
        assert_eq!(
            memo.get(caches.epoch(), &"a"),
            None,
            "full memos start over"
        );
        assert_eq!(memo.get(caches.epoch(), &"c"), Some(4));
    }

    #[test]
    fn entries_expire() {
        let memo: Memo<u8, u8> = Memo::new(8, Duration::ZERO);
        memo.put(0, 1, 1);
        assert_eq!(memo.get(0, &1), None);
    }

    #[derive(Default)]
    struct Slot(AtomicU64);

    #[test]
    fn a_slot_is_made_once() {
        let caches = Caches::default();
        caches.slot::<Slot>().0.store(7, Ordering::Relaxed);
        assert_eq!(caches.slot::<Slot>().0.load(Ordering::Relaxed), 7);
    }
}
