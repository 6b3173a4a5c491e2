//! What compiled code calls: helpers too large or too fallible to inline, with
//! the native calling convention of rumbo (`i32 f(ptr ret, ptr exc, args...)`,
//! status 0 or 1 with an exception record stored at `exc`) or plain C.
//!
//! Architecture invariant: no LLVM, no PyO3. The Python bindings hand the
//! addresses from [`symbols`] to the JIT.

mod blas;
mod complexmath;
mod exc;
mod nrt;
mod numbers;
mod parallel;
mod random;
mod team;
mod vecmath;

pub use blas::{blas_status, set_blas};
pub use exc::ExcRecord;
pub use nrt::{rumbo_nrt_allocate, rumbo_nrt_decref, stats as nrt_stats, MemInfo};
pub use parallel::{max_threads, num_threads, parallel_chunksize, set_num_threads, set_parallel_chunksize, thread_id};

/// Every runtime function compiled code may call, by symbol name.
pub fn symbols() -> Vec<(&'static str, usize)> {
    let mut all = numbers::symbols();
    all.extend(nrt::symbols());
    all.extend(blas::symbols());
    all.extend(parallel::symbols());
    all.extend(random::symbols());
    all.extend(vecmath::symbols());
    all.extend(complexmath::symbols());
    all
}
