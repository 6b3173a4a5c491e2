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

use std::collections::{HashMap, HashSet};

use inkwell::basic_block::BasicBlock;
use inkwell::values::{IntValue, PointerValue};
use inkwell::IntPredicate;
use rumbo_ir::{Block, Function, Inst, Terminator, Value, ValueKind};
use rumbo_syntax::BinOp;
use rumbo_types::{BuiltinExc, CallKind, Type, TypedFunction};

use crate::func::{e, Emitter, R};

/// One access that bounds a loop: `array` indexed on `axis` by the loop
/// variable plus the sum of `offset` (values defined before the loop, with signs).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bound {
    pub(crate) array: Value,
    pub(crate) axis: u32,
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
}

fn is_unit_range(typed: &TypedFunction, range: Value) -> bool {
    matches!(typed.calls.get(&range), Some(c) if c.kind == CallKind::Builtin("range".into()) && c.arg_types.len() <= 2)
}

/// Finds the loops whose checks can move, and the accesses they cover.
pub(crate) fn plan(func: &Function, typed: &TypedFunction, enabled: bool) -> LoopBounds {
    let mut out = LoopBounds::default();
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
        for &b in &body {
            if b == h || !enders.iter().all(|&x| dominates(b, x)) {
                continue;
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
                    if let Some(offset) = affine(func, typed, x, iv, &before_loop) {
                        out.proven.insert((array, x, axis));
                        let bound = Bound { array, axis, offset };
                        if !found.contains(&bound) {
                            found.push(bound);
                        }
                    }
                }
            }
        }
        if !found.is_empty() {
            out.bounds.insert(it, found);
            out.headers.insert(h, it);
        }
    }
    out
}

/// `x` as `iv + terms` (terms defined before the loop), when it is that: the loop
/// variable itself, or sums and differences of it with such values, all int64.
fn affine(func: &Function, typed: &TypedFunction, x: Value, iv: Value, before_loop: &dyn Fn(Value) -> bool) -> Option<Vec<(Value, bool)>> {
    if x == iv {
        return Some(vec![]);
    }
    if typed.types[x.index()] != Some(rumbo_types::I64) {
        return None;
    }
    let invariant = |v: Value| typed.types[v.index()] == Some(rumbo_types::I64) && before_loop(v);
    match func.inst(x) {
        Some(Inst::Binary { op: BinOp::Add, lhs, rhs }) => {
            if let Some(mut t) = affine(func, typed, *lhs, iv, before_loop).filter(|_| invariant(*rhs)) {
                t.push((*rhs, true));
                return Some(t);
            }
            let mut t = affine(func, typed, *rhs, iv, before_loop).filter(|_| invariant(*lhs))?;
            t.push((*lhs, true));
            Some(t)
        }
        Some(Inst::Binary { op: BinOp::Sub, lhs, rhs }) if invariant(*rhs) => {
            let mut t = affine(func, typed, *lhs, iv, before_loop)?;
            t.push((*rhs, false));
            Some(t)
        }
        _ => None,
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// At the `getiter` of a bounded loop: lowers the iterator's stop so that every
    /// covered index stays in bounds, and remembers the real one.
    pub(crate) fn bound_range(&mut self, it: Value, slot: PointerValue<'ctx>) -> R<()> {
        let Some(bounds) = self.loop_bounds.bounds.get(&it).cloned() else { return Ok(()) };
        let i64t = self.ctx.i64_type();
        let st = self.ctx.struct_type(&[i64t.into(); 3], false);
        let start_p = self.b.build_struct_gep(st, slot, 0, "start.p").map_err(e)?;
        let stop_p = self.b.build_struct_gep(st, slot, 1, "stop.p").map_err(e)?;
        let start = self.b.build_load(i64t, start_p, "start").map_err(e)?.into_int_value();
        let stop = self.b.build_load(i64t, stop_p, "stop").map_err(e)?.into_int_value();
        let mut bounded = stop;
        for bd in &bounds {
            let arr = self.val(bd.array).into_struct_value();
            let len = self.shape_at(arr, bd.axis)?;
            let mut c = i64t.const_zero();
            for &(v, plus) in &bd.offset {
                let x = self.val(v).into_int_value();
                c = if plus { self.b.build_int_add(c, x, "c") } else { self.b.build_int_sub(c, x, "c") }.map_err(e)?;
            }
            // i + c < len for i < len - c; i + c >= -len for every i >= start when start + c >= -len.
            let limit = self.b.build_int_sub(len, c, "limit").map_err(e)?;
            let first = self.b.build_int_add(start, c, "first").map_err(e)?;
            let neg_len = self.b.build_int_neg(len, "neglen").map_err(e)?;
            let low_ok = self.b.build_int_compare(IntPredicate::SGE, first, neg_len, "lowok").map_err(e)?;
            let limit = self.b.build_select(low_ok, limit, start, "limit").map_err(e)?.into_int_value();
            bounded = self.smin(bounded, limit)?;
        }
        self.b.build_store(stop_p, bounded).map_err(e)?;
        self.range_stops.insert(it, stop);
        Ok(())
    }

    fn smin(&self, a: IntValue<'ctx>, b: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let lt = self.b.build_int_compare(IntPredicate::SLT, a, b, "lt").map_err(e)?;
        Ok(self.b.build_select(lt, a, b, "min").map_err(e)?.into_int_value())
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

    /// Whether `index` on `axis` of `array` is kept in bounds by its loop's stop.
    pub(crate) fn index_proven(&self, array: Value, index: Value, axis: u32) -> bool {
        self.loop_bounds.proven.contains(&(array, index, axis))
    }
}
