//! Typing rules of operators on scalars, following Numba's (which follow NumPy's
//! for fixed-width numbers): integers widen to at least 64 bits, any signed
//! operand makes the result signed, integers with floats give float64.

use crate::ty::*;
use rumbo_syntax::{BinOp, CmpOp, UnaryOp};

fn kind_rank(t: &Type) -> u8 {
    match t {
        Type::Bool => 0,
        Type::Int { .. } => 1,
        Type::Float { .. } => 2,
        Type::Complex { .. } => 3,
        _ => 255,
    }
}

/// The common type two numbers are computed in (bool with bool stays bool).
pub(crate) fn promote(a: &Type, b: &Type) -> Option<Type> {
    if !a.is_number() || !b.is_number() {
        return None;
    }
    let (lo, hi) = if kind_rank(a) <= kind_rank(b) { (a, b) } else { (b, a) };
    Some(match (lo, hi) {
        (Type::Bool, Type::Bool) => Type::Bool,
        (Type::Bool, Type::Int { .. }) => int_result(&[hi]),
        (Type::Int { .. }, Type::Int { .. }) => int_result(&[lo, hi]),
        (Type::Bool, Type::Float { .. }) => hi.clone(),
        // NumPy's rule: 8- and 16-bit integers fit float32 exactly.
        (Type::Int { bits, .. }, Type::Float { bits: 32 }) if *bits <= 16 => F32,
        (Type::Int { .. }, Type::Float { .. }) => F64,
        (Type::Float { bits: x }, Type::Float { bits: y }) => Type::Float { bits: (*x).max(*y) },
        (Type::Bool, Type::Complex { .. }) => hi.clone(),
        (Type::Int { bits, .. }, Type::Complex { bits: 64 }) if *bits <= 16 => C64,
        (Type::Int { .. }, Type::Complex { .. }) => C128,
        (Type::Float { bits: x }, Type::Complex { bits: y }) => Type::Complex { bits: (*y).max(x * 2) },
        (Type::Complex { bits: x }, Type::Complex { bits: y }) => Type::Complex { bits: (*x).max(*y) },
        _ => return None,
    })
}

/// Integer arithmetic result: at least 64 bits, signed if any operand is.
fn int_result(ts: &[&Type]) -> Type {
    let signed = ts.iter().any(|t| matches!(t, Type::Int { signed: true, .. } | Type::Bool));
    let bits = ts.iter().map(|t| t.bits()).max().unwrap_or(64).max(64);
    Type::Int { bits, signed }
}

/// Operand and result types of `lhs op rhs`, or a reason it does not type.
pub fn binary_op(op: BinOp, lhs: &Type, rhs: &Type) -> Result<(Type, Type), String> {
    let common = promote(lhs, rhs).ok_or_else(|| format!("unsupported operand types for {}", op.symbol()))?;
    let arith = if common == Type::Bool { I64 } else { common.clone() };
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mult => Ok((arith.clone(), arith)),
        BinOp::Div => {
            let t = if arith.is_int() { F64 } else { arith };
            Ok((t.clone(), t))
        }
        BinOp::FloorDiv | BinOp::Mod => {
            if arith.is_complex() {
                Err(format!("cannot take {} of complex numbers", if op == BinOp::Mod { "modulo" } else { "floor division" }))
            } else {
                Ok((arith.clone(), arith))
            }
        }
        BinOp::Pow => Ok((arith.clone(), arith)),
        BinOp::LShift | BinOp::RShift => {
            if lhs.is_int_like() && rhs.is_int_like() {
                Ok((arith.clone(), arith))
            } else {
                Err(format!("unsupported operand types for {}: shifts need integers", op.symbol()))
            }
        }
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
            if common == Type::Bool {
                Ok((Type::Bool, Type::Bool))
            } else if lhs.is_int_like() && rhs.is_int_like() {
                Ok((arith.clone(), arith))
            } else {
                Err(format!("unsupported operand types for {}: bitwise operators need integers", op.symbol()))
            }
        }
        BinOp::MatMult => Err("`@` needs arrays".into()),
    }
}

/// Operand type of a comparison of two values (the result is always bool).
pub fn compare_op(op: CmpOp, lhs: &Type, rhs: &Type) -> Result<Type, String> {
    match op {
        CmpOp::In | CmpOp::NotIn => return Err(format!("`{}` is not supported on these types", op.symbol())),
        CmpOp::Is | CmpOp::IsNot => {
            if lhs == &Type::NoneType || rhs == &Type::NoneType {
                return Ok(Type::NoneType);
            }
        }
        _ => {}
    }
    let common = promote(lhs, rhs).ok_or_else(|| "these types cannot be compared".to_string())?;
    if common.is_complex() && !matches!(op, CmpOp::Eq | CmpOp::NotEq | CmpOp::Is | CmpOp::IsNot) {
        return Err("complex numbers have no ordering".into());
    }
    Ok(common)
}

