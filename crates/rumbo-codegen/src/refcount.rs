//! Reference counts of arrays made by compiled code (NRT).
//!
//! Rule: every SSA value whose type holds arrays owns one reference. A value
//! gets it where it is defined (a new allocation, a callee's result, or an
//! incref for views, tuple items, iterators, entry arguments and block
//! arguments) and gives it up where it dies: after its last use in a block it
//! does not outlive, or at the start of a successor it is not live into.
//! A returned value is increfed for the caller first. Exception paths leak.

use crate::func::{e, Emitter, R};
use crate::types::array_struct;
use inkwell::values::{BasicValueEnum, PointerValue};
use inkwell::AddressSpace;
use rumbo_ir::{liveness, Block, Function, Inst, Value};
use rumbo_types::{Type, TypedFunction};
use std::collections::{HashMap, HashSet};

/// True for types that hold references to array memory.
pub(crate) fn is_refcounted(t: &Type) -> bool {
    match t {
        Type::Array { .. } | Type::Flat(_) | Type::ArrayIter(_) | Type::FlatIter(_) => true,
        Type::Tuple(items) => items.iter().any(is_refcounted),
        _ => false,
    }
}

/// Where each refcounted value is decrefed.
#[derive(Default)]
pub(crate) struct RcPlan {
    /// After the instruction at this index of the block.
    pub(crate) after: HashMap<(Block, usize), Vec<Value>>,
    pub(crate) at_start: HashMap<Block, Vec<Value>>,
    pub(crate) before_term: HashMap<Block, Vec<Value>>,
}

/// Successors typing found reachable (a branch on a constant has one).
pub(crate) fn live_successors(func: &Function, typed: &TypedFunction, b: Block) -> Vec<Block> {
    func.block(b).term.successors().iter().map(|c| c.block).filter(|s| typed.reachable.contains(s)).collect()
}

pub(crate) fn plan(func: &Function, typed: &TypedFunction) -> RcPlan {
    let rc = |v: &Value| typed.types[v.index()].as_ref().is_some_and(is_refcounted);
    let mut plan = RcPlan::default();
    if !typed.types.iter().flatten().any(is_refcounted) {
        return plan;
    }
    let succ = |b: Block| live_successors(func, typed, b);
    let live = liveness(func, &succ);
    let mut preds: HashMap<Block, Vec<Block>> = HashMap::new();
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        for s in succ(b) {
            preds.entry(s).or_default().push(b);
        }
    }
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        let data = func.block(b);
        let (live_in, live_out) = (&live.live_in[b.index()], &live.live_out[b.index()]);
        let mut start: Vec<Value> = vec![];
        // Values that die on the edge into this block.
        if let Some([p]) = preds.get(&b).map(|v| v.as_slice()) {
            let mut dying: Vec<Value> =
                live.live_out[p.index()].iter().filter(|v| rc(v) && !live_in.contains(v)).copied().collect();
            dying.sort();
            start.extend(dying);
        }
        let mut last_use: HashMap<Value, usize> = HashMap::new();
        for (i, v) in data.insts.iter().enumerate() {
            if let Some(inst) = func.inst(*v) {
                for op in inst.operands() {
                    last_use.insert(op, i);
                }
                // `x.sum()`: the bound method carries no reference, so its call is
                // the receiver's last use (not the attribute lookup).
                if let Inst::Call { func: callee, .. } = inst {
                    if let (Some(Inst::GetAttr { value: recv, .. }), Some(Type::Method { .. })) = (func.inst(*callee), typed.types[callee.index()].as_ref()) {
                        last_use.insert(*recv, i);
                    }
                }
            }
        }
        let term_at = data.insts.len();
        for op in data.term.operands() {
            last_use.insert(op, term_at);
        }
        let mut candidates: Vec<Value> = live_in.iter().chain(data.params.iter()).chain(data.insts.iter()).copied().collect();
        candidates.sort();
        candidates.dedup();
        let mut seen = HashSet::new();
        for v in candidates {
            if !rc(&v) || live_out.contains(&v) || !seen.insert(v) {
                continue;
            }
            match last_use.get(&v) {
                Some(&i) if i == term_at => plan.before_term.entry(b).or_default().push(v),
                Some(&i) => plan.after.entry((b, i)).or_default().push(v),
                None => match data.insts.iter().position(|x| *x == v) {
                    Some(d) => plan.after.entry((b, d)).or_default().push(v),
                    None => start.push(v),
                },
            }
        }
        if !start.is_empty() {
            plan.at_start.insert(b, start);
        }
    }
    plan
}

