//! Parallel regions: `Inst::ParallelFor` calls the runtime's thread pool with
//! two small functions made here, over a context struct on the caller's stack:
//! - `{sym}$pf{k}$chunk(ctx, lo, hi, c, exc)` calls the outlined body for
//!   iterations `lo..hi` and leaves its partial reductions in slot `c`;
//! - `{sym}$pf{k}$fold(ctx, c, exc)` (with reductions) calls the outlined
//!   combine function on the accumulators and slot `c`, then stores the new
//!   accumulators. The runtime calls it for every chunk, in order, on the
//!   calling thread, so results do not depend on which thread ran what.
//!
//! The context is `{ i64 start, i64 step, live-ins..., accumulators..., ptr partials }`.
//! It owns one reference to each array accumulator; the result takes them over.

use crate::func::{e, native_fn_type, Emitter, R};
use crate::types::llvm_type;
use inkwell::module::Linkage;
use inkwell::types::{BasicTypeEnum, StructType};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use rumbo_ir::Value;
use rumbo_types::{ParallelRegion, Type, I64};

/// Symbols of region `k`'s outlined functions, from the parent's symbol.
pub(crate) fn body_symbol(parent: &str, k: usize) -> String {
    format!("{parent}$pf{k}")
}

pub(crate) fn combine_symbol(parent: &str, k: usize) -> String {
    format!("{parent}$pf{k}$combine")
}

struct Layout<'ctx> {
    st: StructType<'ctx>,
    live: Vec<Type>,
    accs: Vec<Type>,
    /// The body's result (the tuple of partials), one per chunk.
    partial: Type,
}

impl<'ctx> Layout<'ctx> {
    fn of(ctx: &'ctx inkwell::context::Context, region: &ParallelRegion) -> Self {
        let args = &region.body.1.arg_types;
        let live = args[4..4 + region.live_ins].to_vec();
        let accs = args[4 + region.live_ins..].to_vec();
        let i64t = ctx.i64_type();
        let mut fields: Vec<BasicTypeEnum> = vec![i64t.into(), i64t.into()];
        fields.extend(live.iter().chain(&accs).map(|t| llvm_type(ctx, t)));
        fields.push(ctx.ptr_type(AddressSpace::default()).into());
        Layout { st: ctx.struct_type(&fields, false), live, accs, partial: region.body.1.ret.clone() }
    }
    fn acc_field(&self, j: usize) -> u32 {
        (2 + self.live.len() + j) as u32
    }
    fn partials_field(&self) -> u32 {
        (2 + self.live.len() + self.accs.len()) as u32
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    pub(crate) fn emit_parallel_for(&mut self, v: Value, k: usize, range: Value, args: &[Value]) -> R<BasicValueEnum<'ctx>> {
        let region = &self.typed.regions[k];
        let lay = Layout::of(self.ctx, region);
        let i64t = self.ctx.i64_type();
        let parent = self.symbol()?;
        let chunk_fn = self.chunk_trampoline(&parent, k, &lay)?;
        let fold_fn = match &region.combine {
            Some((_, ct)) => Some(self.fold_trampoline(&parent, k, &lay, &ct.ret)?),
            None => None,
        };

        let r = self.val(range).into_struct_value();
        let part = |i: u32, name: &str| -> R<IntValue<'ctx>> { Ok(self.b.build_extract_value(r, i, name).map_err(e)?.into_int_value()) };
        let (start, stop, step) = (part(0, "start")?, part(1, "stop")?, part(2, "step")?);
        let n = self.trip_count(start, stop, step)?;
        let nchunks = self.parallel_chunks(n, i64t.const_int(1, false))?;

        let ctx_slot = self.alloca(lay.st.into(), "region.ctx")?;
        let field = |em: &Self, i: u32| em.b.build_struct_gep(lay.st, ctx_slot, i, "f").map_err(e);
        self.b.build_store(field(self, 0)?, start).map_err(e)?;
        self.b.build_store(field(self, 1)?, step).map_err(e)?;
        for (i, a) in args[..lay.live.len()].iter().enumerate() {
            self.b.build_store(field(self, 2 + i as u32)?, self.val(*a)).map_err(e)?;
        }
        for (j, a) in args[lay.live.len()..].iter().enumerate() {
            let init = self.cast(self.val(*a), self.ty(*a), &lay.accs[j])?;
            // The context owns a reference to each accumulator (handed to the result).
            self.incref(init, &lay.accs[j])?;
            self.b.build_store(field(self, lay.acc_field(j))?, init).map_err(e)?;
        }
        // One partial-result slot per chunk, on the stack for this call only.
        let sp = self.stack_save()?;
        let partials = self.b.build_array_alloca(llvm_type(self.ctx, &lay.partial), nchunks, "partials").map_err(e)?;
        self.b.build_store(field(self, lay.partials_field())?, partials).map_err(e)?;
        let status = self.call_parallel_for(chunk_fn, fold_fn, ctx_slot, n, nchunks)?;
        self.stack_restore(sp)?;
        self.propagate(status)?;

        let mut accs = vec![];
        for (j, t) in lay.accs.iter().enumerate() {
            accs.push(self.b.build_load(llvm_type(self.ctx, t), field(self, lay.acc_field(j))?, "acc").map_err(e)?);
        }
        self.build_struct(self.ty(v), &accs)
    }

