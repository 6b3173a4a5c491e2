//! rumbo IR: a function is a control-flow graph of basic blocks in SSA form.
//! Blocks take parameters instead of phi nodes; every instruction defines exactly
//! one value. The IR is untyped: `rumbo-types` infers a type for each value.
//!
//! Architecture invariant: the IR knows nothing of types or LLVM.

mod data;
mod liveness;
mod lower;
mod print;
mod verify;

pub use data::*;
pub use liveness::{liveness, Liveness};
pub use lower::{lower_function, rewrite_inst, rewrite_term};
pub use print::print_function;
pub use verify::{dominators, verify_function};
