//! The thread pool for parallel regions (`prange` loops, parallel array
//! expressions): compiled code splits an iteration space into chunks and
//! hands a chunk function to [`rumbo_parallel_for`], which runs the chunks on
//! a rayon pool and then, on the calling thread and in chunk order, the
//! combine function that folds each chunk's partial reductions in.
//!
//! Thread counts follow Numba: the pool has `NUMBA_NUM_THREADS` (or
//! `RUMBO_NUM_THREADS`, default: the CPU count) workers; `set_num_threads`
//! lowers how many a region uses, per calling thread, and the setting travels
//! into the region's workers. After `fork()` the child's first region builds a
//! new pool (the parent's worker threads do not exist there).

use crate::exc::ExcRecord;
use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

/// `i32 chunk(ptr ctx, i64 lo, i64 hi, i64 chunk_index, ptr exc)`: runs
/// iterations `lo..hi` of a region, leaving its partial results in `ctx`.
pub(crate) type ChunkFn = unsafe extern "C" fn(*mut u8, i64, i64, i64, *mut *const ExcRecord) -> i32;
/// `i32 combine(ptr ctx, i64 chunk_index, ptr exc)`: folds one chunk's partial
/// results into the region's accumulators.
pub(crate) type CombineFn = unsafe extern "C" fn(*mut u8, i64, *mut *const ExcRecord) -> i32;

/// Chunks per thread: more than one, so that rayon's work stealing evens out
/// iterations of unequal cost (triangular loops, early exits).
const CHUNKS_PER_THREAD: i64 = 4;

/// The configured maximum: the pool's size.
pub fn max_threads() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        ["RUMBO_NUM_THREADS", "NUMBA_NUM_THREADS"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .filter_map(|v| v.trim().parse::<usize>().ok())
            .find(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
    })
}

thread_local! {
    /// `set_num_threads` of this thread; 0 means not set (the maximum).
    static NUM_THREADS: Cell<usize> = const { Cell::new(0) };
    /// The worker index while this thread runs a chunk; 0 elsewhere.
    static THREAD_ID: Cell<i64> = const { Cell::new(0) };
}

/// Threads a region started from this thread uses.
pub fn num_threads() -> usize {
    match NUM_THREADS.with(|n| n.get()) {
        0 => max_threads(),
        n => n,
    }
}

/// Sets this thread's region size; `n` must be in `1..=max_threads()`.
pub fn set_num_threads(n: usize) -> Result<(), String> {
    if n == 0 || n > max_threads() {
        return Err(format!(
            "The number of threads must be between 1 and {} (NUMBA_NUM_THREADS / RUMBO_NUM_THREADS), got {n}",
            max_threads()
        ));
    }
    NUM_THREADS.with(|c| c.set(n));
    Ok(())
}

pub fn thread_id() -> i64 {
    THREAD_ID.with(|t| t.get())
}

struct Pool {
    pid: u32,
    pool: rayon::ThreadPool,
}

static POOL: AtomicPtr<Pool> = AtomicPtr::new(std::ptr::null_mut());

