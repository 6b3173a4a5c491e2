//! Elementwise operations on arrays (operators and NumPy ufuncs): NumPy's
//! type promotion (NEP 50: Python-like scalars are weak and take the array's
//! kind), broadcasting to the larger number of dimensions, and the ufunc table.

use crate::rules::binary_op;
use crate::ty::*;
use rumbo_syntax::{BinOp, CmpOp, UnaryOp};

/// How a ufunc types its operands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UfuncKind {
    /// Computed in floating point (ints become float64): exp, sin, sqrt, ...
    FloatMath,
    /// The arithmetic of an operator: add, multiply, ...
    Arith(BinOp),
    /// Keeps the operand type: negative, absolute, square, sign, maximum, ...
    Same,
    /// Float-valued rounding: floor, ceil, trunc, rint.
    Rounding,
    /// Boolean result: isnan, isinf, isfinite.
    Predicate,
    /// `np.where(cond, x, y)`.
    Select,
    /// `np.clip(a, lo, hi)`.
    Clip,
}

/// The ufuncs rumbo compiles, with their number of inputs.
pub fn ufunc_kind(name: &str) -> Option<(UfuncKind, usize)> {
    use UfuncKind::*;
    Some(match name {
        "exp" | "exp2" | "expm1" | "log" | "log2" | "log10" | "log1p" | "sqrt" | "cbrt" | "sin" | "cos" | "tan"
        | "arcsin" | "arccos" | "arctan" | "sinh" | "cosh" | "tanh" | "arcsinh" | "arccosh" | "arctanh"
        | "deg2rad" | "rad2deg" | "degrees" | "radians" => (FloatMath, 1),
        "arctan2" | "hypot" | "copysign" | "fmod" | "logaddexp" => (FloatMath, 2),
        "add" => (Arith(BinOp::Add), 2),
        "subtract" => (Arith(BinOp::Sub), 2),
        "multiply" => (Arith(BinOp::Mult), 2),
        "divide" | "true_divide" => (Arith(BinOp::Div), 2),
        "floor_divide" => (Arith(BinOp::FloorDiv), 2),
        "remainder" | "mod" => (Arith(BinOp::Mod), 2),
        "power" => (Arith(BinOp::Pow), 2),
        "negative" | "positive" | "absolute" | "abs" | "fabs" | "square" | "sign" | "conjugate" => (Same, 1),
        "maximum" | "minimum" | "fmax" | "fmin" => (Same, 2),
        "floor" | "ceil" | "trunc" | "rint" => (Rounding, 1),
        "isnan" | "isinf" | "isfinite" => (Predicate, 1),
        "where" => (Select, 3),
        "clip" => (Clip, 3),
        _ => return None,
    })
}

fn kind_rank(t: &Type) -> u8 {
    match t {
        Type::Bool => 0,
        Type::Int { .. } => 1,
        Type::Float { .. } => 2,
        _ => 3,
    }
}

/// NumPy's promotion of two array dtypes.
fn promote_arrays(a: &Type, b: &Type) -> Type {
    match (a, b) {
        _ if a == b => a.clone(),
        (Type::Bool, x) | (x, Type::Bool) => x.clone(),
        (Type::Int { bits: x, signed: sx }, Type::Int { bits: y, signed: sy }) => {
            if sx == sy {
                Type::Int { bits: (*x).max(*y), signed: *sx }
            } else {
                let (s, u) = if *sx { (*x, *y) } else { (*y, *x) };
                if s > u {
                    Type::Int { bits: s, signed: true }
                } else if u < 64 {
                    Type::Int { bits: (u * 2).max(s), signed: true }
                } else {
                    F64
                }
            }
        }
        (Type::Int { bits, .. }, Type::Float { bits: f }) | (Type::Float { bits: f }, Type::Int { bits, .. }) => {
            if *bits <= 16 && *f >= 32 || *f == 64 {
                Type::Float { bits: *f }
            } else {
                F64
            }
        }
        (Type::Float { bits: x }, Type::Float { bits: y }) => Type::Float { bits: (*x).max(*y) },
        (Type::Complex { bits: c }, other) | (other, Type::Complex { bits: c }) => match other {
            Type::Complex { bits: d } => Type::Complex { bits: (*c).max(*d) },
            Type::Float { bits: 64 } | Type::Int { bits: 32 | 64, .. } => C128,
            _ => Type::Complex { bits: *c },
        },
        _ => F64,
    }
}

