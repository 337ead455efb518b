//! The allocator of Podlab's native binaries and benchmarks: mimalloc, tuned for a process whose
//! heap only grows (a simulation keeps every object version, Event and trace entry it makes).
//! The wasm build never links this crate and keeps Rust's default allocator.
//!
//! Why the tuning: mimalloc returns ("purges") freed pages to the OS after a delay and faults
//! them back in, zeroed, on the next allocation. A simulation frees and reallocates short-lived
//! JSON values all the time, so with the default delay the 10 000-pod benchmark spent ~0.9 s of
//! a ~3 s run in the kernel zeroing pages (`clear_page_erms`); keeping freed memory in the
//! process brings that to ~0.15 s at the same peak RSS. Word-aligned requests take mimalloc's
//! plain entry points rather than its aligned ones (`MiMalloc`).

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;
use std::os::raw::{c_int, c_long};

/// mimalloc as Rust's global allocator. Unlike `mimalloc::MiMalloc`, which sends every request
/// through mimalloc's aligned entry points, a layout that asks for no more than word alignment
/// (nearly every allocation: strings, vectors, JSON maps) takes the plain `mi_malloc` /
/// `mi_zalloc` / `mi_realloc` path: every mimalloc block is word-aligned anyway, and the aligned
/// path adds an alignment check and an out-of-line call to each of the ~1 000 allocations a
/// scheduled pod makes (a few percent of the scheduling benchmark's instructions).
pub struct MiMalloc;

/// The alignment every block mimalloc hands out has (its size classes are whole words).
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

// SAFETY: every method forwards to mimalloc, which returns null on failure (as GlobalAlloc
// requires) and blocks of at least the requested size. The plain entry points are used only
// when `align <= WORD_ALIGN`, which every mimalloc block satisfies; larger alignments go to
// `mimalloc::MiMalloc` (the aligned entry points). `mi_free` frees blocks from either path.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: a plain FFI call with the layout's size, or mimalloc's own GlobalAlloc.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mimalloc::MiMalloc.alloc(layout)
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mimalloc::MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (GlobalAlloc's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the block keeps its alignment.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mimalloc::MiMalloc.realloc(ptr, layout, new_size)
            }
        }
    }
}

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

    /// Every size and alignment gets a block of that alignment that holds its bytes, through
    /// alloc, alloc_zeroed (zeroed) and realloc (contents kept), on both entry paths.
    #[test]
    fn blocks_are_aligned_sized_and_kept_on_both_paths() {
        use std::alloc::{GlobalAlloc, Layout};
        let a = super::MiMalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 48, 100, 1000, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("valid layout");
                // SAFETY: non-zero sizes, each block freed once with its own layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null() && (p as usize).is_multiple_of(align), "alloc {size} {align}");
                    p.write_bytes(0xAB, size);
                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align), "zalloc {size} {align}");
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                    let grown = a.realloc(p, layout, size * 3);
                    assert!(!grown.is_null() && (grown as usize).is_multiple_of(align), "realloc {size} {align}");
                    assert!(std::slice::from_raw_parts(grown, size).iter().all(|b| *b == 0xAB));
                    a.dealloc(grown, Layout::from_size_align(size * 3, align).expect("valid layout"));
                    a.dealloc(z, layout);
                }
            }
        }
    }

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
