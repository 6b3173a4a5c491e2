//! `parallel=True`: whole-array `np.sum`, `np.prod`, `np.min`, `np.max` and
//! `np.mean` (function or method form, no `axis`) go to codegen's fused
//! reduction (a pooled loop with per-chunk partials) instead of the library's
//! serial implementation. Result types are unchanged; anything else (axis=,
//! complex or bool min/max, ...) stays with the library.

use rumbo_ir::{Function, Inst, Value};
use rumbo_types::{CallKind, CallTarget, GlobalValue, Type, TypedFunction, F64, I64, U64};
use std::collections::HashMap;

/// The reductions this pass handles, by array-method name.
pub const POOLED_REDUCTIONS: &[&str] = &["sum", "prod", "min", "max", "mean"];

/// What codegen computes for `name` over `dtype` (None: leave it to the library).
fn result_type(name: &str, dtype: &Type) -> Option<Type> {
    Some(match (name, dtype) {
        ("sum" | "prod", Type::Bool | Type::Int { signed: true, .. }) => I64,
        ("sum" | "prod", Type::Int { .. }) => U64,
        ("sum" | "prod", t) if t.is_number() => t.clone(),
        ("min" | "max", t @ (Type::Int { .. } | Type::Float { .. })) => t.clone(),
        ("mean", Type::Bool | Type::Int { .. }) => F64,
        ("mean", t @ Type::Float { .. }) => t.clone(),
        _ => return None,
    })
}

/// The reduction `v` calls and the array it reduces, when it is one of the library's.
fn reduction_call(func: &Function, typed: &TypedFunction, v: Value, ids: &HashMap<u32, &'static str>) -> Option<(&'static str, Value)> {
    let Some(Inst::Call { func: callee, args, kwargs }) = func.inst(v) else { return None };
    if !kwargs.is_empty() {
        return None;
    }
    match (args.as_slice(), typed.consts.get(callee), func.inst(*callee)) {
        ([a], Some(GlobalValue::Dispatcher { id, .. }), _) => ids.get(id).map(|n| (*n, *a)),
        ([], _, Some(Inst::GetAttr { value, attr })) if matches!(typed.types[callee.index()], Some(Type::Method { .. })) => {
            POOLED_REDUCTIONS.iter().find(|n| **n == attr.as_str()).map(|n| (*n, *value))
        }
        _ => None,
    }
}

/// Retargets the whole-array reductions of `func`; `library` maps each name of
/// [`POOLED_REDUCTIONS`] to its library dispatcher id. Returns the source
/// lines of every reduction codegen makes a pooled loop (these, and the sums
/// typing already fused with their expression).
pub fn pooled_sums(func: &Function, typed: &mut TypedFunction, library: &HashMap<&'static str, u32>) -> Vec<u32> {
    let ids: HashMap<u32, &'static str> = library.iter().map(|(n, id)| (*id, *n)).collect();
    let mut lines = vec![];
    for (i, vd) in func.values.iter().enumerate() {
        let v = Value(i as u32);
        let Some(t) = typed.types[i].clone() else { continue };
        match typed.calls.get(&v).map(|c| &c.kind) {
            Some(CallKind::Builtin(n)) if n == "numpy.sum_fused" => {
                lines.push(vd.span.line);
                continue;
            }
            Some(CallKind::Dispatcher { .. }) => {}
            _ => continue,
        }
        let Some((name, arg)) = reduction_call(func, typed, v, &ids) else { continue };
        let Some(arg_t @ Type::Array { .. }) = typed.types[arg.index()].clone() else { continue };
        let Type::Array { dtype, .. } = &arg_t else { continue };
        if result_type(name, dtype).as_ref() != Some(&t) {
            continue;
        }
        let target = CallTarget { kind: CallKind::Builtin(format!("numpy.{name}_fused")), arg_types: vec![arg_t.clone()], ret: t, binding: None };
        typed.calls.insert(v, target);
        lines.push(vd.span.line);
    }
    lines
}
