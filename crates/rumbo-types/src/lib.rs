//! Types for rumbo: the lattice ([`Type`]), Numba signature strings, the typing
//! rules of operators and builtins, and type inference over rumbo IR.
//!
//! Architecture invariant: no LLVM and no PyO3 here. What the compiler needs to
//! know of the Python world (globals, other jitted functions) comes in through
//! [`GlobalValue`] and the [`CallResolver`] trait.

mod arrays;
mod builtins;
mod infer;
mod rules;
mod signature;
mod ty;
mod tuples;
mod ufuncs;

pub use arrays::{array_getitem, dtype_size, IndexKind};
pub use builtins::BuiltinExc;
pub use infer::{infer_types, ArgSource, CallKind, CallResolver, CallTarget, ParallelRegion, RaiseInfo, ResolveOutcome, TypedFunction};
pub use rules::{binary_op, compare_op, unary_op, unify};
pub use signature::{parse_signature, parse_type, SignatureError};
pub use ty::*;
pub use ty::abi_slot_count;
pub use tuples::{const_slice_bounds, promote_numbers, slice_positions, tuple_compare, tuple_contains, Membership};
pub use ufuncs::{array_binary, array_compare, array_unary, complex_ufunc, type_ufunc_args, ufunc_kind, UfuncKind};

/// A free name of the function as resolved in its Python world, frozen at compile time.
#[derive(Clone, Debug, PartialEq)]
pub enum GlobalValue {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Tuple(Vec<GlobalValue>),
    /// `math`, `cmath`, `numpy` (by canonical name).
    Module(String),
    /// A builtin or library function by qualified name: `abs`, `math.sqrt`, `range`.
    Function(String),
    /// Another jitted function.
    Dispatcher { id: u32, name: String },
    ExceptionClass { id: u32, name: String },
    /// A scalar class used as a cast: `np.float32`, `np.int8`.
    NumberClass(Type),
    /// Anything else: `what` describes it for the error ("a Python function `foo`").
    Unsupported(String),
}

impl GlobalValue {
    /// The type compiled code sees for this value, when it has one.
    pub fn type_of(&self) -> Option<Type> {
        Some(match self {
            GlobalValue::None => Type::NoneType,
            GlobalValue::Bool(_) => Type::Bool,
            GlobalValue::Int(i) => int_literal_type(*i)?,
            GlobalValue::Float(_) => F64,
            GlobalValue::Complex(..) => C128,
            GlobalValue::Str(s) => Type::StrLiteral(s.clone()),
            GlobalValue::Tuple(items) => Type::Tuple(items.iter().map(|i| i.type_of()).collect::<Option<_>>()?),
            GlobalValue::Module(m) => Type::Module(m.clone()),
            GlobalValue::Function(f) => Type::Function(f.clone()),
            GlobalValue::Dispatcher { id, .. } => Type::Dispatcher(*id),
            GlobalValue::ExceptionClass { id, .. } => Type::ExceptionClass(*id),
            GlobalValue::NumberClass(t) => Type::NumberClass(Box::new(t.clone())),
            GlobalValue::Unsupported(_) => return None,
        })
    }
}

/// Integer literals are int64 when they fit, else uint64 (as Numba types them).
pub fn int_literal_type(i: i128) -> Option<Type> {
    if i >= i64::MIN as i128 && i <= i64::MAX as i128 {
        Some(I64)
    } else if i >= 0 && i <= u64::MAX as i128 {
        Some(U64)
    } else {
        None
    }
}