/// Operand and result type of a unary operator.
pub fn unary_op(op: UnaryOp, t: &Type) -> Result<(Type, Type), String> {
    match op {
        UnaryOp::Not => Ok((t.clone(), Type::Bool)),
        UnaryOp::Neg | UnaryOp::Pos => match t {
            Type::Bool => Ok((I64, I64)),
            Type::Int { .. } => {
                let r = int_result(&[t]);
                Ok((r.clone(), r))
            }
            Type::Float { .. } | Type::Complex { .. } => Ok((t.clone(), t.clone())),
            _ => Err("bad operand type for unary operator".into()),
        },
        UnaryOp::Invert => match t {
            Type::Bool => Ok((I64, I64)),
            Type::Int { .. } => {
                let r = int_result(&[t]);
                Ok((r.clone(), r))
            }
            _ => Err("bad operand type for unary ~: it needs an integer".into()),
        },
    }
}

/// The type that values of both types fit in, where control flow merges.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Type::Int { bits: x, signed: sx }, Type::Int { bits: y, signed: sy }) => {
            if sx == sy {
                Some(Type::Int { bits: (*x).max(*y), signed: *sx })
            } else {
                // A signed and an unsigned integer meet in the wider signed type,
                // or in float64 when the unsigned one has 64 bits (as NumPy does).
                let (s_bits, u_bits) = if *sx { (*x, *y) } else { (*y, *x) };
                if u_bits < 64 {
                    Some(Type::Int { bits: s_bits.max(u_bits * 2), signed: true })
                } else {
                    Some(F64)
                }
            }
        }
        (Type::Bool, Type::Int { .. }) => Some(b.clone()),
        (Type::Int { .. }, Type::Bool) => Some(a.clone()),
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => {
            Some(Type::Tuple(x.iter().zip(y).map(|(p, q)| unify(p, q)).collect::<Option<_>>()?))
        }
        (Type::Array { dtype: d1, ndim: n1, readonly: r1, .. }, Type::Array { dtype: d2, ndim: n2, readonly: r2, .. })
            if d1 == d2 && n1 == n2 =>
        {
            Some(Type::Array { dtype: d1.clone(), ndim: *n1, layout: Layout::A, readonly: *r1 || *r2 })
        }
        _ if a.is_number() && b.is_number() => promote(a, b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_arithmetic_widens_to_64_bits() {
        assert_eq!(binary_op(BinOp::Add, &I32, &I32).unwrap().1, I64);
        assert_eq!(binary_op(BinOp::Add, &U32, &U32).unwrap().1, U64);
        assert_eq!(binary_op(BinOp::Add, &U64, &I8).unwrap().1, I64);
        assert_eq!(binary_op(BinOp::Add, &Type::Bool, &Type::Bool).unwrap().1, I64);
    }

    #[test]
    fn true_division_of_integers_is_float64() {
        assert_eq!(binary_op(BinOp::Div, &I64, &I64).unwrap(), (F64, F64));
        assert_eq!(binary_op(BinOp::Div, &F32, &F32).unwrap(), (F32, F32));
    }

    #[test]
    fn floats_and_complex_promote() {
        assert_eq!(promote(&F32, &I64), Some(F64));
        assert_eq!(promote(&F32, &F64), Some(F64));
        assert_eq!(promote(&C64, &F32), Some(C64));
        assert_eq!(promote(&C64, &F64), Some(C128));
        assert_eq!(promote(&C64, &I32), Some(C128));
        assert!(binary_op(BinOp::Mod, &C128, &F64).is_err());
    }

    #[test]
    fn unify_merges_numbers_and_tuples() {
        assert_eq!(unify(&I64, &F64), Some(F64));
        assert_eq!(unify(&I32, &I64), Some(I64));
        assert_eq!(unify(&I64, &U64), Some(F64));
        assert_eq!(unify(&I32, &U16), Some(I32));
        assert_eq!(unify(&Type::Tuple(vec![I64, F32]), &Type::Tuple(vec![F64, F32])), Some(Type::Tuple(vec![F64, F32])));
        assert_eq!(unify(&Type::Tuple(vec![I64]), &I64), None);
        assert_eq!(unify(&Type::NoneType, &I64), None);
    }

    #[test]
    fn comparisons_of_complex_need_equality() {
        assert!(compare_op(CmpOp::Lt, &C128, &F64).is_err());
        assert_eq!(compare_op(CmpOp::Eq, &C128, &F64).unwrap(), C128);
    }
}
