//! Typing rules of NumPy arrays: indexing, slicing, attributes, iteration.

use crate::ty::*;
use crate::GlobalValue;

/// One entry of an index expression, classified.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexKind {
    Int,
    Slice,
    /// `None` / `np.newaxis`: a new axis of length 1.
    NewAxis,
    /// `...`: this many whole axes.
    Ellipsis(u8),
}

fn classify_index(t: &Type) -> Result<Vec<IndexKind>, String> {
    if *t == Type::Bool || matches!(t, Type::Tuple(items) if items.contains(&Type::Bool)) {
        return Err("boolean indices (masks) are not supported yet".into());
    }
    match t {
        t if t.is_int_like() => Ok(vec![IndexKind::Int]),
        Type::Slice => Ok(vec![IndexKind::Slice]),
        Type::NoneType => Ok(vec![IndexKind::NewAxis]),
        Type::Ellipsis => Ok(vec![IndexKind::Ellipsis(0)]),
        Type::Tuple(items) => items
            .iter()
            .map(|i| match i {
                i if i.is_int_like() => Ok(IndexKind::Int),
                Type::Slice => Ok(IndexKind::Slice),
                Type::NoneType => Ok(IndexKind::NewAxis),
                Type::Ellipsis => Ok(IndexKind::Ellipsis(0)),
                other => Err(format!("arrays cannot be indexed with {other} (yet)")),
            })
            .collect(),
        other => Err(format!("arrays cannot be indexed with {other} (yet)")),
    }
}

/// The type of `array[index]`: an element, or a view with fewer dimensions.
pub fn array_getitem(array: &Type, index: &Type) -> Result<(Type, Vec<IndexKind>), String> {
    let Type::Array { dtype, ndim, layout, readonly } = array else { return Err("not an array".into()) };
    let mut kinds = classify_index(index)?;
    let new_axes = kinds.iter().filter(|k| **k == IndexKind::NewAxis).count();
    let ellipses = kinds.iter().filter(|k| matches!(k, IndexKind::Ellipsis(_))).count();
    if ellipses > 1 {
        return Err("an index can only have a single ellipsis ('...')".into());
    }
    let indexed = kinds.len() - new_axes - ellipses;
    if indexed > *ndim as usize {
        return Err(format!("too many indices for array: array is {ndim}-dimensional, but {indexed} were indexed"));
    }
    for k in kinds.iter_mut() {
        if let IndexKind::Ellipsis(n) = k {
            *n = *ndim - indexed as u8;
        }
    }
    let ints = kinds.iter().filter(|k| **k == IndexKind::Int).count();
    let remaining = *ndim as usize - ints + new_axes;
    if remaining == 0 {
        return Ok(((**dtype).clone(), kinds));
    }
    // Leading integers on a C array keep it contiguous (a final `...` too);
    // anything else may not.
    let leading = match kinds.last() {
        Some(IndexKind::Ellipsis(_)) => &kinds[..kinds.len() - 1],
        _ => &kinds[..],
    };
    let contiguous = *layout == Layout::C && leading.iter().all(|k| *k == IndexKind::Int);
    let layout = if contiguous { Layout::C } else { Layout::A };
    Ok((Type::Array { dtype: dtype.clone(), ndim: remaining as u8, layout, readonly: *readonly }, kinds))
}

/// Checks `array[index] = value` and returns the index kinds.
pub(crate) fn array_setitem(array: &Type, index: &Type, value: &Type) -> Result<Vec<IndexKind>, String> {
    let Type::Array { dtype, readonly, .. } = array else { return Err("not an array".into()) };
    if *readonly {
        return Err("the array is read-only".into());
    }
    let (target, kinds) = array_getitem(array, index)?;
    let value_dtype = match value {
        Type::Array { dtype: d, ndim, .. } => {
            let target_ndim = match &target {
                Type::Array { ndim, .. } => *ndim,
                _ => 0,
            };
            if *ndim > target_ndim {
                return Err(format!("cannot assign a {ndim}-d array into a {target_ndim}-d selection"));
            }
            (**d).clone()
        }
        v if v.is_number() => v.clone(),
        other => return Err(format!("cannot store {other} into an array of {dtype}")),
    };
    if value_dtype.is_complex() && !dtype.is_complex() {
        return Err(format!("cannot store {value} into an array of {dtype} without losing the imaginary part"));
    }
    Ok(kinds)
}

