//! Typing rules of tuples beyond indexing: slices with constant bounds,
//! comparisons (lexicographic, as Python's), `x in tuple`, and the promotion
//! of a tuple of numbers to one type (NumPy's array-creation rule).

use crate::rules::{compare_op, promote};
use crate::ty::*;
use crate::GlobalValue;
use rumbo_ir::{Function, Inst, Value};
use rumbo_syntax::CmpOp;
use std::collections::HashMap;

/// The constant bounds of the slice `slice` (an `Inst::Slice`), missing or
/// `None` parts as `None`; `Err` when a part is not a compile-time integer.
pub fn const_slice_bounds(func: &Function, consts: &HashMap<Value, GlobalValue>, slice: Value) -> Result<[Option<i128>; 3], String> {
    let Some(Inst::Slice { lower, upper, step }) = func.inst(slice) else {
        return Err("tuples can be sliced only by a slice written in place (`t[1:]`)".into());
    };
    let mut out = [None; 3];
    for (o, part) in out.iter_mut().zip([lower, upper, step]) {
        *o = match part.map(|p| consts.get(&p)) {
            None | Some(Some(GlobalValue::None)) => None,
            Some(Some(GlobalValue::Int(i))) => Some(*i),
            Some(Some(GlobalValue::Bool(b))) => Some(*b as i128),
            Some(_) => return Err("slicing a tuple needs constant bounds (its length is part of its type)".into()),
        };
    }
    Ok(out)
}

/// The items `[lower:upper:step]` selects from a sequence of `len` items,
/// as Python's `slice.indices(len)` computes them.
pub fn slice_positions(len: usize, [lower, upper, step]: [Option<i128>; 3]) -> Result<Vec<usize>, String> {
    let n = len as i128;
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err("slice step cannot be zero".into());
    }
    let clamp = |x: i128, lo: i128, hi: i128| {
        let x = if x < 0 { x + n } else { x };
        x.clamp(lo, hi)
    };
    let (start, stop) = if step > 0 {
        (lower.map_or(0, |x| clamp(x, 0, n)), upper.map_or(n, |x| clamp(x, 0, n)))
    } else {
        (lower.map_or(n - 1, |x| clamp(x, -1, n - 1)), upper.map_or(-1, |x| clamp(x, -1, n - 1)))
    };
    let mut out = vec![];
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

/// Checks `lhs op rhs` on two tuples item by item (nested tuples too).
/// `Some(answer)` when the types decide it: `==`/`!=` of different lengths.
pub fn tuple_compare(op: CmpOp, lhs: &[Type], rhs: &[Type]) -> Result<Option<bool>, String> {
    use CmpOp::*;
    if !matches!(op, Eq | NotEq | Lt | LtE | Gt | GtE) {
        return Err(format!("`{}` is not supported on tuples", op.symbol()));
    }
    for (a, b) in lhs.iter().zip(rhs) {
        items_comparable(op, a, b)?;
    }
    Ok(match op {
        Eq if lhs.len() != rhs.len() => Some(false),
        NotEq if lhs.len() != rhs.len() => Some(true),
        _ => None,
    })
}

/// Items at one position: equal-tested, and ordered by `op` when it orders.
fn items_comparable(op: CmpOp, a: &Type, b: &Type) -> Result<(), String> {
    match (a, b) {
        (Type::Tuple(x), Type::Tuple(y)) => tuple_compare(op, x, y).map(|_| ()),
        _ if a.is_number() && b.is_number() => {
            compare_op(CmpOp::Eq, a, b)?;
            compare_op(op, a, b).map(|_| ())
        }
        _ => Err(format!("tuple items {a} and {b} cannot be compared")),
    }
}

/// How `x in items` tests one item: by value, or never equal (a number and a
/// tuple are never equal in Python).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Membership {
    Equal,
    Never,
}

