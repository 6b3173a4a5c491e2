//! Loop-lifting for object mode (untyped IR). Each outermost loop that could
//! compile in nopython mode is cut out into a function of its own (its
//! live-ins as parameters, returning the values the code after it needs); the
//! object-mode function calls it through `ObjInst::Lifted` and runs the
//! original loop only when the lifted one does not compile for the run-time
//! types:
//!
//! ```text
//! pre:  ...                          pre:  ...; jump try
//!       jump header(args)      =>    try:  r = lifted_loopN(live-ins); branch r is None ? fallback : done
//!                                    fallback: (the iterator's setup); jump header(args)
//! exit(params):                      done: jump exit(r[0], r[1], ...)
//!                                    exit(params, live-outs):
//! ```
//!
//! Values the loop defines and later code reads become parameters of the exit
//! block, so the lifted path can supply them. What is lifted: loops entered
//! from one block by a jump, left towards one block (a `for`/`while` `else`
//! block is taken in), with no `return`, no `try`/`with` and no object-only
//! instruction inside.

use crate::prange::{def_blocks, Builder};
use rumbo_ir::{rewrite_inst, rewrite_term, Block, BlockCall, Function, Inst, ObjInst, Terminator, Value, ValueData, ValueKind};
use rumbo_syntax::{CmpOp, Constant};
use std::collections::{HashMap, HashSet};

/// One loop cut out of an object-mode function.
#[derive(Clone, Debug)]
pub struct LiftedLoop {
    /// The loop as a function of its live-ins (untyped IR).
    pub func: Function,
    /// Line of the loop statement.
    pub line: u32,
}

struct Loop {
    pre: Block,
    header: Block,
    /// Blocks of the loop (header first), with a `for`'s `else` block.
    region: Vec<Block>,
    exit: Block,
}

/// Lifts every liftable outermost loop; returns the rewritten function and the loops.
pub fn lift_loops(func: &Function) -> (Function, Vec<LiftedLoop>) {
    let mut func = func.clone();
    let mut lifted = vec![];
    let mut done: HashSet<Block> = HashSet::new();
    for header in loop_headers(&func) {
        if done.contains(&header) {
            continue;
        }
        let Some(lp) = liftable(&func, header) else { continue };
        done.extend(lp.region.iter().copied());
        if let Some(l) = lift(&mut func, &lp, lifted.len()) {
            lifted.push(l);
        }
    }
    (func, lifted)
}

/// Headers in reverse post-order (outer loops first): targets of retreating edges.
fn loop_headers(func: &Function) -> Vec<Block> {
    let rpo = func.reverse_postorder();
    let order: HashMap<Block, usize> = rpo.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let mut out = vec![];
    for &b in &rpo {
        for s in func.block(b).term.successors() {
            if order.get(&s.block).is_some_and(|&h| h <= order[&b]) && !out.contains(&s.block) {
                out.push(s.block);
            }
        }
    }
    out.sort_by_key(|h| order[h]);
    out
}

