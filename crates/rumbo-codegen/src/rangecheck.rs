//! Bounds checks moved out of `for i in range(a, b)` loops.
//!
//! In `for i in range(n): out[i] = x[i] * y[i + 1]` every index is checked
//! (rumbo's default, unlike Numba's), and each check is an exit from the loop
//! that LLVM cannot vectorize across. When an access runs in every iteration
//! (its block dominates every way an iteration can end) and indexes an array
//! that exists before the loop with `i` plus loop-invariant terms, the loop's
//! stop is lowered, before it starts, to the first iteration whose index would
//! be out of bounds; inside, those indices only wrap (negative ones), never
//! branch. When the lowered loop ends short of the real stop, IndexError is
//! raised there — at the start of the iteration that would have failed, so
//! that iteration's statements before the access do not run (the one
//! difference from checking at the access).
//!
//! Accesses that do not run in every iteration (behind an `if`, a `continue`, or
//! in an inner loop that may run zero times) cannot stop the loop early: CPython
//! might never make them. For each of those the loop computes, before it
//! starts, a flag saying that the index stays inside `[0, len)` in all its
//! iterations; the access is unchecked when the flag holds and checked as usual
//! otherwise. Often the flag is known at compile time — `for ii in range(max(i
//! - r, 0), min(i + r + 1, a.shape[0]))` indexing `a[ii]` — and the check is gone;
//! otherwise it is one branch on a loop-invariant value instead of a compare.

use std::collections::{HashMap, HashSet};

use inkwell::basic_block::BasicBlock;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue, StructValue};
use inkwell::IntPredicate;
use rumbo_ir::{Block, Function, Inst, Terminator, Value, ValueKind};
use rumbo_syntax::BinOp;
use rumbo_types::{BuiltinExc, CallKind, IndexKind, Type, TypedFunction};

use crate::func::{e, Emitter, R};

/// One access that bounds a loop: `array` indexed on `axis` by `step` times the
/// loop variable (1, -1, or 0: an index that does not change in the loop) plus the
/// sum of `offset` (values defined before the loop, with signs).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bound {
    pub(crate) array: Value,
    pub(crate) axis: u32,
    pub(crate) step: i8,
    pub(crate) offset: Vec<(Value, bool)>,
}

/// What the emitter needs: per range iterator (the `GetIter` value) the accesses
/// that bound its loop, per loop header the iterator, and the (array, index, axis)
/// triples the lowered stop keeps in bounds.
#[derive(Default)]
pub(crate) struct LoopBounds {
    pub(crate) bounds: HashMap<Value, Vec<Bound>>,
    pub(crate) headers: HashMap<Block, Value>,
    pub(crate) proven: HashSet<(Value, Value, u32)>,
    /// (array, index, axis) always inside `[0, len)`: `x % a.shape[k]` on axis k of `a`.
    pub(crate) exact: HashSet<(Value, Value, u32)>,
    /// (array, loop variable, axis, block in its loop) inside `[0, len)` by the range
    /// itself: `range(a.shape[k])`, `range(max(x, 0), min(y, a.shape[k]))`.
    pub(crate) static_at: HashSet<(Value, Value, u32, Block)>,
    /// Per planned loop (by `getiter`): the accesses that may not run every iteration.
    pub(crate) conditional: HashMap<Value, Vec<Bound>>,
    /// (array, index, axis, block of the access) → the loop and position in its
    /// `conditional` list of the bound whose flag keeps it in `[0, len)`.
    pub(crate) flagged: HashMap<(Value, Value, u32, Block), (Value, usize)>,
}


fn is_unit_range(typed: &TypedFunction, range: Value) -> bool {
    matches!(typed.calls.get(&range), Some(c) if c.kind == CallKind::Builtin("range".into()) && c.arg_types.len() <= 2)
}