    /// Iterations of `range(start, stop, step)`, without overflow.
    fn trip_count(&self, start: IntValue<'ctx>, stop: IntValue<'ctx>, step: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let b = &self.b;
        let i64t = self.ctx.i64_type();
        let up = b.build_int_compare(IntPredicate::SGT, step, i64t.const_zero(), "up").map_err(e)?;
        let span_up = b.build_int_sub(stop, start, "d").map_err(e)?;
        let span_down = b.build_int_sub(start, stop, "d").map_err(e)?;
        let span = b.build_select(up, span_up, span_down, "span").map_err(e)?.into_int_value();
        let neg_step = b.build_int_neg(step, "ns").map_err(e)?;
        let stride = b.build_select(up, step, neg_step, "stride").map_err(e)?.into_int_value();
        let one = i64t.const_int(1, false);
        let less = b.build_int_sub(span, one, "s1").map_err(e)?;
        let q = b.build_int_unsigned_div(less, stride, "q").map_err(e)?;
        let n = b.build_int_add(q, one, "n").map_err(e)?;
        let nonempty = b.build_int_compare(IntPredicate::SGT, span, i64t.const_zero(), "nonempty").map_err(e)?;
        Ok(b.build_select(nonempty, n, i64t.const_zero(), "trips").map_err(e)?.into_int_value())
    }

