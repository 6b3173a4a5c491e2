//! Code generation: typed rumbo IR to LLVM IR (through inkwell).
//!
//! Every specialization becomes two LLVM functions:
//! - the native entry `i32 @sym(ptr ret, ptr exc, args...)`: returns 0, or 1 after
//!   storing a pointer to an exception record (see [`ExcRecord`]) into `*exc`;
//! - the uniform-ABI wrapper `i32 @sym$wrap(ptr args, ptr ret, ptr exc)`: `args`
//!   is an array of pointers, one per scalar leaf of the arguments
//!   ([`rumbo_types::abi_leaves`]), and the result's leaves are stored in
//!   16-byte slots at `ret` (bool as one byte).
//!
//! Architecture invariant: codegen builds modules; it never runs them (that is
//! `rumbo-jit`'s job) and never touches Python.

mod arrayexpr;
mod arrays;
mod builtins;
mod cfunc;
mod deferred;
mod func;
mod ndindex;
mod objblock;
mod objmode;
mod ops;
mod parallel;
mod rangecheck;
mod signs;
mod refcount;
mod squeeze;
mod tuples;
mod types;
mod vecmath;
mod wrapper;

use inkwell::context::Context;
use inkwell::module::Module;
use rumbo_ir::Function;
use rumbo_types::TypedFunction;

pub use cfunc::emit_cfunc_module;
pub use vecmath::set_vector_math;

/// Options from the decorator that change the generated code.
#[derive(Clone, Copy, Debug, Default)]
pub struct CodegenOptions {
    /// LLVM fast-math flags on float arithmetic (`fastmath=True`).
    pub fastmath: bool,
    /// `error_model='numpy'`: no ZeroDivisionError or math domain checks.
    pub numpy_errors: bool,
    /// IndexError on out-of-bounds array indices (rumbo's default: on).
    pub boundscheck: bool,
    /// `parallel=True`: flat array-expression loops and fused sums run on the thread pool.
    pub parallel: bool,
}

/// The layout of the exception records compiled code hands back (C layout):
/// `{ u32 class_id, u32 has_message, ptr message, u64 message_len }`.
#[repr(C)]
pub struct ExcRecord {
    pub class_id: u32,
    pub has_message: u32,
    pub message: *const u8,
    pub message_len: u64,
}

pub use objblock::objmode_block_symbol;
pub use objmode::{emit_objmode_module, ObjConst, ObjOptions, FIXED_CONSTS};

/// One line per array expression: which operations were fused into one loop
/// (for RUMBO_DEBUG_ARRAY_OPT_STATS and the annotation report).
pub fn fusion_report(func: &Function, typed: &TypedFunction) -> Vec<String> {
    arrayexpr::fusion_report(func, typed)
}

/// Name of the function with the code of the native entry `symbol` (what debug lines and
/// remarks are about): `<symbol>$defer`, which takes its caller's float-error flags.
pub fn body_name(symbol: &str) -> String {
    deferred::defer_symbol(symbol)
}

/// Name of the uniform-ABI wrapper of the native entry `symbol`.
pub fn wrapper_name(symbol: &str) -> String {
    format!("{symbol}$wrap")
}

/// Adds the native entry `symbol` and its wrapper for one typed function to a new module.
pub fn emit_module<'ctx>(
    ctx: &'ctx Context,
    func: &Function,
    typed: &TypedFunction,
    symbol: &str,
    opts: CodegenOptions,
) -> Result<Module<'ctx>, String> {
    let module = ctx.create_module(symbol);
    parallel::emit_regions(ctx, &module, typed, symbol, opts)?;
    let native = func::emit_native(ctx, &module, func, typed, symbol, opts)?;
    wrapper::emit_wrapper(ctx, &module, native, typed, &wrapper_name(symbol))?;
    vecmath::keep_variants(ctx, &module);
    Ok(module)
}