fn liftable(func: &Function, header: Block) -> Option<Loop> {
    let preds = func.predecessors();
    let rpo = func.reverse_postorder();
    let order: HashMap<Block, usize> = rpo.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    // The natural loop: blocks reaching a back edge's source without passing the header.
    let mut region = vec![header];
    let mut stack: Vec<Block> = preds[header.index()].iter().copied().filter(|p| order.get(p).is_some_and(|&o| o >= order[&header])).collect();
    while let Some(b) = stack.pop() {
        if region.contains(&b) {
            continue;
        }
        region.push(b);
        stack.extend(preds[b.index()].iter().copied().filter(|p| order.contains_key(p)));
    }
    let outside_preds: Vec<Block> = preds[header.index()].iter().copied().filter(|p| !region.contains(p)).collect();
    let [pre] = outside_preds[..] else { return None };
    if !matches!(func.block(pre).term, Terminator::Jump(_)) {
        return None;
    }
    // Leaving blocks reached only from the loop that go on to another exit (the `else`) join it.
    loop {
        let exits = exit_targets(func, &region);
        if exits.len() <= 1 {
            break;
        }
        let absorb = exits.iter().copied().find(|&x| {
            preds[x.index()].iter().all(|p| region.contains(p))
                && matches!(&func.block(x).term, Terminator::Jump(c) if exits.contains(&c.block) || func.block(x).insts.is_empty())
        })?;
        region.push(absorb);
    }
    let [exit] = exit_targets(func, &region)[..] else { return None };
    if preds[exit.index()].iter().any(|p| !region.contains(p)) {
        return None;
    }
    // A variable the loop may leave unbound must raise where it is read after
    // the loop; nopython code cannot say "unbound", so such loops stay here.
    let undef = func.maybe_undefined();
    for &b in &region {
        for call in func.block(b).term.successors() {
            if call.block == exit && call.args.iter().any(|a| undef.contains(a)) {
                return None;
            }
        }
    }
    for &b in &region {
        let d = func.block(b);
        if d.handler.is_some() || matches!(d.term, Terminator::Return(_) | Terminator::Try { .. }) {
            return None;
        }
        if d.insts.iter().any(|&v| matches!(func.inst(v), Some(Inst::Obj(_) | Inst::ObjmodeBlock(_)))) {
            return None;
        }
    }
    Some(Loop { pre, header, region, exit })
}

fn exit_targets(func: &Function, region: &[Block]) -> Vec<Block> {
    let mut out = vec![];
    for &b in region {
        for s in func.block(b).term.successors() {
            if !region.contains(&s.block) && !out.contains(&s.block) {
                out.push(s.block);
            }
        }
    }
    out
}

fn uses_of(func: &Function, v: Value) -> Vec<Block> {
    let mut out = vec![];
    for b in func.block_ids() {
        let d = func.block(b);
        let mut ops: Vec<Value> = d.insts.iter().flat_map(|&u| func.inst(u).map(|i| i.operands()).unwrap_or_default()).collect();
        ops.extend(d.term.operands());
        if ops.contains(&v) {
            out.push(b);
        }
    }
    out
}

/// Instructions of the block before the loop that only set up its iterator
/// (`it = iter(range(n))`): made again inside the lifted function, and moved
/// to the fallback path of the original, instead of passing an iterator.
fn iterator_setup(func: &Function, lp: &Loop) -> Vec<Value> {
    let Some(&first) = func.block(lp.header).insts.first() else { return vec![] };
    let Some(Inst::IterNext(it)) = func.inst(first) else { return vec![] };
    let pre = func.block(lp.pre);
    let only_for = |v: Value, users: &[Block]| pre.insts.contains(&v) && uses_of(func, v).iter().all(|b| users.contains(b));
    let mut chain = vec![];
    if !only_for(*it, &lp.region) {
        return chain;
    }
    chain.push(*it);
    let Some(Inst::GetIter(x)) = func.inst(*it) else { return vec![] };
    if let Some(Inst::Call { func: callee, kwargs, .. }) = func.inst(*x) {
        let single_use = |v: Value| {
            let n: usize = pre.insts.iter().filter(|&&u| func.inst(u).is_some_and(|i| i.operands().contains(&v))).count();
            n == 1 && only_for(v, &[lp.pre])
        };
        if matches!(func.inst(*callee), Some(Inst::Global(_))) && single_use(*x) && single_use(*callee) && kwargs.is_empty() {
            chain.insert(0, *x);
            chain.insert(0, *callee);
        }
    }
    chain
}

