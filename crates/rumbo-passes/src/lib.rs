//! Rewrites on typed rumbo IR. So far: `prange` loops into parallel regions
//! ([`prange`]). Array-expression fusion lives in codegen (see ARCHITECTURE.md).

pub mod prange;

pub use prange::{outline_prange_loops, LoopReport, ReduceOp};