/// Attributes of arrays; constants are returned when the type decides them.
pub(crate) fn array_attr(array: &Type, attr: &str) -> Result<(Type, Option<GlobalValue>), String> {
    let Type::Array { dtype, ndim, layout, readonly } = array else { return Err("not an array".into()) };
    let n = *ndim as usize;
    Ok(match attr {
        "shape" | "strides" => (Type::Tuple(vec![I64; n]), None),
        "size" => (I64, None),
        "ndim" => (I64, Some(GlobalValue::Int(n as i128))),
        "itemsize" => (I64, Some(GlobalValue::Int(dtype_size(dtype) as i128))),
        "nbytes" => (I64, None),
        "flat" => (Type::Flat(Box::new(array.clone())), None),
        // Views: of a complex array its real or imaginary parts (every other float); of a
        // real array `real` is the array itself and `imag` read-only zeros (as NumPy).
        "real" | "imag" => match &**dtype {
            Type::Complex { bits } => (Type::Array { dtype: Box::new(Type::Float { bits: bits / 2 }), ndim: *ndim, layout: Layout::A, readonly: *readonly }, None),
            _ if attr == "real" => (array.clone(), None),
            _ => (Type::Array { dtype: dtype.clone(), ndim: *ndim, layout: Layout::A, readonly: true }, None),
        },
        "dtype" => (Type::NumberClass(dtype.clone()), Some(GlobalValue::NumberClass((**dtype).clone()))),
        "reshape" => (Type::Method { recv: Box::new(array.clone()), name: "reshape".into() }, None),
        "T" => {
            let layout = match layout {
                Layout::C => Layout::F,
                Layout::F => Layout::C,
                Layout::A => Layout::A,
            };
            (Type::Array { dtype: dtype.clone(), ndim: *ndim, layout, readonly: *readonly }, None)
        }
        _ => return Err(format!("arrays have no attribute `{attr}` in compiled code (yet)")),
    })
}

/// Bytes per element of a scalar dtype.
pub fn dtype_size(t: &Type) -> u64 {
    match t {
        Type::Bool => 1,
        Type::Int { bits, .. } | Type::Float { bits } | Type::Complex { bits } => *bits as u64 / 8,
        _ => 8,
    }
}

/// The item an iterator over the first axis yields.
pub(crate) fn array_iter_item(array: &Type) -> Result<Type, String> {
    match array {
        Type::Array { dtype, ndim: 1, .. } => Ok((**dtype).clone()),
        // Rows (sub-arrays along the first axis), as views.
        Type::Array { .. } => Ok(array_getitem(array, &I64)?.0),
        _ => Err("not an array".into()),
    }
}

/// The dtype a `dtype=` argument names (a NumPy scalar class such as np.float32).
fn dtype_arg(t: Option<&Type>) -> Result<Type, String> {
    match t {
        None => Ok(F64),
        Some(Type::NumberClass(d)) => Ok((**d).clone()),
        Some(Type::Function(f)) if f == "float" => Ok(F64),
        Some(Type::Function(f)) if f == "int" => Ok(I64),
        Some(Type::Function(f)) if f == "bool" => Ok(Type::Bool),
        Some(Type::Function(f)) if f == "complex" => Ok(C128),
        Some(Type::StrLiteral(name)) => dtype_named(name).ok_or_else(|| format!("data type {name:?} not understood")),
        Some(other) => Err(format!("dtype must be a NumPy scalar type such as np.float64, not {other}")),
    }
}

/// The dtype a string names, as `np.dtype(name)` reads it on 64-bit Linux.
pub(crate) fn dtype_named(name: &str) -> Option<Type> {
    Some(match name {
        "float64" | "f8" | "float" | "d" | "double" => F64,
        "float32" | "f4" | "f" | "single" => F32,
        "int64" | "i8" | "int" | "l" | "long" | "intp" | "p" => I64,
        "int32" | "i4" | "i" | "intc" => I32,
        "int16" | "i2" | "h" | "short" => I16,
        "int8" | "i1" | "b" | "byte" => I8,
        "uint64" | "u8" | "L" | "ulong" | "uintp" | "P" => U64,
        "uint32" | "u4" | "I" | "uintc" => U32,
        "uint16" | "u2" | "H" | "ushort" => U16,
        "uint8" | "u1" | "B" | "ubyte" => U8,
        "bool" | "?" | "b1" | "bool_" => Type::Bool,
        "complex128" | "c16" | "complex" | "D" | "cdouble" => C128,
        "complex64" | "c8" | "F" | "csingle" => C64,
        _ => return None,
    })
}

/// Dimensions of a shape argument: an integer or a tuple of integers.
fn shape_ndim(t: &Type) -> Result<u8, String> {
    match t {
        t if t.is_int_like() => Ok(1),
        Type::Tuple(items) if items.iter().all(|i| i.is_int_like()) => Ok(items.len() as u8),
        other => Err(format!("a shape must be an integer or a tuple of integers, not {other}")),
    }
}

