//! Typing rules of builtin and `math` functions: which arguments they take, what
//! each argument is converted to before the call, and what they return.

use crate::infer::{CallKind, CallTarget};
use crate::rules::{binary_op, promote};
use crate::ty::*;
use rumbo_syntax::BinOp;

/// Exceptions compiled code raises by itself; their ids are fixed. Ids from 64 up
/// belong to exception classes the Python side registers (user classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinExc {
    ZeroDivisionError = 0,
    OverflowError = 1,
    ValueError = 2,
    AssertionError = 3,
    IndexError = 4,
    TypeError = 5,
    KeyError = 6,
    RuntimeError = 7,
    ArithmeticError = 8,
    Exception = 9,
    NotImplementedError = 10,
    StopIteration = 11,
    AttributeError = 12,
    LookupError = 13,
    FloatingPointError = 14,
    MemoryError = 15,
}

impl BuiltinExc {
    pub const ALL: [BuiltinExc; 16] = [
        BuiltinExc::ZeroDivisionError,
        BuiltinExc::OverflowError,
        BuiltinExc::ValueError,
        BuiltinExc::AssertionError,
        BuiltinExc::IndexError,
        BuiltinExc::TypeError,
        BuiltinExc::KeyError,
        BuiltinExc::RuntimeError,
        BuiltinExc::ArithmeticError,
        BuiltinExc::Exception,
        BuiltinExc::NotImplementedError,
        BuiltinExc::StopIteration,
        BuiltinExc::AttributeError,
        BuiltinExc::LookupError,
        BuiltinExc::FloatingPointError,
        BuiltinExc::MemoryError,
    ];

    pub fn id(self) -> u32 {
        self as u32
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltinExc::ZeroDivisionError => "ZeroDivisionError",
            BuiltinExc::OverflowError => "OverflowError",
            BuiltinExc::ValueError => "ValueError",
            BuiltinExc::AssertionError => "AssertionError",
            BuiltinExc::IndexError => "IndexError",
            BuiltinExc::TypeError => "TypeError",
            BuiltinExc::KeyError => "KeyError",
            BuiltinExc::RuntimeError => "RuntimeError",
            BuiltinExc::ArithmeticError => "ArithmeticError",
            BuiltinExc::Exception => "Exception",
            BuiltinExc::NotImplementedError => "NotImplementedError",
            BuiltinExc::StopIteration => "StopIteration",
            BuiltinExc::AttributeError => "AttributeError",
            BuiltinExc::LookupError => "LookupError",
            BuiltinExc::FloatingPointError => "FloatingPointError",
            BuiltinExc::MemoryError => "MemoryError",
        }
    }
}

/// Float functions keep float32, and compute everything else in float64.
fn float_of(t: &Type) -> Option<Type> {
    match t {
        Type::Float { .. } => Some(t.clone()),
        Type::Bool | Type::Int { .. } => Some(F64),
        _ => None,
    }
}

const MATH_UNARY_FLOAT: &[&str] = &[
    "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "exp", "expm1", "ulp",
    "exp2", "log1p", "log2", "log10", "sqrt", "cbrt", "fabs", "erf", "erfc", "gamma", "lgamma", "degrees", "radians",
];
const MATH_BINARY_FLOAT: &[&str] = &["atan2", "copysign", "fmod", "pow", "remainder", "nextafter"];
const MATH_INT_BINARY: &[&str] = &["gcd", "lcm", "comb", "perm"];

/// Names of the `math` module rumbo compiles (functions and constants).
pub(crate) fn math_attr_known(name: &str) -> bool {
    MATH_UNARY_FLOAT.contains(&name)
        || MATH_BINARY_FLOAT.contains(&name)
        || MATH_INT_BINARY.contains(&name)
        || matches!(
            name,
            "log" | "hypot" | "floor" | "ceil" | "trunc" | "isnan" | "isinf" | "isfinite" | "ldexp" | "frexp" | "modf" | "factorial"
                | "isqrt" | "isclose" | "pi" | "e" | "tau" | "inf" | "nan"
        )
}

