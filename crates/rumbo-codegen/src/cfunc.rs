//! C-callable entries for `@cfunc`: `ret name(args...)` with C's calling convention,
//! calling a specialization's native entry. An exception raised inside cannot reach a C
//! caller: the result is then 0 (as Numba's cfuncs, which also only report it).

use crate::func::{e, native_fn_type, R};
use crate::types::llvm_type;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum};
use inkwell::values::BasicMetadataValueEnum;
use rumbo_types::Type;

/// The C type of a scalar: C's `_Bool` is a byte.
fn c_type<'ctx>(ctx: &'ctx Context, t: &Type) -> R<BasicTypeEnum<'ctx>> {
    match t {
        Type::Bool => Ok(ctx.i8_type().into()),
        Type::Int { .. } | Type::Float { .. } => Ok(llvm_type(ctx, t)),
        other => Err(format!("cfunc arguments and results must be numbers or booleans, not {other}")),
    }
}

/// A module holding `name`, the C entry of the native entry `native` (types `args -> ret`).
pub fn emit_cfunc_module<'ctx>(ctx: &'ctx Context, name: &str, native: &str, args: &[Type], ret: &Type) -> R<Module<'ctx>> {
    let module = ctx.create_module(name);
    let params: Vec<BasicMetadataTypeEnum> = args.iter().map(|t| c_type(ctx, t).map(Into::into)).collect::<R<_>>()?;
    let fn_t = match ret {
        Type::NoneType | Type::Void => ctx.void_type().fn_type(&params, false),
        t => c_type(ctx, t)?.fn_type(&params, false),
    };
    let f = module.add_function(name, fn_t, Some(Linkage::External));
    let callee = module.add_function(native, native_fn_type(ctx, args), Some(Linkage::External));
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(f, "entry"));
    let ptr = ctx.ptr_type(inkwell::AddressSpace::default());
    let ret_slot = b.build_alloca(llvm_type(ctx, ret), "ret").map_err(e)?;
    let exc = b.build_alloca(ptr, "exc").map_err(e)?;
    let mut call: Vec<BasicMetadataValueEnum> = vec![ret_slot.into(), exc.into()];
    for (k, t) in args.iter().enumerate() {
        let v = f.get_nth_param(k as u32).unwrap();
        let v = match t {
            Type::Bool => b.build_int_compare(inkwell::IntPredicate::NE, v.into_int_value(), ctx.i8_type().const_zero(), "b").map_err(e)?.into(),
            _ => v,
        };
        call.push(v.into());
    }
    let status = b.build_call(callee, &call, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value();
    if matches!(ret, Type::NoneType | Type::Void) {
        b.build_return(None).map_err(e)?;
        return Ok(module);
    }
    let value = b.build_load(llvm_type(ctx, ret), ret_slot, "value").map_err(e)?;
    let failed = b.build_int_compare(inkwell::IntPredicate::NE, status, ctx.i32_type().const_zero(), "failed").map_err(e)?;
    let zero = llvm_type(ctx, ret).const_zero();
    let value = b.build_select(failed, zero, value, "result").map_err(e)?;
    let value = match ret {
        Type::Bool => b.build_int_z_extend(value.into_int_value(), ctx.i8_type(), "byte").map_err(e)?.into(),
        _ => value,
    };
    b.build_return(Some(&value)).map_err(e)?;
    Ok(module)
}
