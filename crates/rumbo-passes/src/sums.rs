//! `parallel=True`: whole-array `np.sum(a)` goes to codegen's fused sum (a
//! pooled loop with per-chunk partials) instead of the library's serial
//! pairwise sum. The result type is unchanged.

use rumbo_ir::{Function, Inst};
use rumbo_types::{CallKind, CallTarget, GlobalValue, Type, TypedFunction, I64, U64};

/// Retargets every `np.sum(a)` call (the library's sum is dispatcher `sum_id`)
/// of a whole numeric array; returns the source lines of every sum codegen
/// makes a pooled loop (these and the sums typing fused with their expression).
pub fn pooled_sums(func: &Function, typed: &mut TypedFunction, sum_id: u32) -> Vec<u32> {
    let mut lines = vec![];
    for (i, vd) in func.values.iter().enumerate() {
        let v = rumbo_ir::Value(i as u32);
        let rumbo_ir::ValueKind::Inst(Inst::Call { func: callee, args, kwargs }) = &vd.kind else { continue };
        if args.len() != 1 || !kwargs.is_empty() || typed.types[i].is_none() {
            continue;
        }
        if matches!(typed.calls.get(&v).map(|c| &c.kind), Some(CallKind::Builtin(n)) if n == "numpy.sum_fused") {
            // Typing fused it with its expression already: pooled too.
            lines.push(vd.span.line);
            continue;
        }
        if !matches!(typed.consts.get(callee), Some(GlobalValue::Dispatcher { id, .. }) if *id == sum_id) {
            continue;
        }
        let Some(Type::Array { dtype, .. }) = typed.types[args[0].index()].clone() else { continue };
        let ret = match *dtype {
            Type::Bool | Type::Int { signed: true, .. } => I64,
            Type::Int { .. } => U64,
            ref t if t.is_number() => t.clone(),
            _ => continue,
        };
        if typed.types[i].as_ref() != Some(&ret) || !matches!(typed.calls.get(&v).map(|c| &c.kind), Some(CallKind::Dispatcher { .. })) {
            continue;
        }
        let arg_t = typed.types[args[0].index()].clone().unwrap();
        typed.calls.insert(v, CallTarget { kind: CallKind::Builtin("numpy.sum_fused".into()), arg_types: vec![arg_t], ret, binding: None });
        lines.push(vd.span.line);
    }
    lines
}