/// Finds the loops whose checks can move, and the accesses they cover.
pub(crate) fn plan(func: &Function, typed: &TypedFunction, enabled: bool) -> LoopBounds {
    let mut out = LoopBounds::default();
    let mut loops: Vec<(Value, HashSet<Block>, HashSet<Block>)> = vec![];
    if !enabled {
        return out;
    }
    let rpo: Vec<Block> = func.reverse_postorder().into_iter().filter(|b| typed.reachable.contains(b)).collect();
    let idom = rumbo_ir::dominators(func, &rpo);
    let dominates = |a: Block, mut b: Block| loop {
        if a == b {
            return true;
        }
        match idom.get(&b) {
            Some(&p) if p != b => b = p,
            _ => return false,
        }
    };
    let preds = func.predecessors();
    // Where each instruction value sits: (block, position).
    let mut place: HashMap<Value, (Block, usize)> = HashMap::new();
    for &b in &rpo {
        for (i, &v) in func.block(b).insts.iter().enumerate() {
            place.insert(v, (b, i));
        }
    }
    let mut uses: HashMap<Value, usize> = HashMap::new();
    for &b in &rpo {
        let insts = func.block(b).insts.iter().filter_map(|&v| func.inst(v)).flat_map(|i| i.operands());
        for o in insts.chain(func.block(b).term.operands()) {
            *uses.entry(o).or_default() += 1;
        }
    }
    for &b in &rpo {
        for &v in &func.block(b).insts {
            let (Some(Inst::GetItem { value, index }) | Some(Inst::SetItem { value, index, .. })) = func.inst(v) else { continue };
            if typed.calls.contains_key(&v) || !matches!(typed.types[value.index()], Some(Type::Array { .. })) {
                continue;
            }
            let parts: Vec<Value> = match (func.inst(*index), &typed.types[index.index()]) {
                (Some(Inst::Tuple(items)), Some(Type::Tuple(_))) => items.clone(),
                _ => vec![*index],
            };
            for (axis, &x) in parts.iter().enumerate() {
                if mod_of_shape(func, typed, x, *value, axis as u32) {
                    out.exact.insert((*value, x, axis as u32));
                }
            }
        }
    }
    for &h in &rpo {
        let Some((next, it)) = func.block(h).insts.iter().find_map(|&v| match func.inst(v) {
            Some(Inst::IterNext(it)) => Some((v, *it)),
            _ => None,
        }) else {
            continue;
        };
        let Some(Inst::GetIter(range)) = func.inst(it) else { continue };
        if !is_unit_range(typed, *range) || uses.get(&it).copied().unwrap_or(0) != 1 {
            continue;
        }
        let Some(&(pre, _)) = place.get(&it) else { continue };
        // The loop: the header and every block that reaches a back edge without passing it.
        let latches: Vec<Block> = preds[h.index()].iter().copied().filter(|&p| typed.reachable.contains(&p) && dominates(h, p)).collect();
        let outside: Vec<Block> = preds[h.index()].iter().copied().filter(|p| typed.reachable.contains(p) && !latches.contains(p)).collect();
        if latches.is_empty() || outside != [pre] {
            continue;
        }
        let mut body: HashSet<Block> = HashSet::from([h]);
        let mut stack = latches.clone();
        while let Some(b) = stack.pop() {
            if body.insert(b) {
                stack.extend(preds[b.index()].iter().copied().filter(|p| typed.reachable.contains(p)));
            }
        }
        // Blocks where an iteration can end other than by going on: back edges, exits, raises.
        let enders: Vec<Block> = body
            .iter()
            .copied()
            .filter(|&b| b != h)
            .filter(|&b| {
                let term = &func.block(b).term;
                matches!(term, Terminator::Return(_) | Terminator::Raise { .. } | Terminator::Unreachable)
                    || term.successors().iter().any(|s| s.block == h || !body.contains(&s.block))
            })
            .collect();
        let Some(iv) = func.block_ids().flat_map(|b| func.block(b).insts.clone()).find(|&v| matches!(func.inst(v), Some(Inst::TupleGet { value, index: 0 }) if *value == next)) else {
            continue;
        };
        // Defined before the loop starts: an argument, or an instruction before the `getiter`.
        let before_loop = |v: Value| match &func.value(v).kind {
            ValueKind::Param { block, .. } => *block != h && !body.contains(block) && dominates(*block, pre),
            ValueKind::Inst(_) => match place.get(&v) {
                Some(&(b, i)) if b == pre => i < place[&it].1,
                Some(&(b, _)) => b != pre && !body.contains(&b) && dominates(b, pre),
                None => false,
            },
        };
        let mut found = vec![];
        let mut conditional = vec![];
        let mut every: HashSet<Block> = HashSet::new();
        for &b in &body {
            // The header also runs for the test that ends the loop: no index there counts.
            if b == h {
                continue;
            }
            let every_iteration = enders.iter().all(|&x| dominates(b, x));
            if every_iteration {
                every.insert(b);
            }
            for &v in &func.block(b).insts {
                let (array, index) = match func.inst(v) {
                    Some(Inst::GetItem { value, index }) | Some(Inst::SetItem { value, index, .. }) => (*value, *index),
                    _ => continue,
                };
                if typed.calls.contains_key(&v) || !matches!(typed.types[array.index()], Some(Type::Array { .. })) || !before_loop(array) {
                    continue;
                }
                let parts: Vec<(u32, Value)> = match (func.inst(index), &typed.types[index.index()]) {
                    (Some(Inst::Tuple(items)), Some(Type::Tuple(ts))) if ts.iter().all(|t| matches!(t, Type::Int { .. })) => {
                        items.iter().enumerate().map(|(k, x)| (k as u32, *x)).collect()
                    }
                    (_, Some(Type::Int { .. })) => vec![(0, index)],
                    _ => continue,
                };
                for (axis, x) in parts {
                    let Some((step, offset)) = affine(func, typed, x, iv, &before_loop) else { continue };
                    // An index that does not change in this loop is left to its own check, which
                    // LLVM hoists (lowering the stop for it costs a test at every loop entry).
                    if step == 0 {
                        continue;
                    }
                    if step == 1 && offset.is_empty() && range_within(func, typed, *range, array, axis) {
                        out.static_at.insert((array, x, axis, b));
                        continue;
                    }
                    let bound = Bound { array, axis, step, offset };
                    if every_iteration {
                        out.proven.insert((array, x, axis));
                        if !found.contains(&bound) {
                            found.push(bound);
                        }
                    } else {
                        let k = conditional.iter().position(|c| *c == bound).unwrap_or_else(|| {
                            conditional.push(bound);
                            conditional.len() - 1
                        });
                        out.flagged.insert((array, x, axis, b), (it, k));
                    }
                }
            }
        }
        if !found.is_empty() {
            out.bounds.insert(it, found);
            out.headers.insert(h, it);
        }
        out.conditional.insert(it, conditional);
        loops.push((it, body, every));
    }
    // An access that runs in every iteration of an inner loop keeps its own check
    // there: the index does not change in that loop and LLVM moves the check out of
    // it, while a flag's two paths get the inner loop versioned over and over.
    out.flagged.retain(|&(_, _, _, b), (it, _)| {
        let inner = loops.iter().filter(|l| l.1.contains(&b)).min_by_key(|l| l.1.len());
        !matches!(inner, Some(l) if l.0 != *it && l.2.contains(&b))
    });
    out
}

