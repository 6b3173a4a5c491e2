//! `np.ndindex(shape)`: every index tuple of a shape in C order. The iterator keeps the
//! shape and the index tuple to yield next, advanced by one with carries (no divisions),
//! plus the count left.

use crate::func::{e, Emitter, R};
use crate::types::llvm_type;
use inkwell::types::StructType;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use rumbo_ir::Value;
use rumbo_types::{Type, I64};

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// The shape value of `np.ndindex(...)` from its arguments (a tuple or integers).
    pub(crate) fn ndindex_shape(&mut self, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let mut dims = vec![];
        match ats {
            [Type::Tuple(items)] => {
                let agg = vals[0].into_struct_value();
                for (k, t) in items.iter().enumerate() {
                    let x = self.b.build_extract_value(agg, k as u32, "dim").map_err(e)?;
                    dims.push(self.cast(x, t, &I64)?);
                }
            }
            _ => {
                for (x, t) in vals.iter().zip(ats) {
                    dims.push(self.cast(*x, t, &I64)?);
                }
            }
        }
        let Type::NdIndex(n) = ret else { return Err("internal: ndindex type".into()) };
        self.build_struct(&Type::Tuple(vec![I64; *n as usize]), &dims)
    }

    fn ndindex_state(&self, n: u8) -> StructType<'ctx> {
        let tuple = llvm_type(self.ctx, &Type::Tuple(vec![I64; n as usize]));
        self.ctx.struct_type(&[tuple, tuple, self.ctx.i64_type().into()], false)
    }

    /// The iterator of an ndindex value: {shape, next index (all zeros), count left}.
    pub(crate) fn ndindex_iter(&mut self, v: Value) -> R<BasicValueEnum<'ctx>> {
        let Type::NdIndex(n) = *self.ty(v) else { return Err("internal: ndindex iter".into()) };
        let st = self.ndindex_state(n);
        let slot = self.alloca(st.into(), "ndindex.iter")?;
        let shape = self.val(v).into_struct_value();
        let i64t = self.ctx.i64_type();
        let mut left = i64t.const_int(1, false);
        for k in 0..n as u32 {
            let d = self.b.build_extract_value(shape, k, "dim").map_err(e)?.into_int_value();
            // A negative extent counts as 0 (NumPy raises; nothing to iterate either way).
            let pos = self.b.build_int_compare(IntPredicate::SGT, d, i64t.const_zero(), "pos").map_err(e)?;
            let d = self.b.build_select(pos, d, i64t.const_zero(), "d").map_err(e)?.into_int_value();
            left = self.b.build_int_mul(left, d, "left").map_err(e)?;
        }
        let zeros = llvm_type(self.ctx, &Type::Tuple(vec![I64; n as usize])).const_zero();
        let mut state = st.get_undef();
        state = self.b.build_insert_value(state, shape, 0, "s").map_err(e)?.into_struct_value();
        state = self.b.build_insert_value(state, zeros, 1, "s").map_err(e)?.into_struct_value();
        state = self.b.build_insert_value(state, left, 2, "s").map_err(e)?.into_struct_value();
        self.b.build_store(slot, state).map_err(e)?;
        Ok(slot.into())
    }

    /// `(index tuple, valid)`, then the index advanced with carries.
    pub(crate) fn ndindex_next(&mut self, it: Value, n: u8) -> R<BasicValueEnum<'ctx>> {
        let st = self.ndindex_state(n);
        let slot: PointerValue<'ctx> = self.val(it).into_pointer_value();
        let state = self.b.build_load(st, slot, "state").map_err(e)?.into_struct_value();
        let shape = self.b.build_extract_value(state, 0, "shape").map_err(e)?.into_struct_value();
        let index = self.b.build_extract_value(state, 1, "index").map_err(e)?.into_struct_value();
        let left = self.b.build_extract_value(state, 2, "left").map_err(e)?.into_int_value();
        let i64t = self.ctx.i64_type();
        let valid = self.b.build_int_compare(IntPredicate::SGT, left, i64t.const_zero(), "valid").map_err(e)?;
        // Last axis first: add the carry, wrap to 0 at the extent and carry on.
        let mut carry: IntValue<'ctx> = i64t.const_int(1, false);
        let mut next = index;
        for k in (0..n as u32).rev() {
            let x = self.b.build_extract_value(index, k, "i").map_err(e)?.into_int_value();
            let d = self.b.build_extract_value(shape, k, "d").map_err(e)?.into_int_value();
            let y = self.b.build_int_add(x, carry, "i1").map_err(e)?;
            let wrap = self.b.build_int_compare(IntPredicate::SGE, y, d, "wrap").map_err(e)?;
            let y = self.b.build_select(wrap, i64t.const_zero(), y, "i2").map_err(e)?.into_int_value();
            next = self.b.build_insert_value(next, y, k, "next").map_err(e)?.into_struct_value();
            carry = self.b.build_int_z_extend(wrap, i64t, "carry").map_err(e)?;
        }
        let left1 = self.b.build_int_sub(left, i64t.const_int(1, false), "left1").map_err(e)?;
        let mut new = state;
        new = self.b.build_insert_value(new, next, 1, "s").map_err(e)?.into_struct_value();
        new = self.b.build_insert_value(new, left1, 2, "s").map_err(e)?.into_struct_value();
        self.b.build_store(slot, new).map_err(e)?;
        let t = Type::Tuple(vec![Type::Tuple(vec![I64; n as usize]), Type::Bool]);
        self.build_struct(&t, &[index.into(), valid.into()])
    }
}