/// The dtype two operands are combined in: arrays promote as NumPy does, and a
/// scalar of a kind no higher than the array's takes the array's dtype.
fn combine(a: &Type, a_array: bool, b: &Type, b_array: bool) -> Type {
    match (a_array, b_array) {
        (true, false) if kind_rank(b) <= kind_rank(a) => a.clone(),
        (false, true) if kind_rank(a) <= kind_rank(b) => b.clone(),
        (true, false) => weak_upcast(a, b),
        (false, true) => weak_upcast(b, a),
        _ => promote_arrays(a, b),
    }
}

/// An array of `arr` combined with a scalar of a higher kind (int array * 1.5):
/// the scalar's kind at its default precision, as NumPy does.
fn weak_upcast(arr: &Type, scalar: &Type) -> Type {
    match (arr, scalar) {
        (Type::Float { bits: 32 }, Type::Complex { .. }) => C64,
        (_, Type::Complex { .. }) => C128,
        (_, Type::Float { .. }) => F64,
        _ => promote_arrays(arr, scalar),
    }
}

fn dtype_ndim(t: &Type) -> Option<(Type, u8)> {
    match t {
        Type::Array { dtype, ndim, .. } => Some(((**dtype).clone(), *ndim)),
        t if t.is_number() => Some((t.clone(), 0)),
        _ => None,
    }
}

fn array_of(dtype: Type, ndim: u8) -> Type {
    Type::Array { dtype: Box::new(dtype), ndim, layout: Layout::C, readonly: false }
}

/// Operand dtype and result type of `lhs op rhs` when either side is an array.
pub fn array_binary(op: BinOp, lhs: &Type, rhs: &Type) -> Option<Result<(Type, Type), String>> {
    if !lhs.is_array() && !rhs.is_array() {
        return None;
    }
    Some((|| {
        let (a, na) = dtype_ndim(lhs).ok_or_else(|| format!("unsupported operand types for {}: {lhs} and {rhs}", op.symbol()))?;
        let (b, nb) = dtype_ndim(rhs).ok_or_else(|| format!("unsupported operand types for {}: {lhs} and {rhs}", op.symbol()))?;
        let common = combine(&a, lhs.is_array(), &b, rhs.is_array());
        let (operand, result) = match op {
            BinOp::Div if common.is_int_like() => (F64, F64),
            BinOp::Add | BinOp::Sub | BinOp::Mult | BinOp::FloorDiv | BinOp::Mod | BinOp::Pow if common == Type::Bool => {
                match op {
                    BinOp::Add | BinOp::Mult => (Type::Bool, Type::Bool),
                    _ => (I8, I8),
                }
            }
            _ => {
                binary_op(op, &common, &common)?;
                (common.clone(), common)
            }
        };
        Ok((operand, array_of(result, na.max(nb))))
    })())
}

/// Operand dtype and result type of a comparison with an array side.
pub fn array_compare(op: CmpOp, lhs: &Type, rhs: &Type) -> Option<Result<(Type, Type), String>> {
    if !lhs.is_array() && !rhs.is_array() {
        return None;
    }
    Some((|| {
        if matches!(op, CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot) {
            return Err(format!("`{}` is not supported on arrays", op.symbol()));
        }
        let (a, na) = dtype_ndim(lhs).ok_or("these types cannot be compared")?;
        let (b, nb) = dtype_ndim(rhs).ok_or("these types cannot be compared")?;
        let common = combine(&a, lhs.is_array(), &b, rhs.is_array());
        Ok((common, array_of(Type::Bool, na.max(nb))))
    })())
}

/// Operand dtype and result type of a unary operator on an array.
pub fn array_unary(op: UnaryOp, t: &Type) -> Option<Result<(Type, Type), String>> {
    let Type::Array { dtype, ndim, .. } = t else { return None };
    Some(match op {
        UnaryOp::Not => Err("`not` of an array is ambiguous; use np.logical_not or a.any()/a.all()".into()),
        UnaryOp::Invert if !dtype.is_int_like() => Err(format!("~ needs an integer or bool array, not {t}")),
        _ => Ok(((**dtype).clone(), array_of((**dtype).clone(), *ndim))),
    })
}