/// `x` as `step * iv + terms` (terms: values defined before the loop and integer
/// constants, with signs; step 1, -1 or 0), when it is that: sums and differences
/// of the loop variable and such terms, all int64.
fn affine(func: &Function, typed: &TypedFunction, x: Value, iv: Value, before_loop: &dyn Fn(Value) -> bool) -> Option<(i8, Vec<(Value, bool)>)> {
    if x == iv {
        return Some((1, vec![]));
    }
    if typed.types[x.index()] != Some(rumbo_types::I64) {
        return None;
    }
    if before_loop(x) || matches!(func.inst(x), Some(Inst::Const(rumbo_syntax::Constant::Int(_)))) {
        return Some((0, vec![(x, true)]));
    }
    let (op, lhs, rhs) = match func.inst(x) {
        Some(Inst::Binary { op: op @ (BinOp::Add | BinOp::Sub), lhs, rhs }) => (*op, *lhs, *rhs),
        _ => return None,
    };
    let (sa, mut ta) = affine(func, typed, lhs, iv, before_loop)?;
    let (sb, tb) = affine(func, typed, rhs, iv, before_loop)?;
    let plus = op == BinOp::Add;
    let step = if plus { sa + sb } else { sa - sb };
    if step.abs() > 1 {
        return None;
    }
    ta.extend(tb.into_iter().map(|(v, p)| (v, p == plus)));
    Some((step, ta))
}

