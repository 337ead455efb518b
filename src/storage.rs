//! localStorage behind the `persist::KeyValue` trait. Browsers may refuse storage (private
//! mode, disabled cookies, full quota): then Podlab keeps working in memory and says so once.

use crate::persist::{KeyValue, MemoryStore};

/// The browser's localStorage, or an in-memory stand-in when it is unavailable.
pub enum BrowserStore {
    Local(web_sys::Storage),
    Memory(MemoryStore),
}

impl BrowserStore {
    pub fn open() -> BrowserStore {
        match web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            Some(s) => BrowserStore::Local(s),
            None => BrowserStore::Memory(MemoryStore::default()),
        }
    }

    pub fn is_persistent(&self) -> bool {
        matches!(self, BrowserStore::Local(_))
    }
}

impl KeyValue for BrowserStore {
    fn get(&self, key: &str) -> Option<String> {
        match self {
            BrowserStore::Local(s) => s.get_item(key).ok().flatten(),
            BrowserStore::Memory(m) => m.get(key),
        }
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        match self {
            BrowserStore::Local(s) => s.set_item(key, value).map_err(|e| format!("{e:?}")),
            BrowserStore::Memory(m) => m.set(key, value),
        }
    }
}
