//! The native entry of one specialization: blocks, phis and instructions.

use crate::types::llvm_type;
use crate::CodegenOptions;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicType;
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, IntValue, PhiValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use rumbo_ir::{Block, Function, Inst, Terminator, Value, ValueKind};
use rumbo_syntax::Constant;
use rumbo_types::{BuiltinExc, GlobalValue, Type, TypedFunction};
use std::collections::HashMap;

pub(crate) type R<T> = Result<T, String>;

pub(crate) fn e<E: std::fmt::Display>(x: E) -> String {
    x.to_string()
}

pub(crate) struct Emitter<'a, 'ctx> {
    pub(crate) ctx: &'ctx Context,
    pub(crate) module: &'a Module<'ctx>,
    pub(crate) b: Builder<'ctx>,
    pub(crate) func: &'a Function,
    pub(crate) typed: &'a TypedFunction,
    pub(crate) llfn: FunctionValue<'ctx>,
    pub(crate) opts: CodegenOptions,
    ret_ptr: PointerValue<'ctx>,
    pub(crate) exc_ptr: PointerValue<'ctx>,
    alloca_block: BasicBlock<'ctx>,
    blocks: HashMap<Block, BasicBlock<'ctx>>,
    values: HashMap<Value, BasicValueEnum<'ctx>>,
    phis: HashMap<Value, PhiValue<'ctx>>,
    exc_records: HashMap<(u32, Option<String>), PointerValue<'ctx>>,
    rc: crate::refcount::RcPlan,
    /// Elementwise values evaluated inside their consumer's loop.
    pub(crate) fused: std::collections::HashSet<Value>,
    /// Materialized elementwise values whose later `np.sum` is computed by the
    /// loop that produces them (producer → the sum).
    pub(crate) summed_by_producer: HashMap<Value, Value>,
    /// Those sums once their producer ran: where the total is.
    pub(crate) produced_sums: HashMap<Value, PointerValue<'ctx>>,
    /// Where float errors are recorded, in a function that defers them (see `deferred.rs`).
    pub(crate) defer: Option<crate::deferred::DeferFlags<'ctx>>,
    /// This function's `$defer` body takes its caller's flags: it calls other
    /// specializations' bodies with its own (else their native entries).
    pub(crate) calls_deferring: bool,
    /// The caller's flags (third parameter of a `$defer` body).
    pub(crate) incoming_flags: Option<PointerValue<'ctx>>,
    /// The block every raise of a deferring function goes through (see `deferred.rs`).
    pub(crate) shared_raise: Option<(BasicBlock<'ctx>, PhiValue<'ctx>)>,
    /// Loops whose stop keeps their array indices in bounds (see `rangecheck.rs`).
    pub(crate) loop_bounds: crate::rangecheck::LoopBounds,
    /// The real stop of those loops' iterators, by `getiter` value.
    pub(crate) range_stops: HashMap<Value, IntValue<'ctx>>,
    /// Indices checked so far in the IR block being emitted, by (array, index, axis): a
    /// second access with the same index on the same axis needs no second check.
    pub(crate) index_cache: HashMap<(Value, Value, u32), IntValue<'ctx>>,
    /// Whether the access being emitted may use and fill `index_cache` (only accesses
    /// emitted straight into the block: their checks dominate what follows).
    pub(crate) index_cache_on: bool,
    /// Flags of the bounds in `loop_bounds.conditional`, by (`getiter`, position).
    pub(crate) bound_flags: HashMap<(Value, usize), IntValue<'ctx>>,
    /// `math.sqrt` calls whose argument is never below zero (see `signs.rs`).
    pub(crate) unchecked_sqrts: std::collections::HashSet<Value>,
    /// The IR block being emitted.
    pub(crate) cur_block: Block,
    /// Unit-step range advances (where `cur` is, and its value) that the loop header's
    /// branch stores on its way into the body, by their `IterNext`.
    range_steps: HashMap<Value, (PointerValue<'ctx>, IntValue<'ctx>)>,
}

/// The function an [`Emitter`] was emitting before [`Emitter::enter_function`].
pub(crate) struct SavedFunction<'ctx> {
    llfn: FunctionValue<'ctx>,
    alloca_block: BasicBlock<'ctx>,
    exc_ptr: PointerValue<'ctx>,
    at: Option<BasicBlock<'ctx>>,
    defer: Option<crate::deferred::DeferFlags<'ctx>>,
    calls_deferring: bool,
    incoming_flags: Option<PointerValue<'ctx>>,
    shared_raise: Option<(BasicBlock<'ctx>, PhiValue<'ctx>)>,
}

/// `i32 (ptr ret, ptr exc, args...)`, the calling convention of native entries.
pub(crate) fn native_fn_type<'ctx>(ctx: &'ctx Context, args: &[Type]) -> inkwell::types::FunctionType<'ctx> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![ptr.into(), ptr.into()];
    params.extend(args.iter().map(|t| inkwell::types::BasicMetadataTypeEnum::from(llvm_type(ctx, t))));
    ctx.i32_type().fn_type(&params, false)
}

