//! The uniform-ABI wrapper the dispatcher calls: unpacks argument leaves, calls
//! the native entry, stores the result's leaves in 16-byte slots.

use crate::func::{e, R};
use crate::types::{llvm_type, memory_type};
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::values::{BasicValueEnum, FunctionValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use rumbo_types::{Type, TypedFunction, ABI_SLOT_BYTES};

/// Reads the leaves of a value of type `t` from the pointers at `args[*k..]`.
fn load_value<'ctx>(
    ctx: &'ctx Context,
    b: &Builder<'ctx>,
    args: PointerValue<'ctx>,
    k: &mut u32,
    t: &Type,
) -> R<BasicValueEnum<'ctx>> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let i64t = ctx.i64_type();
    if let Type::Tuple(items) = t {
        let st = llvm_type(ctx, t).into_struct_type();
        let mut agg = st.get_undef();
        for (i, it) in items.iter().enumerate() {
            let v = load_value(ctx, b, args, k, it)?;
            agg = b.build_insert_value(agg, v, i as u32, "agg").map_err(e)?.into_struct_value();
        }
        return Ok(agg.into());
    }
    if !t.is_number() && !t.is_array() {
        return Ok(llvm_type(ctx, t).const_zero());
    }
    // SAFETY of the GEP: the dispatcher passes one pointer per leaf.
    let pp = unsafe { b.build_in_bounds_gep(ptr, args, &[i64t.const_int(*k as u64, false)], "argp") }.map_err(e)?;
    *k += 1;
    let p = b.build_load(ptr, pp, "arg").map_err(e)?.into_pointer_value();
    let v = b.build_load(memory_type(ctx, t), p, "leaf").map_err(e)?;
    if *t == Type::Bool {
        let nz = b.build_int_compare(IntPredicate::NE, v.into_int_value(), ctx.i8_type().const_zero(), "b").map_err(e)?;
        return Ok(nz.into());
    }
    Ok(v)
}

/// Stores the leaves of `v` (of type `t`) into consecutive slots at `ret`.
pub(crate) fn store_value<'ctx>(
    ctx: &'ctx Context,
    b: &Builder<'ctx>,
    ret: PointerValue<'ctx>,
    k: &mut u32,
    t: &Type,
    v: BasicValueEnum<'ctx>,
) -> R<()> {
    if let Type::Tuple(items) = t {
        for (i, it) in items.iter().enumerate() {
            let x = b.build_extract_value(v.into_struct_value(), i as u32, "item").map_err(e)?;
            store_value(ctx, b, ret, k, it, x)?;
        }
        return Ok(());
    }
    if !t.is_number() && !t.is_array() {
        return Ok(());
    }
    let i8t = ctx.i8_type();
    let off = ctx.i64_type().const_int(*k as u64 * ABI_SLOT_BYTES as u64, false);
    // SAFETY of the GEP: the dispatcher sizes `ret` by abi_slot_count.
    let p = unsafe { b.build_in_bounds_gep(i8t, ret, &[off], "slot") }.map_err(e)?;
    *k += rumbo_types::abi_slot_count(t) as u32;
    let v = if *t == Type::Bool { b.build_int_z_extend(v.into_int_value(), i8t, "byte").map_err(e)?.into() } else { v };
    b.build_store(p, v).map_err(e)?;
    Ok(())
}

/// Reads a value of type `t` from consecutive slots at `slots` (as [`store_value`] wrote it).
pub(crate) fn load_slots<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, slots: PointerValue<'ctx>, k: &mut u32, t: &Type) -> R<BasicValueEnum<'ctx>> {
    if let Type::Tuple(items) = t {
        let st = llvm_type(ctx, t).into_struct_type();
        let mut agg = st.get_undef();
        for (i, it) in items.iter().enumerate() {
            let v = load_slots(ctx, b, slots, k, it)?;
            agg = b.build_insert_value(agg, v, i as u32, "agg").map_err(e)?.into_struct_value();
        }
        return Ok(agg.into());
    }
    if !t.is_number() && !t.is_array() {
        return Ok(llvm_type(ctx, t).const_zero());
    }
    let off = ctx.i64_type().const_int(*k as u64 * ABI_SLOT_BYTES as u64, false);
    // SAFETY of the GEP: the caller sized the buffer by abi_slot_count.
    let p = unsafe { b.build_in_bounds_gep(ctx.i8_type(), slots, &[off], "slot") }.map_err(e)?;
    *k += rumbo_types::abi_slot_count(t) as u32;
    let v = b.build_load(memory_type(ctx, t), p, "leaf").map_err(e)?;
    if *t == Type::Bool {
        let nz = b.build_int_compare(IntPredicate::NE, v.into_int_value(), ctx.i8_type().const_zero(), "b").map_err(e)?;
        return Ok(nz.into());
    }
    Ok(v)
}

pub(crate) fn emit_wrapper<'ctx>(
    ctx: &'ctx Context,
    module: &Module<'ctx>,
    native: FunctionValue<'ctx>,
    typed: &TypedFunction,
    name: &str,
) -> R<()> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let fty = ctx.i32_type().fn_type(&[ptr.into(), ptr.into(), ptr.into()], false);
    let wrap = module.add_function(name, fty, Some(Linkage::External));
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(wrap, "entry"));
    let args = wrap.get_nth_param(0).unwrap().into_pointer_value();
    let ret = wrap.get_nth_param(1).unwrap().into_pointer_value();
    let exc = wrap.get_nth_param(2).unwrap().into_pointer_value();
    let ret_t = llvm_type(ctx, &typed.ret);
    let slot = b.build_alloca(ret_t, "ret").map_err(e)?;
    let mut call_args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![slot.into(), exc.into()];
    let mut k = 0;
    for t in &typed.arg_types {
        call_args.push(load_value(ctx, &b, args, &mut k, t)?.into());
    }
    let status = b.build_call(native, &call_args, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value();
    let ok = b.build_int_compare(IntPredicate::EQ, status, ctx.i32_type().const_zero(), "ok").map_err(e)?;
    let ok_bb = ctx.append_basic_block(wrap, "ok");
    let err_bb = ctx.append_basic_block(wrap, "err");
    b.build_conditional_branch(ok, ok_bb, err_bb).map_err(e)?;
    b.position_at_end(err_bb);
    b.build_return(Some(&status)).map_err(e)?;
    b.position_at_end(ok_bb);
    let v = b.build_load(ret_t, slot, "result").map_err(e)?;
    let mut k = 0;
    store_value(ctx, &b, ret, &mut k, &typed.ret, v)?;
    b.build_return(Some(&ctx.i32_type().const_zero())).map_err(e)?;
    Ok(())
}