fn target(name: &str, arg_types: Vec<Type>, ret: Type) -> CallTarget {
    CallTarget { kind: CallKind::Builtin(name.to_string()), arg_types, ret, binding: None }
}

fn arity(name: &str, args: &[Type], lo: usize, hi: usize) -> Result<(), String> {
    if args.len() < lo || args.len() > hi {
        let want = if lo == hi { format!("{lo}") } else { format!("{lo} to {hi}") };
        return Err(format!("{name}() takes {want} argument(s), got {}", args.len()));
    }
    Ok(())
}

fn need_float(name: &str, t: &Type) -> Result<Type, String> {
    float_of(t).ok_or_else(|| format!("{name}() needs a real number, got {t}"))
}

fn need_int(name: &str, t: &Type) -> Result<Type, String> {
    if t.is_int_like() {
        Ok(I64)
    } else {
        Err(format!("{name}() needs an integer, got {t}"))
    }
}

/// Types a call of the `math` function `name`.
pub(crate) fn type_math_call(name: &str, args: &[Type], kwargs: &[(String, Type)]) -> Result<CallTarget, String> {
    let q = format!("math.{name}");
    if !kwargs.is_empty() && name != "isclose" {
        return Err(format!("{q}() takes no keyword arguments"));
    }
    if MATH_UNARY_FLOAT.contains(&name) {
        arity(&q, args, 1, 1)?;
        let t = need_float(&q, &args[0])?;
        return Ok(target(&q, vec![t.clone()], t));
    }
    if MATH_BINARY_FLOAT.contains(&name) {
        arity(&q, args, 2, 2)?;
        let (a, b) = (need_float(&q, &args[0])?, need_float(&q, &args[1])?);
        let t = promote(&a, &b).unwrap_or(F64);
        return Ok(target(&q, vec![t.clone(), t.clone()], t));
    }
    if MATH_INT_BINARY.contains(&name) {
        arity(&q, args, 2, 2)?;
        need_int(&q, &args[0])?;
        need_int(&q, &args[1])?;
        return Ok(target(&q, vec![I64, I64], I64));
    }
    match name {
        "hypot" => {
            if args.is_empty() {
                return Ok(target(&q, vec![], F64));
            }
            let ts = args.iter().map(|a| need_float(&q, a)).collect::<Result<Vec<_>, _>>()?;
            let t = ts.iter().skip(1).fold(ts[0].clone(), |acc, x| promote(&acc, x).unwrap_or(F64));
            Ok(target(&q, vec![t.clone(); ts.len()], t))
        }
        "log" => {
            arity(&q, args, 1, 2)?;
            let ts = args.iter().map(|a| need_float(&q, a)).collect::<Result<Vec<_>, _>>()?;
            let t = ts.iter().skip(1).fold(ts[0].clone(), |acc, x| promote(&acc, x).unwrap_or(F64));
            Ok(target(&q, vec![t.clone(); ts.len()], t))
        }
        "floor" | "ceil" | "trunc" => {
            arity(&q, args, 1, 1)?;
            if args[0].is_int_like() {
                return Ok(target(&q, vec![I64], I64));
            }
            let t = need_float(&q, &args[0])?;
            Ok(target(&q, vec![t], I64))
        }
        "isnan" | "isinf" | "isfinite" => {
            arity(&q, args, 1, 1)?;
            let t = need_float(&q, &args[0])?;
            Ok(target(&q, vec![t], Type::Bool))
        }
        "ldexp" => {
            arity(&q, args, 2, 2)?;
            let t = need_float(&q, &args[0])?;
            need_int(&q, &args[1])?;
            Ok(target(&q, vec![t.clone(), I64], t))
        }
        "frexp" => {
            arity(&q, args, 1, 1)?;
            let t = need_float(&q, &args[0])?;
            Ok(target(&q, vec![t.clone()], Type::Tuple(vec![t, I64])))
        }
        "modf" => {
            arity(&q, args, 1, 1)?;
            let t = need_float(&q, &args[0])?;
            Ok(target(&q, vec![t.clone()], Type::Tuple(vec![t.clone(), t])))
        }
        "factorial" | "isqrt" => {
            arity(&q, args, 1, 1)?;
            need_int(&q, &args[0])?;
            Ok(target(&q, vec![I64], I64))
        }
        "isclose" => {
            arity(&q, args, 2, 2)?;
            for (k, t) in kwargs {
                if k != "rel_tol" && k != "abs_tol" {
                    return Err(format!("math.isclose() got an unexpected keyword argument '{k}'"));
                }
                need_float(&q, t)?;
            }
            need_float(&q, &args[0])?;
            need_float(&q, &args[1])?;
            Ok(target(&q, vec![F64, F64], Type::Bool))
        }
        _ => Err(format!("math.{name} is not supported in compiled code")),
    }
}