/// This process's pool, built on first use (and again in a forked child).
/// Lock-free, so a lock held by another thread at `fork()` cannot deadlock the child.
fn pool() -> Option<&'static rayon::ThreadPool> {
    let pid = std::process::id();
    loop {
        let cur = POOL.load(Ordering::Acquire);
        // SAFETY: entries are leaked, never freed, so a loaded pointer stays valid.
        if let Some(p) = unsafe { cur.as_ref() } {
            if p.pid == pid {
                return Some(&p.pool);
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(max_threads())
            .thread_name(|i| format!("rumbo-worker-{i}"))
            .build()
            .ok()?;
        let fresh = Box::into_raw(Box::new(Pool { pid, pool }));
        if POOL.compare_exchange(cur, fresh, Ordering::AcqRel, Ordering::Acquire).is_err() {
            // Another thread installed one first; ours was never shared.
            // SAFETY: `fresh` came from Box::into_raw above and was not published.
            drop(unsafe { Box::from_raw(fresh) });
        }
        // The replaced entry of a parent process is leaked on purpose: its
        // threads do not exist here, so dropping it could wait forever.
    }
}

/// How many chunks a region of `n` iterations is split into (0 when empty),
/// each of at least `grain` iterations.
extern "C" fn rumbo_parallel_chunks(n: i64, grain: i64) -> i64 {
    let threads = num_threads() as i64;
    if n <= 0 {
        return 0;
    }
    let by_grain = (n - 1) / grain.max(1) + 1;
    if threads <= 1 {
        1
    } else {
        by_grain.min(threads * CHUNKS_PER_THREAD)
    }
}

#[derive(Clone, Copy)]
struct Shared(*mut u8);
// SAFETY: the context is built by compiled code for this region, which
// writes each chunk's partial results to a slot of its own.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// Runs `chunk` over `nchunks` equal pieces of `0..n` on the pool, then
/// `combine` (if not null) for each chunk in order on this thread. Returns 1
/// with the lowest failing chunk's exception when any chunk raised.
///
/// # Safety
/// `chunk`/`combine` must be compiled region functions for `ctx`, and `exc`
/// the exception slot of the calling compiled function.
unsafe extern "C" fn rumbo_parallel_for(
    chunk: ChunkFn,
    combine: Option<CombineFn>,
    ctx: *mut u8,
    n: i64,
    nchunks: i64,
    exc: *mut *const ExcRecord,
) -> i32 {
    if nchunks <= 0 {
        return 0;
    }
    let bounds = |c: i64| -> (i64, i64) {
        let at = |k: i64| ((n as i128 * k as i128) / nchunks as i128) as i64;
        (at(c), at(c + 1))
    };
    let mut outcomes: Vec<(i32, *const ExcRecord)> = vec![(0, std::ptr::null()); nchunks as usize];
    let pool = if nchunks > 1 { pool() } else { None };
    match pool {
        None => {
            for c in 0..nchunks {
                let (lo, hi) = bounds(c);
                let out = &mut outcomes[c as usize];
                out.0 = chunk(ctx, lo, hi, c, &mut out.1);
                if out.0 != 0 {
                    break;
                }
            }
        }
        Some(pool) => {
            let shared = Shared(ctx);
            let threads = num_threads();
            let slots = Shared(outcomes.as_mut_ptr() as *mut u8);
            pool.scope(|s| {
                for c in 0..nchunks {
                    s.spawn(move |_| {
                        let (lo, hi) = bounds(c);
                        let (ctx, slots) = (shared, slots);
                        let before = NUM_THREADS.with(|t| t.replace(threads));
                        let id = THREAD_ID.with(|t| t.replace(rayon::current_thread_index().unwrap_or(0) as i64));
                        // SAFETY: each spawned task writes only its own slot `c`.
                        let out = unsafe { &mut *(slots.0 as *mut (i32, *const ExcRecord)).add(c as usize) };
                        out.0 = unsafe { chunk(ctx.0, lo, hi, c, &mut out.1) };
                        THREAD_ID.with(|t| t.set(id));
                        NUM_THREADS.with(|t| t.set(before));
                    });
                }
            });
        }
    }
    if let Some(&(status, rec)) = outcomes.iter().find(|o| o.0 != 0) {
        *exc = rec;
        return status;
    }
    if let Some(combine) = combine {
        for c in 0..nchunks {
            let status = combine(ctx, c, exc);
            if status != 0 {
                return status;
            }
        }
    }
    0
}

extern "C" fn rumbo_get_num_threads() -> i64 {
    num_threads() as i64
}

extern "C" fn rumbo_get_thread_id() -> i64 {
    thread_id()
}

/// `set_num_threads(n)` from compiled code (native convention, no result):
/// out-of-range values raise ValueError.
unsafe extern "C" fn rumbo_set_num_threads(_ret: *mut u8, exc: *mut *const ExcRecord, n: i64) -> i32 {
    static BAD: ExcRecord = ExcRecord::new(crate::exc::VALUE_ERROR, "The number of threads must be between 1 and NUMBA_NUM_THREADS");
    if n < 1 || set_num_threads(n as usize).is_err() {
        return crate::exc::raise(exc, &BAD);
    }
    0
}

pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_parallel_chunks", rumbo_parallel_chunks as *const () as usize),
        ("rumbo_parallel_for", rumbo_parallel_for as *const () as usize),
        ("rumbo_get_num_threads", rumbo_get_num_threads as *const () as usize),
        ("rumbo_get_thread_id", rumbo_get_thread_id as *const () as usize),
        ("rumbo_set_num_threads", rumbo_set_num_threads as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicI64;

    unsafe extern "C" fn add_range(ctx: *mut u8, lo: i64, hi: i64, c: i64, _exc: *mut *const ExcRecord) -> i32 {
        let sums = ctx as *const AtomicI64;
        (*sums.add(c as usize)).store((lo..hi).sum(), Ordering::Relaxed);
        0
    }

    static FAIL: ExcRecord = ExcRecord::new(2, "chunk failed");

    unsafe extern "C" fn fail_odd(_ctx: *mut u8, _lo: i64, _hi: i64, c: i64, exc: *mut *const ExcRecord) -> i32 {
        if c % 2 == 1 {
            *exc = &FAIL;
            return 1;
        }
        0
    }

    #[test]
    fn chunks_cover_the_range_once() {
        for n in [0i64, 1, 2, 3, 7, 1000, 100_003] {
            let k = rumbo_parallel_chunks(n, 1);
            let sums: Vec<AtomicI64> = (0..k.max(1)).map(|_| AtomicI64::new(0)).collect();
            let mut exc = std::ptr::null();
            let status = unsafe { rumbo_parallel_for(add_range, None, sums.as_ptr() as *mut u8, n, k, &mut exc) };
            assert_eq!(status, 0);
            let total: i64 = sums.iter().map(|s| s.load(Ordering::Relaxed)).sum();
            assert_eq!(total, (0..n).sum::<i64>(), "n = {n}");
        }
    }

    #[test]
    fn a_failing_chunk_reports_its_exception() {
        let mut exc = std::ptr::null();
        let status = unsafe { rumbo_parallel_for(fail_odd, None, std::ptr::null_mut(), 100, 8, &mut exc) };
        assert_eq!(status, 1);
        assert!(std::ptr::eq(exc, &FAIL));
    }

    #[test]
    fn thread_counts_are_checked() {
        assert!(set_num_threads(0).is_err());
        assert!(set_num_threads(max_threads() + 1).is_err());
        set_num_threads(1).unwrap();
        assert_eq!(num_threads(), 1);
        assert_eq!(rumbo_parallel_chunks(100, 1), 1);
    }
}