/// Whether `range(...)` (a unit-step range call) stays within `[0, array.shape[axis])`:
/// its start is a non-negative constant or a `max` with one, its stop is that shape
/// or a `min` with it.
fn range_within(func: &Function, typed: &TypedFunction, range: Value, array: Value, axis: u32) -> bool {
    let Some(Inst::Call { args, kwargs, .. }) = func.inst(range) else { return false };
    if !kwargs.is_empty() || args.is_empty() || args.len() > 2 {
        return false;
    }
    let builtin = |v: Value, name: &str| matches!(typed.calls.get(&v), Some(c) if c.kind == CallKind::Builtin(name.into()));
    fn either(func: &Function, v: Value, pick: &dyn Fn(Value) -> bool, test: &dyn Fn(Value) -> bool) -> bool {
        test(v) || (pick(v) && matches!(func.inst(v), Some(Inst::Call { args, kwargs, .. }) if kwargs.is_empty() && args.iter().any(|&a| test(a))))
    }
    let nonneg_const = |v: Value| matches!(func.inst(v), Some(Inst::Const(rumbo_syntax::Constant::Int(k))) if *k >= 0);
    let start_ok = args.len() == 1 || either(func, args[0], &|v| builtin(v, "max"), &nonneg_const);
    let stop = *args.last().unwrap();
    start_ok && either(func, stop, &|v| builtin(v, "min"), &|v| shape_of(func, v) == Some((array, axis)))
}

/// `(array, k)` when `v` is `array.shape[k]` (also through `n, m = array.shape`).
fn shape_of(func: &Function, v: Value) -> Option<(Value, u32)> {
    let shape = |t: Value| match func.inst(t) {
        Some(Inst::GetAttr { value, attr }) if attr == "shape" => Some(*value),
        Some(Inst::Unpack { value, .. }) => match func.inst(*value) {
            Some(Inst::GetAttr { value, attr }) if attr == "shape" => Some(*value),
            _ => None,
        },
        _ => None,
    };
    let (tuple, k) = match func.inst(v) {
        Some(Inst::TupleGet { value, index }) => (*value, *index as i128),
        Some(Inst::GetItem { value, index }) => match func.inst(*index) {
            Some(Inst::Const(rumbo_syntax::Constant::Int(k))) => (*value, *k),
            _ => return None,
        },
        _ => return None,
    };
    Some((shape(tuple)?, u32::try_from(k).ok()?))
}