/// The type each argument of a ufunc call is converted to, and the result type
/// (an array when any argument is one).
pub fn type_ufunc_args(name: &str, args: &[Type]) -> Result<(Vec<Type>, Type), String> {
    if name == "where" && args.len() == 3 {
        let (_, result) = type_ufunc("maximum", &args[1..])?;
        let ndim = args.iter().filter_map(|a| dtype_ndim(a).map(|d| d.1)).max().unwrap_or(0);
        let dtype = match &result {
            Type::Array { dtype, .. } => (**dtype).clone(),
            t => t.clone(),
        };
        let result = if args.iter().any(|a| a.is_array()) { array_of(dtype.clone(), ndim) } else { dtype.clone() };
        return Ok((vec![Type::Bool, dtype.clone(), dtype], result));
    }
    let (operand, result) = type_ufunc(name, args)?;
    Ok((vec![operand; args.len()], result))
}

fn type_ufunc(name: &str, args: &[Type]) -> Result<(Type, Type), String> {
    let (kind, nin) = ufunc_kind(name).ok_or_else(|| format!("np.{name} is not supported in compiled code (yet)"))?;
    if args.len() != nin {
        return Err(format!("np.{name}() takes {nin} argument(s), got {}", args.len()));
    }
    let mut dtype = None::<Type>;
    let mut ndim = 0u8;
    let mut any_array = false;
    for a in args {
        let (d, n) = dtype_ndim(a).ok_or_else(|| format!("np.{name}() cannot take {a}"))?;
        ndim = ndim.max(n);
        dtype = Some(match dtype {
            None => d,
            Some(prev) => combine(&prev, any_array, &d, a.is_array()),
        });
        any_array |= a.is_array();
    }
    let common = dtype.expect("at least one argument");
    let (operand, result) = match kind {
        // NumPy 2 keeps integer dtypes through floor/ceil/trunc (rint still gives floats).
        UfuncKind::Rounding if common.is_int_like() && name != "rint" => (common.clone(), common),
        UfuncKind::FloatMath | UfuncKind::Rounding => {
            let f = match &common {
                Type::Float { .. } | Type::Complex { .. } => common.clone(),
                Type::Int { bits, .. } if *bits <= 16 && args.iter().all(|a| a.is_array()) => F32,
                _ => F64,
            };
            if f.is_complex() && !complex_ufunc(name) {
                return Err(format!("np.{name} of complex values is not supported yet"));
            }
            (f.clone(), f)
        }
        UfuncKind::Arith(op) => {
            let at = array_of(common.clone(), 1);
            let (operand, result) = array_binary(op, &at, &at).expect("array operand")?;
            let Type::Array { dtype, .. } = result else { unreachable!() };
            (operand, *dtype)
        }
        UfuncKind::Same => match (name, &common) {
            ("absolute" | "abs" | "fabs", Type::Complex { bits }) => (common.clone(), Type::Float { bits: bits / 2 }),
            ("fabs", t) if !t.is_float() => (F64, F64),
            _ => (common.clone(), common.clone()),
        },
        UfuncKind::Predicate => {
            let f = if common.is_float() { common.clone() } else { F64 };
            (f, Type::Bool)
        }
        UfuncKind::Select | UfuncKind::Clip => {
            if common.is_complex() {
                return Err(format!("np.{name} of complex values is not supported yet"));
            }
            (common.clone(), common)
        }
    };
    let result = if any_array { array_of(result, ndim) } else { result };
    Ok((operand, result))
}

/// The math ufuncs defined on complex numbers here (C99's complex functions).
pub fn complex_ufunc(name: &str) -> bool {
    matches!(
        name,
        "exp" | "log" | "sqrt" | "sin" | "cos" | "tan" | "sinh" | "cosh" | "tanh" | "arcsin" | "arccos" | "arctan" | "arcsinh" | "arccosh" | "arctanh"
    )
}