    /// Runs `f` with the builder at the end of a new function's entry, then puts it back.
    fn in_new_function(&mut self, name: &str, ty: inkwell::types::FunctionType<'ctx>, f: impl FnOnce(&mut Self, FunctionValue<'ctx>) -> R<()>) -> R<FunctionValue<'ctx>> {
        if let Some(done) = self.module.get_function(name) {
            return Ok(done);
        }
        let func = self.module.add_function(name, ty, Some(Linkage::Internal));
        let saved = self.b.get_insert_block();
        self.b.position_at_end(self.ctx.append_basic_block(func, "entry"));
        let out = f(self, func);
        if let Some(bb) = saved {
            self.b.position_at_end(bb);
        }
        out.map(|_| func)
    }

    fn load_fields(&self, lay: &Layout<'ctx>, ctx_p: PointerValue<'ctx>, from: u32, types: &[Type]) -> R<Vec<BasicValueEnum<'ctx>>> {
        let mut out = vec![];
        for (i, t) in types.iter().enumerate() {
            let p = self.b.build_struct_gep(lay.st, ctx_p, from + i as u32, "f").map_err(e)?;
            out.push(self.b.build_load(llvm_type(self.ctx, t), p, "x").map_err(e)?);
        }
        Ok(out)
    }

    fn partial_slot(&self, lay: &Layout<'ctx>, ctx_p: PointerValue<'ctx>, c: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let pp = self.b.build_struct_gep(lay.st, ctx_p, lay.partials_field(), "partials.p").map_err(e)?;
        let partials = self.b.build_load(ptr, pp, "partials").map_err(e)?.into_pointer_value();
        // SAFETY (of the generated code): `c` < nchunks, the slot count.
        unsafe { self.b.build_in_bounds_gep(llvm_type(self.ctx, &lay.partial), partials, &[c], "slot").map_err(e) }
    }

    fn chunk_trampoline(&mut self, parent: &str, k: usize, lay: &Layout<'ctx>) -> R<FunctionValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let ty = self.ctx.i32_type().fn_type(&[ptr.into(), i64t.into(), i64t.into(), i64t.into(), ptr.into()], false);
        let region = &self.typed.regions[k];
        let body = self.declare(&body_symbol(parent, k), native_fn_type(self.ctx, &region.body.1.arg_types));
        self.in_new_function(&format!("{parent}$pf{k}$chunk"), ty, |em, f| {
            let p = |i: u32| f.get_nth_param(i).unwrap();
            let ctx_p = p(0).into_pointer_value();
            let fixed = em.load_fields(lay, ctx_p, 0, &[I64, I64])?;
            let live = em.load_fields(lay, ctx_p, 2, &lay.live)?;
            let accs = em.load_fields(lay, ctx_p, lay.acc_field(0), &lay.accs)?;
            let slot = em.partial_slot(lay, ctx_p, p(3).into_int_value())?;
            let mut call: Vec<BasicMetadataValueEnum> = vec![slot.into(), p(4).into(), p(1).into(), p(2).into(), fixed[0].into(), fixed[1].into()];
            call.extend(live.iter().chain(&accs).map(|x| BasicMetadataValueEnum::from(*x)));
            let status = em.b.build_call(body, &call, "status").map_err(e)?.try_as_basic_value().basic().unwrap();
            em.b.build_return(Some(&status)).map_err(e)?;
            Ok(())
        })
    }

    fn fold_trampoline(&mut self, parent: &str, k: usize, lay: &Layout<'ctx>, combined: &Type) -> R<FunctionValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let ty = self.ctx.i32_type().fn_type(&[ptr.into(), i64t.into(), ptr.into()], false);
        let region = &self.typed.regions[k];
        let combine_t = &region.combine.as_ref().expect("fold of a region with reductions").1;
        let combine = self.declare(&combine_symbol(parent, k), native_fn_type(self.ctx, &combine_t.arg_types));
        let Type::Tuple(combined_items) = combined.clone() else { return Err("internal: combine result".into()) };
        let Type::Tuple(partial_items) = lay.partial.clone() else { return Err("internal: partials".into()) };
        self.in_new_function(&format!("{parent}$pf{k}$fold"), ty, |em, f| {
            let p = |i: u32| f.get_nth_param(i).unwrap();
            let ctx_p = p(0).into_pointer_value();
            let accs = em.load_fields(lay, ctx_p, lay.acc_field(0), &lay.accs)?;
            let slot = em.partial_slot(lay, ctx_p, p(1).into_int_value())?;
            let partial = em.b.build_load(llvm_type(em.ctx, &lay.partial), slot, "partial").map_err(e)?.into_struct_value();
            let mut call: Vec<BasicMetadataValueEnum> = vec![];
            let out_t = llvm_type(em.ctx, combined);
            let out = em.b.build_alloca(out_t, "combined").map_err(e)?;
            call.push(out.into());
            call.push(p(2).into());
            call.extend(accs.iter().map(|x| BasicMetadataValueEnum::from(*x)));
            for j in 0..partial_items.len() {
                call.push(em.b.build_extract_value(partial, j as u32, "part").map_err(e)?.into());
            }
            let status = em.b.build_call(combine, &call, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value();
            let failed = em.b.build_int_compare(IntPredicate::NE, status, em.ctx.i32_type().const_zero(), "failed").map_err(e)?;
            let (fail_bb, ok_bb) = (em.ctx.append_basic_block(f, "failed"), em.ctx.append_basic_block(f, "ok"));
            em.b.build_conditional_branch(failed, fail_bb, ok_bb).map_err(e)?;
            em.b.position_at_end(fail_bb);
            em.b.build_return(Some(&status)).map_err(e)?;
            em.b.position_at_end(ok_bb);
            let new = em.b.build_load(out_t, out, "new").map_err(e)?.into_struct_value();
            for (j, t) in lay.accs.iter().enumerate() {
                let x = em.b.build_extract_value(new, j as u32, "acc").map_err(e)?;
                let x = em.cast(x, &combined_items[j], t)?;
                em.decref(accs[j], t)?;
                let gp = em.b.build_struct_gep(lay.st, ctx_p, lay.acc_field(j), "acc.p").map_err(e)?;
                em.b.build_store(gp, x).map_err(e)?;
            }
            em.decref(partial.into(), &lay.partial)?;
            em.b.build_return(Some(&em.ctx.i32_type().const_zero())).map_err(e)?;
            Ok(())
        })
    }
}

