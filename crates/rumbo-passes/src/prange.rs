//! `prange` loops → parallel regions.
//!
//! After typing, each outermost `for i in prange(...)` loop whose only
//! loop-carried values are reductions (Numba's rules: `+=`, `-=`, `*=`, `/=`,
//! their `x = x op y` forms, `min`/`max`; scalars or whole arrays) is cut out
//! of the function:
//! - the *body* function runs iterations `lo..hi` (of `range`'s sequence),
//!   starting each reduction from its identity (0, 1, or the initial value for
//!   min/max; a new array for array reductions) and returns the partials;
//! - the *combine* function folds one chunk's partials into the accumulators;
//! - the loop in the parent becomes one `Inst::ParallelFor` whose result holds
//!   the reductions after the loop.
//!
//! Loops that do not qualify (a `break` or `return` out of the body, a value
//! carried across iterations that is not a reduction) stay serial, with the
//! reason in the loop's [`LoopReport`]. Inner `prange` loops run serially
//! inside their outer region, as in Numba.

use rumbo_ir::{rewrite_inst, rewrite_term, Block, BlockCall, BlockData, Function, Inst, Terminator, Value, ValueData, ValueKind};
use rumbo_syntax::{BinOp, Constant, Span};
use rumbo_types::{GlobalValue, ParallelRegion, Type, TypedFunction};
use std::collections::{HashMap, HashSet};

/// How a reduction variable is updated, and so its identity and its combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    /// `+=`, `-=` (identity 0, partials added).
    Sum,
    /// `*=`, `/=` (identity 1, partials multiplied).
    Product,
    Min,
    Max,
}

impl ReduceOp {
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "+",
            ReduceOp::Product => "*",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
        }
    }
}

/// What became of one `prange` loop (for `parallel_diagnostics`).
#[derive(Clone, Debug)]
pub struct LoopReport {
    pub line: u32,
    /// The region index when the loop runs in parallel.
    pub region: Option<usize>,
    /// Why the loop runs serially.
    pub reason: Option<String>,
    /// Reduction variables and their operators.
    pub reductions: Vec<(String, ReduceOp)>,
    /// Variables the region reads from outside.
    pub live_ins: Vec<String>,
}

/// Types an outlined function for the given argument types.
pub type TypeFn<'a> = dyn FnMut(&Function, &[Type]) -> Result<TypedFunction, String> + 'a;

/// Rewrites every qualifying `prange` loop of `func` into a parallel region.
/// Returns the new function and types, and one report per `prange` loop.
pub fn outline_prange_loops(func: &Function, typed: &TypedFunction, type_fn: &mut TypeFn<'_>) -> (Function, TypedFunction, Vec<LoopReport>) {
    let mut func = func.clone();
    let mut typed = typed.clone();
    let mut reports = vec![];
    let loops = find_loops(&func, &typed);
    let mut outlined: Vec<Vec<Block>> = vec![];
    for lp in loops {
        let line = func.block(lp.header).term_span.line;
        if outlined.iter().any(|r| r.contains(&lp.header)) {
            reports.push(LoopReport { line, region: None, reason: Some("nested in a parallel loop: runs serially inside it".into()), reductions: vec![], live_ins: vec![] });
            continue;
        }
        match outline(&mut func, &mut typed, &lp, type_fn) {
            Ok(mut report) => {
                report.line = line;
                outlined.push(lp.region.clone());
                reports.push(report);
            }
            Err(reason) => reports.push(LoopReport { line, region: None, reason: Some(reason), reductions: vec![], live_ins: vec![] }),
        }
    }
    reports.sort_by_key(|r| r.line);
    (func, typed, reports)
}

/// A `for i in prange(...)` loop as lowering shapes it.
struct PrangeLoop {
    /// The block before the loop (its only entry).
    pre: Block,
    header: Block,
    body: Block,
    else_b: Block,
    /// Blocks of the body (reachable from `body` without passing the header).
    region: Vec<Block>,
    range: Value,
    next: Value,
}

fn is_prange(typed: &TypedFunction, func: &Function, call: Value) -> Option<Value> {
    let Some(Inst::Call { func: callee, .. }) = func.inst(call) else { return None };
    matches!(typed.consts.get(callee), Some(GlobalValue::Function(n)) if n == "prange").then_some(call)
}

