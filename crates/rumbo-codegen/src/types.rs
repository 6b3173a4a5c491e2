//! rumbo types as LLVM types.

use inkwell::context::Context;
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::AddressSpace;
use rumbo_types::Type;

pub(crate) fn llvm_type<'ctx>(ctx: &'ctx Context, t: &Type) -> BasicTypeEnum<'ctx> {
    match t {
        Type::Bool => ctx.bool_type().into(),
        Type::Int { bits, .. } => int_type(ctx, *bits).into(),
        Type::Float { bits: 32 } => ctx.f32_type().into(),
        Type::Float { .. } => ctx.f64_type().into(),
        Type::Complex { bits: 64 } => ctx.struct_type(&[ctx.f32_type().into(); 2], false).into(),
        Type::Complex { .. } => ctx.struct_type(&[ctx.f64_type().into(); 2], false).into(),
        Type::Tuple(items) => {
            let fields: Vec<BasicTypeEnum> = items.iter().map(|i| llvm_type(ctx, i)).collect();
            ctx.struct_type(&fields, false).into()
        }
        Type::Range => ctx.struct_type(&[ctx.i64_type().into(); 3], false).into(),
        Type::RangeIter | Type::ArrayIter(_) | Type::FlatIter(_) | Type::TupleIter(_) | Type::NdIndexIter(_) => ctx.ptr_type(AddressSpace::default()).into(),
        Type::NdIndex(n) => llvm_type(ctx, &Type::Tuple(vec![rumbo_types::I64; *n as usize])),
        Type::Flat(a) => llvm_type(ctx, a),
        Type::Array { ndim, .. } => array_struct(ctx, *ndim as u32).into(),
        Type::Slice => ctx.struct_type(&[ctx.i64_type().into(); 4], false).into(),
        // Compile-time-only values (modules, functions, None, ...) carry no data.
        _ => ctx.struct_type(&[], false).into(),
    }
}

/// How a leaf is stored in memory (bool as a byte, as NumPy and Python's ctypes do).
pub(crate) fn memory_type<'ctx>(ctx: &'ctx Context, t: &Type) -> BasicTypeEnum<'ctx> {
    match t {
        Type::Bool => ctx.i8_type().as_basic_type_enum(),
        _ => llvm_type(ctx, t),
    }
}

pub(crate) fn int_type(ctx: &Context, bits: u8) -> inkwell::types::IntType<'_> {
    match bits {
        8 => ctx.i8_type(),
        16 => ctx.i16_type(),
        32 => ctx.i32_type(),
        _ => ctx.i64_type(),
    }
}

/// Numba's array data model: `{meminfo, parent, nitems, itemsize, data, shape[n], strides[n]}`.
pub(crate) fn array_struct(ctx: &Context, ndim: u32) -> inkwell::types::StructType<'_> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let i64t = ctx.i64_type();
    let dims = i64t.array_type(ndim);
    ctx.struct_type(&[ptr.into(), ptr.into(), i64t.into(), i64t.into(), ptr.into(), dims.into(), dims.into()], false)
}
