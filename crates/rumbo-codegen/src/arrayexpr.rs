//! Array expressions: operators and ufuncs on arrays, broadcast as NumPy does.
//!
//! Fusion: an elementwise value used exactly once, by another elementwise value
//! of the same block with nothing in between that could write memory, is not
//! materialized; its consumer evaluates the whole tree in one loop, so
//! `np.exp(z) / s` or `a * b + c` allocate only their result and loop once.
//! NumPy's error rules apply inside (no ZeroDivisionError, NaN/inf results).

use crate::func::{e, Emitter, R};
use inkwell::values::{BasicValueEnum, IntValue, PointerValue, StructValue};
use inkwell::{FloatPredicate, IntPredicate};
use rumbo_ir::{Function, Inst, Value};
use rumbo_syntax::{BinOp, CmpOp, UnaryOp};
use rumbo_types::{array_binary, array_compare, dtype_size, BuiltinExc, CallKind, Layout, Type, TypedFunction};
use std::collections::{HashMap, HashSet};

/// Whether `v` computes an array elementwise (operator or ufunc on arrays).
pub(crate) fn is_elementwise(func: &Function, typed: &TypedFunction, v: Value) -> bool {
    let Some(t) = typed.types[v.index()].as_ref() else { return false };
    if !t.is_array() || typed.def_casts.contains_key(&v) {
        return false;
    }
    match func.inst(v) {
        Some(Inst::Binary { op: BinOp::MatMult, .. }) => false,
        Some(Inst::Binary { .. } | Inst::Unary { .. } | Inst::Compare { .. }) => true,
        Some(Inst::Call { .. }) => matches!(
            typed.calls.get(&v).map(|c| &c.kind),
            Some(CallKind::Builtin(n)) if n.starts_with("numpy.") && rumbo_types::ufunc_kind(&n[6..]).is_some()
        ),
        _ => false,
    }
}

/// `np.sum(expr)` that typing marked for fusion with its argument, or (with
/// parallel=True) a whole-array sum/prod/min/max/mean rumbo-passes retargeted.
pub(crate) fn is_fused_reduction(typed: &TypedFunction, v: Value) -> bool {
    fused_reduction_op(typed, v).is_some()
}

/// How a fused reduction folds its elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    Sum,
    Prod,
    Min,
    Max,
    Mean,
}

pub(crate) fn fused_reduction_op(typed: &TypedFunction, v: Value) -> Option<Fold> {
    let Some(CallKind::Builtin(n)) = typed.calls.get(&v).map(|c| &c.kind) else { return None };
    Some(match n.as_str() {
        "numpy.sum_fused" => Fold::Sum,
        "numpy.prod_fused" => Fold::Prod,
        "numpy.min_fused" => Fold::Min,
        "numpy.max_fused" => Fold::Max,
        "numpy.mean_fused" => Fold::Mean,
        _ => return None,
    })
}

/// The array a fused reduction reads: its argument, or a method's receiver (`a.sum()`).
pub(crate) fn reduction_operand(func: &Function, v: Value) -> Option<Value> {
    let Some(Inst::Call { func: callee, args, .. }) = func.inst(v) else { return None };
    match (args.first(), func.inst(*callee)) {
        (Some(a), _) => Some(*a),
        (None, Some(Inst::GetAttr { value, .. })) => Some(*value),
        _ => None,
    }
}

fn operands(func: &Function, v: Value) -> Vec<Value> {
    match func.inst(v) {
        Some(Inst::Call { args, .. }) => args.clone(),
        // Only the stored value of `a[sel] = expr` can be evaluated in its loop.
        Some(Inst::SetItem { item, .. }) => vec![*item],
        Some(inst) => inst.operands(),
        None => vec![],
    }
}

/// The elementwise values that are evaluated inside their single consumer.
pub(crate) fn fused_values(func: &Function, typed: &TypedFunction) -> HashSet<Value> {
    let mut uses: HashMap<Value, usize> = HashMap::new();
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        let data = func.block(b);
        for v in &data.insts {
            for op in func.inst(*v).map(|i| i.operands()).unwrap_or_default() {
                *uses.entry(op).or_default() += 1;
            }
        }
        for op in data.term.operands() {
            *uses.entry(op).or_default() += 1;
        }
    }
    let mut fused = HashSet::new();
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        let insts = &func.block(b).insts;
        let pos: HashMap<Value, usize> = insts.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        for (i, &u) in insts.iter().enumerate() {
            let sets_selection = matches!(func.inst(u), Some(Inst::SetItem { value, .. }) if typed.types[value.index()].as_ref().is_some_and(|t| t.is_array()));
            if !is_elementwise(func, typed, u) && !is_fused_reduction(typed, u) && !sets_selection {
                continue;
            }
            for c in operands(func, u) {
                let Some(&ci) = pos.get(&c) else { continue };
                if uses.get(&c) != Some(&1) || !is_elementwise(func, typed, c) {
                    continue;
                }
                // Nothing between may write memory the fused expression reads.
                let clean = insts[ci + 1..i].iter().all(|x| {
                    !matches!(func.inst(*x), Some(Inst::SetItem { .. } | Inst::Inplace { .. }))
                        && !(matches!(func.inst(*x), Some(Inst::Call { .. })) && !is_elementwise(func, typed, *x))
                });
                if clean {
                    fused.insert(c);
                }
            }
        }
    }
    fused
}

/// For each fused value among `insts`, the instruction that evaluates it (the
/// root of its expression tree).
pub(crate) fn fused_consumers(func: &Function, fused: &HashSet<Value>, insts: &[Value]) -> HashMap<Value, Value> {
    let mut out = HashMap::new();
    for &u in insts.iter().filter(|u| !fused.contains(u)) {
        let mut stack: Vec<Value> = operands(func, u).into_iter().filter(|c| fused.contains(c)).collect();
        if let Some(arg) = reduction_operand(func, u).filter(|c| fused.contains(c)) {
            stack.push(arg);
        }
        while let Some(c) = stack.pop() {
            if out.insert(c, u).is_none() {
                stack.extend(operands(func, c).into_iter().filter(|x| fused.contains(x)));
            }
        }
    }
    out
}

/// `num = <expr>; ...; s = np.sum(num)` where `num` must be made (used more
/// than once): the sum is folded in the loop that writes `num`, saving a pass
/// over memory. Only when nothing between may write memory. Producer → sum.
pub(crate) fn sums_in_producer(func: &Function, typed: &TypedFunction, fused: &HashSet<Value>) -> HashMap<Value, Value> {
    let mut out = HashMap::new();
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        let insts = &func.block(b).insts;
        for (i, &r) in insts.iter().enumerate() {
            if fused_reduction_op(typed, r) != Some(Fold::Sum) {
                continue;
            }
            let Some(c) = reduction_operand(func, r) else { continue };
            let Some(ci) = insts.iter().position(|x| *x == c) else { continue };
            if fused.contains(&c) || !is_elementwise(func, typed, c) || out.contains_key(&c) {
                continue;
            }
            let clean = insts[ci + 1..i].iter().all(|x| match func.inst(*x) {
                Some(Inst::SetItem { .. } | Inst::Inplace { .. } | Inst::ParallelFor { .. }) => false,
                Some(Inst::Call { .. }) => is_elementwise(func, typed, *x) || is_fused_reduction(typed, *x),
                _ => true,
            });
            if clean {
                out.insert(c, r);
            }
        }
    }
    out
}

