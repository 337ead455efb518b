//! Podlab's change to serde_json: the `preserve_order` map as a plain vector of entries in
//! insertion order, searched linearly, instead of `indexmap::IndexMap`.
//!
//! Why: a Kubernetes object is a tree of small maps (a pod has ~25 of them, most under ten
//! keys), and the simulation builds, clones, reads and drops such trees on every write. With
//! IndexMap each map is two allocations (entries and a hash index), each entry carries its
//! hash, each insert and lookup hashes the key, and a `Value` is 80 bytes because the map is
//! inline. Here a map is one allocation, an entry is a key and a 32-byte `Value`, and a lookup
//! compares a few short keys. Every observable behaviour of the IndexMap-backed map is kept:
//! insertion order, `insert` replacing a value in place, `remove` meaning `swap_remove`,
//! `shift_*`, order-insensitive equality, the entry API. Maps with thousands of keys become
//! linear to search; Kubernetes objects do not have them (`crates/api/tests/json_map.rs` still
//! parses and reads a 5 000-key map).

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::fmt;
use core::iter::FromIterator;
use core::mem;
use core::ops;

/// The map: entries in insertion order.
#[derive(Clone)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// How many entries `with_capacity` reserves at most: serde sizes a struct's map by its field
/// count, skipped (empty) fields included, which for Kubernetes types is several times the
/// entries written. Growth past this doubles as usual.
const MAX_RESERVED: usize = 8;

impl<K, V> Default for VecMap<K, V> {
    #[inline]
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

/// Declares an iterator over the entries that yields `$item` from each (by `$proj`), with the
/// traits serde_json's wrappers delegate to.
macro_rules! entry_iter {
    ($(#[$m:meta])* $name:ident<$($lt:lifetime,)? K, V>, $inner:ty, $item:ty, |$e:ident| $proj:expr) => {
        $(#[$m])*
        pub struct $name<$($lt,)? K, V> {
            inner: $inner,
        }

        impl<$($lt,)? K, V> Iterator for $name<$($lt,)? K, V> {
            type Item = $item;
            #[inline]
            fn next(&mut self) -> Option<$item> {
                self.inner.next().map(|$e| $proj)
            }
            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                self.inner.size_hint()
            }
        }

        impl<$($lt,)? K, V> DoubleEndedIterator for $name<$($lt,)? K, V> {
            #[inline]
            fn next_back(&mut self) -> Option<$item> {
                self.inner.next_back().map(|$e| $proj)
            }
        }

        impl<$($lt,)? K, V> ExactSizeIterator for $name<$($lt,)? K, V> {
            #[inline]
            fn len(&self) -> usize {
                self.inner.len()
            }
        }

        impl<$($lt,)? K, V> core::iter::FusedIterator for $name<$($lt,)? K, V> {}

        impl<$($lt,)? K: fmt::Debug, V: fmt::Debug> fmt::Debug for $name<$($lt,)? K, V> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("inner", &self.inner).finish()
            }
        }
    };
}