fn find_loops(func: &Function, typed: &TypedFunction) -> Vec<PrangeLoop> {
    let preds = func.predecessors();
    let mut out = vec![];
    for h in func.reverse_postorder() {
        if !typed.reachable.contains(&h) {
            continue;
        }
        let data = func.block(h);
        let (Some(&next), Terminator::Branch { then_to, else_to, .. }) = (data.insts.first(), &data.term) else { continue };
        let Some(Inst::IterNext(it)) = func.inst(next) else { continue };
        let Some(Inst::GetIter(range)) = func.inst(*it) else { continue };
        if is_prange(typed, func, *range).is_none() {
            continue;
        }
        let region = region_of(func, typed, then_to.block, h);
        let outside: Vec<Block> = preds[h.index()].iter().copied().filter(|p| !region.contains(p)).collect();
        let [pre] = outside.as_slice() else { continue };
        out.push(PrangeLoop { pre: *pre, header: h, body: then_to.block, else_b: else_to.block, region, range: *range, next });
    }
    out
}

fn region_of(func: &Function, typed: &TypedFunction, body: Block, header: Block) -> Vec<Block> {
    let mut seen = vec![body];
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        for s in func.block(b).term.successors() {
            let s = s.block;
            if s != header && typed.reachable.contains(&s) && !seen.contains(&s) {
                seen.push(s);
                stack.push(s);
            }
        }
    }
    seen.sort();
    seen
}

/// The source variable a value was assigned to, for messages.
fn var_name(func: &Function, v: Value) -> String {
    func.value(v).var.clone().unwrap_or_else(|| format!("v{}", v.0))
}

/// Where every value is defined.
pub(crate) fn def_blocks(func: &Function) -> HashMap<Value, Block> {
    let mut out = HashMap::new();
    for b in func.block_ids() {
        let d = func.block(b);
        for &v in d.params.iter().chain(&d.insts) {
            out.insert(v, b);
        }
    }
    out
}

/// Types whose values exist only at compile time: re-made inside the body
/// instead of passed to it.
fn is_compile_time(t: &Type) -> bool {
    matches!(
        t,
        Type::Module(_) | Type::Function(_) | Type::Dispatcher(_) | Type::ExceptionClass(_) | Type::NumberClass(_) | Type::StrLiteral(_) | Type::Ellipsis | Type::Method { .. } | Type::NoneType
    )
}

struct Reduction {
    param: Value,
    op: ReduceOp,
    ty: Type,
}

/// Whether `v` is `p` updated only by reduction operators (collected in `ops`);
/// the values of the update chain are added to `chain`.
fn chain_ops(
    func: &Function,
    typed: &TypedFunction,
    region: &[Block],
    p: Value,
    v: Value,
    visiting: &mut HashSet<Value>,
    chain: &mut HashSet<Value>,
    ops: &mut Vec<ReduceOp>,
) -> bool {
    if v == p || chain.contains(&v) || !visiting.insert(v) {
        return true;
    }
    let mut follow = |x: Value, ops: &mut Vec<ReduceOp>| chain_ops(func, typed, region, p, x, visiting, chain, ops);
    let ok = match &func.value(v).kind {
        ValueKind::Param { block, index } if region.contains(block) => {
            let mut ok = true;
            for &b in region {
                for call in func.block(b).term.successors() {
                    if call.block == *block {
                        ok = ok && follow(call.args[*index], ops);
                    }
                }
            }
            ok
        }
        ValueKind::Inst(Inst::Binary { op, lhs, rhs }) | ValueKind::Inst(Inst::Inplace { op, target: lhs, rhs }) => {
            let class = match op {
                BinOp::Add | BinOp::Sub => Some(ReduceOp::Sum),
                BinOp::Mult | BinOp::Div => Some(ReduceOp::Product),
                _ => None,
            };
            match class {
                Some(class) => {
                    ops.push(class);
                    follow(*lhs, ops) || (matches!(op, BinOp::Add | BinOp::Mult) && follow(*rhs, ops))
                }
                None => false,
            }
        }
        ValueKind::Inst(Inst::Call { func: callee, args, kwargs }) if args.len() == 2 && kwargs.is_empty() => {
            let op = match typed.consts.get(callee) {
                Some(GlobalValue::Function(n)) if n == "min" => Some(ReduceOp::Min),
                Some(GlobalValue::Function(n)) if n == "max" => Some(ReduceOp::Max),
                _ => None,
            };
            match op {
                Some(op) => {
                    ops.push(op);
                    follow(args[0], ops) || follow(args[1], ops)
                }
                None => false,
            }
        }
        _ => false,
    };
    if ok {
        chain.insert(v);
    }
    ok
}