pub(crate) fn fusion_report(func: &Function, typed: &TypedFunction) -> Vec<String> {
    let fused = fused_values(func, typed);
    let mut out = vec![];
    for (i, vd) in func.values.iter().enumerate() {
        let v = Value(i as u32);
        if !typed.reachable.iter().any(|b| func.block(*b).insts.contains(&v)) || !is_elementwise(func, typed, v) || fused.contains(&v) {
            continue;
        }
        // Count the operations evaluated inside this root's loop.
        let mut stack = vec![v];
        let mut ops = 0;
        while let Some(x) = stack.pop() {
            ops += 1;
            stack.extend(operands(func, x).into_iter().filter(|c| fused.contains(c)));
        }
        out.push(format!(
            "line {}: array expression of {} operation{} fused into one loop, one result array, no temporaries",
            vd.span.line,
            ops,
            if ops == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The leaves with their values replaced by `values` (the same values as
/// seen inside a chunk function of a pooled loop).
fn relocated<'ctx>(leaves: &[Leaf<'ctx>], values: &[BasicValueEnum<'ctx>]) -> Vec<Leaf<'ctx>> {
    leaves.iter().zip(values).map(|(l, v)| Leaf { t: l.t.clone(), value: *v }).collect()
}

/// An expression tree of one fused loop.
enum Node {
    Leaf(usize),
    Op(Value, Vec<Node>),
}

struct Leaf<'ctx> {
    t: Type,
    value: BasicValueEnum<'ctx>,
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    fn expr_tree(&self, v: Value, leaves: &mut Vec<Leaf<'ctx>>, index: &mut HashMap<Value, usize>) -> Node {
        let kids = operands(self.func, v)
            .into_iter()
            .map(|c| {
                if self.fused.contains(&c) {
                    self.expr_tree(c, leaves, index)
                } else {
                    let k = *index.entry(c).or_insert_with(|| {
                        leaves.push(Leaf { t: self.ty(c).clone(), value: self.val(c) });
                        leaves.len() - 1
                    });
                    Node::Leaf(k)
                }
            })
            .collect();
        Node::Op(v, kids)
    }

    /// The array leaves of an expression: (leaf index, array struct, ndim).
    fn array_leaves(leaves: &[Leaf<'ctx>]) -> Vec<(usize, StructValue<'ctx>, usize)> {
        leaves
            .iter()
            .enumerate()
            .filter_map(|(k, l)| match &l.t {
                Type::Array { ndim, .. } => Some((k, l.value.into_struct_value(), *ndim as usize)),
                _ => None,
            })
            .collect()
    }

    /// The broadcast shape of `n` axes (leaves align to the right); ValueError
    /// when an extent is neither 1 nor the common one.
    fn broadcast_shape(&mut self, arrays: &[(usize, StructValue<'ctx>, usize)], n: usize) -> R<Vec<IntValue<'ctx>>> {
        let one = self.ctx.i64_type().const_int(1, false);
        let mut dims = vec![one; n];
        for (_, arr, ln) in arrays {
            for d in 0..*ln {
                let od = n - ln + d;
                let dim = self.shape_at(*arr, d as u32)?;
                let is1 = self.b.build_int_compare(IntPredicate::EQ, dim, one, "is1").map_err(e)?;
                dims[od] = self.b.build_select(is1, dims[od], dim, "bdim").map_err(e)?.into_int_value();
            }
        }
        let mut bad = self.ctx.bool_type().const_zero();
        for (_, arr, ln) in arrays {
            for d in 0..*ln {
                let dim = self.shape_at(*arr, d as u32)?;
                let ok1 = self.b.build_int_compare(IntPredicate::EQ, dim, one, "ok1").map_err(e)?;
                let ok2 = self.b.build_int_compare(IntPredicate::EQ, dim, dims[n - ln + d], "ok2").map_err(e)?;
                let ok = self.b.build_or(ok1, ok2, "ok").map_err(e)?;
                bad = self.b.build_or(bad, self.b.build_not(ok, "bad").map_err(e)?, "bad").map_err(e)?;
            }
        }
        self.raise_if(bad, BuiltinExc::ValueError, "operands could not be broadcast together")?;
        Ok(dims)
    }

    /// Whether one flat loop with constant strides can walk every leaf: all have
    /// the full shape with C strides ('A'/'F' leaves checked at run time).
    fn flat_condition(&mut self, leaves: &[Leaf<'ctx>], arrays: &[(usize, StructValue<'ctx>, usize)], dims: &[IntValue<'ctx>]) -> R<IntValue<'ctx>> {
        let n = dims.len();
        if !arrays.iter().all(|(_, _, ln)| *ln == n) {
            return Ok(self.ctx.bool_type().const_zero());
        }
        let mut flat = self.ctx.bool_type().const_int(1, false);
        for (k, arr, _) in arrays {
            for (d, want) in dims.iter().enumerate() {
                let dim = self.shape_at(*arr, d as u32)?;
                let eq = self.b.build_int_compare(IntPredicate::EQ, dim, *want, "same").map_err(e)?;
                flat = self.b.build_and(flat, eq, "flat").map_err(e)?;
            }
            if let Type::Array { layout, dtype, .. } = &leaves[*k].t {
                if *layout != Layout::C {
                    let c = self.is_c_contiguous_at_run_time(*arr, n, dtype_size(dtype))?;
                    flat = self.b.build_and(flat, c, "flat").map_err(e)?;
                }
            }
        }
        Ok(flat)
    }

    /// Byte strides of each array leaf along the output's `n` axes (0 where the
    /// leaf is broadcast: a missing axis or an extent of 1).
    fn broadcast_strides(&self, arrays: &[(usize, StructValue<'ctx>, usize)], n: usize) -> R<HashMap<usize, Vec<IntValue<'ctx>>>> {
        let i64t = self.ctx.i64_type();
        let one = i64t.const_int(1, false);
        let mut eff = HashMap::new();
        for (k, arr, ln) in arrays {
            let mut s = vec![i64t.const_zero(); n];
            let strides = self.b.build_extract_value(*arr, 6, "strides").map_err(e)?.into_array_value();
            for d in 0..*ln {
                let dim = self.shape_at(*arr, d as u32)?;
                let st = self.b.build_extract_value(strides, d as u32, "st").map_err(e)?.into_int_value();
                let is1 = self.b.build_int_compare(IntPredicate::EQ, dim, one, "is1").map_err(e)?;
                s[n - ln + d] = self.b.build_select(is1, i64t.const_zero(), st, "eff").map_err(e)?.into_int_value();
            }
            eff.insert(*k, s);
        }
        Ok(eff)
    }

    /// Element pointers of the array leaves at the output index `idx`.
    fn broadcast_leaf_ptrs(
        &self,
        n_leaves: usize,
        arrays: &[(usize, StructValue<'ctx>, usize)],
        eff: &HashMap<usize, Vec<IntValue<'ctx>>>,
        idx: &[IntValue<'ctx>],
    ) -> R<Vec<Option<PointerValue<'ctx>>>> {
        let mut ptrs = vec![None; n_leaves];
        for (k, arr, _) in arrays {
            let data = self.b.build_extract_value(*arr, 4, "d").map_err(e)?.into_pointer_value();
            let mut off = self.ctx.i64_type().const_zero();
            for (d, i) in idx.iter().enumerate() {
                let part = self.b.build_int_mul(*i, eff[k][d], "part").map_err(e)?;
                off = self.b.build_int_add(off, part, "off").map_err(e)?;
            }
            // SAFETY of the GEP: indices are within the broadcast shape.
            ptrs[*k] = Some(unsafe { self.b.build_gep(self.ctx.i8_type(), data, &[off], "p") }.map_err(e)?);
        }
        Ok(ptrs)
    }

    /// Adds one element of the expression to the sum's accumulator (reassociation
    /// only: NumPy's sum reorders too).
    fn accumulate(&mut self, tree: &Node, leaves: &[Leaf<'ctx>], ptrs: &[Option<PointerValue<'ctx>>], ret: &Type, acc: PointerValue<'ctx>, fold: Fold) -> R<()> {
        let x = self.eval_node(tree, leaves, ptrs)?;
        let xt = self.node_type(tree, leaves);
        let x = self.cast(x, &xt, ret)?;
        let acc_t = crate::types::llvm_type(self.ctx, ret);
        let cur = self.b.build_load(acc_t, acc, "acc").map_err(e)?;
        let folded = self.fold_step(fold, cur, x, ret)?;
        self.b.build_store(acc, folded).map_err(e)?;
        Ok(())
    }

    /// One step of a reduction (reassociation allowed: NumPy's own reductions reorder).
    pub(crate) fn fold_step(&mut self, fold: Fold, acc: BasicValueEnum<'ctx>, x: BasicValueEnum<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let name = match (fold, t) {
            (Fold::Sum | Fold::Mean | Fold::Prod, _) => {
                let fastmath = self.opts.fastmath;
                self.opts.fastmath = true;
                let op = if fold == Fold::Prod { BinOp::Mult } else { BinOp::Add };
                let r = self.arith(op, acc, x, t);
                self.opts.fastmath = fastmath;
                return r;
            }
            // NaN wins, as in NumPy.
            (Fold::Min, Type::Float { .. }) => "llvm.minimum",
            (Fold::Max, Type::Float { .. }) => "llvm.maximum",
            (Fold::Min, Type::Int { signed: true, .. }) => "llvm.smin",
            (Fold::Max, Type::Int { signed: true, .. }) => "llvm.smax",
            (Fold::Min, _) => "llvm.umin",
            (Fold::Max, _) => "llvm.umax",
        };
        self.call_intrinsic(name, &[acc, x])
    }

    /// The value a reduction starts from (and each chunk of a pooled one).
    pub(crate) fn fold_identity(&self, fold: Fold, t: &Type) -> BasicValueEnum<'ctx> {
        let lt = crate::types::llvm_type(self.ctx, t);
        match (fold, t) {
            (Fold::Sum | Fold::Mean, _) => lt.const_zero(),
            (Fold::Prod, Type::Float { .. }) => lt.into_float_type().const_float(1.0).into(),
            (Fold::Prod, _) => lt.into_int_type().const_int(1, false).into(),
            (Fold::Min, Type::Float { .. }) => lt.into_float_type().const_float(f64::INFINITY).into(),
            (Fold::Max, Type::Float { .. }) => lt.into_float_type().const_float(f64::NEG_INFINITY).into(),
            (Fold::Min, Type::Int { signed: true, bits }) => lt.into_int_type().const_int((1u64 << (bits - 1)) - 1, false).into(),
            (Fold::Max, Type::Int { signed: true, bits }) => lt.into_int_type().const_int(1u64 << (bits - 1), false).into(),
            (Fold::Min, _) => lt.into_int_type().const_all_ones().into(),
            (Fold::Max, _) => lt.const_zero(),
        }
    }

    /// Element pointers of the array leaves at flat index `i` (C strides).
    fn flat_leaf_ptrs(&self, leaves: &[Leaf<'ctx>], i: IntValue<'ctx>) -> R<Vec<Option<PointerValue<'ctx>>>> {
        let i64t = self.ctx.i64_type();
        leaves
            .iter()
            .map(|l| match &l.t {
                Type::Array { dtype, .. } => {
                    let data = self.b.build_extract_value(l.value.into_struct_value(), 4, "d").map_err(e)?.into_pointer_value();
                    let off = self.b.build_int_mul(i, i64t.const_int(dtype_size(dtype), false), "off").map_err(e)?;
                    // SAFETY of the GEP: i < nitems of every leaf (same shape, C strides).
                    Ok(Some(unsafe { self.b.build_gep(self.ctx.i8_type(), data, &[off], "p") }.map_err(e)?))
                }
                _ => Ok(None),
            })
            .collect()
    }

    /// Materializes the array expression rooted at `v` into a new array.
    pub(crate) fn emit_elementwise(&mut self, v: Value) -> R<BasicValueEnum<'ctx>> {
        let out_t = self.ty(v).clone();
        let Type::Array { ndim, .. } = &out_t else { return Err("internal: elementwise non-array".into()) };
        let n = *ndim as usize;
        let mut leaves = vec![];
        let tree = self.expr_tree(v, &mut leaves, &mut HashMap::new());
        let i64t = self.ctx.i64_type();
        let arrays = Self::array_leaves(&leaves);
        let out_dims = self.broadcast_shape(&arrays, n)?;
        let out = self.allocate_array(&out_t, &out_dims)?;
        let out_s = out.into_struct_value();
        let Type::Array { dtype: out_dtype, .. } = &out_t else { unreachable!() };
        let out_data = self.b.build_extract_value(out_s, 4, "out.data").map_err(e)?.into_pointer_value();
        let out_size = i64t.const_int(dtype_size(out_dtype), false);
        let saved = self.opts.numpy_errors;
        self.opts.numpy_errors = true;
        // Fast path: one flat loop with constant strides (vectorizable) when the
        // leaves allow it; nested loops with broadcast strides otherwise.
        let all_full_rank = arrays.iter().all(|(_, _, ln)| *ln == n);
        let result = if all_full_rank {
            let same = self.flat_condition(&leaves, &arrays, &out_dims)?;
            let flat_bb = self.ctx.append_basic_block(self.llfn, "ew.flat");
            let general_bb = self.ctx.append_basic_block(self.llfn, "ew.general");
            let done_bb = self.ctx.append_basic_block(self.llfn, "ew.done");
            self.b.build_conditional_branch(same, flat_bb, general_bb).map_err(e)?;
            self.b.position_at_end(flat_bb);
            let total = self.b.build_extract_value(out_s, 2, "n").map_err(e)?.into_int_value();
            // A later `np.sum` of this array, folded in here (see `sums_in_producer`).
            let sum = self.summed_by_producer.get(&v).map(|r| (*r, self.ty(*r).clone()));
            let sum_acc = match &sum {
                Some((_, t)) => {
                    let lt = crate::types::llvm_type(self.ctx, t);
                    let slot = self.alloca(lt, "produced.sum")?;
                    self.b.build_store(slot, lt.const_zero()).map_err(e)?;
                    Some(slot)
                }
                None => None,
            };
            let element = |em: &mut Self, i: IntValue<'ctx>, leaves: &[Leaf<'ctx>], out_data: PointerValue<'ctx>, acc: Option<PointerValue<'ctx>>| -> R<()> {
                let ptrs = em.flat_leaf_ptrs(leaves, i)?;
                let x = em.eval_node(&tree, leaves, &ptrs)?;
                let off = em.b.build_int_mul(i, out_size, "ooff").map_err(e)?;
                // SAFETY of the GEP: i < nitems of the output.
                let p = unsafe { em.b.build_gep(em.ctx.i8_type(), out_data, &[off], "op") }.map_err(e)?;
                em.store_element(p, x, out_dtype)?;
                if let (Some(acc), Some((_, t))) = (acc, &sum) {
                    let xt = em.cast(x, out_dtype, t)?;
                    let cur = em.b.build_load(crate::types::llvm_type(em.ctx, t), acc, "acc").map_err(e)?;
                    let next = em.fold_step(Fold::Sum, cur, xt, t)?;
                    em.b.build_store(acc, next).map_err(e)?;
                }
                Ok(())
            };
            if self.opts.parallel {
                let mut captured: Vec<BasicValueEnum<'ctx>> = leaves.iter().map(|l| l.value).collect();
                captured.push(out_data.into());
                let grain = self.ctx.i64_type().const_int(crate::parallel::ELEMENTWISE_GRAIN, false);
                let fold = sum.as_ref().map(|(_, t)| (t, Fold::Sum));
                let total_sum = self.pooled_loop(total, grain, &captured, fold, &mut |em: &mut Self, i, caps, acc| {
                    let local = relocated(&leaves, caps);
                    element(em, i, &local, caps[leaves.len()].into_pointer_value(), acc)
                })?;
                if let (Some(slot), Some(t)) = (sum_acc, total_sum) {
                    self.b.build_store(slot, t).map_err(e)?;
                }
            } else {
                self.counted_loop(total, &mut |em: &mut Self, i: IntValue<'ctx>| element(em, i, &leaves, out_data, sum_acc))?;
            }
            self.b.build_unconditional_branch(done_bb).map_err(e)?;
            self.b.position_at_end(general_bb);
            self.general_loops(&tree, &leaves, &arrays, &out_dims, out_data, out_dtype, None)?;
            if let (Some((_, t)), Some(slot)) = (&sum, sum_acc) {
                // The strided path sums the made array afterwards (the slot was
                // zeroed on the flat path only).
                self.b.build_store(slot, crate::types::llvm_type(self.ctx, t).const_zero()).map_err(e)?;
                let leaf = [Leaf { t: out_t.clone(), value: out }];
                let arrays = Self::array_leaves(&leaf);
                let total = self.b.build_extract_value(out_s, 2, "n").map_err(e)?.into_int_value();
                self.fold_loops(&Node::Leaf(0), &leaf, &arrays, &out_dims, total, t, slot, Fold::Sum)?;
            }
            self.b.build_unconditional_branch(done_bb).map_err(e)?;
            self.b.position_at_end(done_bb);
            if let (Some((r, _)), Some(slot)) = (sum, sum_acc) {
                self.produced_sums.insert(r, slot);
            }
            Ok(out)
        } else {
            self.general_loops(&tree, &leaves, &arrays, &out_dims, out_data, out_dtype, None)?;
            Ok(out)
        };
        self.opts.numpy_errors = saved;
        result
    }

    /// `np.sum(expr)` (and with parallel=True `prod`/`min`/`max`/`mean` of a
    /// whole array): the expression evaluated element by element into an
    /// accumulator (reassociation allowed, as NumPy's own reductions reorder), no array made.
    pub(crate) fn emit_fused_reduce(&mut self, v: Value, arg: Value, fold: Fold) -> R<BasicValueEnum<'ctx>> {
        let ret = self.ty(v).clone();
        if let Some(acc) = self.produced_sums.get(&v) {
            return self.b.build_load(crate::types::llvm_type(self.ctx, &ret), *acc, "produced.sum").map_err(e);
        }
        let mut leaves = vec![];
        let tree = if self.fused.contains(&arg) {
            self.expr_tree(arg, &mut leaves, &mut HashMap::new())
        } else {
            leaves.push(Leaf { t: self.ty(arg).clone(), value: self.val(arg) });
            Node::Leaf(0)
        };
        let Type::Array { ndim, .. } = self.ty(arg).clone() else { return Err("internal: reduction of non-array".into()) };
        let n = ndim as usize;
        let i64t = self.ctx.i64_type();
        let arrays = Self::array_leaves(&leaves);
        let dims = self.broadcast_shape(&arrays, n)?;
        let mut total = i64t.const_int(1, false);
        for d in &dims {
            total = self.b.build_int_mul(total, *d, "total").map_err(e)?;
        }
        if matches!(fold, Fold::Min | Fold::Max) {
            let empty = self.b.build_int_compare(IntPredicate::EQ, total, i64t.const_zero(), "empty").map_err(e)?;
            let what = if fold == Fold::Min { "minimum" } else { "maximum" };
            self.raise_if(empty, BuiltinExc::ValueError, &format!("zero-size array to reduction operation {what} which has no identity"))?;
        }
        let acc_t = crate::types::llvm_type(self.ctx, &ret);
        let acc = self.alloca(acc_t, "red.acc")?;
        self.b.build_store(acc, self.fold_identity(fold, &ret)).map_err(e)?;
        let saved = self.opts.numpy_errors;
        self.opts.numpy_errors = true;
        let result = self.fold_loops(&tree, &leaves, &arrays, &dims, total, &ret, acc, fold);
        self.opts.numpy_errors = saved;
        result?;
        let folded = self.b.build_load(acc_t, acc, "reduced").map_err(e)?;
        if fold != Fold::Mean {
            return Ok(folded);
        }
        let count = self.b.build_signed_int_to_float(total, acc_t.into_float_type(), "count").map_err(e)?;
        Ok(self.b.build_float_div(folded.into_float_value(), count, "mean").map_err(e)?.into())
    }

    /// The loops of a fused reduction: flat (pooled with parallel=True) when the
    /// operands are contiguous with the same shape, nested with broadcast strides otherwise.
    #[allow(clippy::too_many_arguments)]
    fn fold_loops(
        &mut self,
        tree: &Node,
        leaves: &[Leaf<'ctx>],
        arrays: &[(usize, StructValue<'ctx>, usize)],
        dims: &[IntValue<'ctx>],
        total: IntValue<'ctx>,
        ret: &Type,
        acc: PointerValue<'ctx>,
        fold: Fold,
    ) -> R<()> {
        let eff = self.broadcast_strides(arrays, dims.len())?;
        let flat = self.flat_condition(leaves, arrays, dims)?;
        let flat_bb = self.ctx.append_basic_block(self.llfn, "red.flat");
        let nested_bb = self.ctx.append_basic_block(self.llfn, "red.nested");
        let done_bb = self.ctx.append_basic_block(self.llfn, "red.done");
        self.b.build_conditional_branch(flat, flat_bb, nested_bb).map_err(e)?;
        self.b.position_at_end(flat_bb);
        if self.opts.parallel {
            let captured: Vec<BasicValueEnum<'ctx>> = leaves.iter().map(|l| l.value).collect();
            let grain = self.ctx.i64_type().const_int(crate::parallel::ELEMENTWISE_GRAIN, false);
            let pooled = self.pooled_loop(total, grain, &captured, Some((ret, fold)), &mut |em: &mut Self, i, caps, chunk_acc| {
                let local = relocated(leaves, caps);
                let ptrs = em.flat_leaf_ptrs(&local, i)?;
                em.accumulate(tree, &local, &ptrs, ret, chunk_acc.expect("a reduction has an accumulator"), fold)
            })?;
            let part = pooled.expect("a reduction has a result");
            let cur = self.b.build_load(crate::types::llvm_type(self.ctx, ret), acc, "cur").map_err(e)?;
            let all = self.fold_step(fold, cur, part, ret)?;
            self.b.build_store(acc, all).map_err(e)?;
        } else {
            self.counted_loop(total, &mut |em: &mut Self, i: IntValue<'ctx>| {
                let ptrs = em.flat_leaf_ptrs(leaves, i)?;
                em.accumulate(tree, leaves, &ptrs, ret, acc, fold)
            })?;
        }
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(nested_bb);
        let mut idx = vec![];
        self.nest_indices(0, dims, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
            let ptrs = em.broadcast_leaf_ptrs(leaves.len(), arrays, &eff, idx)?;
            em.accumulate(tree, leaves, &ptrs, ret, acc, fold)
        })?;
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        Ok(())
    }

    /// `a[sel] = expr` with an array expression: evaluated straight into the
    /// selection, unless one of its arrays overlaps it (NumPy evaluates the whole
    /// right side first), then through a temporary array.
    pub(crate) fn emit_setitem_expression(&mut self, arr_v: Value, index_v: Value, item: Value) -> R<()> {
        let (p, dims, target_t) = self.index_array(arr_v, index_v)?;
        let Type::Array { dtype, .. } = self.ty(arr_v).clone() else { return Err("internal: setitem".into()) };
        let kept: Vec<(IntValue<'ctx>, IntValue<'ctx>)> = dims
            .into_iter()
            .filter_map(|d| match d {
                crate::arrays::Dim::Kept { len, stride } => Some((len, stride)),
                crate::arrays::Dim::Fixed => None,
            })
            .collect();
        let mut leaves = vec![];
        let tree = self.expr_tree(item, &mut leaves, &mut HashMap::new());
        let arrays = Self::array_leaves(&leaves);
        let Type::Array { ndim: item_ndim, .. } = self.ty(item).clone() else { return Err("internal: setitem expression".into()) };
        if !target_t.is_array() || item_ndim as usize > kept.len() {
            return self.setitem_through_temporary(arr_v, index_v, item);
        }
        // Overlap with any array operand sends the store through a temporary.
        let dst_range = self.byte_range(p, &kept, dtype_size(&dtype))?;
        let mut overlap = self.ctx.bool_type().const_zero();
        for (k, arr, ln) in &arrays {
            let adims = self.extents_and_strides(*arr, *ln)?;
            let data = self.b.build_extract_value(*arr, 4, "d").map_err(e)?.into_pointer_value();
            let Type::Array { dtype: ad, .. } = &leaves[*k].t else { return Err("internal: array leaf".into()) };
            let range = self.byte_range(data, &adims, dtype_size(ad))?;
            let this = self.ranges_overlap(range, dst_range)?;
            overlap = self.b.build_or(overlap, this, "overlap").map_err(e)?;
        }
        let direct_bb = self.ctx.append_basic_block(self.llfn, "set.direct");
        let temp_bb = self.ctx.append_basic_block(self.llfn, "set.temp");
        let done_bb = self.ctx.append_basic_block(self.llfn, "set.done");
        self.b.build_conditional_branch(overlap, temp_bb, direct_bb).map_err(e)?;

        self.b.position_at_end(direct_bb);
        let out_dims: Vec<IntValue<'ctx>> = kept.iter().map(|k| k.0).collect();
        let strides: Vec<IntValue<'ctx>> = kept.iter().map(|k| k.1).collect();
        self.check_broadcast_into(&arrays, &out_dims)?;
        let saved = self.opts.numpy_errors;
        self.opts.numpy_errors = true;
        let direct = self.general_loops(&tree, &leaves, &arrays, &out_dims, p, &dtype, Some(&strides));
        self.opts.numpy_errors = saved;
        direct?;
        self.b.build_unconditional_branch(done_bb).map_err(e)?;

        self.b.position_at_end(temp_bb);
        self.setitem_through_temporary(arr_v, index_v, item)?;
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        Ok(())
    }

    /// The expression made into a new array, then stored like any array value.
    fn setitem_through_temporary(&mut self, arr_v: Value, index_v: Value, item: Value) -> R<()> {
        let tmp = self.emit_elementwise(item)?;
        self.values_insert(item, tmp);
        let stored = self.array_setitem(arr_v, index_v, item);
        // The fused value has no value outside this path (its references die here).
        self.values_remove(item);
        stored?;
        self.decref(tmp, self.ty(item))
    }

    /// ValueError unless every array operand broadcasts to `dims` (each extent
    /// 1 or the selection's), as NumPy checks a store into a selection.
    fn check_broadcast_into(&mut self, arrays: &[(usize, StructValue<'ctx>, usize)], dims: &[IntValue<'ctx>]) -> R<()> {
        let n = dims.len();
        let one = self.ctx.i64_type().const_int(1, false);
        let mut bad = self.ctx.bool_type().const_zero();
        for (_, arr, ln) in arrays {
            for d in 0..*ln {
                let ext = self.shape_at(*arr, d as u32)?;
                let is1 = self.b.build_int_compare(IntPredicate::EQ, ext, one, "is1").map_err(e)?;
                let eq = self.b.build_int_compare(IntPredicate::EQ, ext, dims[n - ln + d], "eq").map_err(e)?;
                let ok = self.b.build_or(is1, eq, "ok").map_err(e)?;
                bad = self.b.build_or(bad, self.b.build_not(ok, "nok").map_err(e)?, "bad").map_err(e)?;
            }
        }
        self.raise_if(bad, BuiltinExc::ValueError, "could not broadcast input array into the selection's shape")
    }

    /// `a op= b` on an array: the result computed as an expression, then written
    /// into `a` (whose shape it must have); the value is `a` itself.
    pub(crate) fn emit_inplace(&mut self, v: Value, target: Value) -> R<BasicValueEnum<'ctx>> {
        let tmp = self.emit_elementwise(v)?;
        let dst_t = self.ty(target).clone();
        let Type::Array { dtype, ndim, .. } = &dst_t else { return Err("internal: inplace".into()) };
        let dst = self.val(target).into_struct_value();
        let src = tmp.into_struct_value();
        let i64t = self.ctx.i64_type();
        let mut bad = self.ctx.bool_type().const_zero();
        let mut dims = vec![];
        for d in 0..*ndim as u32 {
            let a = self.shape_at(dst, d)?;
            let b = self.shape_at(src, d)?;
            let ne = self.b.build_int_compare(IntPredicate::NE, a, b, "ne").map_err(e)?;
            bad = self.b.build_or(bad, ne, "bad").map_err(e)?;
            dims.push(a);
        }
        self.raise_if(bad, BuiltinExc::ValueError, "non-broadcastable output operand: the result's shape differs from the array's")?;
        let size = i64t.const_int(dtype_size(dtype), false);
        let dst_data = self.b.build_extract_value(dst, 4, "dd").map_err(e)?.into_pointer_value();
        let src_data = self.b.build_extract_value(src, 4, "sd").map_err(e)?.into_pointer_value();
        let dst_strides = self.b.build_extract_value(dst, 6, "ds").map_err(e)?.into_array_value();
        let n = *ndim as usize;
        let mut src_strides = vec![size; n];
        for k in (0..n.saturating_sub(1)).rev() {
            src_strides[k] = self.b.build_int_mul(src_strides[k + 1], dims[k + 1], "ss").map_err(e)?;
        }
        let mut idx = vec![];
        let dtype = (**dtype).clone();
        self.nest_indices(0, &dims, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
            let (mut doff, mut soff) = (i64t.const_zero(), i64t.const_zero());
            for (d, i) in idx.iter().enumerate() {
                let ds = em.b.build_extract_value(dst_strides, d as u32, "dst.st").map_err(e)?.into_int_value();
                doff = em.b.build_int_add(doff, em.b.build_int_mul(*i, ds, "dp").map_err(e)?, "doff").map_err(e)?;
                soff = em.b.build_int_add(soff, em.b.build_int_mul(*i, src_strides[d], "sp").map_err(e)?, "soff").map_err(e)?;
            }
            // SAFETY of the GEPs: both arrays have the shape `dims`.
            let sp = unsafe { em.b.build_gep(em.ctx.i8_type(), src_data, &[soff], "s") }.map_err(e)?;
            let dp = unsafe { em.b.build_gep(em.ctx.i8_type(), dst_data, &[doff], "d") }.map_err(e)?;
            let x = em.load_element(sp, &dtype)?;
            em.store_element(dp, x, &dtype)
        })?;
        let tmp_t = Type::Array { dtype: Box::new(dtype), ndim: *ndim, layout: Layout::C, readonly: false };
        self.decref(tmp, &tmp_t)?;
        Ok(dst.into())
    }

    /// Whether an array's strides are those of a C array of its shape (extents
    /// of 1 may have any stride, as NumPy allows).
    fn is_c_contiguous_at_run_time(&self, arr: StructValue<'ctx>, n: usize, itemsize: u64) -> R<IntValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let mut expected = i64t.const_int(itemsize, false);
        let mut ok = self.ctx.bool_type().const_int(1, false);
        let strides = self.b.build_extract_value(arr, 6, "strides").map_err(e)?.into_array_value();
        for d in (0..n).rev() {
            let st = self.b.build_extract_value(strides, d as u32, "st").map_err(e)?.into_int_value();
            let dim = self.shape_at(arr, d as u32)?;
            let eq = self.b.build_int_compare(IntPredicate::EQ, st, expected, "eq").map_err(e)?;
            let le1 = self.b.build_int_compare(IntPredicate::SLE, dim, i64t.const_int(1, false), "le1").map_err(e)?;
            let good = self.b.build_or(eq, le1, "good").map_err(e)?;
            ok = self.b.build_and(ok, good, "ok").map_err(e)?;
            expected = self.b.build_int_mul(expected, dim, "next").map_err(e)?;
        }
        Ok(ok)
    }

    /// Nested loops over the output's axes; leaves broadcast with zero strides.
    /// The output is C-contiguous unless `strides` gives its byte strides.
    #[allow(clippy::too_many_arguments)]
    fn general_loops(
        &mut self,
        tree: &Node,
        leaves: &[Leaf<'ctx>],
        arrays: &[(usize, StructValue<'ctx>, usize)],
        out_dims: &[IntValue<'ctx>],
        out_data: PointerValue<'ctx>,
        out_dtype: &Type,
        strides: Option<&[IntValue<'ctx>]>,
    ) -> R<()> {
        let n = out_dims.len();
        let i64t = self.ctx.i64_type();
        let eff = self.broadcast_strides(arrays, n)?;
        let out_strides = match strides {
            Some(s) => s.to_vec(),
            None => {
                let mut c = vec![i64t.const_int(dtype_size(out_dtype), false); n];
                for d in (0..n.saturating_sub(1)).rev() {
                    c[d] = self.b.build_int_mul(c[d + 1], out_dims[d + 1], "ost").map_err(e)?;
                }
                c
            }
        };
        let tree_t = self.node_type(tree, leaves);
        let element = |em: &mut Self, idx: &[IntValue<'ctx>], leaves: &[Leaf<'ctx>], arrays: &[(usize, StructValue<'ctx>, usize)], eff: &HashMap<usize, Vec<IntValue<'ctx>>>, out_strides: &[IntValue<'ctx>], out_data: PointerValue<'ctx>| -> R<()> {
            let ptrs = em.broadcast_leaf_ptrs(leaves.len(), arrays, eff, idx)?;
            let x = em.eval_node(tree, leaves, &ptrs)?;
            let x = em.cast(x, &tree_t, out_dtype)?;
            let mut off = i64t.const_zero();
            for (d, i) in idx.iter().enumerate() {
                let part = em.b.build_int_mul(*i, out_strides[d], "opart").map_err(e)?;
                off = em.b.build_int_add(off, part, "ooff").map_err(e)?;
            }
            // SAFETY of the GEP: within the output's shape.
            let p = unsafe { em.b.build_gep(em.ctx.i8_type(), out_data, &[off], "op") }.map_err(e)?;
            em.store_element(p, x, out_dtype)
        };
        if !self.opts.parallel || n == 0 {
            let mut idx: Vec<IntValue<'ctx>> = vec![];
            return self.nest_indices(0, out_dims, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
                element(em, idx, leaves, arrays, &eff, &out_strides, out_data)
            });
        }
        // Parallel: the outermost axis split over the pool. Everything the loop
        // body reads travels in the chunk context: leaves, output, extents, strides.
        let mut captured: Vec<BasicValueEnum<'ctx>> = leaves.iter().map(|l| l.value).collect();
        captured.push(out_data.into());
        captured.extend(out_dims.iter().chain(&out_strides).map(|x| BasicValueEnum::from(*x)));
        for (k, _, _) in arrays {
            captured.extend(eff[k].iter().map(|x| BasicValueEnum::from(*x)));
        }
        let mut inner = i64t.const_int(1, false);
        for d in &out_dims[1..] {
            inner = self.b.build_int_mul(inner, *d, "inner").map_err(e)?;
        }
        let grain = self.rows_per_chunk(inner)?;
        let nl = leaves.len();
        self.pooled_loop(out_dims[0], grain, &captured, None, &mut |em: &mut Self, i, caps, _| {
            let ints = |r: std::ops::Range<usize>| caps[r].iter().map(|x| x.into_int_value()).collect::<Vec<_>>();
            let local = relocated(leaves, &caps[..nl]);
            let local_arrays = Self::array_leaves(&local);
            let (dims, strides) = (ints(nl + 1..nl + 1 + n), ints(nl + 1 + n..nl + 1 + 2 * n));
            let mut local_eff = HashMap::new();
            let mut at = nl + 1 + 2 * n;
            for (k, _, _) in &local_arrays {
                local_eff.insert(*k, ints(at..at + n));
                at += n;
            }
            let out_data = caps[nl].into_pointer_value();
            let mut idx = vec![i];
            em.nest_indices(1, &dims, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
                element(em, idx, &local, &local_arrays, &local_eff, &strides, out_data)
            })
        })?;
        Ok(())
    }

    /// Rows of `inner` elements per chunk: at least one, and about the elementwise grain.
    fn rows_per_chunk(&self, inner: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let i64t = self.ctx.i64_type();
        let one = i64t.const_int(1, false);
        let safe = self.b.build_select(self.b.build_int_compare(IntPredicate::SLT, inner, one, "lt1").map_err(e)?, one, inner, "inner").map_err(e)?.into_int_value();
        let rows = self.b.build_int_signed_div(i64t.const_int(crate::parallel::ELEMENTWISE_GRAIN, false), safe, "rows").map_err(e)?;
        Ok(self.b.build_select(self.b.build_int_compare(IntPredicate::SLT, rows, one, "lt1").map_err(e)?, one, rows, "grain").map_err(e)?.into_int_value())
    }

    /// `for i in 0..n { body(i) }` in LLVM blocks; continues after the loop.
    pub(crate) fn counted_loop(&mut self, n: IntValue<'ctx>, body: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> R<()>) -> R<()> {
        let i64t = self.ctx.i64_type();
        let pre = self.b.get_insert_block().unwrap();
        let head = self.ctx.append_basic_block(self.llfn, "loop");
        let exit = self.ctx.append_basic_block(self.llfn, "loop.end");
        let nonempty = self.b.build_int_compare(IntPredicate::SGT, n, i64t.const_zero(), "nonempty").map_err(e)?;
        self.b.build_conditional_branch(nonempty, head, exit).map_err(e)?;
        self.b.position_at_end(head);
        let phi = self.b.build_phi(i64t, "i").map_err(e)?;
        let i = phi.as_basic_value().into_int_value();
        body(self, i)?;
        let next = self.b.build_int_nsw_add(i, i64t.const_int(1, false), "i.next").map_err(e)?;
        let latch = self.b.get_insert_block().unwrap();
        let more = self.b.build_int_compare(IntPredicate::SLT, next, n, "more").map_err(e)?;
        self.b.build_conditional_branch(more, head, exit).map_err(e)?;
        phi.add_incoming(&[(&i64t.const_zero(), pre), (&next, latch)]);
        self.b.position_at_end(exit);
        Ok(())
    }

    pub(crate) fn store_element(&self, p: PointerValue<'ctx>, x: BasicValueEnum<'ctx>, dtype: &Type) -> R<()> {
        let x = if *dtype == Type::Bool { self.b.build_int_z_extend(x.into_int_value(), self.ctx.i8_type(), "byte").map_err(e)?.into() } else { x };
        self.b.build_store(p, x).map_err(e)?;
        Ok(())
    }

    /// The scalar type a node yields per element.
    fn node_type(&self, node: &Node, leaves: &[Leaf<'ctx>]) -> Type {
        let t = match node {
            Node::Leaf(k) => &leaves[*k].t,
            Node::Op(v, _) => self.ty(*v),
        };
        match t {
            Type::Array { dtype, .. } => (**dtype).clone(),
            other => other.clone(),
        }
    }

    fn eval_node(&mut self, node: &Node, leaves: &[Leaf<'ctx>], ptrs: &[Option<PointerValue<'ctx>>]) -> R<BasicValueEnum<'ctx>> {
        let (v, kids) = match node {
            Node::Leaf(k) => {
                return match (&leaves[*k].t, ptrs[*k]) {
                    (Type::Array { dtype, .. }, Some(p)) => self.load_element(p, dtype),
                    _ => Ok(leaves[*k].value),
                }
            }
            Node::Op(v, kids) => (*v, kids),
        };
        let vals = kids.iter().map(|k| self.eval_node(k, leaves, ptrs)).collect::<R<Vec<_>>>()?;
        let kid_ts: Vec<Type> = kids.iter().map(|k| self.node_type(k, leaves)).collect();
        let ir_ts: Vec<Type> = operands(self.func, v).iter().map(|o| self.ty(*o).clone()).collect();
        let res_t = self.node_type(node, leaves);
        match self.func.inst(v) {
            Some(Inst::Binary { op, .. } | Inst::Inplace { op, .. }) => {
                let (operand, _) = array_binary(*op, &ir_ts[0], &ir_ts[1]).ok_or("internal: binary")??;
                let a = self.cast(vals[0], &kid_ts[0], &operand)?;
                let b = self.cast(vals[1], &kid_ts[1], &operand)?;
                let op = match (op, &operand) {
                    (BinOp::Add, Type::Bool) => BinOp::BitOr,
                    (BinOp::Mult, Type::Bool) => BinOp::BitAnd,
                    (op, _) => *op,
                };
                let r = self.arith(op, a, b, &operand)?;
                self.cast(r, &operand, &res_t)
            }
            Some(Inst::Compare { op, .. }) => {
                let (operand, _) = array_compare(*op, &ir_ts[0], &ir_ts[1]).ok_or("internal: compare")??;
                let a = self.cast(vals[0], &kid_ts[0], &operand)?;
                let b = self.cast(vals[1], &kid_ts[1], &operand)?;
                Ok(self.compare_values(*op, a, b, &operand)?.into())
            }
            Some(Inst::Unary { op, .. }) => self.unary_value(*op, vals[0], &res_t),
            Some(Inst::Call { .. }) => {
                let target = self.typed.calls[&v].clone();
                let CallKind::Builtin(name) = &target.kind else { return Err("internal: ufunc".into()) };
                let args = vals
                    .iter()
                    .zip(&kid_ts)
                    .zip(&target.arg_types)
                    .map(|((x, t), to)| self.cast(*x, t, to))
                    .collect::<R<Vec<_>>>()?;
                let operand = target.arg_types.last().cloned().unwrap_or(res_t.clone());
                self.ufunc_scalar(&name[6..], &args, &operand, &res_t)
            }
            _ => Err("internal: not elementwise".into()),
        }
    }

    fn unary_value(&mut self, op: UnaryOp, x: BasicValueEnum<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        Ok(match (op, t) {
            (UnaryOp::Pos, _) => x,
            (UnaryOp::Neg, Type::Int { .. }) => self.b.build_int_neg(x.into_int_value(), "neg").map_err(e)?.into(),
            (UnaryOp::Neg, Type::Float { .. }) => self.b.build_float_neg(x.into_float_value(), "neg").map_err(e)?.into(),
            (UnaryOp::Neg, Type::Complex { .. }) => {
                let (re, im) = self.complex_parts(x)?;
                let re = self.b.build_float_neg(re, "re").map_err(e)?;
                let im = self.b.build_float_neg(im, "im").map_err(e)?;
                self.make_complex(t, re, im)?
            }
            (UnaryOp::Neg | UnaryOp::Invert, Type::Bool) => self.b.build_not(x.into_int_value(), "not").map_err(e)?.into(),
            (UnaryOp::Invert, _) => self.b.build_not(x.into_int_value(), "inv").map_err(e)?.into(),
            _ => return Err(format!("internal: unary {} on {t}", op.symbol())),
        })
    }

    /// One element of a ufunc, NumPy's semantics, operands already of type `t`.
    pub(crate) fn ufunc_scalar(&mut self, name: &str, args: &[BasicValueEnum<'ctx>], t: &Type, ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let saved = self.opts.numpy_errors;
        self.opts.numpy_errors = true;
        let r = self.ufunc_scalar_inner(name, args, t, ret);
        self.opts.numpy_errors = saved;
        r
    }

    fn ufunc_scalar_inner(&mut self, name: &str, args: &[BasicValueEnum<'ctx>], t: &Type, ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let arith = |n: &str| match n {
            "add" => Some(BinOp::Add),
            "subtract" => Some(BinOp::Sub),
            "multiply" => Some(BinOp::Mult),
            "divide" | "true_divide" => Some(BinOp::Div),
            "floor_divide" => Some(BinOp::FloorDiv),
            "remainder" | "mod" => Some(BinOp::Mod),
            "power" => Some(BinOp::Pow),
            _ => None,
        };
        if let Some(op) = arith(name) {
            let r = self.arith(op, args[0], args[1], t)?;
            return self.cast(r, t, ret);
        }
        let math_name = match name {
            "arcsin" => "asin",
            "arccos" => "acos",
            "arctan" => "atan",
            "arcsinh" => "asinh",
            "arccosh" => "acosh",
            "arctanh" => "atanh",
            "arctan2" => "atan2",
            "deg2rad" => "radians",
            "rad2deg" => "degrees",
            other => other,
        };
        if t.is_complex() && rumbo_types::complex_ufunc(name) {
            let (re, im) = self.complex_parts(args[0])?;
            let r = self.complex_runtime(&format!("rumbo_c{math_name}"), t, &[re, im])?;
            return self.cast(r, t, ret);
        }
        match name {
            "negative" => return self.unary_value(UnaryOp::Neg, args[0], t),
            "positive" => return Ok(args[0]),
            "conjugate" if t.is_complex() => {
                let (re, im) = self.complex_parts(args[0])?;
                let neg = self.b.build_float_neg(im, "conj").map_err(e)?;
                return self.make_complex(t, re, neg);
            }
            "conjugate" => return Ok(args[0]),
            "square" => return self.arith(BinOp::Mult, args[0], args[0], t),
            "absolute" | "abs" | "fabs" => {
                if matches!(t, Type::Bool) {
                    return Ok(args[0]);
                }
                return self.builtin_call("abs", args, std::slice::from_ref(t), ret);
            }
            "sign" => {
                return match t {
                    Type::Float { .. } => {
                        let x = args[0].into_float_value();
                        let z = x.get_type().const_zero();
                        let pos = self.b.build_float_compare(FloatPredicate::OGT, x, z, "pos").map_err(e)?;
                        let neg = self.b.build_float_compare(FloatPredicate::OLT, x, z, "neg").map_err(e)?;
                        let one = x.get_type().const_float(1.0);
                        let m1 = x.get_type().const_float(-1.0);
                        // Zeros of either sign give +0.0; NaN stays NaN.
                        let nan = self.b.build_float_compare(FloatPredicate::UNO, x, x, "nan").map_err(e)?;
                        let zero_or_nan = self.b.build_select(nan, x, z, "z").map_err(e)?;
                        let r = self.b.build_select(neg, m1.into(), zero_or_nan, "s").map_err(e)?;
                        Ok(self.b.build_select(pos, one.into(), r, "sign").map_err(e)?)
                    }
                    Type::Int { signed: false, .. } => {
                        let x = args[0].into_int_value();
                        let nz = self.b.build_int_compare(IntPredicate::NE, x, x.get_type().const_zero(), "nz").map_err(e)?;
                        Ok(self.b.build_int_z_extend(nz, x.get_type(), "sign").map_err(e)?.into())
                    }
                    Type::Int { .. } => {
                        let x = args[0].into_int_value();
                        let z = x.get_type().const_zero();
                        let pos = self.b.build_int_compare(IntPredicate::SGT, x, z, "pos").map_err(e)?;
                        let neg = self.b.build_int_compare(IntPredicate::SLT, x, z, "neg").map_err(e)?;
                        let p = self.b.build_int_z_extend(pos, x.get_type(), "p").map_err(e)?;
                        let n = self.b.build_int_z_extend(neg, x.get_type(), "n").map_err(e)?;
                        Ok(self.b.build_int_sub(p, n, "sign").map_err(e)?.into())
                    }
                    _ => Ok(args[0]),
                };
            }
            "maximum" | "minimum" | "fmax" | "fmin" => {
                let op = if name.ends_with("max") || name == "maximum" { CmpOp::Gt } else { CmpOp::Lt };
                if t.is_float() && name.starts_with('f') {
                    let intr = if op == CmpOp::Gt { "llvm.maxnum" } else { "llvm.minnum" };
                    return self.call_intrinsic(intr, args);
                }
                if t.is_float() {
                    let intr = if op == CmpOp::Gt { "llvm.maximum" } else { "llvm.minimum" };
                    return self.call_intrinsic(intr, args);
                }
                let better = self.compare_values(op, args[0], args[1], t)?;
                return Ok(self.b.build_select(better, args[0], args[1], name).map_err(e)?);
            }
            "floor" | "ceil" | "trunc" if t.is_int_like() => return Ok(args[0]),
            "floor" | "ceil" | "trunc" | "rint" => {
                let intr = match name {
                    "floor" => "llvm.floor",
                    "ceil" => "llvm.ceil",
                    "trunc" => "llvm.trunc",
                    _ => "llvm.roundeven",
                };
                return self.call_intrinsic(intr, args);
            }
            "isnan" | "isinf" | "isfinite" => {
                return self.math_call(name, args, &[t.clone()], ret);
            }
            "where" => return Ok(self.b.build_select(args[0].into_int_value(), args[1], args[2], "where").map_err(e)?),
            "clip" => {
                // NumPy: minimum(maximum(a, lo), hi), NaN-propagating for floats.
                let lo = self.ufunc_scalar_inner("maximum", &args[..2], t, ret)?;
                return self.ufunc_scalar_inner("minimum", &[lo, args[2]], t, ret);
            }
            "logaddexp" => {
                // log(exp(a) + exp(b)) computed stably: max + log1p(exp(-|a-b|)).
                let (a, b) = (args[0].into_float_value(), args[1].into_float_value());
                let m = self.call_intrinsic("llvm.maxnum", &[a.into(), b.into()])?.into_float_value();
                let d = self.b.build_float_sub(a, b, "d").map_err(e)?;
                let ad = self.call_intrinsic("llvm.fabs", &[d.into()])?.into_float_value();
                let nd = self.b.build_float_neg(ad, "nd").map_err(e)?;
                let ex = self.checked_float_fn("exp", t, &[nd.into()])?;
                let l = self.checked_float_fn("log1p", t, &[ex])?.into_float_value();
                return Ok(self.b.build_float_add(m, l, "lae").map_err(e)?.into());
            }
            _ => {}
        }
        let ats = vec![t.clone(); args.len()];
        self.math_call(math_name, args, &ats, ret)
    }
}