/// Types a call of a Python builtin function.
pub(crate) fn type_builtin_call(name: &str, args: &[Type], kwargs: &[(String, Type)]) -> Result<CallTarget, String> {
    if name == "print" {
        for a in args {
            let ok = a.is_number() || matches!(a, Type::StrLiteral(_) | Type::NoneType)
                || matches!(a, Type::Tuple(items) if items.iter().all(|i| i.is_number()));
            if !ok {
                return Err(format!("print() of {a} is not supported in compiled code yet"));
            }
        }
        if let Some((k, _)) = kwargs.first() {
            return Err(format!("print() keyword argument '{k}' is not supported in compiled code"));
        }
        return Ok(target(name, args.to_vec(), Type::NoneType));
    }
    if !kwargs.is_empty() {
        return Err(format!("{name}() takes no keyword arguments in compiled code"));
    }
    match name {
        "abs" => {
            arity(name, args, 1, 1)?;
            let ret = match &args[0] {
                Type::Bool => I64,
                Type::Complex { bits } => Type::Float { bits: bits / 2 },
                t if t.is_number() => t.clone(),
                t => return Err(format!("bad operand type for abs(): {t}")),
            };
            let arg = if args[0] == Type::Bool { I64 } else { args[0].clone() };
            Ok(target(name, vec![arg], ret))
        }
        "min" | "max" => {
            let items: Vec<Type> = match args {
                [Type::Tuple(items)] => items.clone(),
                _ => args.to_vec(),
            };
            if items.is_empty() || (args.len() < 2 && !matches!(args, [Type::Tuple(_)])) {
                return Err(format!("{name}() needs at least two numbers, or one non-empty tuple"));
            }
            let mut t = items[0].clone();
            for x in &items[1..] {
                t = promote(&t, x).ok_or_else(|| format!("{name}() cannot compare {t} and {x}"))?;
            }
            if t.is_complex() {
                return Err(format!("{name}() cannot order complex numbers"));
            }
            let arg_types = if matches!(args, [Type::Tuple(_)]) { args.to_vec() } else { vec![t.clone(); args.len()] };
            Ok(target(name, arg_types, t))
        }
        "pow" => {
            arity(name, args, 2, 3)?;
            if args.len() == 3 {
                for a in args {
                    need_int(name, a)?;
                }
                return Ok(target("pow3", vec![I64, I64, I64], I64));
            }
            let (operand, ret) = binary_op(BinOp::Pow, &args[0], &args[1])?;
            Ok(target(name, vec![operand.clone(), operand], ret))
        }
        "round" => {
            arity(name, args, 1, 2)?;
            let t = &args[0];
            if args.len() == 1 {
                if t.is_int_like() {
                    return Ok(target(name, vec![I64], I64));
                }
                let f = need_float(name, t)?;
                return Ok(target(name, vec![f], I64));
            }
            need_int(name, &args[1])?;
            if t.is_int_like() {
                return Ok(target(name, vec![I64, I64], I64));
            }
            let f = need_float(name, t)?;
            Ok(target(name, vec![f.clone(), I64], f))
        }
        "int" | "float" | "bool" => {
            arity(name, args, 0, 1)?;
            let ret = match name {
                "int" => I64,
                "float" => F64,
                _ => Type::Bool,
            };
            if let Some(t) = args.first() {
                let truthy = name == "bool" && matches!(t, Type::Tuple(_) | Type::NoneType);
                if !truthy && (!t.is_number() || (t.is_complex() && name != "bool")) {
                    return Err(format!("{name}() cannot convert {t}"));
                }
            }
            Ok(target(name, args.to_vec(), ret))
        }
        "complex" => {
            arity(name, args, 0, 2)?;
            for a in args {
                if !a.is_number() || (args.len() == 2 && a.is_complex()) {
                    return Err(format!("complex() cannot convert {a}"));
                }
            }
            Ok(target(name, args.to_vec(), C128))
        }
        "divmod" => {
            arity(name, args, 2, 2)?;
            let (operand, ret) = binary_op(BinOp::FloorDiv, &args[0], &args[1])?;
            Ok(target(name, vec![operand.clone(), operand], Type::Tuple(vec![ret.clone(), ret])))
        }
        "len" => {
            arity(name, args, 1, 1)?;
            match &args[0] {
                Type::Tuple(_) => Ok(target(name, args.to_vec(), I64)),
                Type::Array { ndim: 0, .. } => Err("len() of a 0-d array".into()),
                Type::Array { .. } => Ok(target(name, args.to_vec(), I64)),
                t => Err(format!("len() of {t} is not supported")),
            }
        }
        // `tuple(t)` of a tuple is the tuple itself; `tuple()` the empty one.
        "tuple" => match args {
            [] => Ok(target(name, vec![], Type::Tuple(vec![]))),
            [t @ Type::Tuple(_)] => Ok(target(name, args.to_vec(), t.clone())),
            [t] => Err(format!("tuple() of {t} is not supported in compiled code (only of a tuple)")),
            _ => Err(format!("tuple() takes at most 1 argument ({} given)", args.len())),
        },
        // `prange` is `range` to typing; rumbo-passes makes its loops parallel regions.
        "range" | "prange" => {
            arity(name, args, 1, 3)?;
            for a in args {
                need_int(name, a)?;
            }
            Ok(target("range", vec![I64; args.len()], Type::Range))
        }
        "threads.get_num_threads" | "threads.get_thread_id" => {
            arity(name, args, 0, 0)?;
            Ok(target(name, vec![], I64))
        }
        "threads.set_num_threads" => {
            arity(name, args, 1, 1)?;
            need_int(name, &args[0])?;
            Ok(target(name, vec![I64], Type::NoneType))
        }
        _ => Err(format!("the builtin {name}() is not supported in compiled code")),
    }
}