/// Emits the outlined functions of every region of `typed` into `module`.
pub(crate) fn emit_regions<'ctx>(
    ctx: &'ctx inkwell::context::Context,
    module: &inkwell::module::Module<'ctx>,
    typed: &rumbo_types::TypedFunction,
    parent: &str,
    opts: crate::CodegenOptions,
) -> R<()> {
    for (k, region) in typed.regions.iter().enumerate() {
        let mut internal = vec![body_symbol(parent, k)];
        crate::func::emit_native(ctx, module, &region.body.0, &region.body.1, &internal[0], opts)?;
        if let Some((cf, ct)) = &region.combine {
            internal.push(combine_symbol(parent, k));
            crate::func::emit_native(ctx, module, cf, ct, &internal[1], opts)?;
        }
        for name in internal.iter().flat_map(|n| [n.clone(), crate::deferred::defer_symbol(n)]) {
            module.get_function(&name).expect("emitted above").set_linkage(Linkage::Internal);
        }
    }
    Ok(())
}

/// Fewest elements of an elementwise loop worth a chunk of their own: waking
/// a worker costs a few microseconds, about this many simple elements.
pub(crate) const ELEMENTWISE_GRAIN: u64 = 16384;

/// What the body of a pooled loop gets: the index, the captured values as
/// values of the chunk function, and the chunk's accumulator (with a sum).
pub(crate) type PooledBody<'b, 'a, 'ctx> =
    dyn FnMut(&mut Emitter<'a, 'ctx>, IntValue<'ctx>, &[BasicValueEnum<'ctx>], Option<PointerValue<'ctx>>) -> R<()> + 'b;

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// `for i in 0..n { body(i) }` split into chunks of at least `grain`
    /// iterations on the thread pool (one chunk when `n` is small). `captured` are values of this function the
    /// body reads; it gets them back, in order, as values of the chunk function.
    /// With `fold: Some((t, f))` the body folds into a per-chunk accumulator of
    /// type t (starting from f's identity), and the chunks' partials are folded
    /// in chunk order into the result.
    pub(crate) fn pooled_loop(
        &mut self,
        n: IntValue<'ctx>,
        grain: IntValue<'ctx>,
        captured: &[BasicValueEnum<'ctx>],
        fold: Option<(&Type, crate::arrayexpr::Fold)>,
        body: &mut PooledBody<'_, 'a, 'ctx>,
    ) -> R<Option<BasicValueEnum<'ctx>>> {
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let mut fields: Vec<BasicTypeEnum> = captured.iter().map(|v| v.get_type()).collect();
        fields.push(ptr.into());
        let st = self.ctx.struct_type(&fields, false);
        let partial_field = captured.len() as u32;
        let acc_t = fold.map(|(t, _)| llvm_type(self.ctx, t));

        // The chunk function: `i32 (ptr ctx, i64 lo, i64 hi, i64 c, ptr exc)`.
        let parent = self.symbol()?;
        let name = (0..).map(|k| format!("{parent}$loop{k}")).find(|n| self.module.get_function(n).is_none()).unwrap();
        let fn_t = self.ctx.i32_type().fn_type(&[ptr.into(), i64t.into(), i64t.into(), i64t.into(), ptr.into()], false);
        let chunk = self.module.add_function(&name, fn_t, Some(Linkage::Internal));
        let entry = self.ctx.append_basic_block(chunk, "entry");
        let p = |i: u32| chunk.get_nth_param(i).unwrap();
        let saved = self.enter_function(chunk, entry, p(4).into_pointer_value());
        let result = (|| -> R<()> {
            let ctx_p = p(0).into_pointer_value();
            let mut loaded = vec![];
            for (i, t) in fields[..captured.len()].iter().enumerate() {
                let fp = self.b.build_struct_gep(st, ctx_p, i as u32, "cap.p").map_err(e)?;
                loaded.push(self.b.build_load(*t, fp, "cap").map_err(e)?);
            }
            let acc = match fold {
                Some((t, f)) => {
                    let slot = self.alloca(llvm_type(self.ctx, t), "chunk.acc")?;
                    self.b.build_store(slot, self.fold_identity(f, t)).map_err(e)?;
                    Some(slot)
                }
                None => None,
            };
            let (lo, hi) = (p(1).into_int_value(), p(2).into_int_value());
            let count = self.b.build_int_sub(hi, lo, "count").map_err(e)?;
            self.counted_loop(count, &mut |em: &mut Self, i: IntValue<'ctx>| {
                let at = em.b.build_int_nsw_add(lo, i, "at").map_err(e)?;
                body(em, at, &loaded, acc)
            })?;
            if let (Some(t), Some(acc)) = (acc_t, acc) {
                let x = self.b.build_load(t, acc, "partial").map_err(e)?;
                let pp = self.b.build_struct_gep(st, ctx_p, partial_field, "partials.p").map_err(e)?;
                let partials = self.b.build_load(ptr, pp, "partials").map_err(e)?.into_pointer_value();
                // SAFETY (of the generated code): c < nchunks, the slot count.
                let slot = unsafe { self.b.build_in_bounds_gep(t, partials, &[p(3).into_int_value()], "slot") }.map_err(e)?;
                self.b.build_store(slot, x).map_err(e)?;
            }
            self.b.build_return(Some(&self.ctx.i32_type().const_zero())).map_err(e)?;
            Ok(())
        })();
        self.leave_function(saved);
        result?;

        // The caller: context, partial slots, the pool, then the partials added up.
        let ctx_slot = self.alloca(st.into(), "loop.ctx")?;
        for (i, v) in captured.iter().enumerate() {
            let fp = self.b.build_struct_gep(st, ctx_slot, i as u32, "cap.p").map_err(e)?;
            self.b.build_store(fp, *v).map_err(e)?;
        }
        let nchunks = self.parallel_chunks(n, grain)?;
        let sp = self.stack_save()?;
        let partials = match acc_t {
            Some(t) => self.b.build_array_alloca(t, nchunks, "partials").map_err(e)?,
            None => ptr.const_null(),
        };
        let pp = self.b.build_struct_gep(st, ctx_slot, partial_field, "partials.p").map_err(e)?;
        self.b.build_store(pp, partials).map_err(e)?;
        let status = self.call_parallel_for(chunk, None, ctx_slot, n, nchunks)?;
        let mut total = None;
        if let (Some(t), Some((ty, f))) = (acc_t, fold) {
            let acc = self.alloca(t, "total")?;
            self.b.build_store(acc, self.fold_identity(f, ty)).map_err(e)?;
            self.counted_loop(nchunks, &mut |em: &mut Self, c: IntValue<'ctx>| {
                // SAFETY (of the generated code): c < nchunks.
                let slot = unsafe { em.b.build_in_bounds_gep(t, partials, &[c], "slot") }.map_err(e)?;
                let x = em.b.build_load(t, slot, "part").map_err(e)?;
                let cur = em.b.build_load(t, acc, "cur").map_err(e)?;
                let s = em.fold_step(f, cur, x, ty)?;
                em.b.build_store(acc, s).map_err(e)?;
                Ok(())
            })?;
            total = Some(self.b.build_load(t, acc, "sum").map_err(e)?);
        }
        self.stack_restore(sp)?;
        self.propagate(status)?;
        Ok(total)
    }

    /// How many chunks the runtime splits `n` iterations into (each ≥ `grain`).
    fn parallel_chunks(&self, n: IntValue<'ctx>, grain: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let f = self.declare("rumbo_parallel_chunks", i64t.fn_type(&[i64t.into(), i64t.into()], false));
        Ok(self.b.build_call(f, &[n.into(), grain.into()], "nchunks").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value())
    }

    /// `rumbo_parallel_for(chunk, fold, ctx, n, nchunks, exc)`: the region's status.
    fn call_parallel_for(
        &self,
        chunk: FunctionValue<'ctx>,
        fold: Option<FunctionValue<'ctx>>,
        ctx_slot: PointerValue<'ctx>,
        n: IntValue<'ctx>,
        nchunks: IntValue<'ctx>,
    ) -> R<IntValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let run_t = self.ctx.i32_type().fn_type(&[ptr.into(), ptr.into(), ptr.into(), i64t.into(), i64t.into(), ptr.into()], false);
        let run = self.declare("rumbo_parallel_for", run_t);
        let fold_ptr = fold.map_or(ptr.const_null(), |f| f.as_global_value().as_pointer_value());
        let args: [BasicMetadataValueEnum; 6] =
            [chunk.as_global_value().as_pointer_value().into(), fold_ptr.into(), ctx_slot.into(), n.into(), nchunks.into(), self.exc_ptr().into()];
        Ok(self.b.build_call(run, &args, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value())
    }

    /// The stack pointer, so that the per-chunk slots allocated after it are
    /// freed by [`Self::stack_restore`] (a region inside a loop must not grow the stack).
    fn stack_save(&self) -> R<BasicValueEnum<'ctx>> {
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let save = self.intrinsic("llvm.stacksave", &[ptr.into()])?;
        Ok(self.b.build_call(save, &[], "sp").map_err(e)?.try_as_basic_value().basic().unwrap())
    }

    fn stack_restore(&self, sp: BasicValueEnum<'ctx>) -> R<()> {
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let restore = self.intrinsic("llvm.stackrestore", &[ptr.into()])?;
        self.b.build_call(restore, &[sp.into()], "").map_err(e)?;
        Ok(())
    }
}
