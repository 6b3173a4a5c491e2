//! Deferred float errors.
//!
//! Python raises `ValueError('math domain error')`, `OverflowError('math range
//! error')` or `ZeroDivisionError('float division by zero')` at the operation;
//! a branch out of every `math.exp` or `/` stops LLVM from vectorizing the loop
//! around it. In a function that cannot run forever (every loop is a `for` over
//! a finite iterator) and has no effect outside memory (no `print`, no objmode
//! block), such a check instead sets a flag and the code runs on with the IEEE
//! result (NaN, inf); the error is raised when the function returns — from its
//! native entry, or from the outermost caller of that kind, since such callers
//! pass their flags down (`<symbol>$defer`). Every other error raised meanwhile
//! (an index out of bounds, an integer division by zero, `raise`) raises the
//! pending float error instead, as it happened first. What a program can see of
//! the difference: stores after the failing operation happened before the
//! exception. Checks that guard memory or integer traps are never deferred.

use inkwell::module::Linkage;
use inkwell::types::{BasicType, FunctionType};
use inkwell::values::{BasicMetadataValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use rumbo_ir::{Function, Inst};
use rumbo_types::{BuiltinExc, TypedFunction};

use crate::func::{e, Emitter, R};
use crate::types::llvm_type;

/// The errors that may be deferred, by flag index; when several are pending, the first
/// in this order is raised.
const DEFERRABLE: &[(BuiltinExc, &str)] = &[
    (BuiltinExc::ValueError, "math domain error"),
    (BuiltinExc::OverflowError, "math range error"),
    (BuiltinExc::ZeroDivisionError, "float division by zero"),
    (BuiltinExc::ZeroDivisionError, "float floor division by zero"),
    (BuiltinExc::ZeroDivisionError, "float modulo"),
    (BuiltinExc::ZeroDivisionError, "0.0 cannot be raised to a negative power"),
    (BuiltinExc::OverflowError, "(34, 'Numerical result out of range')"),
    (BuiltinExc::ZeroDivisionError, "complex division by zero"),
];

/// Name of the body a native entry `symbol` calls: `i32 (ptr ret, ptr exc, ptr flags, args...)`.
pub(crate) fn defer_symbol(symbol: &str) -> String {
    format!("{symbol}$defer")
}

/// Whether `func` may defer its float errors: it terminates whatever values the
/// checks let through, and has no effect but on memory.
pub(crate) fn defers_float_errors(func: &Function, typed: &TypedFunction) -> bool {
    let order: Vec<_> = func.reverse_postorder().into_iter().filter(|b| typed.reachable.contains(b)).collect();
    let position = |b: rumbo_ir::Block| order.iter().position(|x| *x == b);
    for (at, &blk) in order.iter().enumerate() {
        let data = func.block(blk);
        for &v in &data.insts {
            match func.inst(v) {
                Some(Inst::ObjmodeBlock(_)) | Some(Inst::Obj(_)) => return false,
                Some(Inst::Global(name)) if name == "print" => return false,
                _ => {}
            }
        }
        // A jump back to a block at or above this one closes a loop: only `for`
        // loops (headed by `iternext` of a finite iterator) are certain to end.
        for succ in data.term.successors() {
            let Some(target) = position(succ.block) else { continue };
            let header = func.block(succ.block);
            let is_for = header.insts.iter().any(|&v| matches!(func.inst(v), Some(Inst::IterNext(_))));
            if target <= at && !is_for {
                return false;
            }
        }
    }
    true
}

/// Whether `func` has operations whose errors may be deferred (float division, `**`,
/// builtin and math calls): it then keeps its own flags. A guess on the safe side: a check
/// found anyway records into the caller's flags directly.
fn has_float_checks(func: &Function, typed: &TypedFunction) -> bool {
    use rumbo_syntax::BinOp;
    func.block_ids().filter(|b| typed.reachable.contains(b)).flat_map(|b| func.block(b).insts.iter()).any(|&v| match func.inst(v) {
        Some(Inst::Binary { op, .. } | Inst::Inplace { op, .. }) => matches!(op, BinOp::Div | BinOp::FloorDiv | BinOp::Mod | BinOp::Pow),
        Some(Inst::Call { .. }) => !matches!(typed.calls.get(&v).map(|c| &c.kind), Some(rumbo_types::CallKind::Dispatcher { .. })),
        _ => false,
    })
}

/// The flag arrays of a function that defers: `own` collects its errors (a stack
/// slot, so the optimizer keeps the flags in registers), `incoming` is its
/// caller's, updated when the function returns.
#[derive(Clone, Copy)]
pub(crate) struct DeferFlags<'ctx> {
    pub(crate) own: PointerValue<'ctx>,
    pub(crate) incoming: PointerValue<'ctx>,
}

