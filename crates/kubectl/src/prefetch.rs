//! Memory-level parallelism for the list printers (`-o yaml|json`): a hint to the CPU to start
//! loading what a JSON value points to (a string's bytes, a map's entries, an array's items)
//! before the writer gets there.
//!
//! Why: printing 200 stored pods is a walk over ~17 000 heap blocks scattered as the objects
//! were built and updated, and perf puts most of the printers' time on the first load of each
//! block (a map's entry array, a string value's bytes), one cache miss after another. The
//! writers collect every entry of a mapping before printing it (to sort the keys), so they can
//! name all of the mapping's blocks at once and let the misses overlap.

use serde_json::Value;

/// Starts loading `v`'s payload into the cache; does nothing for scalars held inline, on other
/// architectures, or when there is nothing to load.
#[inline(always)]
pub(crate) fn payload(v: &Value) {
    #[cfg(target_arch = "x86_64")]
    {
        let p: *const u8 = match v {
            Value::String(s) => s.as_ptr(),
            Value::Array(a) => a.as_ptr().cast(),
            Value::Object(m) => match m.iter().next() {
                Some((k, _)) => std::ptr::from_ref(k).cast(),
                None => return,
            },
            _ => return,
        };
        // SAFETY: a prefetch is only a hint: it reads nothing into the program, never faults
        // (whatever the address, even a dangling one of an empty string) and writes nothing.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = v;
}
