//! Views that leave axes out: `rumbo.drop_axes`, the primitive of
//! np.squeeze with `axis=`.

use crate::arrays::F_DATA;
use crate::func::{e, Emitter, R};
use inkwell::values::{BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use rumbo_types::Type;

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// `rumbo.drop_axes(a, axes)`: the view of `a` without `axes` (negative ones
    /// count from the end; the library has checked them). Output axis j is the
    /// j-th kept input axis, chosen with selects on the run-time axes.
    pub(crate) fn drop_axes(&mut self, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let Type::Array { ndim, .. } = &ats[0] else { return Err("internal: drop_axes".into()) };
        let Type::Array { ndim: out_ndim, .. } = ret else { return Err("internal: drop_axes".into()) };
        let (n, m) = (*ndim as u64, *out_ndim as usize);
        let arr = vals[0].into_struct_value();
        let i64t = self.ctx.i64_type();
        let axes: Vec<IntValue<'ctx>> = match &ats[1] {
            Type::Tuple(items) => (0..items.len())
                .map(|k| Ok(self.b.build_extract_value(vals[1].into_struct_value(), k as u32, "axis").map_err(e)?.into_int_value()))
                .collect::<R<_>>()?,
            _ => vec![vals[1].into_int_value()],
        };
        let mut normalized = vec![];
        for a in axes {
            let neg = self.b.build_int_compare(IntPredicate::SLT, a, i64t.const_zero(), "neg").map_err(e)?;
            let plus = self.b.build_int_add(a, i64t.const_int(n, false), "plus").map_err(e)?;
            normalized.push(self.b.build_select(neg, plus, a, "axis").map_err(e)?.into_int_value());
        }
        let mut dims = vec![(i64t.const_zero(), i64t.const_zero()); m];
        let mut position = i64t.const_zero();
        for d in 0..n {
            let here = i64t.const_int(d, false);
            let mut dropped = self.ctx.bool_type().const_zero();
            for a in &normalized {
                let eq = self.b.build_int_compare(IntPredicate::EQ, *a, here, "drop").map_err(e)?;
                dropped = self.b.build_or(dropped, eq, "dropped").map_err(e)?;
            }
            let kept = self.b.build_not(dropped, "kept").map_err(e)?;
            let len = self.shape_at(arr, d as u32)?;
            let stride = self.stored_stride(arr, d as u32)?;
            for (j, slot) in dims.iter_mut().enumerate() {
                let at_j = self.b.build_int_compare(IntPredicate::EQ, position, i64t.const_int(j as u64, false), "at").map_err(e)?;
                let take = self.b.build_and(kept, at_j, "take").map_err(e)?;
                slot.0 = self.b.build_select(take, len, slot.0, "len").map_err(e)?.into_int_value();
                slot.1 = self.b.build_select(take, stride, slot.1, "stride").map_err(e)?.into_int_value();
            }
            let step = self.b.build_int_z_extend(kept, i64t, "step").map_err(e)?;
            position = self.b.build_int_add(position, step, "position").map_err(e)?;
        }
        let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
        self.make_view(arr, ret, data, &dims)
    }
}
