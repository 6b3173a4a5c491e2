//! Operators on scalars with Python's semantics: casts, arithmetic (floor
//! division and modulo with Python signs, ZeroDivisionError unless
//! error_model='numpy'), comparisons, truth, attributes, tuple indexing.

use crate::func::{e, Emitter, R};
use crate::types::llvm_type;
use inkwell::intrinsics::Intrinsic;
use inkwell::types::BasicType;
use inkwell::values::{BasicValue, BasicValueEnum, FloatValue, InstructionValue, IntValue, StructValue};
use inkwell::{FloatPredicate, IntPredicate};
use rumbo_ir::Value;
use rumbo_syntax::{BinOp, CmpOp, UnaryOp};
use rumbo_types::{binary_op, compare_op, unary_op, BuiltinExc, Type};

fn is_signed(t: &Type) -> bool {
    matches!(t, Type::Int { signed: true, .. })
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    pub(crate) fn intrinsic(&self, name: &str, types: &[inkwell::types::BasicTypeEnum<'ctx>]) -> R<inkwell::values::FunctionValue<'ctx>> {
        Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.module, types))
            .ok_or_else(|| format!("missing intrinsic {name}"))
    }

    pub(crate) fn call_intrinsic(&self, name: &str, args: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let tys = vec![args[0].get_type()];
        let f = self.intrinsic(name, &tys)?;
        let args: Vec<_> = args.iter().map(|a| (*a).into()).collect();
        let r = self.b.build_call(f, &args, name).map_err(e)?;
        let v = r.try_as_basic_value().basic().unwrap();
        if let Some(i) = v.as_instruction_value() {
            self.fast(i);
        }
        Ok(v)
    }

    /// Puts fast-math flags on a float instruction when `fastmath=True`.
    pub(crate) fn fast(&self, i: InstructionValue<'ctx>) {
        if self.opts.fastmath {
            let _ = i.set_fast_math_flags(inkwell::values::FastMathFlags::all());
        }
    }

    pub(crate) fn fv(&self, v: FloatValue<'ctx>) -> FloatValue<'ctx> {
        if let Some(i) = v.as_instruction_value() {
            self.fast(i);
        }
        v
    }

    /// Converts a value between rumbo types (numbers, tuples of numbers).
    pub(crate) fn cast(&self, v: BasicValueEnum<'ctx>, from: &Type, to: &Type) -> R<BasicValueEnum<'ctx>> {
        if from == to {
            return Ok(v);
        }
        let b = &self.b;
        let lt = llvm_type(self.ctx, to);
        Ok(match (from, to) {
            (_, Type::Bool) if from.is_number() => self.truth(v, from)?.into(),
            (Type::Bool, Type::Int { .. }) => b.build_int_z_extend(v.into_int_value(), lt.into_int_type(), "cast").map_err(e)?.into(),
            (Type::Int { bits: fb, .. }, Type::Int { bits: tb, .. }) => {
                let iv = v.into_int_value();
                let it = lt.into_int_type();
                if tb < fb {
                    b.build_int_truncate(iv, it, "cast").map_err(e)?.into()
                } else if tb == fb {
                    iv.into()
                } else if is_signed(from) {
                    b.build_int_s_extend(iv, it, "cast").map_err(e)?.into()
                } else {
                    b.build_int_z_extend(iv, it, "cast").map_err(e)?.into()
                }
            }
            (Type::Bool | Type::Int { .. }, Type::Float { .. }) => {
                let iv = v.into_int_value();
                let ft = lt.into_float_type();
                if is_signed(from) {
                    b.build_signed_int_to_float(iv, ft, "cast").map_err(e)?.into()
                } else {
                    b.build_unsigned_int_to_float(iv, ft, "cast").map_err(e)?.into()
                }
            }
            (Type::Float { .. }, Type::Float { .. }) => b.build_float_cast(v.into_float_value(), lt.into_float_type(), "cast").map_err(e)?.into(),
            (Type::Float { .. }, Type::Int { .. }) => {
                // Saturating, so NaN and out-of-range values never become poison.
                let name = if is_signed(to) { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
                let f = Intrinsic::find(name)
                    .and_then(|i| i.get_declaration(self.module, &[lt, v.get_type()]))
                    .ok_or("missing fpto*i.sat")?;
                b.build_call(f, &[v.into()], "cast").map_err(e)?.try_as_basic_value().basic().unwrap()
            }
            (_, Type::Complex { bits }) if from.is_real() => {
                let half = Type::Float { bits: bits / 2 };
                let re = self.cast(v, from, &half)?;
                let zero = llvm_type(self.ctx, &half).const_zero();
                self.build_struct(to, &[re, zero])?
            }
            (Type::Complex { bits: fb }, Type::Complex { bits: tb }) => {
                let (re, im) = self.complex_parts(v)?;
                let (fh, th) = (Type::Float { bits: fb / 2 }, Type::Float { bits: tb / 2 });
                let re = self.cast(re.into(), &fh, &th)?;
                let im = self.cast(im.into(), &fh, &th)?;
                self.build_struct(to, &[re, im])?
            }
            (Type::Complex { bits }, _) if to.is_real() => {
                let (re, _) = self.complex_parts(v)?;
                self.cast(re.into(), &Type::Float { bits: bits / 2 }, to)?
            }
            (Type::Tuple(fs), Type::Tuple(ts)) => {
                let agg = v.into_struct_value();
                let mut items = vec![];
                for (i, (f, t)) in fs.iter().zip(ts).enumerate() {
                    let x = b.build_extract_value(agg, i as u32, "item").map_err(e)?;
                    items.push(self.cast(x, f, t)?);
                }
                self.build_struct(to, &items)?
            }
            // Arrays of one dtype and ndim share a struct: only the static layout or
            // read-only flag differs, so the value is the same.
            (Type::Array { dtype: d1, ndim: n1, .. }, Type::Array { dtype: d2, ndim: n2, .. }) if d1 == d2 && n1 == n2 => v,
            _ if !from.is_number() && !to.is_number() => lt.const_zero(),
            _ => return Err(format!("internal: cannot convert {from} to {to}")),
        })
    }

    pub(crate) fn complex_parts(&self, v: BasicValueEnum<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let s: StructValue = v.into_struct_value();
        let re = self.b.build_extract_value(s, 0, "re").map_err(e)?.into_float_value();
        let im = self.b.build_extract_value(s, 1, "im").map_err(e)?.into_float_value();
        Ok((re, im))
    }

    pub(crate) fn make_complex(&self, t: &Type, re: FloatValue<'ctx>, im: FloatValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        self.build_struct(t, &[re.into(), im.into()])
    }

    /// `bool(x)` of a number (NaN is true, as in Python).
    pub(crate) fn truth(&self, v: BasicValueEnum<'ctx>, t: &Type) -> R<IntValue<'ctx>> {
        let b = &self.b;
        Ok(match t {
            Type::Bool => v.into_int_value(),
            Type::Int { .. } => {
                let iv = v.into_int_value();
                b.build_int_compare(IntPredicate::NE, iv, iv.get_type().const_zero(), "truth").map_err(e)?
            }
            Type::Float { .. } => {
                let fv = v.into_float_value();
                b.build_float_compare(FloatPredicate::UNE, fv, fv.get_type().const_zero(), "truth").map_err(e)?
            }
            Type::Complex { bits } => {
                let (re, im) = self.complex_parts(v)?;
                let h = Type::Float { bits: bits / 2 };
                let a = self.truth(re.into(), &h)?;
                let c = self.truth(im.into(), &h)?;
                b.build_or(a, c, "truth").map_err(e)?
            }
            Type::Tuple(items) => self.ctx.bool_type().const_int(!items.is_empty() as u64, false),
            _ => self.ctx.bool_type().const_zero(),
        })
    }

    pub(crate) fn binary(&mut self, v: Value, op: BinOp, lhs: Value, rhs: Value) -> R<BasicValueEnum<'ctx>> {
        let (lt, rt) = (self.ty(lhs), self.ty(rhs));
        let res_t = self.result_ty(v);
        if let (Type::Tuple(_), Type::Tuple(_)) = (lt, rt) {
            let (a, b) = (self.val(lhs).into_struct_value(), self.val(rhs).into_struct_value());
            let mut items = vec![];
            for agg in [a, b] {
                for i in 0..agg.get_type().count_fields() {
                    items.push(self.b.build_extract_value(agg, i, "item").map_err(e)?);
                }
            }
            return self.build_struct(res_t, &items);
        }
        if op == BinOp::MatMult {
            // `a @ b` is resolved by typing to the library's matmul.
            return self.call_with(v, &[lhs, rhs], &[]);
        }
        let (operand_t, _) = binary_op(op, lt, rt)?;
        let a = self.cast(self.val(lhs), lt, &operand_t)?;
        let b = self.cast(self.val(rhs), rt, &operand_t)?;
        self.arith(op, a, b, &operand_t)
    }

    /// `a op b` with both operands already of type `t`.
    pub(crate) fn arith(&mut self, op: BinOp, a: BasicValueEnum<'ctx>, c: BasicValueEnum<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        match t {
            Type::Bool => {
                let (x, y) = (a.into_int_value(), c.into_int_value());
                Ok(match op {
                    BinOp::BitAnd => self.b.build_and(x, y, "and").map_err(e)?,
                    BinOp::BitOr => self.b.build_or(x, y, "or").map_err(e)?,
                    _ => self.b.build_xor(x, y, "xor").map_err(e)?,
                }
                .into())
            }
            Type::Int { .. } => self.int_arith(op, a.into_int_value(), c.into_int_value(), t),
            Type::Float { .. } => self.float_arith(op, a.into_float_value(), c.into_float_value(), t),
            Type::Complex { .. } => self.complex_arith(op, a, c, t),
            _ => Err(format!("internal: arithmetic on {t}")),
        }
    }

    fn check_zero_int(&mut self, y: IntValue<'ctx>, msg: &str) -> R<()> {
        if !self.opts.numpy_errors {
            let z = self.b.build_int_compare(IntPredicate::EQ, y, y.get_type().const_zero(), "is0").map_err(e)?;
            self.raise_if(z, BuiltinExc::ZeroDivisionError, msg)?;
        }
        Ok(())
    }

    fn check_zero_float(&mut self, y: FloatValue<'ctx>, msg: &str) -> R<()> {
        if !self.opts.numpy_errors {
            let z = self.b.build_float_compare(FloatPredicate::OEQ, y, y.get_type().const_zero(), "is0").map_err(e)?;
            self.raise_if_float(z, BuiltinExc::ZeroDivisionError, msg)?;
        }
        Ok(())
    }

    fn int_arith(&mut self, op: BinOp, x: IntValue<'ctx>, y: IntValue<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let signed = is_signed(t);
        let it = x.get_type();
        let zero = it.const_zero();
        let b = &self.b;
        // int64 arithmetic is `nsw`, as Numba emits it: results still wrap on
        // the machine, and LLVM may assume loop indices like `i + j` stay
        // non-negative (no negative-index fix-up, vectorizable loops).
        let nsw = signed && it.get_bit_width() == 64;
        Ok(match op {
            BinOp::Add if nsw => b.build_int_nsw_add(x, y, "add").map_err(e)?.into(),
            BinOp::Sub if nsw => b.build_int_nsw_sub(x, y, "sub").map_err(e)?.into(),
            BinOp::Mult if nsw => b.build_int_nsw_mul(x, y, "mul").map_err(e)?.into(),
            BinOp::Add => b.build_int_add(x, y, "add").map_err(e)?.into(),
            BinOp::Sub => b.build_int_sub(x, y, "sub").map_err(e)?.into(),
            BinOp::Mult => b.build_int_mul(x, y, "mul").map_err(e)?.into(),
            BinOp::BitAnd => b.build_and(x, y, "and").map_err(e)?.into(),
            BinOp::BitOr => b.build_or(x, y, "or").map_err(e)?.into(),
            BinOp::BitXor => b.build_xor(x, y, "xor").map_err(e)?.into(),
            BinOp::FloorDiv | BinOp::Mod => {
                self.check_zero_int(y, "integer division or modulo by zero")?;
                // numpy error model: x // 0 == 0 and x % 0 == 0, without trapping.
                let safe_y = if self.opts.numpy_errors {
                    let z = self.b.build_int_compare(IntPredicate::EQ, y, zero, "is0").map_err(e)?;
                    self.b.build_select(z, it.const_int(1, false), y, "safe").map_err(e)?.into_int_value()
                } else {
                    y
                };
                let (q, r) = self.py_divmod_int(x, safe_y, signed)?;
                let out = if op == BinOp::FloorDiv { q } else { r };
                if self.opts.numpy_errors {
                    let z = self.b.build_int_compare(IntPredicate::EQ, y, zero, "is0").map_err(e)?;
                    self.b.build_select(z, zero, out, "r").map_err(e)?.into()
                } else {
                    out.into()
                }
            }
            BinOp::Pow => {
                // The runtime computes in int64 (wrapping); narrower types truncate back.
                let i64t = self.ctx.i64_type();
                let widen = |b: &inkwell::builder::Builder<'ctx>, v: IntValue<'ctx>| -> R<IntValue<'ctx>> {
                    if it.get_bit_width() == 64 {
                        Ok(v)
                    } else if signed {
                        b.build_int_s_extend(v, i64t, "w").map_err(e)
                    } else {
                        b.build_int_z_extend(v, i64t, "w").map_err(e)
                    }
                };
                let (xw, yw) = (widen(&self.b, x)?, widen(&self.b, y)?);
                let f = self.runtime_fn("rumbo_int_pow", 2, i64t.into())?;
                let r = self.call_native(f, &rumbo_types::I64, &[xw.into(), yw.into()])?.into_int_value();
                if it.get_bit_width() == 64 {
                    r.into()
                } else {
                    self.b.build_int_truncate(r, it, "pow").map_err(e)?.into()
                }
            }
            BinOp::LShift | BinOp::RShift => {
                if signed && !self.opts.numpy_errors {
                    let neg = b.build_int_compare(IntPredicate::SLT, y, zero, "neg").map_err(e)?;
                    self.raise_if(neg, BuiltinExc::ValueError, "negative shift count")?;
                }
                let b = &self.b;
                let width = it.const_int(it.get_bit_width() as u64, false);
                let big = b.build_int_compare(IntPredicate::UGE, y, width, "big").map_err(e)?;
                let amount = b.build_select(big, it.const_zero(), y, "amt").map_err(e)?.into_int_value();
                if op == BinOp::LShift {
                    let s = b.build_left_shift(x, amount, "shl").map_err(e)?;
                    b.build_select(big, zero, s, "shl").map_err(e)?
                } else {
                    let s = b.build_right_shift(x, amount, signed, "shr").map_err(e)?;
                    let fill = if signed {
                        let negx = b.build_int_compare(IntPredicate::SLT, x, zero, "negx").map_err(e)?;
                        b.build_select(negx, it.const_all_ones(), zero, "fill").map_err(e)?.into_int_value()
                    } else {
                        zero
                    };
                    b.build_select(big, fill, s, "shr").map_err(e)?
                }
            }
            BinOp::Div | BinOp::MatMult => return Err(format!("internal: int {}", op.symbol())),
        })
    }

    /// Python's floor division and modulo on integers (`y` is never zero here).
    fn py_divmod_int(&self, x: IntValue<'ctx>, y: IntValue<'ctx>, signed: bool) -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
        let b = &self.b;
        if !signed {
            return Ok((b.build_int_unsigned_div(x, y, "q").map_err(e)?, b.build_int_unsigned_rem(x, y, "r").map_err(e)?));
        }
        let it = x.get_type();
        let zero = it.const_zero();
        // i64::MIN // -1 overflows in hardware; Python wraps it to i64::MIN in 64 bits.
        let minus1 = it.const_all_ones();
        let is_m1 = b.build_int_compare(IntPredicate::EQ, y, minus1, "ym1").map_err(e)?;
        let y1 = b.build_select(is_m1, it.const_int(1, false), y, "y1").map_err(e)?.into_int_value();
        let q0 = b.build_int_signed_div(x, y1, "q0").map_err(e)?;
        let r0 = b.build_int_signed_rem(x, y1, "r0").map_err(e)?;
        let negx = b.build_int_neg(x, "negx").map_err(e)?;
        let q0 = b.build_select(is_m1, negx, q0, "q0").map_err(e)?.into_int_value();
        let r0 = b.build_select(is_m1, zero, r0, "r0").map_err(e)?.into_int_value();
        // Adjust toward -inf when the remainder's sign differs from the divisor's.
        let rnz = b.build_int_compare(IntPredicate::NE, r0, zero, "rnz").map_err(e)?;
        let sx = b.build_xor(r0, y, "sx").map_err(e)?;
        let diff = b.build_int_compare(IntPredicate::SLT, sx, zero, "diff").map_err(e)?;
        let adj = b.build_and(rnz, diff, "adj").map_err(e)?;
        let q1 = b.build_int_sub(q0, it.const_int(1, false), "q1").map_err(e)?;
        let r1 = b.build_int_add(r0, y, "r1").map_err(e)?;
        let q = b.build_select(adj, q1, q0, "q").map_err(e)?.into_int_value();
        let r = b.build_select(adj, r1, r0, "r").map_err(e)?.into_int_value();
        Ok((q, r))
    }

    fn float_arith(&mut self, op: BinOp, x: FloatValue<'ctx>, y: FloatValue<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        Ok(match op {
            BinOp::Add => self.fv(self.b.build_float_add(x, y, "add").map_err(e)?).into(),
            BinOp::Sub => self.fv(self.b.build_float_sub(x, y, "sub").map_err(e)?).into(),
            BinOp::Mult => self.fv(self.b.build_float_mul(x, y, "mul").map_err(e)?).into(),
            BinOp::Div => {
                self.check_zero_float(y, "float division by zero")?;
                self.fv(self.b.build_float_div(x, y, "div").map_err(e)?).into()
            }
            BinOp::FloorDiv | BinOp::Mod => {
                let msg = if op == BinOp::Mod { "float modulo" } else { "float floor division by zero" };
                self.check_zero_float(y, msg)?;
                let name = if op == BinOp::Mod { "rumbo_float_mod" } else { "rumbo_float_floordiv" };
                let f64t = self.ctx.f64_type();
                let f = self.declare(name, f64t.fn_type(&[f64t.into(), f64t.into()], false));
                let x64 = self.cast(x.into(), t, &rumbo_types::F64)?;
                let y64 = self.cast(y.into(), t, &rumbo_types::F64)?;
                let r = self.b.build_call(f, &[x64.into(), y64.into()], "r").map_err(e)?.try_as_basic_value().basic().unwrap();
                self.cast(r, &rumbo_types::F64, t)?
            }
            BinOp::Pow => {
                if !self.opts.numpy_errors {
                    // Python: 0.0 ** negative raises ZeroDivisionError.
                    let zero = x.get_type().const_zero();
                    let x0 = self.b.build_float_compare(FloatPredicate::OEQ, x, zero, "x0").map_err(e)?;
                    let yneg = self.b.build_float_compare(FloatPredicate::OLT, y, zero, "yneg").map_err(e)?;
                    let bad = self.b.build_and(x0, yneg, "bad").map_err(e)?;
                    self.raise_if_float(bad, BuiltinExc::ZeroDivisionError, "0.0 cannot be raised to a negative power")?;
                }
                let r = self.call_intrinsic("llvm.pow", &[x.into(), y.into()])?;
                if !self.opts.numpy_errors {
                    // Python: a finite power that overflows raises OverflowError.
                    let inf = x.get_type().const_float(f64::INFINITY);
                    let ar = self.call_intrinsic("llvm.fabs", &[r])?.into_float_value();
                    let ax = self.call_intrinsic("llvm.fabs", &[x.into()])?.into_float_value();
                    let ay = self.call_intrinsic("llvm.fabs", &[y.into()])?.into_float_value();
                    let b = &self.b;
                    let r_inf = b.build_float_compare(FloatPredicate::OEQ, ar, inf, "rinf").map_err(e)?;
                    let x_fin = b.build_float_compare(FloatPredicate::OLT, ax, inf, "xfin").map_err(e)?;
                    let y_fin = b.build_float_compare(FloatPredicate::OLT, ay, inf, "yfin").map_err(e)?;
                    let x_nz = b.build_float_compare(FloatPredicate::ONE, x, x.get_type().const_zero(), "xnz").map_err(e)?;
                    let fin = b.build_and(x_fin, y_fin, "fin").map_err(e)?;
                    let bad = b.build_and(b.build_and(r_inf, fin, "bad").map_err(e)?, x_nz, "bad").map_err(e)?;
                    self.raise_if_float(bad, BuiltinExc::OverflowError, "(34, 'Numerical result out of range')")?;
                }
                r
            }
            _ => return Err(format!("internal: float {}", op.symbol())),
        })
    }

    fn complex_arith(&mut self, op: BinOp, a: BasicValueEnum<'ctx>, c: BasicValueEnum<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let (ar, ai) = self.complex_parts(a)?;
        let (cr, ci) = self.complex_parts(c)?;
        let b = &self.b;
        let (re, im) = match op {
            BinOp::Add => (b.build_float_add(ar, cr, "re").map_err(e)?, b.build_float_add(ai, ci, "im").map_err(e)?),
            BinOp::Sub => (b.build_float_sub(ar, cr, "re").map_err(e)?, b.build_float_sub(ai, ci, "im").map_err(e)?),
            BinOp::Mult => {
                let rr = b.build_float_mul(ar, cr, "rr").map_err(e)?;
                let ii = b.build_float_mul(ai, ci, "ii").map_err(e)?;
                let ri = b.build_float_mul(ar, ci, "ri").map_err(e)?;
                let ir = b.build_float_mul(ai, cr, "ir").map_err(e)?;
                (b.build_float_sub(rr, ii, "re").map_err(e)?, b.build_float_add(ri, ir, "im").map_err(e)?)
            }
            BinOp::Div | BinOp::Pow => {
                if op == BinOp::Div && !self.opts.numpy_errors {
                    let z = t_zero(self, cr, ci)?;
                    self.raise_if_float(z, BuiltinExc::ZeroDivisionError, "complex division by zero")?;
                }
                let name = if op == BinOp::Div { "rumbo_complex_div" } else { "rumbo_complex_pow" };
                return self.complex_runtime(name, t, &[ar, ai, cr, ci]);
            }
            _ => return Err(format!("internal: complex {}", op.symbol())),
        };
        self.make_complex(t, self.fv(re), self.fv(im))
    }

    /// Calls `void name(f64 a, f64 b, f64 c, f64 d, ptr out)` returning a complex128 in `out`.
    pub(crate) fn complex_runtime(&mut self, name: &str, t: &Type, parts: &[FloatValue<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let f64t = self.ctx.f64_type();
        let ptr = self.ctx.ptr_type(inkwell::AddressSpace::default());
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![f64t.into(); parts.len()];
        params.push(ptr.into());
        let f = self.declare(name, self.ctx.void_type().fn_type(&params, false));
        let half = match t {
            Type::Complex { bits } => Type::Float { bits: bits / 2 },
            _ => rumbo_types::F64,
        };
        let mut args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![];
        for p in parts {
            args.push(self.cast((*p).into(), &half, &rumbo_types::F64)?.into());
        }
        let out_t = llvm_type(self.ctx, &rumbo_types::C128);
        let slot = self.alloca(out_t, "cplx")?;
        args.push(slot.into());
        self.b.build_call(f, &args, "").map_err(e)?;
        let r = self.b.build_load(out_t, slot, "c").map_err(e)?;
        self.cast(r, &rumbo_types::C128, t)
    }

    pub(crate) fn unary(&mut self, op: UnaryOp, x: Value, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let xt = self.ty(x);
        let (operand_t, _) = unary_op(op, xt)?;
        if op == UnaryOp::Not {
            let tr = self.truth(self.val(x), xt)?;
            return Ok(self.b.build_not(tr, "not").map_err(e)?.into());
        }
        let v = self.cast(self.val(x), xt, &operand_t)?;
        let b = &self.b;
        Ok(match (op, t) {
            (UnaryOp::Pos, _) => v,
            (UnaryOp::Neg, Type::Int { .. }) => b.build_int_neg(v.into_int_value(), "neg").map_err(e)?.into(),
            (UnaryOp::Neg, Type::Float { .. }) => b.build_float_neg(v.into_float_value(), "neg").map_err(e)?.into(),
            (UnaryOp::Neg, Type::Complex { .. }) => {
                let (re, im) = self.complex_parts(v)?;
                let re = self.b.build_float_neg(re, "re").map_err(e)?;
                let im = self.b.build_float_neg(im, "im").map_err(e)?;
                self.make_complex(t, re, im)?
            }
            (UnaryOp::Invert, Type::Int { .. }) => b.build_not(v.into_int_value(), "inv").map_err(e)?.into(),
            _ => return Err(format!("internal: unary {} on {t}", op.symbol())),
        })
    }

    pub(crate) fn compare(&mut self, op: CmpOp, lhs: Value, rhs: Value) -> R<BasicValueEnum<'ctx>> {
        let (lt, rt) = (self.ty(lhs), self.ty(rhs));
        if matches!(rt, Type::Tuple(_)) && (matches!(lt, Type::Tuple(_)) || matches!(op, CmpOp::In | CmpOp::NotIn)) {
            return self.compare_tuples(op, lhs, rhs);
        }
        let common = compare_op(op, lt, rt)?;
        let bool_t = self.ctx.bool_type();
        if common == Type::NoneType {
            // `x is None`: known at compile time from the types.
            let same = (lt == &Type::NoneType) == (rt == &Type::NoneType);
            let r = if op == CmpOp::Is { same } else { !same };
            return Ok(bool_t.const_int(r as u64, false).into());
        }
        let (lt, rt) = (lt.clone(), rt.clone());
        self.compare_scalars(op, self.val(lhs), &lt, self.val(rhs), &rt).map(|v| v.into())
    }

    /// `a op c` of two numbers of types `at` and `ct`.
    pub(crate) fn compare_scalars(&mut self, op: CmpOp, a: BasicValueEnum<'ctx>, at: &Type, c: BasicValueEnum<'ctx>, ct: &Type) -> R<IntValue<'ctx>> {
        let common = compare_op(op, at, ct)?;
        if common.is_float() && (at.is_int() || ct.is_int()) && !self.opts.fastmath {
            return self.compare_int_float(op, a, at, c, ct);
        }
        let a = self.cast(a, at, &common)?;
        let c = self.cast(c, ct, &common)?;
        self.compare_values(op, a, c, &common)
    }

    /// Compares an integer with a float exactly, as Python does (no rounding of
    /// the integer to the float's precision deciding the result).
    fn compare_int_float(&mut self, op: CmpOp, lv: BasicValueEnum<'ctx>, lt: &Type, rv: BasicValueEnum<'ctx>, rt: &Type) -> R<IntValue<'ctx>> {
        let (lt, rt) = (lt.clone(), rt.clone());
        let int_left = lt.is_int();
        let (iv, it, fv, ft) = if int_left {
            (lv, lt, rv, rt)
        } else {
            (rv, rt, lv, lt)
        };
        // An integer a double holds exactly (a constant up to 2**53, or any int of at most
        // 32 bits) compares as a double: the same answer without the exact path's work.
        let exact_constant = iv.into_int_value().get_sign_extended_constant().is_some_and(|c| c.unsigned_abs() <= 1 << 53)
            && (matches!(it, Type::Int { signed: true, .. }) || iv.into_int_value().get_zero_extended_constant().is_some_and(|c| c <= 1 << 53));
        if exact_constant || matches!(it, Type::Int { bits, .. } if bits <= 32) || it == Type::Bool {
            let (i, f) = (self.cast(iv, &it, &rumbo_types::F64)?, self.cast(fv, &ft, &rumbo_types::F64)?);
            let (a, c) = if int_left { (i, f) } else { (f, i) };
            return self.compare_values(op, a, c, &rumbo_types::F64);
        }
        let i = self.cast(iv, &it, &rumbo_types::I64)?.into_int_value();
        let signed = matches!(it, Type::Int { signed: true, .. });
        let f = self.cast(fv, &ft, &rumbo_types::F64)?.into_float_value();
        let b = &self.b;
        let i_as_f = if signed {
            b.build_signed_int_to_float(i, self.ctx.f64_type(), "if").map_err(e)?
        } else {
            b.build_unsigned_int_to_float(i, self.ctx.f64_type(), "if").map_err(e)?
        };
        // When the rounded integer differs from the float, the float order is exact;
        // when they are equal, the float is integral and in range (or exactly 2**63/2**64):
        // compare as integers, treating the top bound as greater than every integer.
        let same = b.build_float_compare(FloatPredicate::OEQ, i_as_f, f, "same").map_err(e)?;
        let top = self.ctx.f64_type().const_float(if signed { 9223372036854775808.0 } else { 18446744073709551616.0 });
        let at_top = b.build_float_compare(FloatPredicate::OGE, f, top, "top").map_err(e)?;
        let f_as_i = if signed {
            b.build_float_to_signed_int(f, self.ctx.i64_type(), "fi").map_err(e)?
        } else {
            b.build_float_to_unsigned_int(f, self.ctx.i64_type(), "fi").map_err(e)?
        };
        let f_as_i = b.build_select(at_top, self.ctx.i64_type().const_zero(), f_as_i, "fi").map_err(e)?.into_int_value();
        let int_t = if signed { rumbo_types::I64 } else { rumbo_types::U64 };
        let (a_i, c_i, a_f, c_f) = if int_left {
            (i, f_as_i, i_as_f, f)
        } else {
            (f_as_i, i, f, i_as_f)
        };
        let by_int = self.compare_values(op, a_i.into(), c_i.into(), &int_t)?;
        // At the top bound the integer is smaller: fix the integer comparison's answer.
        let int_smaller_answer = {
            let (l, r) = if int_left { (0i64, 1i64) } else { (1, 0) };
            let k = |x: i64| self.ctx.i64_type().const_int(x as u64, true);
            self.compare_values(op, k(l).into(), k(r).into(), &rumbo_types::I64)?
        };
        let by_int = self.b.build_select(at_top, int_smaller_answer, by_int, "byint").map_err(e)?.into_int_value();
        let by_float = self.compare_values(op, a_f.into(), c_f.into(), &rumbo_types::F64)?;
        Ok(self.b.build_select(same, by_int, by_float, "cmp").map_err(e)?.into_int_value())
    }

    pub(crate) fn compare_values(&self, op: CmpOp, a: BasicValueEnum<'ctx>, c: BasicValueEnum<'ctx>, t: &Type) -> R<IntValue<'ctx>> {
        let b = &self.b;
        match t {
            Type::Bool | Type::Int { .. } => {
                let signed = is_signed(t);
                let p = match op {
                    CmpOp::Eq | CmpOp::Is => IntPredicate::EQ,
                    CmpOp::NotEq | CmpOp::IsNot => IntPredicate::NE,
                    CmpOp::Lt => if signed { IntPredicate::SLT } else { IntPredicate::ULT },
                    CmpOp::LtE => if signed { IntPredicate::SLE } else { IntPredicate::ULE },
                    CmpOp::Gt => if signed { IntPredicate::SGT } else { IntPredicate::UGT },
                    CmpOp::GtE => if signed { IntPredicate::SGE } else { IntPredicate::UGE },
                    _ => return Err("internal: int compare".into()),
                };
                b.build_int_compare(p, a.into_int_value(), c.into_int_value(), "cmp").map_err(e)
            }
            Type::Float { .. } => {
                let p = match op {
                    CmpOp::Eq | CmpOp::Is => FloatPredicate::OEQ,
                    CmpOp::NotEq | CmpOp::IsNot => FloatPredicate::UNE,
                    CmpOp::Lt => FloatPredicate::OLT,
                    CmpOp::LtE => FloatPredicate::OLE,
                    CmpOp::Gt => FloatPredicate::OGT,
                    CmpOp::GtE => FloatPredicate::OGE,
                    _ => return Err("internal: float compare".into()),
                };
                b.build_float_compare(p, a.into_float_value(), c.into_float_value(), "cmp").map_err(e)
            }
            Type::Complex { bits } => {
                let (ar, ai) = self.complex_parts(a)?;
                let (cr, ci) = self.complex_parts(c)?;
                let h = Type::Float { bits: bits / 2 };
                let eq_op = if matches!(op, CmpOp::Eq | CmpOp::Is) { CmpOp::Eq } else { CmpOp::NotEq };
                let x = self.compare_values(eq_op, ar.into(), cr.into(), &h)?;
                let y = self.compare_values(eq_op, ai.into(), ci.into(), &h)?;
                if eq_op == CmpOp::Eq {
                    b.build_and(x, y, "eq").map_err(e)
                } else {
                    b.build_or(x, y, "ne").map_err(e)
                }
            }
            _ => Err(format!("internal: compare on {t}")),
        }
    }

    pub(crate) fn getattr(&mut self, value: Value, attr: &str, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let vt = self.ty(value);
        let v = self.val(value);
        match (vt, attr) {
            (Type::Complex { .. }, "real") => Ok(self.complex_parts(v)?.0.into()),
            (Type::Complex { .. }, "imag") => Ok(self.complex_parts(v)?.1.into()),
            (_, "real") => self.cast(v, vt, t),
            (_, "imag") => Ok(llvm_type(self.ctx, t).const_zero()),
            _ => Ok(llvm_type(self.ctx, t).const_zero()),
        }
    }

    pub(crate) fn tuple_getitem(&mut self, v: Value, value: Value, index: Value) -> R<BasicValueEnum<'ctx>> {
        let Type::Tuple(items) = self.ty(value) else { return Err("internal: getitem".into()) };
        let agg = self.val(value).into_struct_value();
        if *self.ty(index) == Type::Slice {
            return self.tuple_slice(v, value, index);
        }
        if let Some(k) = self.const_int_of(index) {
            let n = items.len() as i128;
            let k = if k < 0 { k + n } else { k };
            return self.b.build_extract_value(agg, k as u32, "item").map_err(e);
        }
        // A homogeneous tuple indexed at run time: spill it and load the element.
        let elem_t = self.result_ty(v);
        let tuple_t = llvm_type(self.ctx, self.ty(value));
        let slot = self.alloca(tuple_t, "tuple")?;
        self.b.build_store(slot, agg).map_err(e)?;
        let i64t = self.ctx.i64_type();
        let idx = self.cast(self.val(index), self.ty(index), &rumbo_types::I64)?.into_int_value();
        let n = i64t.const_int(items.len() as u64, false);
        let neg = self.b.build_int_compare(IntPredicate::SLT, idx, i64t.const_zero(), "neg").map_err(e)?;
        let wrapped = self.b.build_int_add(idx, n, "wrapped").map_err(e)?;
        let idx = self.b.build_select(neg, wrapped, idx, "idx").map_err(e)?.into_int_value();
        let oob = self.b.build_int_compare(IntPredicate::UGE, idx, n, "oob").map_err(e)?;
        self.raise_if(oob, BuiltinExc::IndexError, "tuple index out of range")?;
        let et = llvm_type(self.ctx, elem_t);
        let arr_t = et.array_type(items.len() as u32);
        let p = unsafe { self.b.build_in_bounds_gep(arr_t, slot, &[i64t.const_zero(), idx], "p") }.map_err(e)?;
        self.b.build_load(et, p, "item").map_err(e)
    }
}

fn t_zero<'ctx>(em: &Emitter<'_, 'ctx>, re: FloatValue<'ctx>, im: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
    let b = &em.b;
    let z = re.get_type().const_zero();
    let a = b.build_float_compare(FloatPredicate::OEQ, re, z, "re0").map_err(e)?;
    let c = b.build_float_compare(FloatPredicate::OEQ, im, z, "im0").map_err(e)?;
    b.build_and(a, c, "zero").map_err(e)
}
