//! Tuples beyond building and indexing: constant slices, comparisons
//! (lexicographic, as Python's) and `x in tuple`.

use crate::func::{e, Emitter, R};
use inkwell::values::{BasicValueEnum, IntValue};
use rumbo_ir::Value;
use rumbo_syntax::CmpOp;
use rumbo_types::{const_slice_bounds, slice_positions, tuple_contains, Membership, Type};

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// `t[a:b:c]` with constant bounds: the selected items as a new tuple.
    pub(crate) fn tuple_slice(&mut self, v: Value, value: Value, index: Value) -> R<BasicValueEnum<'ctx>> {
        let Type::Tuple(items) = self.ty(value) else { return Err("internal: slice of a non-tuple".into()) };
        let bounds = const_slice_bounds(self.func, &self.typed.consts, index)?;
        let picked = slice_positions(items.len(), bounds)?;
        let agg = self.val(value).into_struct_value();
        let mut vals = vec![];
        for k in picked {
            vals.push(self.b.build_extract_value(agg, k as u32, "item").map_err(e)?);
        }
        let t = self.ty(v).clone();
        self.build_struct(&t, &vals)
    }

    /// A comparison with tuples on both sides, or `x in tuple` / `not in`.
    pub(crate) fn compare_tuples(&mut self, op: CmpOp, lhs: Value, rhs: Value) -> R<BasicValueEnum<'ctx>> {
        let (lt, rt) = (self.ty(lhs).clone(), self.ty(rhs).clone());
        let (a, c) = (self.val(lhs), self.val(rhs));
        if matches!(op, CmpOp::In | CmpOp::NotIn) {
            let Type::Tuple(items) = &rt else { return Err("internal: `in` without a tuple".into()) };
            let how = tuple_contains(&lt, items)?;
            let mut found = self.ctx.bool_type().const_zero();
            for (k, (it, h)) in items.iter().zip(how).enumerate() {
                if h == Membership::Never {
                    continue;
                }
                let item = self.b.build_extract_value(c.into_struct_value(), k as u32, "item").map_err(e)?;
                let eq = self.compare_any(CmpOp::Eq, a, &lt, item, it)?;
                found = self.b.build_or(found, eq, "found").map_err(e)?;
            }
            let out = if op == CmpOp::NotIn { self.b.build_not(found, "notin").map_err(e)? } else { found };
            return Ok(out.into());
        }
        Ok(self.compare_any(op, a, &lt, c, &rt)?.into())
    }

    /// `a op c` for numbers or tuples of them (nested).
    fn compare_any(&mut self, op: CmpOp, a: BasicValueEnum<'ctx>, at: &Type, c: BasicValueEnum<'ctx>, ct: &Type) -> R<IntValue<'ctx>> {
        match (at, ct) {
            (Type::Tuple(x), Type::Tuple(y)) => self.tuple_order(op, a, x, c, y),
            _ => self.compare_scalars(op, a, at, c, ct),
        }
    }

    /// Python's tuple comparison: the first position whose items differ decides
    /// with `op`; when one tuple is a prefix of the other, their lengths do.
    fn tuple_order(&mut self, op: CmpOp, a: BasicValueEnum<'ctx>, x: &[Type], c: BasicValueEnum<'ctx>, y: &[Type]) -> R<IntValue<'ctx>> {
        let bool_t = self.ctx.bool_type();
        let item = |em: &Self, v: BasicValueEnum<'ctx>, k: usize| em.b.build_extract_value(v.into_struct_value(), k as u32, "item").map_err(e);
        let n = x.len().min(y.len());
        if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
            let mut all = bool_t.const_int((x.len() == y.len()) as u64, false);
            if x.len() == y.len() {
                for k in 0..n {
                    let (p, q) = (item(self, a, k)?, item(self, c, k)?);
                    let eq = self.compare_any(CmpOp::Eq, p, &x[k], q, &y[k])?;
                    all = self.b.build_and(all, eq, "eq").map_err(e)?;
                }
            }
            return if op == CmpOp::Eq { Ok(all) } else { self.b.build_not(all, "ne").map_err(e) };
        }
        let by_length = match op {
            CmpOp::Lt => x.len() < y.len(),
            CmpOp::LtE => x.len() <= y.len(),
            CmpOp::Gt => x.len() > y.len(),
            _ => x.len() >= y.len(),
        };
        let mut result = bool_t.const_int(by_length as u64, false);
        for k in (0..n).rev() {
            let (p, q) = (item(self, a, k)?, item(self, c, k)?);
            let eq = self.compare_any(CmpOp::Eq, p, &x[k], q, &y[k])?;
            let here = self.compare_any(op, p, &x[k], q, &y[k])?;
            result = self.b.build_select(eq, result, here, "lex").map_err(e)?.into_int_value();
        }
        Ok(result)
    }
}