/// Instructions whose result copies references it does not own yet.
pub(crate) fn borrows_on_def(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::GetItem { .. }
            | Inst::GetAttr { .. }
            | Inst::Tuple(_)
            | Inst::Obj(rumbo_ir::ObjInst::List(_))
            | Inst::TupleGet { .. }
            | Inst::Unpack { .. }
            | Inst::GetIter(_)
            | Inst::IterNext(_)
            | Inst::Binary { .. }
            | Inst::Inplace { .. }
    )
}

/// Calls whose array result is a view of an argument (it needs its own reference).
pub(crate) fn call_returns_view(typed: &TypedFunction, v: Value) -> bool {
    matches!(typed.calls.get(&v).map(|c| &c.kind), Some(rumbo_types::CallKind::Builtin(n)) if n == "array.reshape" || n == "rumbo.drop_axes")
}

/// Instructions typing turned into calls (a[mask], a @ b): their result is owned.
pub(crate) fn is_library_call(typed: &TypedFunction, func: &Function, v: Value) -> bool {
    typed.calls.contains_key(&v) && !matches!(func.inst(v), Some(Inst::Call { .. }))
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// The MemInfo pointers a value of type `t` holds.
    fn meminfos(&self, v: BasicValueEnum<'ctx>, t: &Type, out: &mut Vec<PointerValue<'ctx>>) -> R<()> {
        match t {
            Type::Array { .. } | Type::Flat(_) => {
                let mi = self.b.build_extract_value(v.into_struct_value(), 0, "meminfo").map_err(e)?;
                out.push(mi.into_pointer_value());
            }
            Type::ArrayIter(a) | Type::FlatIter(a) => {
                let Type::Array { ndim, .. } = &**a else { return Ok(()) };
                let ast = array_struct(self.ctx, *ndim as u32);
                let st = self.ctx.struct_type(&[ast.into(), self.ctx.i64_type().into()], false);
                let p = self.b.build_struct_gep(st, v.into_pointer_value(), 0, "it.arr").map_err(e)?;
                let mi = self.b.build_load(self.ctx.ptr_type(AddressSpace::default()), p, "meminfo").map_err(e)?;
                out.push(mi.into_pointer_value());
            }
            Type::Tuple(items) => {
                for (i, it) in items.iter().enumerate() {
                    if is_refcounted(it) {
                        let x = self.b.build_extract_value(v.into_struct_value(), i as u32, "item").map_err(e)?;
                        self.meminfos(x, it, out)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn nrt_call(&self, name: &str, v: BasicValueEnum<'ctx>, t: &Type) -> R<()> {
        if !is_refcounted(t) {
            return Ok(());
        }
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let f = self.declare(name, self.ctx.void_type().fn_type(&[ptr.into()], false));
        let mut mis = vec![];
        self.meminfos(v, t, &mut mis)?;
        for mi in mis {
            self.b.build_call(f, &[mi.into()], "").map_err(e)?;
        }
        Ok(())
    }

    pub(crate) fn incref(&self, v: BasicValueEnum<'ctx>, t: &Type) -> R<()> {
        self.nrt_call("rumbo_nrt_incref", v, t)
    }

    pub(crate) fn decref(&self, v: BasicValueEnum<'ctx>, t: &Type) -> R<()> {
        self.nrt_call("rumbo_nrt_decref", v, t)
    }

    /// Decrefs the values the plan lets die at this point.
    pub(crate) fn release(&self, values: Option<&Vec<Value>>) -> R<()> {
        for v in values.into_iter().flatten() {
            if let (Some(t), Some(x)) = (self.typed.types[v.index()].as_ref(), self.values_get(*v)) {
                self.decref(x, t)?;
            }
        }
        Ok(())
    }
}
