//! Podlab's change to serde_json: the key type of `Map`. A key of up to 22 bytes (almost every
//! Kubernetes field name and most label keys) lives inside the map entry itself; a longer one
//! is one exactly sized heap string.
//!
//! Why: a Kubernetes object is a tree of small maps, and with `String` keys every entry's key
//! is its own heap allocation. The simulation clones and drops such trees on every write (each
//! key one `malloc` and one `free`), and the printers of `kubectl get -o yaml|json` spent about
//! a fifth of their time waiting for the first bytes of scattered keys (perf, 200 pods). Inline,
//! a key is read from the cache line its entry is already in, and cloning a map copies it.
//!
//! The wasm build keeps a plain `String` per key, built and read by the same non-inlined calls
//! as before this change: the page pays for code size, not for these cycles (the inline form,
//! and even a `Box<str>` with its shrinking conversion, inlined at every `json!` key and
//! lookup, grew the gzipped wasm by 12 KB).

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;

/// A JSON object key: a string, compared, ordered and hashed exactly as its `str`.
#[derive(Clone)]
pub struct Key(Repr);

/// The most bytes a key keeps inline (the enum then has the size of a `String`).
#[cfg(not(target_arch = "wasm32"))]
const INLINE: usize = 22;

#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is the key, valid UTF-8 (copied from a `str`); the rest is zero.
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

#[cfg(target_arch = "wasm32")]
#[derive(Clone)]
struct Repr(String);

#[cfg(not(target_arch = "wasm32"))]
const _: () = assert!(core::mem::size_of::<Key>() == core::mem::size_of::<String>());

impl Key {
    /// The key's text.
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let len = usize::from(*len).min(INLINE);
                // SAFETY: `bytes[..len]` was copied whole from a `str` (`Key::from(&str)` is the
                // only writer of the inline form), so it is valid UTF-8.
                unsafe { core::str::from_utf8_unchecked(&bytes[..len]) }
            }
            Repr::Heap(s) => s,
        }
    }

    /// The key's text.
    #[cfg(target_arch = "wasm32")]
    #[inline]
    pub fn as_str(&self) -> &str {
        (self.0).0.as_str()
    }

    /// The key as an owned `String`.
    #[inline]
    pub fn into_string(self) -> String {
        #[cfg(not(target_arch = "wasm32"))]
        match self.0 {
            Repr::Heap(s) => s.into_string(),
            inline => String::from(Key(inline).as_str()),
        }
        #[cfg(target_arch = "wasm32")]
        (self.0).0
    }
}

impl From<&str> for Key {
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    fn from(s: &str) -> Key {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            return Key(Repr::Inline { len: s.len() as u8, bytes });
        }
        Key(Repr::Heap(Box::from(s)))
    }

    #[cfg(target_arch = "wasm32")]
    fn from(s: &str) -> Key {
        Key(Repr(String::from(s)))
    }
}

impl From<String> for Key {
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    fn from(s: String) -> Key {
        if s.len() <= INLINE {
            return Key::from(s.as_str());
        }
        Key(Repr::Heap(s.into_boxed_str()))
    }

    #[cfg(target_arch = "wasm32")]
    #[inline]
    fn from(s: String) -> Key {
        Key(Repr(s))
    }
}

impl From<&String> for Key {
    #[inline]
    fn from(s: &String) -> Key {
        Key::from(s.as_str())
    }
}

impl From<&&str> for Key {
    #[inline]
    fn from(s: &&str) -> Key {
        Key::from(*s)
    }
}

impl From<Box<str>> for Key {
    #[inline]
    fn from(s: Box<str>) -> Key {
        Key::from(s.into_string())
    }
}

impl<'a> From<Cow<'a, str>> for Key {
    #[inline]
    fn from(s: Cow<'a, str>) -> Key {
        match s {
            Cow::Borrowed(s) => Key::from(s),
            Cow::Owned(s) => Key::from(s),
        }
    }
}

impl From<&Key> for Key {
    #[inline]
    fn from(k: &Key) -> Key {
        k.clone()
    }
}

impl From<char> for Key {
    #[inline]
    fn from(c: char) -> Key {
        let mut buf = [0u8; 4];
        Key::from(&*c.encode_utf8(&mut buf))
    }
}

impl From<Key> for String {
    #[inline]
    fn from(k: Key) -> String {
        k.into_string()
    }
}

impl Default for Key {
    #[inline]
    fn default() -> Key {
        Key::from("")
    }
}

impl Deref for Key {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Key {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Key {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Key {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    #[inline]
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Key) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Key {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Key {
            #[inline]
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Key> for $other {
            #[inline]
            fn eq(&self, other: &Key) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}
eq_with!(str, String);

impl PartialEq<&str> for Key {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Key> for &str {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Key {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(Key::from(s))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Key, E> {
                Ok(Key::from(s))
            }
        }
        deserializer.deserialize_string(KeyVisitor)
    }
}

/// What `Map`'s lookups take: anything that reads as the key's `str` (`str`, `String`, `Key`,
/// and references to them), so `map.get("name")`, `map.get(&name)` and `map.get(key)` all work.
pub trait AsKey {
    /// The text to look up.
    fn key_str(&self) -> &str;
}

impl AsKey for str {
    #[inline]
    fn key_str(&self) -> &str {
        self
    }
}

impl AsKey for String {
    #[inline]
    fn key_str(&self) -> &str {
        self
    }
}

impl AsKey for Key {
    #[inline]
    fn key_str(&self) -> &str {
        self.as_str()
    }
}

impl<T: AsKey + ?Sized> AsKey for &T {
    #[inline]
    fn key_str(&self) -> &str {
        (**self).key_str()
    }
}
