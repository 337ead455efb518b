//! The allocator of Podlab's native binaries and benchmarks: mimalloc, tuned for a process whose
//! heap only grows (a simulation keeps every object version, Event and trace entry it makes).
//! The wasm build never links this crate and keeps Rust's default allocator.
//!
//! Why the tuning: mimalloc returns ("purges") freed pages to the OS after a delay and faults
//! them back in, zeroed, on the next allocation. A simulation frees and reallocates short-lived
//! JSON values all the time, so with the default delay the 10 000-pod benchmark spent ~0.9 s of
//! a ~3 s run in the kernel zeroing pages (`clear_page_erms`); keeping freed memory in the
//! process brings that to ~0.15 s at the same peak RSS.

use std::os::raw::{c_int, c_long};

pub use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v3 `include/mimalloc.h`): the delay in
/// milliseconds before freed memory is returned to the OS; -1 never returns it.
const MI_OPTION_PURGE_DELAY: c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    fn mi_option_get(option: c_int) -> c_long;
}

/// Keeps freed memory in the process instead of returning it to the OS. Call it first thing in
/// `main`; it only changes when mimalloc purges, never what it allocates.
pub fn retain_freed_memory() {
    // SAFETY: mimalloc's option setters are plain stores into its option table, valid at any
    // time and from any thread; the option index is checked by the test below.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// The purge delay mimalloc is using, in milliseconds (-1: never).
pub fn purge_delay_ms() -> i64 {
    // SAFETY: as above, a plain read of mimalloc's option table.
    i64::from(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) })
}

#[cfg(test)]
mod tests {
    #[global_allocator]
    static GLOBAL: super::MiMalloc = super::MiMalloc;

    #[test]
    fn retain_freed_memory_sets_the_purge_delay_option() {
        // The v3 default is 1000 ms (src/options.c); a wrong option index would read another
        // option's default and never become -1.
        assert!(super::purge_delay_ms() >= 0);
        super::retain_freed_memory();
        assert_eq!(super::purge_delay_ms(), -1);
        let v: Vec<u64> = (0..100_000).collect();
        drop(v);
    }
}
