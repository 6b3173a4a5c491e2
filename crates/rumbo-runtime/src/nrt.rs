//! NRT: reference-counted memory for arrays made by compiled code. A MemInfo
//! owns one 64-byte-aligned allocation; compiled code increfs and decrefs it
//! (null MemInfos — arrays owned by Python — are ignored), and the last decref
//! frees it. Arrays returned to Python hand their reference to the ndarray's base.

use std::alloc::{alloc, dealloc, Layout};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// `{ i64 refcount, ptr data, i64 size }`; codegen reads `data` at offset 8.
#[repr(C)]
pub struct MemInfo {
    refcount: AtomicI64,
    pub data: *mut u8,
    pub size: usize,
    /// For large arrays: the block's capacity (a multiple of 2 MiB), allocated
    /// with posix_memalign and advised for huge pages; 0 for small ones.
    huge_cap: usize,
}

/// Arrays from this size on get 2 MiB alignment and MADV_HUGEPAGE: touching
/// fresh memory then faults once per 2 MiB instead of per 4 KiB (NumPy does the same).
const HUGE_FROM: usize = 4 << 20;
const HUGE_ALIGN: usize = 2 << 20;

const ALIGN: usize = 64;

/// Freed large blocks kept for reuse: a new large array then costs no page
/// faults (fresh memory is zeroed by the kernel page by page, which for a
/// 32 MB array takes longer than filling it). glibc's malloc keeps blocks
/// this big only up to 32 MB and never with our alignment.
mod block_cache {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    const MAX_BLOCKS: usize = 8;
    const MAX_BYTES: usize = 512 << 20;

    static BLOCKS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
    static BUSY: AtomicBool = AtomicBool::new(false);

    /// Runs `f` on the cache unless another thread holds it (never blocks:
    /// a lock held across `fork()` must not hang the child).
    fn with<T>(f: impl FnOnce(&mut Vec<(usize, usize)>) -> T) -> Option<T> {
        if BUSY.swap(true, Ordering::Acquire) {
            return None;
        }
        let out = BLOCKS.try_lock().ok().map(|mut b| f(&mut b));
        BUSY.store(false, Ordering::Release);
        out
    }

    /// A cached block of capacity in `cap..=2 * cap`, as (address, capacity).
    pub(super) fn take(cap: usize) -> Option<(*mut u8, usize)> {
        with(|blocks| {
            let best = blocks.iter().enumerate().filter(|(_, b)| b.1 >= cap && b.1 <= 2 * cap).min_by_key(|(_, b)| b.1).map(|(i, _)| i)?;
            let (p, c) = blocks.swap_remove(best);
            Some((p as *mut u8, c))
        })
        .flatten()
    }

    /// Keeps a freed block; false when the cache is full (the caller frees it).
    pub(super) fn give(p: *mut u8, cap: usize) -> bool {
        with(|blocks| {
            let total: usize = blocks.iter().map(|b| b.1).sum();
            if blocks.len() >= MAX_BLOCKS || total + cap > MAX_BYTES {
                return false;
            }
            blocks.push((p as usize, cap));
            true
        })
        .unwrap_or(false)
    }
}

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);

/// (allocations, frees) since the process started: equal when nothing leaked.
pub fn stats() -> (u64, u64) {
    (ALLOCATIONS.load(Ordering::Relaxed), FREES.load(Ordering::Relaxed))
}

fn data_layout(size: usize) -> Layout {
    Layout::from_size_align(size.max(1), ALIGN).expect("array size overflows")
}

/// A new MemInfo with refcount 1 and `size` uninitialised bytes; null when out of memory.
pub extern "C" fn rumbo_nrt_allocate(size: i64) -> *mut MemInfo {
    let size = size.max(0) as usize;
    if size > isize::MAX as usize / 2 {
        return std::ptr::null_mut();
    }
    let huge_cap = if size >= HUGE_FROM { size.div_ceil(HUGE_ALIGN) * HUGE_ALIGN } else { 0 };
    let (data, huge_cap) = if huge_cap > 0 {
        match block_cache::take(huge_cap) {
            Some(block) => block,
            None => {
                let mut p: *mut libc::c_void = std::ptr::null_mut();
                // SAFETY: posix_memalign with a power-of-two alignment; madvise on the block it returned.
                unsafe {
                    if libc::posix_memalign(&mut p, HUGE_ALIGN, huge_cap) != 0 {
                        return std::ptr::null_mut();
                    }
                    libc::madvise(p, huge_cap, libc::MADV_HUGEPAGE);
                }
                (p as *mut u8, huge_cap)
            }
        }
    } else {
        // SAFETY: the layout has a non-zero size.
        (unsafe { alloc(data_layout(size)) }, 0)
    };
    if data.is_null() {
        return std::ptr::null_mut();
    }
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    Box::into_raw(Box::new(MemInfo { refcount: AtomicI64::new(1), data, size, huge_cap }))
}

/// # Safety
/// `mi` is null or a live MemInfo.
pub(crate) unsafe extern "C" fn rumbo_nrt_incref(mi: *mut MemInfo) {
    if let Some(m) = mi.as_ref() {
        m.refcount.fetch_add(1, Ordering::Relaxed);
    }
}

/// # Safety
/// `mi` is null or a live MemInfo whose reference the caller gives up.
pub unsafe extern "C" fn rumbo_nrt_decref(mi: *mut MemInfo) {
    let Some(m) = mi.as_ref() else { return };
    if m.refcount.fetch_sub(1, Ordering::Release) == 1 {
        std::sync::atomic::fence(Ordering::Acquire);
        let m = Box::from_raw(mi);
        if m.huge_cap > 0 {
            if !block_cache::give(m.data, m.huge_cap) {
                libc::free(m.data as *mut libc::c_void);
            }
        } else {
            dealloc(m.data, data_layout(m.size));
        }
        FREES.fetch_add(1, Ordering::Relaxed);
    }
}

pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_nrt_allocate", rumbo_nrt_allocate as *const () as usize),
        ("rumbo_nrt_incref", rumbo_nrt_incref as *const () as usize),
        ("rumbo_nrt_decref", rumbo_nrt_decref as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_decref_frees() {
        let (a0, f0) = stats();
        let m = rumbo_nrt_allocate(1000);
        assert!(!m.is_null());
        unsafe {
            assert_eq!((*m).data as usize % ALIGN, 0);
            rumbo_nrt_incref(m);
            rumbo_nrt_decref(m);
            rumbo_nrt_decref(m);
            rumbo_nrt_decref(std::ptr::null_mut());
        }
        let (a1, f1) = stats();
        assert_eq!((a1 - a0, f1 - f0), (1, 1));
    }
}