pub(crate) fn emit_native<'ctx>(
    ctx: &'ctx Context,
    module: &Module<'ctx>,
    func: &Function,
    typed: &TypedFunction,
    symbol: &str,
    opts: CodegenOptions,
) -> R<FunctionValue<'ctx>> {
    // The code is the `$defer` body (its caller's float-error flags as third parameter);
    // the native entry runs it with fresh flags (see `deferred.rs`).
    let native_t = native_fn_type(ctx, &typed.arg_types);
    let entry = module.add_function(symbol, native_t, Some(Linkage::External));
    let llfn = module.add_function(&crate::deferred::defer_symbol(symbol), crate::deferred::defer_fn_type(ctx, native_t), Some(Linkage::External));
    // Python calls and non-deferring callers come through the entry: one body, not two copies.
    let noinline = inkwell::attributes::Attribute::get_named_enum_kind_id("noinline");
    llfn.add_attribute(inkwell::attributes::AttributeLoc::Function, ctx.create_enum_attribute(noinline, 0));
    let alloca_block = ctx.append_basic_block(llfn, "entry");
    let mut em = Emitter {
        ctx,
        module,
        b: ctx.create_builder(),
        func,
        typed,
        llfn,
        opts,
        ret_ptr: llfn.get_nth_param(0).unwrap().into_pointer_value(),
        exc_ptr: llfn.get_nth_param(1).unwrap().into_pointer_value(),
        alloca_block,
        defer: None,
        calls_deferring: false,
        incoming_flags: None,
        shared_raise: None,
        loop_bounds: crate::rangecheck::plan(func, typed, opts.boundscheck),
        range_stops: HashMap::new(),
        bound_flags: HashMap::new(),
        index_cache: HashMap::new(),
        index_cache_on: false,
        unchecked_sqrts: if opts.numpy_errors { Default::default() } else { crate::signs::unchecked_sqrts(func, typed) },
        blocks: HashMap::new(),
        values: HashMap::new(),
        phis: HashMap::new(),
        exc_records: HashMap::new(),
        rc: crate::refcount::plan(func, typed),
        fused: crate::arrayexpr::fused_values(func, typed),
        summed_by_producer: HashMap::new(),
        produced_sums: HashMap::new(),
        cur_block: Function::ENTRY,
        range_steps: HashMap::new(),
    };
    em.summed_by_producer = crate::arrayexpr::sums_in_producer(func, typed, &em.fused);
    em.start_flags(crate::deferred::defers_float_errors(func, typed))?;
    em.emit_body()?;
    drop_unused_exc_in_self_calls(llfn);
    em.defer = None;
    em.incoming_flags = None;
    em.emit_deferring_entry(entry, llfn, &typed.ret)?;
    Ok(entry)
}

/// A function whose exception pointer (or flag array) only goes on to its own recursive
/// calls never stores an exception (no raise of its own, no other callee can): those calls
/// then pass poison, so the pointer is dead and recursion (fib) keeps it in no register.
fn drop_unused_exc_in_self_calls(llfn: FunctionValue<'_>) {
    // The exception slot, then the float-error flags (see deferred.rs): both are often
    // only handed down the recursion.
    for param in [1, 2] {
        drop_param_only_passed_to_self(llfn, param);
    }
}