/// Whether `x` is `_ % n` where `n` is `array.shape[axis]`: Python's `%` by a
/// non-negative divisor is in `[0, n)` (and raised already when `n` is 0).
fn mod_of_shape(func: &Function, typed: &TypedFunction, x: Value, array: Value, axis: u32) -> bool {
    let Some(Inst::Binary { op: BinOp::Mod, rhs, .. }) = func.inst(x) else { return false };
    if typed.types[x.index()] != Some(rumbo_types::I64) || typed.types[rhs.index()] != Some(rumbo_types::I64) || typed.calls.contains_key(&x) {
        return false;
    }
    shape_of(func, *rhs) == Some((array, axis))
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// At the `getiter` of a planned loop: lowers the iterator's stop so that every
    /// index that runs in each iteration stays in bounds (remembering the real
    /// stop), then computes the loop's flag for the others.
    pub(crate) fn bound_range(&mut self, it: Value, slot: PointerValue<'ctx>) -> R<()> {
        let Some(conditional) = self.loop_bounds.conditional.get(&it).cloned() else { return Ok(()) };
        let bounds = self.loop_bounds.bounds.get(&it).cloned().unwrap_or_default();
        let i64t = self.ctx.i64_type();
        let st = self.ctx.struct_type(&[i64t.into(); 3], false);
        let start_p = self.b.build_struct_gep(st, slot, 0, "start.p").map_err(e)?;
        let stop_p = self.b.build_struct_gep(st, slot, 1, "stop.p").map_err(e)?;
        let start = self.b.build_load(i64t, start_p, "start").map_err(e)?.into_int_value();
        let stop = self.b.build_load(i64t, stop_p, "stop").map_err(e)?.into_int_value();
        let mut bounded = stop;
        for bd in &bounds {
            let (len, c) = self.bound_terms(bd)?;
            let limit = if bd.step < 0 {
                // c - i >= -len for i < c + len + 1; c - i < len for every i >= start when c - start < len.
                let one = i64t.const_int(1, false);
                let limit = self.b.build_int_add(self.b.build_int_add(c, len, "limit").map_err(e)?, one, "limit").map_err(e)?;
                let first = self.b.build_int_sub(c, start, "first").map_err(e)?;
                let high_ok = self.b.build_int_compare(IntPredicate::SLT, first, len, "highok").map_err(e)?;
                self.b.build_select(high_ok, limit, start, "limit").map_err(e)?.into_int_value()
            } else {
                // i + c < len for i < len - c; i + c >= -len for every i >= start when start + c >= -len.
                let limit = self.b.build_int_sub(len, c, "limit").map_err(e)?;
                let first = self.b.build_int_add(start, c, "first").map_err(e)?;
                let neg_len = self.b.build_int_neg(len, "neglen").map_err(e)?;
                let low_ok = self.b.build_int_compare(IntPredicate::SGE, first, neg_len, "lowok").map_err(e)?;
                self.b.build_select(low_ok, limit, start, "limit").map_err(e)?.into_int_value()
            };
            bounded = self.call_intrinsic("llvm.smin", &[bounded.into(), limit.into()])?.into_int_value();
        }
        if !bounds.is_empty() {
            self.b.build_store(stop_p, bounded).map_err(e)?;
            self.range_stops.insert(it, stop);
        }
        // Each flag: no iteration to run, or the index in [0, len) from the first to the last.
        if !conditional.is_empty() {
            let empty = self.b.build_int_compare(IntPredicate::SLE, bounded, start, "empty").map_err(e)?;
            for (k, bd) in conditional.iter().enumerate() {
                let (len, c) = self.bound_terms(bd)?;
                // The smallest index and one past the largest, exactly (in 128 bits, so that
                // nothing wraps and LLVM folds what it knows): [lo, hi) within [0, len).
                let wide = self.ctx.i128_type();
                let w = |em: &Self, v: IntValue<'ctx>| em.b.build_int_s_extend(v, wide, "w").map_err(e);
                let (c, start_w, bounded_w, len) = (w(self, c)?, w(self, start)?, w(self, bounded)?, w(self, len)?);
                let one = wide.const_int(1, false);
                let (lo, hi) = if bd.step < 0 {
                    let lo = self.b.build_int_add(self.b.build_int_sub(c, bounded_w, "lo").map_err(e)?, one, "lo").map_err(e)?;
                    (lo, self.b.build_int_add(self.b.build_int_sub(c, start_w, "hi").map_err(e)?, one, "hi").map_err(e)?)
                } else {
                    (self.b.build_int_add(start_w, c, "lo").map_err(e)?, self.b.build_int_add(bounded_w, c, "hi").map_err(e)?)
                };
                let low = self.b.build_int_compare(IntPredicate::SGE, lo, wide.const_zero(), "low").map_err(e)?;
                let high = self.b.build_int_compare(IntPredicate::SLE, hi, len, "high").map_err(e)?;
                let ok = self.b.build_and(low, high, "ok").map_err(e)?;
                let flag = self.b.build_or(empty, ok, "inbounds").map_err(e)?;
                self.bound_flags.insert((it, k), flag);
            }
        }
        Ok(())
    }

    /// An access's axis length and the sum of its offsets.
    fn bound_terms(&mut self, bd: &Bound) -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
        let i64t = self.ctx.i64_type();
        let arr = self.val(bd.array).into_struct_value();
        let len = self.shape_at(arr, bd.axis)?;
        let mut c = i64t.const_zero();
        for &(v, plus) in &bd.offset {
            // Constants may sit inside the loop, not yet emitted here.
            let x = match self.const_int_of(v) {
                Some(k) => i64t.const_int(k as i64 as u64, true),
                None => self.val(v).into_int_value(),
            };
            c = if plus { self.b.build_int_add(c, x, "c") } else { self.b.build_int_sub(c, x, "c") }.map_err(e)?;
        }
        Ok((len, c))
    }

    /// An index that is in `[0, len)` when `flag` holds (its loop checked them all
    /// before starting); checked as usual otherwise.
    pub(crate) fn index_under_flag(&mut self, i: IntValue<'ctx>, len: IntValue<'ctx>, flag: IntValue<'ctx>, never_negative: bool) -> R<IntValue<'ctx>> {
        let from = self.b.get_insert_block().unwrap();
        let check_bb = self.ctx.append_basic_block(self.llfn, "index.check");
        let done_bb = self.ctx.append_basic_block(self.llfn, "index.in");
        let likely = self.expect(flag, true)?;
        self.b.build_conditional_branch(likely, done_bb, check_bb).map_err(e)?;
        self.b.position_at_end(check_bb);
        let checked = self.normalize_index(i, len, never_negative, false)?;
        let check_end = self.b.get_insert_block().unwrap();
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        let phi = self.b.build_phi(i.get_type(), "idx").map_err(e)?;
        phi.add_incoming(&[(&i, from), (&checked, check_end)]);
        Ok(phi.as_basic_value().into_int_value())
    }

    /// The offset of `arr[i, j, ...]` (plain indices only) when some of its indices are
    /// covered by loop flags: one branch on their conjunction between the offset without
    /// their checks and the fully checked one. None when no index has a flag.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn flagged_offset(
        &mut self,
        arr_v: Value,
        index_v: Value,
        arr: StructValue<'ctx>,
        at: &Type,
        kinds: &[IndexKind],
        parts: &[(BasicValueEnum<'ctx>, Type)],
        const_index: bool,
    ) -> R<Option<IntValue<'ctx>>> {
        if !self.opts.boundscheck || kinds.iter().any(|k| *k != IndexKind::Int) {
            return Ok(None);
        }
        let part_values: Vec<Value> = match self.func.inst(index_v) {
            Some(Inst::Tuple(items)) if matches!(self.ty(index_v), Type::Tuple(_)) => items.clone(),
            _ => vec![index_v],
        };
        let mut flags: Vec<Option<IntValue<'ctx>>> = vec![];
        for (k, &x) in part_values.iter().enumerate() {
            let axis = k as u32;
            if self.index_proven(arr_v, x, axis) {
                flags.push(None);
                continue;
            }
            flags.push(self.index_flag(arr_v, x, axis));
        }
        let Some(mut all) = flags.iter().flatten().copied().next() else { return Ok(None) };
        for f in flags.iter().flatten() {
            all = self.b.build_and(all, *f, "flags").map_err(e)?;
        }
        let (fast_bb, slow_bb, done_bb) =
            (self.ctx.append_basic_block(self.llfn, "index.flagged"), self.ctx.append_basic_block(self.llfn, "index.checked"), self.ctx.append_basic_block(self.llfn, "index.done"));
        let likely = self.expect(all, true)?;
        self.b.build_conditional_branch(likely, fast_bb, slow_bb).map_err(e)?;
        let mut incoming = vec![];
        for (bb, fast) in [(fast_bb, true), (slow_bb, false)] {
            self.b.position_at_end(bb);
            let mut offset = self.ctx.i64_type().const_zero();
            for (k, (v, t)) in parts.iter().enumerate() {
                let axis = k as u32;
                let len = self.shape_at(arr, axis)?;
                let stride = self.stride_at(arr, at, axis)?;
                let i = self.cast(*v, t, &rumbo_types::I64)?.into_int_value();
                let i = if fast && flags[k].is_some() {
                    i
                } else {
                    let never_negative = const_index || matches!(t, Type::Int { signed: false, .. }) || self.index_exact(arr_v, part_values[k], axis);
                    self.normalize_index(i, len, never_negative, self.index_proven(arr_v, part_values[k], axis))?
                };
                let off = self.b.build_int_mul(i, stride, "off").map_err(e)?;
                offset = self.b.build_int_add(offset, off, "offset").map_err(e)?;
            }
            incoming.push((offset, self.b.get_insert_block().unwrap()));
            self.b.build_unconditional_branch(done_bb).map_err(e)?;
        }
        self.b.position_at_end(done_bb);
        let phi = self.b.build_phi(self.ctx.i64_type(), "offset").map_err(e)?;
        for (o, bb) in &incoming {
            phi.add_incoming(&[(o, *bb)]);
        }
        Ok(Some(phi.as_basic_value().into_int_value()))
    }

    /// Whether `header` heads a loop whose stop was lowered.
    pub(crate) fn bounded_header(&self, header: Block) -> bool {
        self.loop_bounds.headers.get(&header).is_some_and(|it| self.range_stops.contains_key(it))
    }

    /// On the way out of a bounded loop (the header's exhausted edge), then on to `done`:
    /// IndexError when iterations were left, i.e. `not_run` (the value the header found
    /// past the lowered stop) is before the real stop.
    pub(crate) fn check_range_exit(&mut self, header: Block, not_run: IntValue<'ctx>, done: BasicBlock<'ctx>) -> R<()> {
        let it = self.loop_bounds.headers[&header];
        let stop = self.range_stops[&it];
        let short = self.b.build_int_compare(IntPredicate::SLT, not_run, stop, "short").map_err(e)?;
        let raise_bb = self.ctx.append_basic_block(self.llfn, "raise");
        self.b.build_conditional_branch(short, raise_bb, done).map_err(e)?;
        self.b.position_at_end(raise_bb);
        self.raise(BuiltinExc::IndexError.id(), Some("index out of bounds"))
    }

    /// The flag under which `index` on `axis` of `array`, accessed in the block being
    /// emitted, is inside `[0, len)` (see the module comment).
    pub(crate) fn index_flag(&self, array: Value, index: Value, axis: u32) -> Option<IntValue<'ctx>> {
        let key = self.loop_bounds.flagged.get(&(array, index, axis, self.cur_block))?;
        self.bound_flags.get(key).copied()
    }

    /// Whether `index` on `axis` of `array` is kept in bounds by its loop's stop (or always is).
    pub(crate) fn index_proven(&self, array: Value, index: Value, axis: u32) -> bool {
        self.loop_bounds.proven.contains(&(array, index, axis))
            || self.index_exact(array, index, axis)
    }

    /// Whether `index` on `axis` of `array` is always inside `[0, len)` (no wrap-around either).
    pub(crate) fn index_exact(&self, array: Value, index: Value, axis: u32) -> bool {
        self.loop_bounds.exact.contains(&(array, index, axis)) || self.loop_bounds.static_at.contains(&(array, index, axis, self.cur_block))
    }
}
