//! Rewrites on typed rumbo IR for `parallel=True`: `prange` loops into parallel
//! regions ([`prange`]), whole-array reductions into pooled loops ([`sums`]). Array-expression fusion lives in codegen (see ARCHITECTURE.md).

pub mod looplift;
pub mod prange;
pub mod sums;

pub use looplift::{lift_loops, LiftedLoop};
pub use prange::{outline_prange_loops, LoopReport, ReduceOp};
pub use sums::{pooled_sums, POOLED_REDUCTIONS};