/// Types `np.empty(shape, dtype=...)`, the allocation primitive; returns the
/// argument types the call converts to and the array type.
pub(crate) fn type_numpy_empty(args: &[Type], kwargs: &[(String, Type)]) -> Result<(Vec<Type>, Type), String> {
    if args.is_empty() || args.len() > 2 {
        return Err(format!("np.empty() takes a shape and an optional dtype, got {} arguments", args.len()));
    }
    let mut dtype = args.get(1);
    for (k, t) in kwargs {
        match k.as_str() {
            "dtype" => dtype = Some(t),
            other => return Err(format!("np.empty() got an unexpected keyword argument '{other}'")),
        }
    }
    let ndim = shape_ndim(&args[0])?;
    let dtype = dtype_arg(dtype)?;
    if !dtype.is_number() {
        return Err(format!("unsupported dtype {dtype}"));
    }
    let shape_t = match &args[0] {
        Type::Tuple(items) => Type::Tuple(vec![I64; items.len()]),
        _ => I64,
    };
    let mut arg_types = vec![shape_t];
    arg_types.extend(args.iter().skip(1).cloned());
    Ok((arg_types, Type::Array { dtype: Box::new(dtype), ndim, layout: Layout::C, readonly: false }))
}

/// `a.reshape(d0, d1, ...)` or `a.reshape((d0, d1, ...))`: a view of a C array.
pub(crate) fn type_reshape(array: &Type, args: &[Type]) -> Result<(Vec<Type>, Type), String> {
    let Type::Array { dtype, layout, readonly, .. } = array else { return Err("not an array".into()) };
    if *layout != Layout::C {
        return Err(format!("reshape of a non-contiguous array ({array}) is not supported yet; copy it first"));
    }
    let dims: Vec<Type> = match args {
        [Type::Tuple(items)] => items.clone(),
        _ => args.to_vec(),
    };
    if dims.is_empty() || !dims.iter().all(|d| d.is_int_like()) {
        return Err("reshape takes integers or a tuple of integers".into());
    }
    let arg_types = match args {
        [Type::Tuple(items)] => vec![Type::Tuple(vec![I64; items.len()])],
        _ => vec![I64; args.len()],
    };
    Ok((arg_types, Type::Array { dtype: dtype.clone(), ndim: dims.len() as u8, layout: Layout::C, readonly: *readonly }))
}

/// The BLAS primitives rumbo/np/linalg.py builds np.dot, @ and norm from.
pub(crate) fn type_blas(name: &str, args: &[Type]) -> Result<(Vec<Type>, Type), String> {
    let dims: Vec<(Type, u8)> = args
        .iter()
        .map(|a| match a {
            Type::Array { dtype, ndim, .. } => Ok(((**dtype).clone(), *ndim)),
            other => Err(format!("{name} takes arrays, not {other}")),
        })
        .collect::<Result<_, _>>()?;
    let dtype = dims[0].0.clone();
    if !matches!(dtype, Type::Float { .. }) || dims.iter().any(|(d, _)| *d != dtype) {
        return Err(format!(
            "np.dot/@ need float32 or float64 arrays of one dtype, got {}; convert with .astype()",
            args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" and ")
        ));
    }
    let want: &[u8] = match name {
        "rumbo.gemm" => &[2, 2, 2],
        "rumbo.gemv" => &[2, 1, 1],
        _ => &[1, 1],
    };
    if dims.len() != want.len() || dims.iter().zip(want).any(|((_, n), w)| n != w) {
        return Err(format!("{name}: wrong dimensions"));
    }
    let ret = if name == "rumbo.dot" { dtype } else { Type::NoneType };
    Ok((args.to_vec(), ret))
}

/// `rumbo.drop_axes(a, axes)` (np.squeeze with `axis=`): a view of `a` without
/// the given axes (an int or a tuple of ints), which the library has checked
/// to have length 1. The result's dimension count is static only because the
/// number of axes is; `axis=None` would make it depend on the shape.
pub(crate) fn type_drop_axes(args: &[Type]) -> Result<(Vec<Type>, Type), String> {
    let [array @ Type::Array { dtype, ndim, layout, readonly }, axes] = args else {
        return Err("np.squeeze() needs an array".into());
    };
    let count = match axes {
        Type::NoneType => {
            return Err("np.squeeze() without `axis` is not supported in compiled code: the number of dimensions it returns depends on the shape at run time (Numba does not support np.squeeze); pass the axes to remove, e.g. np.squeeze(a, axis=0) or a.squeeze((0, 2))".into())
        }
        t if t.is_int_like() => 1,
        Type::Tuple(items) if items.iter().all(|t| t.is_int_like()) => items.len(),
        other => return Err(format!("np.squeeze(): `axis` must be an int or a tuple of ints, not {other}")),
    };
    if count > *ndim as usize {
        return Err(format!("np.squeeze(): {count} axes given for a {ndim}-dimensional array"));
    }
    let axes_t = if axes.is_int_like() { I64 } else { Type::Tuple(vec![I64; count]) };
    // Leaving out length-1 axes keeps a C (or F) array contiguous.
    let out = Type::Array { dtype: dtype.clone(), ndim: ndim - count as u8, layout: *layout, readonly: *readonly };
    Ok((vec![array.clone(), axes_t], out))
}
