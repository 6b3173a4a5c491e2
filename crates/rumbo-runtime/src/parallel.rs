//! Parallel regions (`prange` loops, parallel array expressions): compiled code
//! splits an iteration space into chunks and hands a chunk function to
//! [`rumbo_parallel_for`], which runs the chunks on the calling thread and the
//! worker team (`team.rs`) and then, on the calling thread and in chunk order,
//! the combine function that folds each chunk's partial reductions in.
//!
//! Thread counts follow Numba: a region uses up to `NUMBA_NUM_THREADS` (or
//! `RUMBO_NUM_THREADS`, default: the CPU count) threads, the caller and that many
//! workers less one; `set_num_threads` lowers how many a region uses, per calling
//! thread, and the setting travels into the region's workers. After `fork()` the
//! child's first region builds a new team (the parent's workers do not exist there).

use crate::exc::ExcRecord;
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

/// `i32 chunk(ptr ctx, i64 lo, i64 hi, i64 chunk_index, ptr exc)`: runs
/// iterations `lo..hi` of a region, leaving its partial results in `ctx`.
pub(crate) type ChunkFn = unsafe extern "C" fn(*mut u8, i64, i64, i64, *mut *const ExcRecord) -> i32;
/// `i32 combine(ptr ctx, i64 chunk_index, ptr exc)`: folds one chunk's partial
/// results into the region's accumulators.
pub(crate) type CombineFn = unsafe extern "C" fn(*mut u8, i64, *mut *const ExcRecord) -> i32;

/// Chunks per thread: more than one, so that stealing what other threads left evens out
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
    /// `set_parallel_chunksize` of this thread: iterations per chunk, 0 for rumbo's choice.
    static CHUNKSIZE: Cell<i64> = const { Cell::new(0) };
}

/// Iterations per chunk of `prange` regions started from this thread (0: rumbo's choice).
pub fn parallel_chunksize() -> i64 {
    CHUNKSIZE.with(|c| c.get())
}

/// Sets this thread's chunk size (Numba's `set_parallel_chunksize`); returns the old one.
pub fn set_parallel_chunksize(n: i64) -> i64 {
    CHUNKSIZE.with(|c| c.replace(n.max(0)))
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

/// How many chunks a region of `n` iterations is split into (0 when empty),
/// each of at least `grain` iterations.
extern "C" fn rumbo_parallel_chunks(n: i64, grain: i64) -> i64 {
    let threads = num_threads() as i64;
    if n <= 0 {
        return 0;
    }
    let chunksize = parallel_chunksize();
    if chunksize > 0 && threads > 1 {
        // Chunks of the size asked for, as Numba's scheduler hands them out.
        return (n - 1) / chunksize + 1;
    }
    let by_grain = (n - 1) / grain.max(1) + 1;
    if threads <= 1 {
        1
    } else {
        by_grain.min(threads * CHUNKS_PER_THREAD)
    }
}

/// One region in flight. Its chunks are dealt out in contiguous shares, one per
/// participant (so a loop run again and again keeps each thread on the same rows and
/// their cache); a participant done with its share takes chunks left in the others'.
struct Region {
    chunk: ChunkFn,
    ctx: *mut u8,
    n: i64,
    nchunks: i64,
    threads: usize,
    /// Per participant: the next chunk of its share, and where the share ends.
    cursors: Box<[(AtomicI64, i64)]>,
    outcomes: Box<[UnsafeCell<(i32, *const ExcRecord)>]>,
}

// SAFETY: `ctx` belongs to compiled code that writes each chunk's results to a slot of
// its own; each outcome slot is written by the one participant that took its chunk and
// read after all have left (`team::run` returns only then).
unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Region {
    fn bounds(&self, c: i64) -> (i64, i64) {
        let at = |k: i64| ((self.n as i128 * k as i128) / self.nchunks as i128) as i64;
        (at(c), at(c + 1))
    }

    /// Takes and runs chunks from `share` until it is empty. Every chunk runs, also after
    /// one raised, so the exception reported (the lowest chunk's) does not depend on timing.
    fn drain(&self, share: usize) {
        let (next, end) = &self.cursors[share];
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= *end {
                break;
            }
            let (lo, hi) = self.bounds(c);
            // SAFETY: chunk `c` was taken by this participant alone.
            let out = unsafe { &mut *self.outcomes[c as usize].get() };
            out.0 = unsafe { (self.chunk)(self.ctx, lo, hi, c, &mut out.1) };
        }
    }
}

impl crate::team::Work for Region {
    fn participants(&self) -> usize {
        self.cursors.len()
    }

    fn run(&self, id: usize) {
        let before = NUM_THREADS.with(|t| t.replace(self.threads));
        let outer_id = THREAD_ID.with(|t| t.replace(id as i64));
        let shares = self.cursors.len();
        for k in 0..shares {
            self.drain((id + k) % shares);
        }
        THREAD_ID.with(|t| t.set(outer_id));
        NUM_THREADS.with(|t| t.set(before));
    }
}

/// Runs `chunk` over `nchunks` equal pieces of `0..n` on this thread and the worker team,
/// then `combine` (if not null) for each chunk in order on this thread. Returns 1 with the
/// lowest failing chunk's exception when any chunk raised.
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
    let threads = num_threads();
    let shares = threads.min(nchunks as usize).max(1) as i64;
    let share_start = |p: i64| p * nchunks / shares;
    let region = Region {
        chunk,
        ctx,
        n,
        nchunks,
        threads,
        cursors: (0..shares).map(|p| (AtomicI64::new(share_start(p)), share_start(p + 1))).collect(),
        outcomes: (0..nchunks).map(|_| UnsafeCell::new((0, std::ptr::null()))).collect(),
    };
    crate::team::run(&region, max_threads());
    // Every participant has left: the slots are only read from here on.
    let failure = region.outcomes.iter().map(|o| *o.get()).find(|o| o.0 != 0);
    if let Some((status, rec)) = failure {
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
