//! The type lattice: what a value may be in compiled code.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    C,
    F,
    A,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int { bits: u8, signed: bool },
    Float { bits: u8 },
    Complex { bits: u8 },
    NoneType,
    /// A heterogeneous or homogeneous tuple (Numba's Tuple / UniTuple).
    Tuple(Vec<Type>),
    Array { dtype: Box<Type>, ndim: u8, layout: Layout, readonly: bool },
    /// `range(...)` over int64.
    Range,
    RangeIter,
    /// An iterator over the first axis of an array.
    ArrayIter(Box<Type>),
    /// An iterator over a tuple whose items all have one type.
    TupleIter(Box<Type>),
    /// `a.flat`: every element of an array in C order (iterable).
    Flat(Box<Type>),
    /// The iterator of `a.flat`.
    FlatIter(Box<Type>),
    /// `np.ndindex(shape)` of `n` dimensions (holds the shape), and its iterator.
    NdIndex(u8),
    NdIndexIter(u8),
    /// A `start:stop:step` slice of int64 bounds (missing parts allowed).
    Slice,
    /// `...` (only meaningful inside an array index).
    Ellipsis,
    /// A string constant (only usable as an exception message or compile-time value).
    StrLiteral(String),
    /// A module object frozen as a global (`math`, `numpy`).
    Module(String),
    /// A known builtin or library function by qualified name (`abs`, `math.sqrt`).
    Function(String),
    /// Another jitted function, by dispatcher id.
    Dispatcher(u32),
    /// An exception class, by registry id (see [`crate::exceptions`]).
    ExceptionClass(u32),
    /// The type of a cast callable such as `np.float32` or `int` used as a function.
    NumberClass(Box<Type>),
    /// A method looked up on a value (`z.conjugate`), called later.
    Method { recv: Box<Type>, name: String },
    /// Only as a function's return type: nothing is returned.
    Void,
}

pub const BOOL: Type = Type::Bool;
pub const I8: Type = Type::Int { bits: 8, signed: true };
pub const I16: Type = Type::Int { bits: 16, signed: true };
pub const I32: Type = Type::Int { bits: 32, signed: true };
pub const I64: Type = Type::Int { bits: 64, signed: true };
pub const U8: Type = Type::Int { bits: 8, signed: false };
pub const U16: Type = Type::Int { bits: 16, signed: false };
pub const U32: Type = Type::Int { bits: 32, signed: false };
pub const U64: Type = Type::Int { bits: 64, signed: false };
pub const F32: Type = Type::Float { bits: 32 };
pub const F64: Type = Type::Float { bits: 64 };
pub const C64: Type = Type::Complex { bits: 64 };
pub const C128: Type = Type::Complex { bits: 128 };

impl Type {
    pub fn is_int(&self) -> bool {
        matches!(self, Type::Int { .. })
    }
    pub fn is_float(&self) -> bool {
        matches!(self, Type::Float { .. })
    }
    pub fn is_complex(&self) -> bool {
        matches!(self, Type::Complex { .. })
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Type::Array { .. })
    }

    /// Bool, integers, floats and complex numbers.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Bool | Type::Int { .. } | Type::Float { .. } | Type::Complex { .. })
    }
    pub fn is_real(&self) -> bool {
        matches!(self, Type::Bool | Type::Int { .. } | Type::Float { .. })
    }
    pub fn is_int_like(&self) -> bool {
        matches!(self, Type::Bool | Type::Int { .. })
    }

    /// The Numba name of the type, as users see it in signatures and errors.
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// Bit width of a numeric scalar (bool counts as 1).
    pub fn bits(&self) -> u8 {
        match self {
            Type::Bool => 1,
            Type::Int { bits, .. } | Type::Float { bits } | Type::Complex { bits } => *bits,
            _ => 0,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => write!(f, "bool"),
            Type::Int { bits, signed: true } => write!(f, "int{bits}"),
            Type::Int { bits, signed: false } => write!(f, "uint{bits}"),
            Type::Float { bits } => write!(f, "float{bits}"),
            Type::Complex { bits } => write!(f, "complex{bits}"),
            Type::NoneType => write!(f, "none"),
            Type::Tuple(items) => {
                if !items.is_empty() && items.iter().all(|t| t == &items[0]) {
                    write!(f, "UniTuple({} x {})", items[0], items.len())
                } else {
                    write!(f, "Tuple(")?;
                    for (i, t) in items.iter().enumerate() {
                        if i > 0 {
                            write!(f, ", ")?;
                        }
                        write!(f, "{t}")?;
                    }
                    write!(f, ")")
                }
            }
            Type::Array { dtype, ndim, layout, readonly } => {
                let prefix = if *readonly { "readonly " } else { "" };
                write!(f, "{prefix}array({dtype}, {ndim}d, {layout:?})")
            }
            Type::Range => write!(f, "range_state64"),
            Type::RangeIter => write!(f, "range_iter64"),
            Type::ArrayIter(a) => write!(f, "iter({a})"),
            Type::Flat(a) => write!(f, "flat({a})"),
            Type::TupleIter(t) => write!(f, "iter({t})"),
            Type::FlatIter(a) => write!(f, "flatiter({a})"),
            Type::NdIndex(n) => write!(f, "ndindex({n}d)"),
            Type::NdIndexIter(n) => write!(f, "ndindex_iter({n}d)"),
            Type::Slice => write!(f, "slice<a:b:c>"),
            Type::Ellipsis => write!(f, "ellipsis"),
            Type::StrLiteral(s) => write!(f, "Literal[str]({s:?})"),
            Type::Module(m) => write!(f, "Module({m})"),
            Type::Function(name) => write!(f, "Function({name})"),
            Type::Dispatcher(id) => write!(f, "Dispatcher(#{id})"),
            Type::ExceptionClass(id) => write!(f, "ExceptionClass(#{id})"),
            Type::NumberClass(t) => write!(f, "class({t})"),
            Type::Method { recv, name } => write!(f, "BoundFunction({recv}.{name})"),
            Type::Void => write!(f, "none"),
        }
    }
}

/// A function signature: argument types and, when known, the return type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub args: Vec<Type>,
    pub ret: Option<Type>,
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ret) = &self.ret {
            write!(f, "{ret}")?;
        }
        write!(f, "(")?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, ")")
    }
}

/// The scalar leaves of a type, in order: how values cross the uniform ABI
/// (one 16-byte slot per leaf). Types without a runtime value have none.
pub fn abi_leaves(t: &Type) -> Vec<Type> {
    match t {
        Type::Tuple(items) => items.iter().flat_map(abi_leaves).collect(),
        t if t.is_number() || t.is_array() => vec![t.clone()],
        _ => vec![],
    }
}

/// Slots a value of type `t` takes in the uniform ABI's result buffer (an
/// array's struct of 5 + 2·ndim words spans several).
pub fn abi_slot_count(t: &Type) -> usize {
    match t {
        Type::Tuple(items) => items.iter().map(abi_slot_count).sum(),
        Type::Array { ndim, .. } => (5 + 2 * *ndim as usize).div_ceil(2),
        t if t.is_number() => 1,
        _ => 0,
    }
}

/// Bytes per leaf slot in the uniform ABI (fits complex128).
pub const ABI_SLOT_BYTES: usize = 16;