/// Finds the reductions among the header's parameters.
fn reductions(func: &Function, typed: &TypedFunction, lp: &PrangeLoop) -> Result<Vec<Reduction>, String> {
    let header = func.block(lp.header);
    let mut out = vec![];
    let name = |v: Value| var_name(func, v);
    for (j, &p) in header.params.iter().enumerate() {
        let mut ops = vec![];
        let mut chain = HashSet::new();
        for &b in &lp.region {
            for call in func.block(b).term.successors() {
                let mut visiting = HashSet::new();
                if call.block == lp.header && !chain_ops(func, typed, &lp.region, p, call.args[j], &mut visiting, &mut chain, &mut ops) {
                    return Err(format!("`{}` is carried from one iteration to the next but is not a reduction (+=, -=, *=, /=, min, max)", name(p)));
                }
            }
        }
        ops.dedup();
        let op = match ops.as_slice() {
            [op] => *op,
            [] => return Err(format!("`{}` is carried across iterations without being updated", name(p))),
            _ => return Err(format!("`{}` is updated by more than one kind of reduction", name(p))),
        };
        // The partial value must not be read inside the loop except by its own updates.
        chain.insert(p);
        for &b in &lp.region {
            let d = func.block(b);
            for &u in &d.insts {
                let reads = func.inst(u).map(|i| i.operands()).unwrap_or_default();
                if !chain.contains(&u) && reads.iter().any(|x| chain.contains(x)) {
                    return Err(format!("the reduction variable `{}` is read inside the loop (line {})", name(p), func.value(u).span.line));
                }
            }
            if let Terminator::Branch { cond, .. } | Terminator::Return(cond) = &d.term {
                if chain.contains(cond) {
                    return Err(format!("the reduction variable `{}` is read inside the loop", name(p)));
                }
            }
        }
        let ty = typed.ty(p).clone();
        if ty.is_array() && matches!(op, ReduceOp::Min | ReduceOp::Max) {
            return Err(format!("`{}`: min/max reductions of arrays are not supported", name(p)));
        }
        if !(ty.is_number() || ty.is_array()) {
            return Err(format!("`{}` of type {ty} cannot be a reduction", name(p)));
        }
        out.push(Reduction { param: p, op, ty });
    }
    Ok(out)
}

/// A function under construction (also used by [`crate::looplift`]).
pub(crate) struct Builder {
    pub(crate) f: Function,
    span: Span,
}

impl Builder {
    pub(crate) fn new(name: String, span: Span, globals: Vec<String>) -> Self {
        let f = Function { name, param_names: vec![], blocks: vec![], values: vec![], globals, span };
        Builder { f, span }
    }
    pub(crate) fn block(&mut self) -> Block {
        self.f.blocks.push(BlockData { params: vec![], insts: vec![], term: Terminator::Unreachable, term_span: self.span, handler: None });
        Block(self.f.blocks.len() as u32 - 1)
    }
    pub(crate) fn param(&mut self, b: Block, var: Option<String>) -> Value {
        let index = self.f.blocks[b.index()].params.len();
        let v = Value(self.f.values.len() as u32);
        self.f.values.push(ValueData { kind: ValueKind::Param { block: b, index }, span: self.span, var });
        self.f.blocks[b.index()].params.push(v);
        v
    }
    pub(crate) fn inst(&mut self, b: Block, inst: Inst, span: Span, var: Option<String>) -> Value {
        let v = Value(self.f.values.len() as u32);
        self.f.values.push(ValueData { kind: ValueKind::Inst(inst), span, var });
        self.f.blocks[b.index()].insts.push(v);
        v
    }
    pub(crate) fn term(&mut self, b: Block, t: Terminator) {
        self.f.blocks[b.index()].term = t;
    }
    pub(crate) fn global(&mut self, b: Block, name: &str) -> Value {
        if !self.f.globals.iter().any(|g| g == name) {
            self.f.globals.push(name.to_string());
        }
        self.inst(b, Inst::Global(name.to_string()), self.span, None)
    }
}