entry_iter!(#[derive(Clone)] Iter<'a, K, V>, core::slice::Iter<'a, (K, V)>, (&'a K, &'a V), |e| (&e.0, &e.1));
entry_iter!(IterMut<'a, K, V>, core::slice::IterMut<'a, (K, V)>, (&'a K, &'a mut V), |e| (&e.0, &mut e.1));
entry_iter!(#[derive(Clone)] Keys<'a, K, V>, core::slice::Iter<'a, (K, V)>, &'a K, |e| &e.0);
entry_iter!(#[derive(Clone)] Values<'a, K, V>, core::slice::Iter<'a, (K, V)>, &'a V, |e| &e.1);
entry_iter!(ValuesMut<'a, K, V>, core::slice::IterMut<'a, (K, V)>, &'a mut V, |e| &mut e.1);
entry_iter!(IntoValues<K, V>, alloc::vec::IntoIter<(K, V)>, V, |e| e.1);
pub type IntoIter<K, V> = alloc::vec::IntoIter<(K, V)>;

impl<K, V> VecMap<K, V> {
    #[inline]
    pub fn with_capacity(capacity: usize) -> Self {
        VecMap { entries: Vec::with_capacity(capacity.min(MAX_RESERVED)) }
    }

    #[inline]
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter { inner: self.entries.iter() }
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut { inner: self.entries.iter_mut() }
    }

    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys { inner: self.entries.iter() }
    }

    pub fn values(&self) -> Values<'_, K, V> {
        Values { inner: self.entries.iter() }
    }

    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        ValuesMut { inner: self.entries.iter_mut() }
    }

    pub fn into_values(self) -> IntoValues<K, V> {
        IntoValues { inner: self.entries.into_iter() }
    }

    /// Keeps the entries `keep` says yes to, in order.
    pub fn retain<F>(&mut self, mut keep: F)
    where
        F: FnMut(&K, &mut V) -> bool,
    {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn sort_unstable_keys(&mut self)
    where
        K: Ord,
    {
        self.entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
}

impl<K, V> VecMap<K, V>
where
    K: Eq,
{
    /// The index of `key`'s entry. Not `#[inline]`: serde_json's `Map` methods are, and the
    /// search loop copied into every lookup site of the workspace grew the wasm by ~11 KB gzip.
    fn find<Q>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.entries.iter().position(|(k, _)| k.borrow() == key)
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.entries.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.find(key).is_some()
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.entries.iter_mut().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.entries.iter().find(|(k, _)| k.borrow() == key).map(|(k, v)| (k, v))
    }

    /// A new key goes last; an existing key keeps its place (and its key), the value is
    /// replaced and the old one returned, as IndexMap does.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Some(i) => Some(mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// IndexMap's `shift_insert`: an existing key moves to `index` with the new value (the old
    /// one is returned); a new one is inserted at `index`. Panics when `index` is out of
    /// bounds (`0..len` to move, `0..=len` to insert), as IndexMap does.
    pub fn shift_insert(&mut self, index: usize, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Some(i) => {
                assert!(index < self.entries.len(), "index out of bounds");
                let (k, old) = self.entries.remove(i);
                self.entries.insert(index, (k, value));
                Some(old)
            }
            None => {
                assert!(index <= self.entries.len(), "index out of bounds");
                self.entries.insert(index, (key, value));
                None
            }
        }
    }

    pub fn swap_remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.swap_remove_entry(key).map(|(_, v)| v)
    }

    pub fn swap_remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        let i = self.find(key)?;
        Some(self.entries.swap_remove(i))
    }

    pub fn shift_remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        self.shift_remove_entry(key).map(|(_, v)| v)
    }

    pub fn shift_remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Eq,
    {
        let i = self.find(key)?;
        Some(self.entries.remove(i))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Some(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            None => Entry::Vacant(VacantEntry { map: self, key }),
        }
    }
}

impl<K: Eq, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Eq, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut map = VecMap::with_capacity(iter.size_hint().0);
        map.extend(iter);
        map
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;
    fn into_iter(self) -> IntoIter<K, V> {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

/// Equal when both hold the same keys with equal values, whatever the order (as IndexMap).
impl<K: Eq, V: PartialEq> PartialEq for VecMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.entries.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K, V, Q> ops::Index<&Q> for VecMap<K, V>
where
    K: Eq + Borrow<Q>,
    Q: ?Sized + Eq,
{
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

pub enum Entry<'a, K, V> {
    Vacant(VacantEntry<'a, K, V>),
    Occupied(OccupiedEntry<'a, K, V>),
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn insert(self, value: V) -> &'a mut V {
        let entries = &mut self.map.entries;
        entries.push((self.key, value));
        let last = entries.len() - 1;
        &mut entries[last].1
    }
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }

    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }

    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn insert(&mut self, value: V) -> V {
        mem::replace(self.get_mut(), value)
    }

    pub fn swap_remove(self) -> V {
        self.swap_remove_entry().1
    }

    pub fn shift_remove(self) -> V {
        self.shift_remove_entry().1
    }

    pub fn swap_remove_entry(self) -> (K, V) {
        self.map.entries.swap_remove(self.index)
    }

    pub fn shift_remove_entry(self) -> (K, V) {
        self.map.entries.remove(self.index)
    }
}