fn lift(func: &mut Function, lp: &Loop, index: usize) -> Option<LiftedLoop> {
    let defs = def_blocks(func);
    let in_region = |v: &Value| defs.get(v).is_some_and(|b| lp.region.contains(b));
    let setup = iterator_setup(func, lp);
    let pre_args = match &func.block(lp.pre).term {
        Terminator::Jump(c) => c.args.clone(),
        _ => return None,
    };
    // Live-ins, in order of first use (the iterator setup's own operands included).
    let mut reads: Vec<Value> = pre_args.clone();
    for &v in &setup {
        reads.extend(func.inst(v).map(|i| i.operands()).unwrap_or_default());
    }
    for &b in &lp.region {
        let d = func.block(b);
        reads.extend(d.insts.iter().flat_map(|&u| func.inst(u).map(|i| i.operands()).unwrap_or_default()));
        reads.extend(d.term.operands());
    }
    let mut live_ins: Vec<Value> = vec![];
    for v in reads {
        if !in_region(&v) && !setup.contains(&v) && !live_ins.contains(&v) {
            live_ins.push(v);
        }
    }
    // Live-outs: loop values read after the loop (not through the exit's arguments).
    let mut live_outs: Vec<Value> = vec![];
    for b in func.block_ids().filter(|b| !lp.region.contains(b)) {
        let d = func.block(b);
        let mut ops: Vec<Value> = d.insts.iter().flat_map(|&u| func.inst(u).map(|i| i.operands()).unwrap_or_default()).collect();
        ops.extend(d.term.operands());
        for v in ops {
            if in_region(&v) && !live_outs.contains(&v) {
                live_outs.push(v);
            }
        }
    }
    let undef = func.maybe_undefined();
    if live_outs.iter().any(|v| undef.contains(v)) {
        return None;
    }
    let span = func.block(lp.header).term_span;
    let line = span.line;

    // --- the lifted function
    let mut bb = Builder::new(format!("{}$loop{index}", func.name), span, func.globals.clone());
    let mut map: HashMap<Value, Value> = HashMap::new();
    let entry = bb.block();
    let mut passed = vec![];
    for &v in &live_ins {
        let vd = func.value(v).clone();
        let made = match func.inst(v) {
            // Constants, free names and unbound variables are made again, not passed.
            Some(i @ (Inst::Const(_) | Inst::Global(_) | Inst::Undef(_))) => bb.inst(entry, i.clone(), vd.span, vd.var.clone()),
            _ => {
                passed.push(v);
                bb.param(entry, vd.var.clone().or_else(|| Some(format!("$in{}", passed.len()))))
            }
        };
        map.insert(v, made);
    }
    for &v in &setup {
        let vd = func.value(v).clone();
        let ValueKind::Inst(mut inst) = vd.kind else { return None };
        rewrite_inst(&mut inst, &|x: &mut Value| {
            if let Some(m) = map.get(x) {
                *x = *m
            }
        });
        let nv = bb.inst(entry, inst, vd.span, vd.var);
        map.insert(v, nv);
    }
    let mut blocks: HashMap<Block, Block> = HashMap::new();
    for &b in &lp.region {
        let nb = bb.block();
        blocks.insert(b, nb);
        for &p in &func.block(b).params {
            let np = bb.param(nb, func.value(p).var.clone());
            map.insert(p, np);
        }
    }
    for &b in &lp.region {
        for &v in &func.block(b).insts {
            let vd = func.value(v).clone();
            let ValueKind::Inst(inst) = vd.kind else { continue };
            let nv = bb.inst(blocks[&b], inst, vd.span, vd.var);
            map.insert(v, nv);
        }
    }
    let exit_b = bb.block();
    let exit_params: Vec<Value> = func.block(lp.exit).params.iter().chain(&live_outs).map(|&p| bb.param(exit_b, func.value(p).var.clone())).collect();
    let m = |x: &mut Value| {
        if let Some(n) = map.get(x) {
            *x = *n
        }
    };
    for &b in &lp.region {
        for &v in &func.block(b).insts {
            if let ValueKind::Inst(inst) = &mut bb.f.values[map[&v].index()].kind {
                rewrite_inst(inst, &m);
            }
        }
        let mut term = func.block(b).term.clone();
        for call in term.successors_mut() {
            if call.block == lp.exit {
                call.args.extend(&live_outs);
            }
        }
        rewrite_term(&mut term, &m);
        for call in term.successors_mut() {
            call.block = blocks.get(&call.block).copied().unwrap_or(exit_b);
        }
        let nb = blocks[&b];
        bb.f.blocks[nb.index()].term_span = func.block(b).term_span;
        bb.term(nb, term);
    }
    let mut first = pre_args.clone();
    first.iter_mut().for_each(m);
    bb.term(entry, Terminator::Jump(BlockCall { block: blocks[&lp.header], args: first }));
    let t = bb.inst(exit_b, Inst::Tuple(exit_params.clone()), span, None);
    bb.term(exit_b, Terminator::Return(t));
    bb.f.param_names = bb.f.block(Function::ENTRY).params.iter().map(|p| bb.f.value(*p).var.clone().unwrap_or_default()).collect();
    let lifted = bb.f;

    // --- the object-mode function: try the lifted loop, else run this one
    let new_value = |func: &mut Function, kind: ValueKind, var: Option<String>| -> Value {
        func.values.push(ValueData { kind, span, var });
        Value(func.values.len() as u32 - 1)
    };
    let new_block = |func: &mut Function| -> Block {
        func.blocks.push(rumbo_ir::BlockData { params: vec![], insts: vec![], term: Terminator::Unreachable, term_span: span, handler: None });
        Block(func.blocks.len() as u32 - 1)
    };
    let (attempt, fallback, done) = (new_block(func), new_block(func), new_block(func));
    let r = new_value(func, ValueKind::Inst(Inst::Obj(ObjInst::Lifted { index, args: passed })), None);
    let none = new_value(func, ValueKind::Inst(Inst::Const(Constant::None)), None);
    let is_none = new_value(func, ValueKind::Inst(Inst::Compare { op: CmpOp::Is, lhs: r, rhs: none }), None);
    let truth = new_value(func, ValueKind::Inst(Inst::Truth(is_none)), None);
    func.blocks[attempt.index()].insts = vec![r, none, is_none, truth];
    func.blocks[attempt.index()].term = Terminator::Branch {
        cond: truth,
        then_to: BlockCall { block: fallback, args: vec![] },
        else_to: BlockCall { block: done, args: vec![] },
    };
    func.blocks[lp.pre.index()].insts.retain(|v| !setup.contains(v));
    func.blocks[lp.pre.index()].term = Terminator::Jump(BlockCall { block: attempt, args: vec![] });
    func.blocks[fallback.index()].insts = setup.clone();
    func.blocks[fallback.index()].term = Terminator::Jump(BlockCall { block: lp.header, args: pre_args });
    let mut items = vec![];
    for i in 0..exit_params.len() {
        let item = new_value(func, ValueKind::Inst(Inst::TupleGet { value: r, index: i }), None);
        items.push(item);
    }
    func.blocks[done.index()].insts = items.clone();
    func.blocks[done.index()].term = Terminator::Jump(BlockCall { block: lp.exit, args: items });
    // The exit block takes the live-outs as parameters; code after the loop reads those.
    let mut subst: HashMap<Value, Value> = HashMap::new();
    for &v in &live_outs {
        let index = func.blocks[lp.exit.index()].params.len();
        let var = func.value(v).var.clone();
        let p = new_value(func, ValueKind::Param { block: lp.exit, index }, var);
        func.blocks[lp.exit.index()].params.push(p);
        subst.insert(v, p);
    }
    for &b in &lp.region {
        for call in func.blocks[b.index()].term.successors_mut() {
            if call.block == lp.exit {
                call.args.extend(&live_outs);
            }
        }
    }
    let s = |x: &mut Value| {
        if let Some(n) = subst.get(x) {
            *x = *n
        }
    };
    let outside: Vec<Block> = func.block_ids().filter(|b| !lp.region.contains(b) && *b != done).collect();
    for b in outside {
        for v in func.blocks[b.index()].insts.clone() {
            if let ValueKind::Inst(inst) = &mut func.values[v.index()].kind {
                rewrite_inst(inst, &s);
            }
        }
        let mut term = func.blocks[b.index()].term.clone();
        rewrite_term(&mut term, &s);
        func.blocks[b.index()].term = term;
    }
    Some(LiftedLoop { func: lifted, line })
}