/// Types a method call on a scalar (`z.conjugate()`).
pub(crate) fn type_method_call(recv: &Type, name: &str, args: &[Type]) -> Result<CallTarget, String> {
    match name {
        "conjugate" if recv.is_number() && args.is_empty() => {
            let t = if *recv == Type::Bool { I64 } else { recv.clone() };
            Ok(target("method.conjugate", vec![t.clone()], t))
        }
        _ => Err(format!("{recv} has no method {name}() in compiled code")),
    }
}

/// The random-number primitives rumbo/np/random.py builds np.random and the
/// `random` module from: each takes the generator (0: np.random, 1: random)
/// first, then integer operands; all are converted to int64.
pub(crate) fn type_random(name: &str, args: &[Type]) -> Result<(Vec<Type>, Type), String> {
    let (arity, ret) = match name {
        "rumbo.random_seed" => (2, Type::NoneType),
        "rumbo.random_double" | "rumbo.random_gauss" => (1, F64),
        "rumbo.random_below" | "rumbo.random_bits" => (2, I64),
        "rumbo.random_between" => (3, I64),
        other => return Err(format!("unknown primitive {other}")),
    };
    if args.len() != arity || !args.iter().all(|a| a.is_int_like()) {
        if name == "rumbo.random_seed" {
            let seed = args.get(1).map(|t| t.to_string()).unwrap_or_default();
            return Err(format!("seed() takes an integer in compiled code, not {seed}"));
        }
        return Err(format!("{name} takes {arity} integers"));
    }
    Ok((vec![I64; arity], ret))
}