fn drop_param_only_passed_to_self(llfn: FunctionValue<'_>, param: u32) {
    use inkwell::values::{AnyValueEnum, AsValueRef, InstructionOpcode};
    let exc = llfn.get_nth_param(param).unwrap();
    let mut calls = vec![];
    let mut next = exc.get_first_use();
    while let Some(u) = next {
        next = u.get_next_use();
        // Calls of native entries return i32, so their user shows as an int value.
        let inst = match u.get_user() {
            AnyValueEnum::IntValue(v) => v.as_instruction(),
            AnyValueEnum::InstructionValue(i) => Some(i),
            _ => None,
        };
        let Some(inst) = inst else { return };
        let n = inst.get_num_operands();
        // A call's last operand is its callee; the value may appear only as the same argument.
        let self_call = inst.get_opcode() == InstructionOpcode::Call
            && n >= 3
            && inst.get_operand(n - 1).and_then(|o| o.value()).map(|c| c.as_value_ref()) == Some(llfn.as_global_value().as_pointer_value().as_value_ref())
            && (0..n - 1).all(|k| (k == param) == (inst.get_operand(k).and_then(|o| o.value()) == Some(exc)));
        if !self_call {
            return;
        }
        calls.push(inst);
    }
    let poison = exc.into_pointer_value().get_type().get_poison();
    for call in calls {
        call.set_operand(param, poison);
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    pub(crate) fn ty(&self, v: Value) -> &'a Type {
        self.typed.ty(v)
    }

    /// The type an instruction computes (before a declared local's conversion).
    pub(crate) fn result_ty(&self, v: Value) -> &'a Type {
        self.typed.def_casts.get(&v).unwrap_or_else(|| self.typed.ty(v))
    }

    pub(crate) fn val(&self, v: Value) -> BasicValueEnum<'ctx> {
        self.values[&v]
    }

    pub(crate) fn values_get(&self, v: Value) -> Option<BasicValueEnum<'ctx>> {
        self.values.get(&v).copied()
    }

    pub(crate) fn values_insert(&mut self, v: Value, x: BasicValueEnum<'ctx>) {
        self.values.insert(v, x);
    }

    pub(crate) fn values_remove(&mut self, v: Value) {
        self.values.remove(&v);
    }

    pub(crate) fn alloca_block(&self) -> BasicBlock<'ctx> {
        self.alloca_block
    }

    /// A stack slot in the entry block (so that mem2reg promotes it).
    pub(crate) fn alloca(&self, t: inkwell::types::BasicTypeEnum<'ctx>, name: &str) -> R<PointerValue<'ctx>> {
        let tmp = self.ctx.create_builder();
        match self.alloca_block.get_first_instruction() {
            Some(first) => tmp.position_before(&first),
            None => tmp.position_at_end(self.alloca_block),
        }
        tmp.build_alloca(t, name).map_err(e)
    }

    fn emit_body(&mut self) -> R<()> {
        let rpo: Vec<Block> = self.func.reverse_postorder().into_iter().filter(|b| self.typed.reachable.contains(b)).collect();
        for &blk in &rpo {
            let bb = self.ctx.append_basic_block(self.llfn, &format!("b{}", blk.0));
            self.blocks.insert(blk, bb);
        }
        // Entry parameters are the function's arguments.
        for (i, p) in self.func.block(Function::ENTRY).params.iter().enumerate() {
            self.values.insert(*p, self.llfn.get_nth_param(i as u32 + 3).unwrap());
        }
        self.b.position_at_end(self.alloca_block);
        self.b.build_unconditional_branch(self.blocks[&Function::ENTRY]).map_err(e)?;
        // Every phi exists before any jump into its block is emitted.
        for &blk in rpo.iter().filter(|b| **b != Function::ENTRY) {
            self.b.position_at_end(self.blocks[&blk]);
            for &p in &self.func.block(blk).params {
                let Some(t) = self.typed.types[p.index()].as_ref() else { continue };
                let phi = self.b.build_phi(llvm_type(self.ctx, t), &format!("v{}", p.0)).map_err(e)?;
                self.phis.insert(p, phi);
                self.values.insert(p, phi.as_basic_value());
            }
        }
        for &blk in &rpo {
            self.b.position_at_end(self.blocks[&blk]);
            if blk == Function::ENTRY {
                self.refuse_pending_flags()?;
                // Arguments are borrowed from the caller: take our own references.
                for &p in &self.func.block(blk).params {
                    self.incref(self.val(p), self.ty(p))?;
                }
            }
            self.release(self.rc.at_start.get(&blk))?;
            // A fused value is evaluated inside its consumer: what dies at the
            // fused value dies after the consumer instead.
            self.cur_block = blk;
            self.index_cache.clear();
            let consumer_of = crate::arrayexpr::fused_consumers(self.func, &self.fused, &self.func.block(blk).insts);
            let mut deferred: HashMap<Value, Vec<Value>> = HashMap::new();
            for (i, &v) in self.func.block(blk).insts.iter().enumerate() {
                let ValueKind::Inst(inst) = &self.func.value(v).kind else { continue };
                if self.fused.contains(&v) {
                    if let (Some(c), Some(dying)) = (consumer_of.get(&v), self.rc.after.get(&(blk, i))) {
                        deferred.entry(*c).or_default().extend(dying.iter().copied());
                    }
                    continue;
                }
                if self.typed.types[v.index()].is_none() {
                    continue;
                }
                let mut out = if crate::arrayexpr::is_elementwise(self.func, self.typed, v) {
                    self.emit_elementwise(v)?
                } else if let Some(fold) = crate::arrayexpr::fused_reduction_op(self.typed, v) {
                    let arg = crate::arrayexpr::reduction_operand(self.func, v).ok_or("internal: fused reduction")?;
                    self.emit_fused_reduce(v, arg, fold)?
                } else {
                    // Indices checked by a top-level access stay valid for the rest of the block.
                    self.index_cache_on = matches!(inst, Inst::GetItem { .. } | Inst::SetItem { .. });
                    let out = self.emit_inst(v, inst);
                    self.index_cache_on = false;
                    out?
                };
                if let Some(from) = self.typed.def_casts.get(&v) {
                    out = self.cast(out, from, self.ty(v))?;
                }
                let borrowed = (crate::refcount::borrows_on_def(inst)
                    && !crate::arrayexpr::is_elementwise(self.func, self.typed, v)
                    && !crate::refcount::is_library_call(self.typed, self.func, v))
                    || crate::refcount::call_returns_view(self.typed, v);
                if borrowed {
                    self.incref(out, self.ty(v))?;
                }
                self.values.insert(v, out);
                self.release(self.rc.after.get(&(blk, i)))?;
                self.release(deferred.get(&v))?;
            }
            self.emit_term(blk)?;
        }
        Ok(())
    }

    fn emit_inst(&mut self, v: Value, inst: &Inst) -> R<BasicValueEnum<'ctx>> {
        let t = self.result_ty(v);
        match inst {
            Inst::Const(_) | Inst::Global(_) => self.const_value(v, t),
            Inst::GetAttr { value, attr } => match self.typed.consts.get(&v) {
                Some(_) => self.const_value(v, t),
                None if self.ty(*value).is_array() => self.array_attr(*value, attr, t),
                None => self.getattr(*value, attr, t),
            },
            Inst::Undef(_) => Ok(llvm_type(self.ctx, t).const_zero()),
            Inst::Binary { op, lhs, rhs } => self.binary(v, *op, *lhs, *rhs),
            Inst::Inplace { target, .. } if self.ty(*target).is_array() => self.emit_inplace(v, *target),
            Inst::Inplace { op, target, rhs } => self.binary(v, *op, *target, *rhs),
            Inst::Unary { op, operand } => self.unary(*op, *operand, t),
            Inst::Compare { .. } | Inst::Truth(_) if self.typed.consts.contains_key(&v) => self.const_value(v, t),
            Inst::Call { .. } if self.typed.consts.contains_key(&v) => self.const_value(v, t),
            Inst::Compare { op, lhs, rhs } => self.compare(*op, *lhs, *rhs),
            Inst::Truth(x) => Ok(self.truth(self.val(*x), self.ty(*x))?.into()),
            Inst::Call { func, args, kwargs } => self.call(v, *func, args, kwargs),
            Inst::GetItem { value, index } if self.typed.calls.contains_key(&v) => self.call_with(v, &[*value, *index], &[]),
            Inst::SetItem { value, index, item } if self.typed.calls.contains_key(&v) => {
                self.call_with(v, &[*value, *index, *item], &[])?;
                Ok(llvm_type(self.ctx, t).const_zero())
            }
            Inst::GetItem { value, index } if self.ty(*value).is_array() => self.array_getitem(*value, *index),
            Inst::GetItem { value, index } => self.tuple_getitem(v, *value, *index),
            Inst::SetItem { value, index, item } if self.fused.contains(item) => {
                self.emit_setitem_expression(*value, *index, *item)?;
                Ok(llvm_type(self.ctx, t).const_zero())
            }
            Inst::SetItem { value, index, item } => {
                self.array_setitem(*value, *index, *item)?;
                Ok(llvm_type(self.ctx, t).const_zero())
            }
            Inst::Slice { lower, upper, step } => self.build_slice([*lower, *upper, *step]),
            Inst::Tuple(items) => {
                let vals: Vec<BasicValueEnum> = items.iter().map(|i| self.val(*i)).collect();
                self.build_struct(t, &vals)
            }
            Inst::TupleGet { value, index } => {
                let agg = self.val(*value).into_struct_value();
                self.b.build_extract_value(agg, *index as u32, "item").map_err(e)
            }
            Inst::Unpack { value, .. } => Ok(self.val(*value)),
            Inst::ParallelFor { region, range, args } => self.emit_parallel_for(v, *region, *range, args),
            Inst::GetIter(x) if self.ty(*x).is_array() => self.array_iter(*x),
            Inst::GetIter(x) if matches!(self.ty(*x), Type::Flat(_)) => self.flat_iter(*x),
            Inst::GetIter(x) if matches!(self.ty(*x), Type::Tuple(_)) => self.tuple_iter(*x),
            Inst::GetIter(x) if matches!(self.ty(*x), Type::NdIndex(_)) => self.ndindex_iter(*x),
            Inst::GetIter(x) => {
                let slot = self.range_iter(*x)?;
                self.bound_range(v, slot.into_pointer_value())?;
                Ok(slot)
            }
            Inst::IterNext(it) => match self.ty(*it) {
                Type::ArrayIter(a) => {
                    let a = (**a).clone();
                    self.array_next(*it, &a)
                }
                Type::FlatIter(a) => {
                    let a = (**a).clone();
                    self.flat_next(*it, &a)
                }
                Type::TupleIter(t) => {
                    let t = (**t).clone();
                    self.tuple_next(*it, &t)
                }
                Type::NdIndexIter(n) => {
                    let n = *n;
                    self.ndindex_next(*it, n)
                }
                _ => self.range_next(v, *it),
            },
            Inst::Obj(rumbo_ir::ObjInst::List(items)) => {
                let vals: Vec<BasicValueEnum> = items.iter().map(|i| self.val(*i)).collect();
                self.build_struct(t, &vals)
            }
            Inst::Obj(_) => Err("internal: object-mode instruction in nopython code".into()),
            Inst::ObjmodeBlock(_) => self.objmode_block(v),
        }
    }

    pub(crate) fn build_struct(&self, t: &Type, vals: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let st = llvm_type(self.ctx, t).into_struct_type();
        let mut agg = st.get_undef();
        for (i, x) in vals.iter().enumerate() {
            agg = self.b.build_insert_value(agg, *x, i as u32, "agg").map_err(e)?.into_struct_value();
        }
        Ok(agg.into())
    }

    /// Materializes a compile-time value as an LLVM constant of type `t`.
    fn const_value(&self, v: Value, t: &Type) -> R<BasicValueEnum<'ctx>> {
        match self.typed.consts.get(&v) {
            Some(g) => self.constant(g, t),
            None => Ok(llvm_type(self.ctx, t).const_zero()),
        }
    }

    pub(crate) fn constant(&self, g: &GlobalValue, t: &Type) -> R<BasicValueEnum<'ctx>> {
        Ok(match (g, t) {
            (GlobalValue::Bool(b), Type::Bool) => self.ctx.bool_type().const_int(*b as u64, false).into(),
            (GlobalValue::Int(i), Type::Int { bits, .. }) => {
                crate::types::int_type(self.ctx, *bits).const_int(*i as u64, false).into()
            }
            (GlobalValue::Float(f), Type::Float { bits: 32 }) => self.ctx.f32_type().const_float(*f).into(),
            (GlobalValue::Float(f), Type::Float { .. }) => self.ctx.f64_type().const_float(*f).into(),
            (GlobalValue::Complex(re, im), Type::Complex { bits }) => {
                let ft = if *bits == 64 { self.ctx.f32_type() } else { self.ctx.f64_type() };
                self.ctx.const_struct(&[ft.const_float(*re).into(), ft.const_float(*im).into()], false).into()
            }
            (GlobalValue::Tuple(items), Type::Tuple(ts)) => {
                let vals = items.iter().zip(ts).map(|(g, t)| self.constant(g, t)).collect::<R<Vec<_>>>()?;
                self.ctx.const_struct(&vals, false).into()
            }
            _ => llvm_type(self.ctx, t).const_zero(),
        })
    }

    fn emit_term(&mut self, blk: Block) -> R<()> {
        let data = self.func.block(blk);
        match &data.term {
            Terminator::Jump(call) => {
                self.pass_args(call, None)?;
                self.release(self.rc.before_term.get(&blk))?;
                self.b.build_unconditional_branch(self.blocks[&call.block]).map_err(e)?;
            }
            Terminator::Branch { then_to, else_to, .. } if !self.blocks.contains_key(&then_to.block) || !self.blocks.contains_key(&else_to.block) => {
                // A branch on a compile-time constant: only the live side exists.
                let live = if self.blocks.contains_key(&then_to.block) { then_to } else { else_to };
                self.pass_args(live, None)?;
                self.release(self.rc.before_term.get(&blk))?;
                self.b.build_unconditional_branch(self.blocks[&live.block]).map_err(e)?;
            }
            Terminator::Branch { cond, then_to, else_to } if self.bounded_header(blk) && then_to.block != else_to.block => {
                // The exhausted edge of a loop with a lowered stop: IndexError when it stopped short.
                let c = self.val(*cond).into_int_value();
                let (exit_bb, done_bb) = (self.ctx.append_basic_block(self.llfn, "range.exit"), self.ctx.append_basic_block(self.llfn, "range.done"));
                self.pass_args(then_to, Some((c, true)))?;
                self.pass_args_from(else_to, Some((c, false)), done_bb)?;
                self.release(self.rc.before_term.get(&blk))?;
                let next = self.iter_next_tested_by(*cond).ok_or("internal: a bounded loop's header tests no iterator")?;
                let into_body = self.step_into_body(next, self.blocks[&then_to.block])?;
                self.b.build_conditional_branch(c, into_body, exit_bb).map_err(e)?;
                self.b.position_at_end(exit_bb);
                let tested = self.b.build_extract_value(self.val(next).into_struct_value(), 0, "notrun").map_err(e)?.into_int_value();
                self.check_range_exit(blk, tested, done_bb)?;
                self.b.position_at_end(done_bb);
                self.b.build_unconditional_branch(self.blocks[&else_to.block]).map_err(e)?;
            }
            Terminator::Branch { cond, then_to, else_to } => {
                let c = self.val(*cond).into_int_value();
                self.pass_args(then_to, Some((c, true)))?;
                self.pass_args(else_to, Some((c, false)))?;
                self.release(self.rc.before_term.get(&blk))?;
                let c = self.val(*cond).into_int_value();
                let stepped = self.iter_next_tested_by(*cond).filter(|n| self.range_steps.contains_key(n));
                if let Some(n) = stepped {
                    let into_body = self.step_into_body(n, self.blocks[&then_to.block])?;
                    self.b.build_conditional_branch(c, into_body, self.blocks[&else_to.block]).map_err(e)?;
                } else if then_to.block == else_to.block {
                    self.b.build_unconditional_branch(self.blocks[&then_to.block]).map_err(e)?;
                } else {
                    self.b.build_conditional_branch(c, self.blocks[&then_to.block], self.blocks[&else_to.block]).map_err(e)?;
                }
            }
            Terminator::Return(v) => {
                let ret_t = &self.typed.ret;
                if !matches!(ret_t, Type::NoneType | Type::Void) {
                    let out = self.cast(self.val(*v), self.ty(*v), ret_t)?;
                    // The caller receives its own reference.
                    self.incref(out, ret_t)?;
                    self.b.build_store(self.ret_ptr, out).map_err(e)?;
                }
                self.release(self.rc.before_term.get(&blk))?;
                self.hand_flags_back()?;
                self.b.build_return(Some(&self.ctx.i32_type().const_zero())).map_err(e)?;
            }
            Terminator::Raise { .. } => {
                self.release(self.rc.before_term.get(&blk))?;
                let info = self.typed.raises[&blk].clone();
                self.raise(info.class_id, info.message.as_deref())?;
            }
            Terminator::Unreachable => {
                self.b.build_unreachable().map_err(e)?;
            }
            Terminator::Try { .. } => return Err("internal: `try` in nopython code".into()),
        }
        Ok(())
    }

    /// Adds this block's arguments to the target's phis, converted to their types.
    /// `taken`: for a conditional branch, the condition under which this edge
    /// is taken (references are only taken on the edge that runs).
    fn pass_args(&mut self, call: &rumbo_ir::BlockCall, taken: Option<(IntValue<'ctx>, bool)>) -> R<()> {
        let from = self.b.get_insert_block().unwrap();
        self.pass_args_from(call, taken, from)
    }

    /// [`Self::pass_args`] with the phis' incoming block `from` (the jump is made from there;
    /// the references are taken here).
    fn pass_args_from(&mut self, call: &rumbo_ir::BlockCall, taken: Option<(IntValue<'ctx>, bool)>, from: BasicBlock<'ctx>) -> R<()> {
        let params = self.func.block(call.block).params.clone();
        for (p, a) in params.iter().zip(&call.args) {
            let Some(phi) = self.phis.get(p).copied() else { continue };
            let pt = self.ty(*p);
            let incoming = match self.typed.types[a.index()].as_ref() {
                Some(at) => self.cast(self.val(*a), at, pt)?,
                None => llvm_type(self.ctx, pt).const_zero(),
            };
            // The parameter owns its own reference.
            if crate::refcount::is_refcounted(pt) {
                let owned = match taken {
                    Some((cond, when)) => {
                        let zero = llvm_type(self.ctx, pt).const_zero();
                        let (a, b) = if when { (incoming, zero) } else { (zero, incoming) };
                        self.b.build_select(cond, a, b, "edge").map_err(e)?
                    }
                    None => incoming,
                };
                self.incref(owned, pt)?;
            }
            phi.add_incoming(&[(&incoming as &dyn BasicValue, from)]);
        }
        Ok(())
    }

    // ---- exceptions --------------------------------------------------------

    pub(crate) fn exc_record(&mut self, class_id: u32, msg: Option<&str>) -> PointerValue<'ctx> {
        let key = (class_id, msg.map(str::to_string));
        if let Some(p) = self.exc_records.get(&key) {
            return *p;
        }
        let i32t = self.ctx.i32_type();
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let msg_ptr = match msg {
            Some(m) => {
                let s = self.ctx.const_string(m.as_bytes(), false);
                let g = self.module.add_global(s.get_type(), None, "exc.msg");
                g.set_initializer(&s);
                g.set_constant(true);
                g.set_linkage(Linkage::Private);
                g.as_pointer_value()
            }
            None => ptr.const_null(),
        };
        let rec_t = self.ctx.struct_type(&[i32t.into(), i32t.into(), ptr.into(), i64t.into()], false);
        let rec = rec_t.const_named_struct(&[
            i32t.const_int(class_id as u64, false).into(),
            i32t.const_int(msg.is_some() as u64, false).into(),
            msg_ptr.into(),
            i64t.const_int(msg.map_or(0, |m| m.len()) as u64, false).into(),
        ]);
        let g = self.module.add_global(rec_t, None, "exc.rec");
        g.set_initializer(&rec);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        let p = g.as_pointer_value();
        self.exc_records.insert(key, p);
        p
    }

    /// Ends the current block by raising: store the record, return 1.
    pub(crate) fn raise(&mut self, class_id: u32, msg: Option<&str>) -> R<()> {
        let rec = self.exc_record(class_id, msg);
        if self.defer.is_some() {
            // One block per function checks the pending float errors for every raise.
            let (shared, phi) = self.shared_raise()?;
            phi.add_incoming(&[(&rec, self.b.get_insert_block().unwrap())]);
            self.b.build_unconditional_branch(shared).map_err(e)?;
            return Ok(());
        }
        self.b.build_store(self.exc_ptr, rec).map_err(e)?;
        self.b.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(e)?;
        Ok(())
    }

    /// Raises `exc` with `msg` when `fail` is true; code continues on the other path.
    pub(crate) fn raise_if(&mut self, fail: IntValue<'ctx>, exc: BuiltinExc, msg: &str) -> R<()> {
        let fail_bb = self.ctx.append_basic_block(self.llfn, "raise");
        let ok_bb = self.ctx.append_basic_block(self.llfn, "ok");
        let expect = self.expect_false(fail)?;
        self.b.build_conditional_branch(expect, fail_bb, ok_bb).map_err(e)?;
        self.b.position_at_end(fail_bb);
        self.raise(exc.id(), Some(msg))?;
        self.b.position_at_end(ok_bb);
        Ok(())
    }

    /// Marks a condition as unlikely (`llvm.expect`), keeping error paths cold.
    fn expect_false(&self, c: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        self.expect(c, false)
    }

    /// `c`, marked as usually `likely` (`llvm.expect`).
    pub(crate) fn expect(&self, c: IntValue<'ctx>, likely: bool) -> R<IntValue<'ctx>> {
        let i1 = self.ctx.bool_type();
        let f = inkwell::intrinsics::Intrinsic::find("llvm.expect")
            .and_then(|i| i.get_declaration(self.module, &[i1.into()]))
            .ok_or("llvm.expect missing")?;
        let r = self.b.build_call(f, &[c.into(), i1.const_int(likely as u64, false).into()], "expect").map_err(e)?;
        Ok(r.try_as_basic_value().basic().unwrap().into_int_value())
    }

    /// Calls a native entry (another specialization or a runtime helper with the same
    /// convention) and propagates its exception by returning its status.
    pub(crate) fn call_native(
        &mut self,
        callee: FunctionValue<'ctx>,
        ret_t: &Type,
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        self.call_native_checked(callee, ret_t, args, false)
    }

    /// [`Self::call_native`]; `shares_flags`: the callee is a `$defer` body given this
    /// function's flags, so an error it raises already accounts for pending ones.
    pub(crate) fn call_native_checked(
        &mut self,
        callee: FunctionValue<'ctx>,
        ret_t: &Type,
        args: &[BasicValueEnum<'ctx>],
        shares_flags: bool,
    ) -> R<BasicValueEnum<'ctx>> {
        let lt = llvm_type(self.ctx, ret_t);
        let slot = self.alloca(lt, "ret")?;
        let mut call_args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![slot.into(), self.exc_ptr.into()];
        call_args.extend(args.iter().map(|a| inkwell::values::BasicMetadataValueEnum::from(*a)));
        let status = self.b.build_call(callee, &call_args, "status").map_err(e)?;
        let status = status.try_as_basic_value().basic().unwrap().into_int_value();
        self.propagate_checked(status, shares_flags)?;
        if matches!(ret_t, Type::NoneType | Type::Void) {
            return Ok(lt.const_zero());
        }
        self.b.build_load(lt, slot, "result").map_err(e)
    }

    /// Returns `status` from this function when it is not 0 (an exception is
    /// pending); code continues on the success path.
    pub(crate) fn propagate(&mut self, status: IntValue<'ctx>) -> R<()> {
        self.propagate_checked(status, false)
    }

    /// [`Self::propagate`]; `shares_flags` as in [`Self::call_native_checked`].
    fn propagate_checked(&mut self, status: IntValue<'ctx>, shares_flags: bool) -> R<()> {
        let failed = self.b.build_int_compare(IntPredicate::NE, status, self.ctx.i32_type().const_zero(), "failed").map_err(e)?;
        let fail_bb = self.ctx.append_basic_block(self.llfn, "propagate");
        let ok_bb = self.ctx.append_basic_block(self.llfn, "ok");
        let expect = self.expect_false(failed)?;
        self.b.build_conditional_branch(expect, fail_bb, ok_bb).map_err(e)?;
        self.b.position_at_end(fail_bb);
        if self.defer.is_some() && !shares_flags {
            // The callee's record is replaced by an earlier float error (if any).
            let ptr = self.ctx.ptr_type(AddressSpace::default());
            let theirs = self.b.build_load(ptr, self.exc_ptr, "exc").map_err(e)?.into_pointer_value();
            let rec = self.first_error(theirs)?;
            self.b.build_store(self.exc_ptr, rec).map_err(e)?;
        }
        self.b.build_return(Some(&status)).map_err(e)?;
        self.b.position_at_end(ok_bb);
        Ok(())
    }

    /// Makes `f` (with the native exception slot `exc`) the function being
    /// emitted, with `entry` as its stack-slot block; returns what
    /// [`Self::leave_function`] needs to switch back.
    pub(crate) fn enter_function(&mut self, f: FunctionValue<'ctx>, entry: BasicBlock<'ctx>, exc: PointerValue<'ctx>) -> SavedFunction<'ctx> {
        let saved = SavedFunction {
            llfn: self.llfn,
            alloca_block: self.alloca_block,
            exc_ptr: self.exc_ptr,
            at: self.b.get_insert_block(),
            defer: self.defer.take(),
            calls_deferring: std::mem::take(&mut self.calls_deferring),
            incoming_flags: self.incoming_flags.take(),
            shared_raise: self.shared_raise.take(),
        };
        self.llfn = f;
        self.alloca_block = entry;
        self.exc_ptr = exc;
        self.b.position_at_end(entry);
        saved
    }

    pub(crate) fn leave_function(&mut self, s: SavedFunction<'ctx>) {
        self.llfn = s.llfn;
        self.alloca_block = s.alloca_block;
        self.exc_ptr = s.exc_ptr;
        self.defer = s.defer;
        self.calls_deferring = s.calls_deferring;
        self.incoming_flags = s.incoming_flags;
        self.shared_raise = s.shared_raise;
        if let Some(bb) = s.at {
            self.b.position_at_end(bb);
        }
    }

    /// Where this function's caller wants the exception record.
    pub(crate) fn exc_ptr(&self) -> PointerValue<'ctx> {
        self.exc_ptr
    }

    /// Declares (once) a function of this module by name.
    pub(crate) fn declare(&self, name: &str, ty: inkwell::types::FunctionType<'ctx>) -> FunctionValue<'ctx> {
        match self.module.get_function(name) {
            Some(f) => {
                // One symbol, one signature: a mismatch here would abort inside LLVM.
                assert_eq!(f.get_type(), ty, "internal: {name} declared with two signatures");
                f
            }
            None => self.module.add_function(name, ty, Some(Linkage::External)),
        }
    }

    // ---- tuples ------------------------------------------------------------

    /// Iterating a homogeneous tuple: `{[n x T] items, i64 index}` on the stack.
    fn tuple_iter(&mut self, tuple: Value) -> R<BasicValueEnum<'ctx>> {
        let Type::Tuple(items) = self.ty(tuple).clone() else { return Err("internal: tuple iter".into()) };
        let et = llvm_type(self.ctx, &items[0]);
        let st = self.ctx.struct_type(&[et.array_type(items.len() as u32).into(), self.ctx.i64_type().into()], false);
        let slot = self.alloca(st.into(), "tuple.iter")?;
        let agg = self.val(tuple).into_struct_value();
        let arr_p = self.b.build_struct_gep(st, slot, 0, "items").map_err(e)?;
        for i in 0..items.len() {
            let x = self.b.build_extract_value(agg, i as u32, "item").map_err(e)?;
            let i64t = self.ctx.i64_type();
            // SAFETY of the GEP: i < n.
            let p = unsafe { self.b.build_in_bounds_gep(et.array_type(items.len() as u32), arr_p, &[i64t.const_zero(), i64t.const_int(i as u64, false)], "p") }.map_err(e)?;
            self.b.build_store(p, x).map_err(e)?;
        }
        let idx_p = self.b.build_struct_gep(st, slot, 1, "idx").map_err(e)?;
        self.b.build_store(idx_p, self.ctx.i64_type().const_zero()).map_err(e)?;
        Ok(slot.into())
    }

    fn tuple_next(&mut self, it: Value, tuple_t: &Type) -> R<BasicValueEnum<'ctx>> {
        let Type::Tuple(items) = tuple_t else { return Err("internal: tuple next".into()) };
        let i64t = self.ctx.i64_type();
        let et = llvm_type(self.ctx, &items[0]);
        let arr_t = et.array_type(items.len() as u32);
        let st = self.ctx.struct_type(&[arr_t.into(), i64t.into()], false);
        let slot = self.val(it).into_pointer_value();
        let arr_p = self.b.build_struct_gep(st, slot, 0, "items").map_err(e)?;
        let idx_p = self.b.build_struct_gep(st, slot, 1, "idx.p").map_err(e)?;
        let idx = self.b.build_load(i64t, idx_p, "idx").map_err(e)?.into_int_value();
        let n = i64t.const_int(items.len() as u64, false);
        let valid = self.b.build_int_compare(IntPredicate::ULT, idx, n, "valid").map_err(e)?;
        let safe = self.b.build_select(valid, idx, i64t.const_zero(), "safe").map_err(e)?.into_int_value();
        // SAFETY of the GEP: safe < n.
        let p = unsafe { self.b.build_in_bounds_gep(arr_t, arr_p, &[i64t.const_zero(), safe], "p") }.map_err(e)?;
        let item = self.b.build_load(et, p, "item").map_err(e)?;
        let next = self.b.build_int_add(idx, i64t.const_int(1, false), "next").map_err(e)?;
        self.b.build_store(idx_p, next).map_err(e)?;
        self.build_struct(&Type::Tuple(vec![items[0].clone(), Type::Bool]), &[item, valid.into()])
    }

    // ---- ranges ------------------------------------------------------------

    /// `range(stop)` / `range(start, stop)`: step 1, known at compile time.
    fn unit_step_range(&self, range: Value) -> bool {
        matches!(self.typed.calls.get(&range), Some(c) if c.kind == rumbo_types::CallKind::Builtin("range".into()) && c.arg_types.len() <= 2)
    }

    /// A range iterator is `{cur, remaining, step}` on the stack; the count is
    /// computed once, as CPython does, so extreme bounds never overflow. With a
    /// step of 1 it is `{cur, stop, 1}` and `cur < stop` (the form loop analyses
    /// and bounds-check elimination understand best).
    fn range_iter(&mut self, range: Value) -> R<BasicValueEnum<'ctx>> {
        if self.unit_step_range(range) {
            let i64t = self.ctx.i64_type();
            let st = self.ctx.struct_type(&[i64t.into(); 3], false);
            let slot = self.alloca(st.into(), "range.iter")?;
            self.b.build_store(slot, self.val(range)).map_err(e)?;
            return Ok(slot.into());
        }
        let i64t = self.ctx.i64_type();
        let st = self.ctx.struct_type(&[i64t.into(); 3], false);
        let slot = self.alloca(st.into(), "range.iter")?;
        let r = self.val(range).into_struct_value();
        let start = self.b.build_extract_value(r, 0, "start").map_err(e)?.into_int_value();
        let stop = self.b.build_extract_value(r, 1, "stop").map_err(e)?.into_int_value();
        let step = self.b.build_extract_value(r, 2, "step").map_err(e)?.into_int_value();
        let zero = i64t.const_zero();
        let one = i64t.const_int(1, false);
        let b = &self.b;
        // up:   stop > start ? (stop - start - 1) / step + 1 : 0   (unsigned arithmetic)
        // down: start > stop ? (start - stop - 1) / -step + 1 : 0
        let up = b.build_int_compare(IntPredicate::SGT, step, zero, "up").map_err(e)?;
        let lo = b.build_select(up, start, stop, "lo").map_err(e)?.into_int_value();
        let hi = b.build_select(up, stop, start, "hi").map_err(e)?.into_int_value();
        let nonempty = b.build_int_compare(IntPredicate::SGT, hi, lo, "nonempty").map_err(e)?;
        let span = b.build_int_sub(hi, lo, "span").map_err(e)?;
        let span1 = b.build_int_sub(span, one, "span1").map_err(e)?;
        let neg_step = b.build_int_neg(step, "negstep").map_err(e)?;
        let abs_step = b.build_select(up, step, neg_step, "absstep").map_err(e)?.into_int_value();
        let safe_step = b.build_select(nonempty, abs_step, one, "safestep").map_err(e)?.into_int_value();
        let q = b.build_int_unsigned_div(span1, safe_step, "q").map_err(e)?;
        let n = b.build_int_add(q, one, "n").map_err(e)?;
        let len = b.build_select(nonempty, n, zero, "len").map_err(e)?.into_int_value();
        let state = self.build_struct(&Type::Tuple(vec![rumbo_types::I64; 3]), &[start.into(), len.into(), step.into()])?;
        self.b.build_store(slot, state).map_err(e)?;
        Ok(slot.into())
    }

    fn range_next(&mut self, v: Value, it: Value) -> R<BasicValueEnum<'ctx>> {
        let i64t = self.ctx.i64_type();
        let st = self.ctx.struct_type(&[i64t.into(); 3], false);
        let slot = self.val(it).into_pointer_value();
        if let Some(Inst::GetIter(range)) = self.func.inst(it) {
            if self.unit_step_range(*range) {
                let cur_p = self.b.build_struct_gep(st, slot, 0, "cur.p").map_err(e)?;
                let stop_p = self.b.build_struct_gep(st, slot, 1, "stop.p").map_err(e)?;
                let cur = self.b.build_load(i64t, cur_p, "cur").map_err(e)?.into_int_value();
                let stop = self.b.build_load(i64t, stop_p, "stop").map_err(e)?.into_int_value();
                let valid = self.b.build_int_compare(IntPredicate::SLT, cur, stop, "valid").map_err(e)?;
                if self.step_on_entry(v) {
                    self.range_steps.insert(v, (cur_p, cur));
                } else {
                    let next = self.b.build_int_nsw_add(cur, i64t.const_int(1, false), "next").map_err(e)?;
                    self.b.build_store(cur_p, next).map_err(e)?;
                }
                let t = Type::Tuple(vec![rumbo_types::I64, Type::Bool]);
                return self.build_struct(&t, &[cur.into(), valid.into()]);
            }
        }
        let field = |i: u32, name: &str| self.b.build_struct_gep(st, slot, i, name).map_err(e);
        let (cur_p, left_p, step_p) = (field(0, "cur.p")?, field(1, "left.p")?, field(2, "step.p")?);
        let cur = self.b.build_load(i64t, cur_p, "cur").map_err(e)?.into_int_value();
        let left = self.b.build_load(i64t, left_p, "left").map_err(e)?.into_int_value();
        let step = self.b.build_load(i64t, step_p, "step").map_err(e)?.into_int_value();
        let valid = self.b.build_int_compare(IntPredicate::UGT, left, i64t.const_zero(), "valid").map_err(e)?;
        // nsw: the one increment past the end may overflow, but that value is never used.
        let next = self.b.build_int_nsw_add(cur, step, "next").map_err(e)?;
        let left1 = self.b.build_int_sub(left, i64t.const_int(1, false), "left1").map_err(e)?;
        self.b.build_store(cur_p, next).map_err(e)?;
        self.b.build_store(left_p, left1).map_err(e)?;
        let t = Type::Tuple(vec![rumbo_types::I64, Type::Bool]);
        self.build_struct(&t, &[cur.into(), valid.into()])
    }

    /// Where the header of the loop whose `IterNext` is `next` jumps to enter `body`: a block
    /// storing the range's advance first, when [`Self::step_on_entry`] left it for that edge.
    /// The builder stays where it was.
    fn step_into_body(&mut self, next: Value, body: BasicBlock<'ctx>) -> R<BasicBlock<'ctx>> {
        let Some((cur_p, cur)) = self.range_steps.remove(&next) else { return Ok(body) };
        let here = self.b.get_insert_block().unwrap();
        let step_bb = self.ctx.append_basic_block(self.llfn, "range.step");
        self.b.position_at_end(step_bb);
        // nsw: cur < stop here, so cur + 1 <= stop.
        let advanced = self.b.build_int_nsw_add(cur, cur.get_type().const_int(1, false), "next").map_err(e)?;
        self.b.build_store(cur_p, advanced).map_err(e)?;
        self.b.build_unconditional_branch(body).map_err(e)?;
        self.b.position_at_end(here);
        Ok(step_bb)
    }

    /// Whether the block of `next` (a loop header) ends branching on its valid bit into a
    /// body without parameters: then the advance is stored on that edge, as Numba does, so
    /// that after rotation the loop has one induction variable (not `cur` and `cur + 1`).
    fn step_on_entry(&self, next: Value) -> bool {
        match &self.func.block(self.cur_block).term {
            Terminator::Branch { cond, then_to, else_to } => {
                then_to.args.is_empty()
                    && then_to.block != else_to.block
                    && self.blocks.contains_key(&then_to.block)
                    && self.blocks.contains_key(&else_to.block)
                    && self.iter_next_tested_by(*cond) == Some(next)
            }
            _ => false,
        }
    }

    /// The `IterNext` whose valid bit `cond` is (`truth` of it, as lowering emits).
    fn iter_next_tested_by(&self, cond: Value) -> Option<Value> {
        let bit = match self.func.inst(cond) {
            Some(Inst::Truth(x)) => *x,
            _ => cond,
        };
        match self.func.inst(bit) {
            Some(Inst::TupleGet { value, index: 1 }) if matches!(self.func.inst(*value), Some(Inst::IterNext(_))) => Some(*value),
            _ => None,
        }
    }

    pub(crate) fn const_int_of(&self, v: Value) -> Option<i128> {
        match self.typed.consts.get(&v) {
            Some(GlobalValue::Int(i)) => Some(*i),
            _ => match self.func.inst(v) {
                Some(Inst::Const(Constant::Int(i))) => Some(*i),
                _ => None,
            },
        }
    }

}