/// The global a body uses to make a reduction's identity or combine two values.
/// rumbo-python resolves `$`-names: `$np.x` is `numpy.x`, `$min`/`$max` the builtins,
/// `$type:T` the scalar class of type T.
fn identity(b: &mut Builder, at: Block, r: &Reduction, init: Value) -> Value {
    let span = b.span;
    if r.ty.is_array() {
        let name = match r.op {
            ReduceOp::Sum => "$np.zeros_like",
            ReduceOp::Product => "$np.ones_like",
            ReduceOp::Min | ReduceOp::Max => "$np.copy",
        };
        let g = b.global(at, name);
        return b.inst(at, Inst::Call { func: g, args: vec![init], kwargs: vec![] }, span, None);
    }
    match r.op {
        ReduceOp::Min | ReduceOp::Max => init,
        op => {
            let g = b.global(at, &format!("$type:{}", r.ty));
            let c = b.inst(at, Inst::Const(Constant::Int((op == ReduceOp::Product) as i128)), span, None);
            b.inst(at, Inst::Call { func: g, args: vec![c], kwargs: vec![] }, span, None)
        }
    }
}

fn outline(func: &mut Function, typed: &mut TypedFunction, lp: &PrangeLoop, type_fn: &mut TypeFn<'_>) -> Result<LoopReport, String> {
    let name = |v: Value| var_name(func, v);
    for &b in &lp.region {
        match &func.block(b).term {
            Terminator::Return(_) => return Err("a `return` inside the loop body".into()),
            t => {
                if t.successors().iter().any(|s| s.block != lp.header && !lp.region.contains(&s.block)) {
                    return Err("a `break` out of the loop body".into());
                }
            }
        }
    }
    let reds = reductions(func, typed, lp)?;
    let defs = def_blocks(func);
    let header_params = func.block(lp.header).params.clone();
    let item = func.block(lp.body).insts.iter().copied().find(|&v| matches!(func.inst(v), Some(Inst::TupleGet { value, index: 0 }) if *value == lp.next));

    // Live-ins, in order of first use.
    let mut live_ins: Vec<Value> = vec![];
    let outside = |v: &Value| defs.get(v).is_some_and(|b| !lp.region.contains(b) && *b != lp.header);
    for &b in &lp.region {
        let d = func.block(b);
        let mut reads: Vec<Value> = d.insts.iter().flat_map(|&u| func.inst(u).map(|i| i.operands()).unwrap_or_default()).collect();
        reads.extend(d.term.operands());
        for v in reads {
            if outside(&v) && !live_ins.contains(&v) {
                live_ins.push(v);
            }
        }
    }

    let span = func.block(lp.header).term_span;
    let mut bb = Builder::new(format!("{}$prange", func.name), span, func.globals.clone());
    let mut map: HashMap<Value, Value> = HashMap::new();
    let entry = bb.block();
    let [lo, hi, start, step] = ["$lo", "$hi", "$start", "$step"].map(|n| bb.param(entry, Some(n.into())));
    let mut arg_types = vec![rumbo_types::I64; 4];
    let mut passed: Vec<Value> = vec![];
    // Compile-time values are made again in the body; the rest are parameters.
    fn remake(func: &Function, typed: &TypedFunction, v: Value, bb: &mut Builder, entry: Block, map: &mut HashMap<Value, Value>, passed: &mut Vec<Value>, arg_types: &mut Vec<Type>) -> Result<Value, String> {
        if let Some(&m) = map.get(&v) {
            return Ok(m);
        }
        let t = typed.types[v.index()].clone().ok_or("an untyped value reaches the loop")?;
        let vd = func.value(v);
        let made = match func.inst(v) {
            Some(i @ (Inst::Const(_) | Inst::Global(_))) => bb.inst(entry, i.clone(), vd.span, vd.var.clone()),
            Some(Inst::GetAttr { value, attr }) if is_compile_time(&t) => {
                let x = remake(func, typed, *value, bb, entry, map, passed, arg_types)?;
                bb.inst(entry, Inst::GetAttr { value: x, attr: attr.clone() }, vd.span, vd.var.clone())
            }
            _ if is_compile_time(&t) && !matches!(t, Type::NoneType) => {
                return Err(format!("the loop reads `{}` ({t}), which cannot be passed to a parallel region", vd.var.clone().unwrap_or_default()))
            }
            _ => {
                passed.push(v);
                arg_types.push(t);
                bb.param(entry, vd.var.clone())
            }
        };
        map.insert(v, made);
        Ok(made)
    }
    for &v in &live_ins {
        remake(func, typed, v, &mut bb, entry, &mut map, &mut passed, &mut arg_types)?;
    }
    // Block parameters are a list of their own: the inits come after every live-in.
    let inits: Vec<Value> = reds.iter().map(|r| bb.param(entry, func.value(r.param).var.clone())).collect();
    arg_types.extend(reds.iter().map(|r| r.ty.clone()));
    let starts: Vec<Value> = reds.iter().zip(&inits).map(|(r, &i)| identity(&mut bb, entry, r, i)).collect();

    // `for k in range(lo, hi)` (unit steps: `for i in range(start + lo, start + hi)`), the
    // shape the codegen's loop analyses know: float errors deferred, bounds checks hoisted.
    let unit_step = typed.calls.get(&lp.range).is_some_and(|c| c.arg_types.len() <= 2);
    // A start known now (`prange(n)`: 0) is a constant of the body, and `lo` (never negative:
    // the runtime cuts 0..trips) is said to be so: indices then provably never wrap.
    let known_start = match func.inst(lp.range) {
        Some(Inst::Call { args, .. }) if args.len() == 1 => Some(0),
        Some(Inst::Call { args, .. }) if args.len() == 2 => match func.inst(args[0]) {
            Some(Inst::Const(Constant::Int(s))) => Some(*s),
            _ => None,
        },
        _ => None,
    };
    let (first, last) = match (unit_step, known_start) {
        (true, Some(s)) => {
            let s = bb.inst(entry, Inst::Const(Constant::Int(s)), span, None);
            let zero = bb.inst(entry, Inst::Const(Constant::Int(0)), span, None);
            let max = bb.global(entry, "$max");
            let lo0 = bb.inst(entry, Inst::Call { func: max, args: vec![lo, zero], kwargs: vec![] }, span, None);
            (
                bb.inst(entry, Inst::Binary { op: BinOp::Add, lhs: s, rhs: lo0 }, span, None),
                bb.inst(entry, Inst::Binary { op: BinOp::Add, lhs: s, rhs: hi }, span, None),
            )
        }
        (true, None) => (
            bb.inst(entry, Inst::Binary { op: BinOp::Add, lhs: start, rhs: lo }, span, None),
            bb.inst(entry, Inst::Binary { op: BinOp::Add, lhs: start, rhs: hi }, span, None),
        ),
        (false, _) => (lo, hi),
    };
    let range_fn = bb.global(entry, "$range");
    let range = bb.inst(entry, Inst::Call { func: range_fn, args: vec![first, last], kwargs: vec![] }, span, None);
    let iter = bb.inst(entry, Inst::GetIter(range), span, None);
    // head(reductions...): next(iter) ? body : done
    let head = bb.block();
    for r in &reds {
        let p = bb.param(head, func.value(r.param).var.clone());
        map.insert(r.param, p);
    }
    bb.term(entry, Terminator::Jump(BlockCall { block: head, args: starts.clone() }));
    let done = bb.block();
    let done_params: Vec<Value> = reds.iter().map(|r| bb.param(done, func.value(r.param).var.clone())).collect();
    let latch = bb.block();
    let latch_params: Vec<Value> = reds.iter().map(|r| bb.param(latch, func.value(r.param).var.clone())).collect();

    // Region blocks, copied with values renamed.
    let mut blocks: HashMap<Block, Block> = HashMap::new();
    for &b in &lp.region {
        let nb = bb.block();
        blocks.insert(b, nb);
        for &p in &func.block(b).params {
            let np = bb.param(nb, func.value(p).var.clone());
            map.insert(p, np);
        }
    }
    let next = bb.inst(head, Inst::IterNext(iter), span, None);
    let more = bb.inst(head, Inst::TupleGet { value: next, index: 1 }, span, None);
    let cond = bb.inst(head, Inst::Truth(more), span, None);
    let head_params: Vec<Value> = reds.iter().map(|r| map[&r.param]).collect();
    bb.term(head, Terminator::Branch {
        cond,
        then_to: BlockCall { block: blocks[&lp.body], args: vec![] },
        else_to: BlockCall { block: done, args: head_params },
    });
    let body_span = func.value(item.unwrap_or(lp.next)).span;
    let item_var = item.and_then(|i| func.value(i).var.clone());
    let k = bb.inst(blocks[&lp.body], Inst::TupleGet { value: next, index: 0 }, body_span, if unit_step { item_var.clone() } else { None });
    let index = match unit_step {
        true => k,
        false => {
            let scaled = bb.inst(blocks[&lp.body], Inst::Binary { op: BinOp::Mult, lhs: k, rhs: step }, body_span, None);
            bb.inst(blocks[&lp.body], Inst::Binary { op: BinOp::Add, lhs: start, rhs: scaled }, body_span, item_var)
        }
    };
    if let Some(item) = item {
        map.insert(item, index);
    }
    // Header params not carried as reductions cannot be read: reductions() covered every param.
    debug_assert_eq!(header_params.len(), reds.len());
    for &b in &lp.region {
        let nb = blocks[&b];
        for &v in &func.block(b).insts {
            if Some(v) == item {
                continue;
            }
            let vd = func.value(v).clone();
            let ValueKind::Inst(mut inst) = vd.kind else { continue };
            let unmapped = std::cell::Cell::new(None);
            rewrite_inst(&mut inst, &|x: &mut Value| match map.get(x) {
                Some(m) => *x = *m,
                None => unmapped.set(Some(*x)),
            });
            if let Some(x) = unmapped.get() {
                return Err(format!("internal: value v{} of the loop is not mapped", x.0));
            }
            let nv = bb.inst(nb, inst, vd.span, vd.var);
            map.insert(v, nv);
        }
    }
    for &b in &lp.region {
        let mut term = func.block(b).term.clone();
        rewrite_term(&mut term, &|x: &mut Value| {
            if let Some(m) = map.get(x) {
                *x = *m
            }
        });
        for call in term.successors_mut() {
            call.block = if call.block == lp.header { latch } else { blocks[&call.block] };
        }
        let nb = blocks[&b];
        bb.f.blocks[nb.index()].term_span = func.block(b).term_span;
        bb.term(nb, term);
    }
    bb.term(latch, Terminator::Jump(BlockCall { block: head, args: latch_params.clone() }));
    let result = if reds.is_empty() {
        bb.inst(done, Inst::Const(Constant::None), span, None)
    } else {
        bb.inst(done, Inst::Tuple(done_params), span, None)
    };
    bb.term(done, Terminator::Return(result));
    bb.f.param_names = bb.f.block(Function::ENTRY).params.iter().map(|p| bb.f.value(*p).var.clone().unwrap_or_default()).collect();
    let body = bb.f;
    let body_typed = type_fn(&body, &arg_types).map_err(|m| format!("the loop body does not type as a separate function: {m}"))?;
    let partial_types: Vec<Type> = match &body_typed.ret {
        Type::Tuple(items) => items.clone(),
        _ => vec![],
    };

    let combine = if reds.is_empty() {
        None
    } else {
        let mut cb = Builder::new(format!("{}$combine", func.name), span, vec![]);
        let entry = cb.block();
        let accs: Vec<Value> = reds.iter().map(|r| cb.param(entry, func.value(r.param).var.clone())).collect();
        let parts: Vec<Value> = reds.iter().map(|_| cb.param(entry, None)).collect();
        let mut outs = vec![];
        for ((r, &a), &p) in reds.iter().zip(&accs).zip(&parts) {
            let out = match (r.op, r.ty.is_array()) {
                (ReduceOp::Sum, true) => cb.inst(entry, Inst::Inplace { op: BinOp::Add, target: a, rhs: p }, span, None),
                (ReduceOp::Product, true) => cb.inst(entry, Inst::Inplace { op: BinOp::Mult, target: a, rhs: p }, span, None),
                (ReduceOp::Sum, false) => cb.inst(entry, Inst::Binary { op: BinOp::Add, lhs: a, rhs: p }, span, None),
                (ReduceOp::Product, false) => cb.inst(entry, Inst::Binary { op: BinOp::Mult, lhs: a, rhs: p }, span, None),
                (op, _) => {
                    let g = cb.global(entry, if op == ReduceOp::Min { "$min" } else { "$max" });
                    cb.inst(entry, Inst::Call { func: g, args: vec![a, p], kwargs: vec![] }, span, None)
                }
            };
            outs.push(out);
        }
        let t = cb.inst(entry, Inst::Tuple(outs), span, None);
        cb.term(entry, Terminator::Return(t));
        cb.f.param_names = (0..2 * reds.len()).map(|i| format!("$r{i}")).collect();
        let mut types: Vec<Type> = reds.iter().map(|r| r.ty.clone()).collect();
        types.extend(partial_types.iter().cloned());
        let ct = type_fn(&cb.f, &types).map_err(|m| format!("the reductions do not combine: {m}"))?;
        Some((cb.f, ct))
    };

    // The parent: the loop becomes one ParallelFor in the block before it.
    let region_index = typed.regions.len();
    let pre_inits: Vec<Value> = match &func.block(lp.pre).term {
        Terminator::Jump(c) if c.block == lp.header => c.args.clone(),
        _ => return Err("internal: the loop's entry is not a jump".into()),
    };
    let red_names: Vec<(String, ReduceOp)> = reds.iter().map(|r| (name(r.param), r.op)).collect();
    let live_names: Vec<String> = passed.iter().map(|&v| name(v)).collect();
    let mut args = passed.clone();
    args.extend(reds.iter().map(|r| pre_inits[header_params.iter().position(|p| *p == r.param).unwrap()]));
    let pf = Value(func.values.len() as u32);
    func.values.push(ValueData { kind: ValueKind::Inst(Inst::ParallelFor { region: region_index, range: lp.range, args }), span, var: None });
    typed.types.push(Some(Type::Tuple(reds.iter().map(|r| r.ty.clone()).collect())));
    func.blocks[lp.pre.index()].insts.push(pf);
    let mut subst: HashMap<Value, Value> = HashMap::new();
    for (j, r) in reds.iter().enumerate() {
        let v = Value(func.values.len() as u32);
        func.values.push(ValueData { kind: ValueKind::Inst(Inst::TupleGet { value: pf, index: j }), span, var: func.value(r.param).var.clone() });
        typed.types.push(Some(r.ty.clone()));
        func.blocks[lp.pre.index()].insts.push(v);
        subst.insert(r.param, v);
    }
    let else_args = match &func.block(lp.header).term {
        Terminator::Branch { else_to, .. } => else_to.args.clone(),
        _ => vec![],
    };
    func.blocks[lp.pre.index()].term = Terminator::Jump(BlockCall { block: lp.else_b, args: else_args });
    for b in 0..func.blocks.len() {
        let blk = Block(b as u32);
        if lp.region.contains(&blk) || blk == lp.header {
            continue;
        }
        let insts = func.blocks[b].insts.clone();
        for v in insts {
            if let ValueKind::Inst(inst) = &mut func.values[v.index()].kind {
                rewrite_inst(inst, &|x: &mut Value| {
                    if let Some(s) = subst.get(x) {
                        *x = *s
                    }
                });
            }
        }
        rewrite_term(&mut func.blocks[b].term, &|x: &mut Value| {
            if let Some(s) = subst.get(x) {
                *x = *s
            }
        });
    }
    typed.reachable.remove(&lp.header);
    for b in &lp.region {
        typed.reachable.remove(b);
    }
    typed.regions.push(ParallelRegion { body: (body, body_typed), combine, live_ins: passed.len() });
    Ok(LoopReport { line: 0, region: Some(region_index), reason: None, reductions: red_names, live_ins: live_names })
}