fn flags_type(ctx: &inkwell::context::Context) -> inkwell::types::ArrayType<'_> {
    ctx.i8_type().array_type(DEFERRABLE.len() as u32)
}

/// `i32 (ptr ret, ptr exc, ptr flags, args...)` from the native type `native`.
pub(crate) fn defer_fn_type<'ctx>(ctx: &'ctx inkwell::context::Context, native: FunctionType<'ctx>) -> FunctionType<'ctx> {
    let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = native.get_param_types().into_iter().map(Into::into).collect();
    params.insert(2, ctx.ptr_type(AddressSpace::default()).into());
    native.get_return_type().expect("native entries return i32").fn_type(&params, false)
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// Raises `exc(msg)` when `fail`, or — in a function that defers float errors and
    /// for an error of [`DEFERRABLE`] — records it and carries on.
    pub(crate) fn raise_if_float(&mut self, fail: IntValue<'ctx>, exc: BuiltinExc, msg: &str) -> R<()> {
        let k = DEFERRABLE.iter().position(|(c, m)| *c == exc && *m == msg);
        let (Some(flags), Some(k)) = (self.defer, k) else { return self.raise_if(fail, exc, msg) };
        let i8t = self.ctx.i8_type();
        let slot = self.flag_slot(flags.own, k)?;
        let old = self.b.build_load(i8t, slot, "flag").map_err(e)?.into_int_value();
        let bit = self.b.build_int_z_extend(fail, i8t, "bit").map_err(e)?;
        let new = self.b.build_or(old, bit, "flag").map_err(e)?;
        self.b.build_store(slot, new).map_err(e)?;
        Ok(())
    }

    fn flag_slot(&self, flags: PointerValue<'ctx>, k: usize) -> R<PointerValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        // SAFETY (of the generated code): k < DEFERRABLE.len(), the array's length.
        unsafe { self.b.build_in_bounds_gep(flags_type(self.ctx), flags, &[i64t.const_zero(), i64t.const_int(k as u64, false)], "flag.p") }.map_err(e)
    }

    /// `flags[k] != 0` for every k, read from both arrays when `other` is given.
    fn pending(&self, flags: PointerValue<'ctx>, other: Option<PointerValue<'ctx>>) -> R<Vec<IntValue<'ctx>>> {
        let i8t = self.ctx.i8_type();
        let mut out = vec![];
        for k in 0..DEFERRABLE.len() {
            let mut f = self.b.build_load(i8t, self.flag_slot(flags, k)?, "flag").map_err(e)?.into_int_value();
            if let Some(o) = other {
                let g = self.b.build_load(i8t, self.flag_slot(o, k)?, "flag").map_err(e)?.into_int_value();
                f = self.b.build_or(f, g, "flag").map_err(e)?;
            }
            out.push(self.b.build_int_compare(IntPredicate::NE, f, i8t.const_zero(), "set").map_err(e)?);
        }
        Ok(out)
    }

    /// The record of the first pending error, or `otherwise` when none is pending.
    fn pending_record(&mut self, set: &[IntValue<'ctx>], otherwise: PointerValue<'ctx>) -> R<PointerValue<'ctx>> {
        let mut rec = otherwise;
        for (k, (exc, msg)) in DEFERRABLE.iter().enumerate().rev() {
            let r = self.exc_record(exc.id(), Some(msg));
            rec = self.b.build_select(set[k], r, rec, "pending").map_err(e)?.into_pointer_value();
        }
        Ok(rec)
    }

    /// Before raising `record` from a function that defers: a pending float error
    /// happened first, so its record is the one raised.
    pub(crate) fn first_error(&mut self, record: PointerValue<'ctx>) -> R<PointerValue<'ctx>> {
        let Some(flags) = self.defer else { return Ok(record) };
        let set = self.pending(flags.own, Some(flags.incoming).filter(|i| *i != flags.own))?;
        self.pending_record(&set, record)
    }

    /// The block a deferring function's raises jump to with their record: the first pending
    /// float error, if any, replaces it there (made on first use).
    pub(crate) fn shared_raise(&mut self) -> R<(inkwell::basic_block::BasicBlock<'ctx>, inkwell::values::PhiValue<'ctx>)> {
        if let Some(made) = self.shared_raise {
            return Ok(made);
        }
        let here = self.b.get_insert_block();
        let block = self.ctx.append_basic_block(self.llfn, "raise.pending");
        self.b.position_at_end(block);
        let phi = self.b.build_phi(self.ctx.ptr_type(AddressSpace::default()), "record").map_err(e)?;
        let rec = self.first_error(phi.as_basic_value().into_pointer_value())?;
        self.b.build_store(self.exc_ptr, rec).map_err(e)?;
        self.b.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(e)?;
        if let Some(bb) = here {
            self.b.position_at_end(bb);
        }
        self.shared_raise = Some((block, phi));
        Ok((block, phi))
    }

    /// Before a normal return from a function that defers: its errors go to the caller's flags.
    pub(crate) fn hand_flags_back(&mut self) -> R<()> {
        let Some(flags) = self.defer.filter(|f| f.own != f.incoming) else { return Ok(()) };
        let i8t = self.ctx.i8_type();
        for k in 0..DEFERRABLE.len() {
            let own = self.b.build_load(i8t, self.flag_slot(flags.own, k)?, "flag").map_err(e)?.into_int_value();
            let slot = self.flag_slot(flags.incoming, k)?;
            let theirs = self.b.build_load(i8t, slot, "flag").map_err(e)?.into_int_value();
            let both = self.b.build_or(own, theirs, "flag").map_err(e)?;
            self.b.build_store(slot, both).map_err(e)?;
        }
        Ok(())
    }

    /// Sets up the flags of a `$defer` body: its own when `defers` (then the callees it
    /// calls get them), else none.
    pub(crate) fn start_flags(&mut self, defers: bool) -> R<()> {
        let incoming = self.llfn.get_nth_param(2).unwrap().into_pointer_value();
        self.defer = match defers {
            // Without float operations of its own the caller's flags serve (nothing to
            // keep in registers), and recursion only hands them down.
            true if has_float_checks(self.func, self.typed) => Some(DeferFlags { own: self.new_flags("defer.own")?, incoming }),
            true => Some(DeferFlags { own: incoming, incoming }),
            false => None,
        };
        self.calls_deferring = defers;
        self.incoming_flags = Some(incoming);
        self.shared_raise = None;
        Ok(())
    }

    /// At the start of a body that does not defer: an error its caller deferred
    /// happened before this call, so it is raised now (the body could loop forever on
    /// the NaN the caller carried on with).
    pub(crate) fn refuse_pending_flags(&mut self) -> R<()> {
        let Some(incoming) = self.incoming_flags.filter(|_| self.defer.is_none()) else { return Ok(()) };
        let (set, ok_bb) = self.branch_if_pending(incoming, "start")?;
        let null = self.ctx.ptr_type(AddressSpace::default()).const_null();
        let rec = self.pending_record(&set, null)?;
        self.b.build_store(self.exc_ptr, rec).map_err(e)?;
        self.b.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(e)?;
        self.b.position_at_end(ok_bb);
        Ok(())
    }

    /// Branches on whether any of `flags` is set: continues in a new block where one is
    /// (the builder is left there) and returns the flags read and the block where none is.
    fn branch_if_pending(&mut self, flags: PointerValue<'ctx>, none_name: &str) -> R<(Vec<IntValue<'ctx>>, inkwell::basic_block::BasicBlock<'ctx>)> {
        let set = self.pending(flags, None)?;
        let mut any = set[0];
        for s in &set[1..] {
            any = self.b.build_or(any, *s, "any").map_err(e)?;
        }
        let (raise_bb, none_bb) = (self.ctx.append_basic_block(self.llfn, "deferred"), self.ctx.append_basic_block(self.llfn, none_name));
        self.b.build_conditional_branch(any, raise_bb, none_bb).map_err(e)?;
        self.b.position_at_end(raise_bb);
        Ok((set, none_bb))
    }

    /// A fresh, zeroed flag array in this function's entry block (before its terminator exists).
    pub(crate) fn new_flags(&self, name: &str) -> R<PointerValue<'ctx>> {
        let t = flags_type(self.ctx);
        let slot = self.alloca(t.into(), name)?;
        // Called before the entry block has its terminator: the store ends up after every alloca.
        let tmp = self.ctx.create_builder();
        tmp.position_at_end(self.alloca_block());
        tmp.build_store(slot, t.const_zero()).map_err(e)?;
        Ok(slot)
    }

    /// The native entry `entry` of a function whose code is `body` (the `$defer` form):
    /// runs it with fresh flags and raises a pending error, dropping the result.
    pub(crate) fn emit_deferring_entry(&mut self, entry: FunctionValue<'ctx>, body: FunctionValue<'ctx>, ret_t: &rumbo_types::Type) -> R<()> {
        let first = self.ctx.append_basic_block(entry, "entry");
        let exc = entry.get_nth_param(1).unwrap().into_pointer_value();
        let saved = self.enter_function(entry, first, exc);
        let out = (|| -> R<()> {
            let flags = self.new_flags("flags")?;
            let mut args: Vec<BasicMetadataValueEnum> = entry.get_param_iter().map(Into::into).collect();
            args.insert(2, flags.into());
            let status = self.b.build_call(body, &args, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value();
            self.propagate(status)?;
            let (set, ok_bb) = self.branch_if_pending(flags, "ok")?;
            if !matches!(ret_t, rumbo_types::Type::NoneType | rumbo_types::Type::Void) {
                // The result is dropped: release the reference the body handed over.
                let ret_p = entry.get_nth_param(0).unwrap().into_pointer_value();
                let v = self.b.build_load(llvm_type(self.ctx, ret_t), ret_p, "result").map_err(e)?;
                self.decref(v, ret_t)?;
            }
            let null = self.ctx.ptr_type(AddressSpace::default()).const_null();
            let rec = self.pending_record(&set, null)?;
            self.b.build_store(exc, rec).map_err(e)?;
            self.b.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(e)?;
            self.b.position_at_end(ok_bb);
            self.b.build_return(Some(&self.ctx.i32_type().const_zero())).map_err(e)?;
            Ok(())
        })();
        self.leave_function(saved);
        out
    }

    /// The specialization's symbol (its native entry's name), also from inside its `$defer` body.
    pub(crate) fn symbol(&self) -> R<String> {
        let name = self.llfn.get_name().to_str().map_err(e)?;
        Ok(name.strip_suffix("$defer").unwrap_or(name).to_string())
    }

    /// Declares the `$defer` body of the native entry `symbol` with type `native`.
    pub(crate) fn declare_defer(&self, symbol: &str, native: FunctionType<'ctx>) -> FunctionValue<'ctx> {
        let name = defer_symbol(symbol);
        let ty = defer_fn_type(self.ctx, native);
        self.module.get_function(&name).unwrap_or_else(|| self.module.add_function(&name, ty, Some(Linkage::External)))
    }
}