/// Checks `x in tuple` and says how each item is tested.
pub fn tuple_contains(x: &Type, items: &[Type]) -> Result<Vec<Membership>, String> {
    items
        .iter()
        .map(|it| match (x, it) {
            (Type::Tuple(a), Type::Tuple(b)) => tuple_compare(CmpOp::Eq, a, b).map(|_| Membership::Equal),
            _ if x.is_number() && it.is_number() => compare_op(CmpOp::Eq, x, it).map(|_| Membership::Equal),
            (Type::Tuple(_), t) | (t, Type::Tuple(_)) if t.is_number() => Ok(Membership::Never),
            _ => Err(format!("`in` cannot compare {x} with the tuple item {it}")),
        })
        .collect()
}

/// A tuple of numbers (or of such tuples) with every number converted to their
/// common type, as `np.array` sees it (`(1, 2.5)` is two float64); other
/// types are left as they are.
pub fn promote_numbers(t: &Type) -> Type {
    fn common(t: &Type, acc: &mut Option<Type>) -> bool {
        match t {
            Type::Tuple(items) => items.iter().all(|i| common(i, acc)),
            n if n.is_number() => {
                *acc = match acc.take() {
                    None => Some(n.clone()),
                    Some(a) => array_promote(&a, n),
                };
                acc.is_some()
            }
            _ => false,
        }
    }
    fn with(t: &Type, to: &Type) -> Type {
        match t {
            Type::Tuple(items) => Type::Tuple(items.iter().map(|i| with(i, to)).collect()),
            _ => to.clone(),
        }
    }
    let mut acc = None;
    match (common(t, &mut acc), acc) {
        (true, Some(to)) => with(t, &to),
        _ => t.clone(),
    }
}

/// NumPy's `promote_types` (no weak scalars, no widening of equal integer
/// types: int8 with int8 stays int8, unlike arithmetic's int64).
fn array_promote(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (Type::Bool, x) | (x, Type::Bool) => Some(x.clone()),
        (Type::Int { .. }, Type::Int { .. }) => crate::rules::unify(a, b),
        _ => promote(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_python() {
        let p = |l, u, s| slice_positions(5, [l, u, s]).unwrap();
        assert_eq!(p(Some(1), None, None), vec![1, 2, 3, 4]);
        assert_eq!(p(None, None, Some(-1)), vec![4, 3, 2, 1, 0]);
        assert_eq!(p(None, Some(2), None), vec![0, 1]);
        assert_eq!(p(Some(-2), None, None), vec![3, 4]);
        assert_eq!(p(Some(10), None, None), Vec::<usize>::new());
        assert_eq!(p(Some(-10), Some(-3), Some(2)), vec![0]);
        assert_eq!(p(Some(3), Some(0), Some(-2)), vec![3, 1]);
        assert!(slice_positions(3, [None, None, Some(0)]).is_err());
    }

    #[test]
    fn equality_of_different_lengths_is_decided_by_types() {
        assert_eq!(tuple_compare(CmpOp::Eq, &[I64], &[I64, I64]), Ok(Some(false)));
        assert_eq!(tuple_compare(CmpOp::Lt, &[I64], &[F64, I64]), Ok(None));
        assert!(tuple_compare(CmpOp::Lt, &[C128], &[C128]).is_err());
    }

    #[test]
    fn numbers_promote_to_one_type() {
        let t = Type::Tuple(vec![Type::Tuple(vec![I64, F64]), Type::Tuple(vec![I64, Type::Bool])]);
        assert_eq!(promote_numbers(&t), Type::Tuple(vec![Type::Tuple(vec![F64, F64]); 2]));
        let bools = Type::Tuple(vec![Type::Bool, I64]);
        assert_eq!(promote_numbers(&bools), Type::Tuple(vec![I64, I64]));
        let small = Type::Tuple(vec![I8, I8, Type::Int { bits: 16, signed: false }]);
        assert_eq!(promote_numbers(&small), Type::Tuple(vec![I32; 3]));
        let f32s = Type::Tuple(vec![I16, F32]);
        assert_eq!(promote_numbers(&f32s), Type::Tuple(vec![F32, F32]));
    }
}
