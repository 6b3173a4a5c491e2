//! Float values that are never below zero, so `math.sqrt` of them needs no
//! domain check.
//!
//! `s = 0.0; for ...: s += t * t` then `math.sqrt(s)`: the check `s < 0` is one
//! compare and an `or` into the error flags per call, a sizeable share of a
//! small loop body, and LLVM cannot drop it because `s` is carried around a
//! loop. "Never below zero" here allows NaN, -0.0 and +inf (none of which
//! makes sqrt raise), so the rules are simple: non-negative constants, `x * x`,
//! sums and products of such values, `abs`/`fabs`/`sqrt`/`exp`/`hypot`
//! results, and block parameters all of whose incoming values are such (the
//! greatest fixed point: a loop-carried sum is assumed fine until an incoming
//! value says otherwise). Integer arithmetic is not trusted (it wraps).

use std::collections::HashSet;

use rumbo_ir::{Function, Inst, Value, ValueKind};
use rumbo_syntax::{BinOp, Constant};
use rumbo_types::{CallKind, TypedFunction};

const NONNEG_CALLS: &[&str] = &["abs", "math.fabs", "math.sqrt", "math.exp", "math.hypot"];

/// The calls `math.sqrt(x)` (by call value) whose `x` is never below zero.
pub(crate) fn unchecked_sqrts(func: &Function, typed: &TypedFunction) -> HashSet<Value> {
    let is_sqrt = |v: Value| matches!(typed.calls.get(&v), Some(c) if c.kind == CallKind::Builtin("math.sqrt".into()));
    let sqrts: Vec<(Value, Value)> = (0..func.values.len() as u32)
        .map(Value)
        .filter(|&v| is_sqrt(v))
        .filter_map(|v| match func.inst(v) {
            Some(Inst::Call { args, kwargs, .. }) if args.len() == 1 && kwargs.is_empty() => {
                Some((v, args[0]))
            }
            _ => None,
        })
        .collect();
    if sqrts.is_empty() {
        return HashSet::new();
    }
    let nonneg = never_negative(func, typed);
    sqrts
        .into_iter()
        .filter(|(_, x)| nonneg.contains(x))
        .map(|(v, _)| v)
        .collect()
}

fn is_scalar_float(typed: &TypedFunction, v: Value) -> bool {
    matches!(typed.types.get(v.index()), Some(Some(t)) if t.is_float())
}

/// Every value that is never below zero (NaN allowed), by the rules above.
fn never_negative(func: &Function, typed: &TypedFunction) -> HashSet<Value> {
    // Incoming values of each block parameter.
    let mut incoming: Vec<Vec<Value>> = vec![vec![]; func.values.len()];
    for b in func.block_ids() {
        for call in func.block(b).term.successors() {
            for (p, a) in func.block(call.block).params.iter().zip(&call.args) {
                incoming[p.index()].push(*a);
            }
        }
    }
    // Start from every candidate, drop what a rule refutes, until nothing changes.
    let candidate = |v: Value| match &func.value(v).kind {
        ValueKind::Param { block, .. } => *block != Function::ENTRY && is_scalar_float(typed, v),
        ValueKind::Inst(_) => {
            matches!(typed.types.get(v.index()), Some(Some(t)) if t.is_float() || t.is_int_like())
        }
    };
    let mut set: HashSet<Value> = (0..func.values.len() as u32)
        .map(Value)
        .filter(|&v| candidate(v))
        .collect();
    loop {
        let refuted: Vec<Value> = set
            .iter()
            .copied()
            .filter(|&v| !holds(func, typed, v, &incoming, &set))
            .collect();
        if refuted.is_empty() {
            return set;
        }
        for v in refuted {
            set.remove(&v);
        }
    }
}

/// Whether `v` is never below zero given that the values in `set` are not.
fn holds(
    func: &Function,
    typed: &TypedFunction,
    v: Value,
    incoming: &[Vec<Value>],
    set: &HashSet<Value>,
) -> bool {
    let float = is_scalar_float(typed, v);
    match &func.value(v).kind {
        ValueKind::Param { .. } => {
            !incoming[v.index()].is_empty() && incoming[v.index()].iter().all(|a| set.contains(a))
        }
        ValueKind::Inst(inst) => match inst {
            Inst::Const(Constant::Float(x)) => !(*x < 0.0),
            Inst::Const(Constant::Int(x)) => *x >= 0,
            Inst::Const(Constant::Bool(_)) => true,
            // Float results only: integer products and sums wrap around.
            _ if !float => false,
            _ if typed.calls.contains_key(&v) && !matches!(inst, Inst::Call { .. }) => false,
            Inst::Binary {
                op: BinOp::Mult,
                lhs,
                rhs,
            }
            | Inst::Inplace {
                op: BinOp::Mult,
                target: lhs,
                rhs,
            } => lhs == rhs || (set.contains(lhs) && set.contains(rhs)),
            Inst::Binary {
                op: BinOp::Add,
                lhs,
                rhs,
            }
            | Inst::Inplace {
                op: BinOp::Add,
                target: lhs,
                rhs,
            } => set.contains(lhs) && set.contains(rhs),
            Inst::Call { .. } => {
                matches!(typed.calls.get(&v), Some(c) if matches!(&c.kind, CallKind::Builtin(n) if NONNEG_CALLS.contains(&n.as_str())))
            }
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn negative_zero_is_not_below_zero() {
        // The domain rule of sqrt is `x < 0`, which -0.0 and NaN do not satisfy.
        assert!(!(-0.0f64 < 0.0) && !(f64::NAN < 0.0));
    }
}
