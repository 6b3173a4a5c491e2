//! Calls: other jitted functions, casts, Python builtins and the `math` module.
//! Float math uses LLVM intrinsics where they exist (so loops vectorize) and
//! libm otherwise; integer helpers that can fail live in `rumbo-runtime`.

use crate::func::{e, native_fn_type, Emitter, R};
use crate::types::llvm_type;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicValueEnum, FloatValue, FunctionValue};
use inkwell::{AddressSpace, FloatPredicate, IntPredicate};
use rumbo_ir::{Inst, Value};
use rumbo_syntax::{BinOp, CmpOp};
use rumbo_types::{ArgSource, BuiltinExc, CallKind, Type, F64, I64};

/// math functions with an LLVM intrinsic of the same meaning.
fn intrinsic_for(name: &str) -> Option<&'static str> {
    Some(match name {
        "sqrt" => "llvm.sqrt",
        "exp" => "llvm.exp",
        "exp2" => "llvm.exp2",
        "log" => "llvm.log",
        "log2" => "llvm.log2",
        "log10" => "llvm.log10",
        "sin" => "llvm.sin",
        "cos" => "llvm.cos",
        "fabs" => "llvm.fabs",
        "floor" => "llvm.floor",
        "ceil" => "llvm.ceil",
        "trunc" => "llvm.trunc",
        "copysign" => "llvm.copysign",
        "pow" => "llvm.pow",
        _ => return None,
    })
}

/// The libm name of a math function.
fn libm_name(name: &str) -> &str {
    match name {
        "gamma" => "tgamma",
        "fabs" => "fabs",
        other => other,
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// Declares a fallible runtime helper `i32 name(ptr ret, ptr exc, T x nargs)`.
    pub(crate) fn runtime_fn(&self, name: &str, nargs: usize, arg: BasicTypeEnum<'ctx>) -> R<FunctionValue<'ctx>> {
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![ptr.into(), ptr.into()];
        params.extend(std::iter::repeat_n(inkwell::types::BasicMetadataTypeEnum::from(arg), nargs));
        Ok(self.declare(name, self.ctx.i32_type().fn_type(&params, false)))
    }

    /// Declares a pure libm function (no errno writes assumed, so it can vectorize).
    pub(crate) fn libm(&self, name: &str, t: &Type, nargs: usize) -> FunctionValue<'ctx> {
        let ft = llvm_type(self.ctx, t);
        let sym = if *t == rumbo_types::F32 { format!("{name}f") } else { name.to_string() };
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![ft.into(); nargs];
        let f = self.declare(&sym, ft.fn_type(&params, false));
        for (k, v) in [("memory", 0u64), ("nounwind", 0), ("willreturn", 0)] {
            f.add_attribute(AttributeLoc::Function, self.ctx.create_enum_attribute(Attribute::get_named_enum_kind_id(k), v));
        }
        f
    }

    pub(crate) fn call_fn(&self, f: FunctionValue<'ctx>, args: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let args: Vec<_> = args.iter().map(|a| (*a).into()).collect();
        let r = self.b.build_call(f, &args, "call").map_err(e)?;
        Ok(r.try_as_basic_value().basic().unwrap())
    }

    pub(crate) fn call(&mut self, v: Value, func: Value, args: &[Value], kwargs: &[(String, Value)]) -> R<BasicValueEnum<'ctx>> {
        // Method calls take their receiver from the attribute lookup.
        let mut raw: Vec<Value> = vec![];
        if let Some(Inst::GetAttr { value, .. }) = self.func.inst(func) {
            if matches!(self.ty(func), Type::Method { .. }) {
                raw.push(*value);
            }
        }
        raw.extend_from_slice(args);
        self.call_with(v, &raw, kwargs)
    }

    /// Emits the call typing resolved for `v`, with `raw` as its positional arguments.
    pub(crate) fn call_with(&mut self, v: Value, raw: &[Value], kwargs: &[(String, Value)]) -> R<BasicValueEnum<'ctx>> {
        let target = self.typed.calls.get(&v).ok_or("internal: call without a target")?.clone();
        let mut vals = vec![];
        if let Some(binding) = &target.binding {
            for (src, t) in binding.iter().zip(&target.arg_types) {
                let v = match src {
                    ArgSource::Positional(i) => self.cast(self.val(raw[*i]), self.ty(raw[*i]), t)?,
                    ArgSource::Keyword(i) => self.cast(self.val(kwargs[*i].1), self.ty(kwargs[*i].1), t)?,
                    ArgSource::Default(g) => {
                        let gt = g.type_of().ok_or("internal: default without a type")?;
                        let c = self.constant(g, &gt)?;
                        self.cast(c, &gt, t)?
                    }
                };
                vals.push(v);
            }
        } else {
            for (a, t) in raw.iter().zip(&target.arg_types) {
                vals.push(self.cast(self.val(*a), self.ty(*a), t)?);
            }
        }
        if matches!(&target.kind, CallKind::Builtin(n) if n == "math.isclose") {
            for (key, default) in [("rel_tol", 1e-9), ("abs_tol", 0.0)] {
                let v = match kwargs.iter().find(|(k, _)| k == key) {
                    Some((_, kv)) => self.cast(self.val(*kv), self.ty(*kv), &F64)?,
                    None => self.ctx.f64_type().const_float(default).into(),
                };
                vals.push(v);
            }
        }
        let ret = &target.ret;
        match &target.kind {
            CallKind::Dispatcher { symbol } => {
                let native = native_fn_type(self.ctx, &target.arg_types);
                match self.defer {
                    // Its body, with this function's float-error flags (see deferred.rs).
                    Some(flags) if self.calls_deferring => {
                        let callee = self.declare_defer(symbol, native);
                        let mut args = vec![flags.own.into()];
                        args.extend(vals.iter().copied());
                        self.call_native_checked(callee, ret, &args, true)
                    }
                    _ => self.call_native(self.declare(symbol, native), ret, &vals),
                }
            }
            CallKind::Cast => self.cast(vals[0], &target.arg_types[0], ret),
            CallKind::Builtin(name) if name.starts_with("numpy.") && rumbo_types::ufunc_kind(&name[6..]).is_some() => {
                // A ufunc on scalars (arrays go through the elementwise engine).
                let operand = target.arg_types.last().cloned().unwrap_or(ret.clone());
                self.ufunc_scalar(&name[6..], &vals, &operand, ret)
            }
            CallKind::Builtin(name) if name == "math.sqrt" && self.unchecked_sqrts.contains(&v) && target.arg_types[0] == *ret => self.call_intrinsic("llvm.sqrt", &vals[..1]),
            CallKind::Builtin(name) => match name.strip_prefix("math.") {
                Some(m) => self.math_call(m, &vals, &target.arg_types, ret),
                None => self.builtin_call(name, &vals, &target.arg_types, ret),
            },
        }
    }

    pub(crate) fn builtin_call(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        match name {
            "abs" => {
                let x = vals[0];
                match &ats[0] {
                    Type::Int { signed: false, .. } => Ok(x),
                    Type::Int { .. } => {
                        let iv = x.into_int_value();
                        let neg = self.b.build_int_compare(IntPredicate::SLT, iv, iv.get_type().const_zero(), "neg").map_err(e)?;
                        let n = self.b.build_int_neg(iv, "n").map_err(e)?;
                        Ok(self.b.build_select(neg, n, iv, "abs").map_err(e)?)
                    }
                    Type::Float { .. } => self.call_intrinsic("llvm.fabs", &[x]),
                    Type::Complex { .. } => {
                        let (re, im) = self.complex_parts(x)?;
                        let f = self.libm("hypot", ret, 2);
                        self.call_fn(f, &[re.into(), im.into()])
                    }
                    t => Err(format!("internal: abs of {t}")),
                }
            }
            "min" | "max" => {
                let (items, t): (Vec<BasicValueEnum>, Type) = match &ats[..] {
                    [Type::Tuple(ts)] => {
                        let agg = vals[0].into_struct_value();
                        let mut items = vec![];
                        for (i, it) in ts.iter().enumerate() {
                            let x = self.b.build_extract_value(agg, i as u32, "item").map_err(e)?;
                            items.push(self.cast(x, it, ret)?);
                        }
                        (items, ret.clone())
                    }
                    _ => (vals.to_vec(), ret.clone()),
                };
                // Python keeps the first of equal items, and NaN compares false.
                let op = if name == "min" { CmpOp::Lt } else { CmpOp::Gt };
                let mut acc = items[0];
                for x in &items[1..] {
                    let better = self.compare_values(op, *x, acc, &t)?;
                    acc = self.b.build_select(better, *x, acc, name).map_err(e)?;
                }
                Ok(acc)
            }
            "pow" => self.arith(BinOp::Pow, vals[0], vals[1], &ats[0]),
            "pow3" => {
                let f = self.runtime_fn("rumbo_int_powmod", 3, self.ctx.i64_type().into())?;
                self.call_native(f, &I64, vals)
            }
            "divmod" => {
                let q = self.arith(BinOp::FloorDiv, vals[0], vals[1], &ats[0])?;
                let r = self.arith(BinOp::Mod, vals[0], vals[1], &ats[0])?;
                self.build_struct(ret, &[q, r])
            }
            "round" => self.round(vals, ats, ret),
            "int" => match ats.first() {
                None => Ok(llvm_type(self.ctx, ret).const_zero()),
                Some(t @ Type::Float { .. }) => self.float_to_int(vals[0].into_float_value(), t),
                Some(t) => self.cast(vals[0], t, ret),
            },
            "float" | "bool" => match ats.first() {
                None => Ok(llvm_type(self.ctx, ret).const_zero()),
                Some(t) if name == "bool" => Ok(self.truth(vals[0], t)?.into()),
                Some(t) => self.cast(vals[0], t, ret),
            },
            "complex" => {
                let zero = self.ctx.f64_type().const_zero();
                let re = match ats.first() {
                    Some(t) => self.cast(vals[0], t, ret)?,
                    None => return self.make_complex(ret, zero, zero),
                };
                match ats.get(1) {
                    None => Ok(re),
                    Some(t) => {
                        let im = self.cast(vals[1], t, &F64)?.into_float_value();
                        let (r, _) = self.complex_parts(re)?;
                        self.make_complex(ret, r, im)
                    }
                }
            }
            "tuple" => match vals {
                [] => self.build_struct(ret, &[]),
                [t] => {
                    self.incref(*t, ret)?;
                    Ok(*t)
                }
                _ => Err("internal: tuple arity".into()),
            },
            "len" => match &ats[0] {
                Type::Tuple(items) => Ok(self.ctx.i64_type().const_int(items.len() as u64, false).into()),
                Type::Array { .. } => Ok(self.shape_at(vals[0].into_struct_value(), 0)?.into()),
                t => Err(format!("internal: len of {t}")),
            },
            "range" => {
                let i64t = self.ctx.i64_type();
                let (start, stop, step) = match vals {
                    [stop] => (i64t.const_zero().into(), *stop, i64t.const_int(1, false).into()),
                    [start, stop] => (*start, *stop, i64t.const_int(1, false).into()),
                    [start, stop, step] => {
                        let z = self.b.build_int_compare(IntPredicate::EQ, step.into_int_value(), i64t.const_zero(), "z").map_err(e)?;
                        self.raise_if(z, BuiltinExc::ValueError, "range() arg 3 must not be zero")?;
                        (*start, *stop, *step)
                    }
                    _ => return Err("internal: range arity".into()),
                };
                self.build_struct(ret, &[start, stop, step])
            }
            "threads.get_num_threads" | "threads.get_thread_id" => {
                let i64t = self.ctx.i64_type();
                let f = self.declare(&name.replace("threads.", "rumbo_"), i64t.fn_type(&[], false));
                let r = self.b.build_call(f, &[], "n").map_err(e)?;
                Ok(r.try_as_basic_value().basic().unwrap())
            }
            "threads.set_num_threads" => {
                let f = self.declare("rumbo_set_num_threads", crate::func::native_fn_type(self.ctx, &[rumbo_types::I64]));
                self.call_native(f, ret, &[vals[0]])
            }
            "print" => self.print(vals, ats, ret),
            "numpy.empty" => self.numpy_empty(vals[0], &ats[0], ret),
            "numpy.ndindex" => self.ndindex_shape(vals, ats, ret),
            "rumbo.gemm" | "rumbo.gemv" | "rumbo.dot" => self.blas_call(name, vals, ats, ret),
            n if n.starts_with("rumbo.random_") => self.random_call(n, vals, ret),
            // The argument arrives converted to the promoted type; the result owns a reference.
            "rumbo.promote_numbers" => {
                self.incref(vals[0], ret)?;
                Ok(vals[0])
            }
            "array.reshape" => self.reshape(vals, ats, ret),
            "rumbo.drop_axes" => self.drop_axes(vals, ats, ret),
            "method.conjugate" => match ret {
                Type::Complex { .. } => {
                    let (re, im) = self.complex_parts(vals[0])?;
                    let im = self.b.build_float_neg(im, "im").map_err(e)?;
                    self.make_complex(ret, re, im)
                }
                _ => Ok(vals[0]),
            },
            other => Err(format!("internal: builtin {other}")),
        }
    }

    /// The random-number primitives: calls of the runtime's per-thread
    /// generators (`rumbo_random_*` in rumbo-runtime's random.rs), `vals` all int64.
    fn random_call(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let i64t = self.ctx.i64_type();
        let sym = name.replace("rumbo.", "rumbo_");
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![i64t.into(); vals.len()];
        let ft = match ret {
            Type::NoneType => self.ctx.void_type().fn_type(&params, false),
            Type::Float { .. } => self.ctx.f64_type().fn_type(&params, false),
            _ => i64t.fn_type(&params, false),
        };
        let f = self.declare(&sym, ft);
        f.add_attribute(AttributeLoc::Function, self.ctx.create_enum_attribute(Attribute::get_named_enum_kind_id("nounwind"), 0));
        let args: Vec<_> = vals.iter().map(|a| (*a).into()).collect();
        let r = self.b.build_call(f, &args, "rnd").map_err(e)?;
        match ret {
            Type::NoneType => Ok(llvm_type(self.ctx, ret).const_zero()),
            _ => Ok(r.try_as_basic_value().basic().unwrap()),
        }
    }

    /// `print(...)`: each value as a tagged 16-byte slot for the runtime's printer
    /// (which prints through Python's own print, holding the GIL for that moment).
    fn print(&mut self, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let i64t = self.ctx.i64_type();
        let i32t = self.ctx.i32_type();
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        // Flatten tuples into their items, printed in parentheses by the runtime.
        let mut items: Vec<(u64, Option<BasicValueEnum<'ctx>>, Type)> = vec![];
        for (v, t) in vals.iter().zip(ats) {
            match t {
                Type::Tuple(ts) => {
                    items.push((7, None, Type::NoneType));
                    for (i, it) in ts.iter().enumerate() {
                        let x = self.b.build_extract_value(v.into_struct_value(), i as u32, "item").map_err(e)?;
                        items.push((0, Some(x), it.clone()));
                    }
                    items.push((8, None, Type::NoneType));
                }
                _ => items.push((0, Some(*v), t.clone())),
            }
        }
        let n = items.len().max(1) as u32;
        let kinds = self.alloca(i32t.array_type(n).into(), "print.kinds")?;
        let slots = self.alloca(self.ctx.i8_type().array_type(16 * n).into(), "print.slots")?;
        for (k, (marker, v, t)) in items.iter().enumerate() {
            let kk = i64t.const_int(k as u64, false);
            // SAFETY of the GEPs: k < n.
            let kp = unsafe { self.b.build_in_bounds_gep(i32t.array_type(n), kinds, &[i64t.const_zero(), kk], "kp") }.map_err(e)?;
            let off = i64t.const_int(16 * k as u64, false);
            let sp = unsafe { self.b.build_in_bounds_gep(self.ctx.i8_type(), slots, &[off], "sp") }.map_err(e)?;
            let code: u64 = match (marker, t) {
                (7 | 8, _) => *marker,
                (_, Type::Bool) => 0,
                (_, Type::Int { signed: false, .. }) => 2,
                (_, Type::Int { .. }) => 1,
                (_, Type::Float { .. }) => 3,
                (_, Type::Complex { .. }) => 4,
                (_, Type::StrLiteral(_)) => 5,
                _ => 6,
            };
            self.b.build_store(kp, i32t.const_int(code, false)).map_err(e)?;
            let Some(v) = v else { continue };
            match t {
                Type::Bool => {
                    let x = self.b.build_int_z_extend(v.into_int_value(), i64t, "b").map_err(e)?;
                    self.b.build_store(sp, x).map_err(e)?;
                }
                Type::Int { .. } => {
                    let x = self.cast(*v, t, if code == 2 { &rumbo_types::U64 } else { &I64 })?;
                    self.b.build_store(sp, x).map_err(e)?;
                }
                Type::Float { .. } => {
                    let x = self.cast(*v, t, &F64)?;
                    self.b.build_store(sp, x).map_err(e)?;
                }
                Type::Complex { .. } => {
                    let x = self.cast(*v, t, &rumbo_types::C128)?;
                    self.b.build_store(sp, x).map_err(e)?;
                }
                Type::StrLiteral(text) => {
                    let g = self.b.build_global_string_ptr(text, "print.str").map_err(e)?;
                    self.b.build_store(sp, g.as_pointer_value()).map_err(e)?;
                    // SAFETY of the GEP: within the 16-byte slot.
                    let lp = unsafe { self.b.build_in_bounds_gep(self.ctx.i8_type(), sp, &[i64t.const_int(8, false)], "lp") }.map_err(e)?;
                    self.b.build_store(lp, i64t.const_int(text.len() as u64, false)).map_err(e)?;
                }
                _ => {}
            }
        }
        let f = self.declare("rumbo_print", self.ctx.void_type().fn_type(&[i64t.into(), ptr.into(), ptr.into()], false));
        self.b.build_call(f, &[i64t.const_int(items.len() as u64, false).into(), kinds.into(), slots.into()], "").map_err(e)?;
        Ok(llvm_type(self.ctx, ret).const_zero())
    }

    /// `int(x)` of a float: truncation, with Python's errors for NaN and infinity.
    fn float_to_int(&mut self, x: FloatValue<'ctx>, t: &Type) -> R<BasicValueEnum<'ctx>> {
        if self.opts.numpy_errors {
            return self.cast(x.into(), t, &I64);
        }
        // One well-predicted test on the hot path; the rest raises or saturates.
        let i64t = self.ctx.i64_type();
        let (fast, fast_ok) = match self.x86_truncate(x)? {
            // x86's truncation answers i64::MIN for NaN, infinities and |x| >= 2**63, so
            // the test comes after it (one compare) instead of before (mask and compare).
            Some(r) => (r, self.b.build_int_compare(IntPredicate::NE, r, i64t.const_int(1 << 63, false), "small").map_err(e)?),
            None => {
                let ax = self.call_intrinsic("llvm.fabs", &[x.into()])?.into_float_value();
                let lim = x.get_type().const_float(9.223372036854775808e18);
                let small = self.b.build_float_compare(FloatPredicate::OLT, ax, lim, "small").map_err(e)?;
                // Speculating the truncation is safe: fptosi of an out-of-range value is poison, not UB,
                // and the poison is only selected away from.
                let r = self.b.build_float_to_signed_int(x, i64t, "trunc").map_err(e)?;
                (r, small)
            }
        };
        let fast_bb = self.b.get_insert_block().unwrap();
        let slow_bb = self.ctx.append_basic_block(self.llfn, "toint.slow");
        let done_bb = self.ctx.append_basic_block(self.llfn, "toint.done");
        let likely = self.expect(fast_ok, true)?;
        self.b.build_conditional_branch(likely, done_bb, slow_bb).map_err(e)?;
        self.b.position_at_end(slow_bb);
        let nan = self.b.build_float_compare(FloatPredicate::UNO, x, x, "nan").map_err(e)?;
        self.raise_if(nan, BuiltinExc::ValueError, "cannot convert float NaN to integer")?;
        let ax = self.call_intrinsic("llvm.fabs", &[x.into()])?.into_float_value();
        let inf = self.b.build_float_compare(FloatPredicate::OEQ, ax, x.get_type().const_float(f64::INFINITY), "inf").map_err(e)?;
        self.raise_if(inf, BuiltinExc::OverflowError, "cannot convert float infinity to integer")?;
        let slow = self.cast(x.into(), t, &I64)?.into_int_value();
        let slow_end = self.b.get_insert_block().unwrap();
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        let phi = self.b.build_phi(i64t, "toint").map_err(e)?;
        phi.add_incoming(&[(&fast, fast_bb), (&slow, slow_end)]);
        Ok(phi.as_basic_value())
    }

    /// x86's own float-to-int64 truncation (`cvttsd2si`/`cvttss2si`), defined for every input;
    /// None on other hosts (the JIT compiles for the host only).
    fn x86_truncate(&self, x: FloatValue<'ctx>) -> R<Option<inkwell::values::IntValue<'ctx>>> {
        if !cfg!(target_arch = "x86_64") {
            return Ok(None);
        }
        let (name, lanes) = if x.get_type() == self.ctx.f32_type() { ("llvm.x86.sse.cvttss2si64", 4) } else { ("llvm.x86.sse2.cvttsd2si64", 2) };
        let vt = x.get_type().vec_type(lanes);
        let f = self.intrinsic(name, &[])?;
        let v = self.b.build_insert_element(vt.get_poison(), x, self.ctx.i64_type().const_zero(), "v").map_err(e)?;
        let r = self.b.build_call(f, &[v.into()], "trunc").map_err(e)?;
        Ok(Some(r.try_as_basic_value().basic().unwrap().into_int_value()))
    }

    fn round(&mut self, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        match (&ats[0], vals.len()) {
            (Type::Int { .. }, 1) => Ok(vals[0]),
            (t @ Type::Float { .. }, 1) => {
                let r = self.call_intrinsic("llvm.roundeven", &[vals[0]])?.into_float_value();
                self.float_to_int(r, t)
            }
            (Type::Int { .. }, _) => {
                let f = self.runtime_fn("rumbo_round_int", 2, self.ctx.i64_type().into())?;
                self.call_native(f, &I64, vals)
            }
            (t, _) => {
                let f64t = self.ctx.f64_type();
                let f = self.declare("rumbo_round_float", f64t.fn_type(&[f64t.into(), self.ctx.i64_type().into()], false));
                let x = self.cast(vals[0], t, &F64)?;
                let r = self.call_fn(f, &[x, vals[1]])?;
                self.cast(r, &F64, ret)
            }
        }
    }

    pub(crate) fn math_call(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let t = ats.first().cloned().unwrap_or(F64);
        match name {
            "floor" | "ceil" | "trunc" => {
                if t.is_int() {
                    return Ok(vals[0]);
                }
                let r = self.call_intrinsic(intrinsic_for(name).unwrap(), &[vals[0]])?.into_float_value();
                return self.float_to_int(r, &t);
            }
            "isnan" | "isinf" | "isfinite" => {
                let x = vals[0].into_float_value();
                let ax = self.call_intrinsic("llvm.fabs", &[x.into()])?.into_float_value();
                let inf = x.get_type().const_float(f64::INFINITY);
                let (p, a, c) = match name {
                    "isnan" => (FloatPredicate::UNO, x, x),
                    "isinf" => (FloatPredicate::OEQ, ax, inf),
                    _ => (FloatPredicate::OLT, ax, inf),
                };
                return Ok(self.b.build_float_compare(p, a, c, name).map_err(e)?.into());
            }
            "degrees" | "radians" => {
                let k = if name == "degrees" { 180.0 / std::f64::consts::PI } else { std::f64::consts::PI / 180.0 };
                let x = vals[0].into_float_value();
                let r = self.b.build_float_mul(x, x.get_type().const_float(k), name).map_err(e)?;
                return Ok(self.fv(r).into());
            }
            "log" if vals.len() == 2 => {
                let a = self.checked_float_fn("log", &t, &vals[..1])?.into_float_value();
                let c = self.checked_float_fn("log", &t, &vals[1..])?.into_float_value();
                self.check_zero_log_base(c)?;
                return Ok(self.fv(self.b.build_float_div(a, c, "log").map_err(e)?).into());
            }
            "ldexp" => {
                let x = self.cast(vals[0], &t, &F64)?;
                // ldexp takes a C int exponent; clamp so huge exponents still saturate.
                let i32t = self.ctx.i32_type();
                let i64t = self.ctx.i64_type();
                let ex = vals[1].into_int_value();
                let hi = i64t.const_int(100_000, false);
                let lo = i64t.const_int((-100_000i64) as u64, true);
                let ex = self.b.build_select(self.b.build_int_compare(IntPredicate::SGT, ex, hi, "hi").map_err(e)?, hi, ex, "ex").map_err(e)?.into_int_value();
                let ex = self.b.build_select(self.b.build_int_compare(IntPredicate::SLT, ex, lo, "lo").map_err(e)?, lo, ex, "ex").map_err(e)?.into_int_value();
                let ex = self.b.build_int_truncate(ex, i32t, "ex").map_err(e)?;
                let decl = self.declare("ldexp", self.ctx.f64_type().fn_type(&[self.ctx.f64_type().into(), i32t.into()], false));
                let r = self.call_fn(decl, &[x, ex.into()])?;
                self.check_range(r.into_float_value(), vals[0].into_float_value())?;
                return self.cast(r, &F64, ret);
            }
            "frexp" | "modf" => {
                let f64t = self.ctx.f64_type();
                let ptr = self.ctx.ptr_type(AddressSpace::default());
                let f = self.declare(&format!("rumbo_{name}"), f64t.fn_type(&[f64t.into(), ptr.into()], false));
                let slot = self.alloca(f64t.into(), "part")?;
                let x = self.cast(vals[0], &t, &F64)?;
                let a = self.call_fn(f, &[x, slot.into()])?;
                let b = self.b.build_load(f64t, slot, "part").map_err(e)?;
                let Type::Tuple(parts) = ret else { return Err("internal: frexp".into()) };
                let a = self.cast(a, &F64, &parts[0])?;
                let b = if name == "frexp" {
                    self.cast(b, &F64, &I64)?
                } else {
                    self.cast(b, &F64, &parts[1])?
                };
                return self.build_struct(ret, &[a, b]);
            }
            "gcd" | "lcm" | "comb" | "perm" | "factorial" | "isqrt" => {
                let f = self.runtime_fn(&format!("rumbo_{name}"), vals.len(), self.ctx.i64_type().into())?;
                return self.call_native(f, &I64, vals);
            }
            "hypot" => {
                let f64t = self.ctx.f64_type();
                match vals {
                    [] => return Ok(f64t.const_zero().into()),
                    [x] => return self.call_intrinsic("llvm.fabs", &[*x]),
                    [x, y] => {
                        let f = self.libm("hypot", &t, 2);
                        return self.call_fn(f, &[*x, *y]);
                    }
                    _ => {}
                }
                // Three or more: a runtime helper over a stack array (CPython's n-ary hypot).
                let arr_t = f64t.array_type(vals.len() as u32);
                let slot = self.alloca(arr_t.into(), "hypot.xs")?;
                for (k, (v, at)) in vals.iter().zip(ats).enumerate() {
                    let x = self.cast(*v, at, &F64)?;
                    let i64t = self.ctx.i64_type();
                    // SAFETY of the GEP: k < len of the stack array.
                    let p = unsafe { self.b.build_in_bounds_gep(arr_t, slot, &[i64t.const_zero(), i64t.const_int(k as u64, false)], "x") }.map_err(e)?;
                    self.b.build_store(p, x).map_err(e)?;
                }
                let ptr = self.ctx.ptr_type(AddressSpace::default());
                let f = self.declare("rumbo_hypot_n", f64t.fn_type(&[ptr.into(), self.ctx.i64_type().into()], false));
                let n = self.ctx.i64_type().const_int(vals.len() as u64, false);
                let r = self.call_fn(f, &[slot.into(), n.into()])?;
                return self.cast(r, &F64, ret);
            }
            "ulp" => {
                let x = self.call_intrinsic("llvm.fabs", &[vals[0]])?;
                let f = self.libm("nextafter", &t, 2);
                let inf = llvm_type(self.ctx, &t).into_float_type().const_float(f64::INFINITY);
                let max = llvm_type(self.ctx, &t).into_float_type().const_float(if t == rumbo_types::F32 { f32::MAX as f64 } else { f64::MAX });
                let next = self.call_fn(f, &[x, inf.into()])?.into_float_value();
                let xf = x.into_float_value();
                let diff = self.b.build_float_sub(next, xf, "ulp").map_err(e)?;
                // ulp(max) is max - nextafter(max, 0); ulp(inf) is inf; ulp(nan) is nan.
                let is_max = self.b.build_float_compare(FloatPredicate::OEQ, xf, max, "ismax").map_err(e)?;
                let prev = self.call_fn(f, &[x, llvm_type(self.ctx, &t).into_float_type().const_zero().into()])?.into_float_value();
                let top = self.b.build_float_sub(xf, prev, "top").map_err(e)?;
                let r = self.b.build_select(is_max, top, diff, "ulp").map_err(e)?.into_float_value();
                let is_inf = self.b.build_float_compare(FloatPredicate::OEQ, xf, inf, "isinf").map_err(e)?;
                return Ok(self.b.build_select(is_inf, xf, r, "ulp").map_err(e)?);
            }
            "isclose" => {
                let f64t = self.ctx.f64_type();
                let f = self.declare("rumbo_isclose", self.ctx.bool_type().fn_type(&[f64t.into(); 4], false));
                return self.call_fn(f, vals);
            }
            _ => {}
        }
        self.checked_float_fn(name, &t, vals)
    }

    /// Calls a float math function, then raises Python's errors where it would:
    /// ValueError('math domain error') when a NaN comes from non-NaN input (or
    /// a log of zero), OverflowError('math range error') when a finite input
    /// overflows to infinity.
    pub(crate) fn checked_float_fn(&mut self, name: &str, t: &Type, vals: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let libm_symbol = if *t == rumbo_types::F32 { format!("{}f", libm_name(name)) } else { libm_name(name).to_string() };
        let r = match (self.vector_math_call(&libm_symbol, vals), intrinsic_for(name)) {
            (Some(r), _) => r?,
            (None, Some(intr)) => self.call_intrinsic(intr, vals)?,
            (None, None) => {
                let f = self.libm(libm_name(name), t, vals.len());
                self.call_fn(f, vals)?
            }
        };
        if self.opts.numpy_errors {
            return Ok(r);
        }
        let rf = r.into_float_value();
        let ins: Vec<FloatValue> = vals.iter().map(|v| v.into_float_value()).collect();
        if name == "sqrt" {
            // The whole domain rule of sqrt in one compare (NaN and -0.0 pass).
            let neg = self.b.build_float_compare(FloatPredicate::OLT, ins[0], ins[0].get_type().const_zero(), "neg").map_err(e)?;
            self.raise_if_float(neg, BuiltinExc::ValueError, "math domain error")?;
            return Ok(r);
        }
        // Defined and never NaN for every non-NaN input: only the range can fail.
        if matches!(name, "exp" | "exp2" | "expm1" | "sinh" | "cosh" | "tanh" | "atan" | "asinh" | "erf" | "erfc" | "cbrt") {
            if matches!(name, "exp" | "exp2" | "expm1" | "cosh" | "sinh") {
                self.check_range(rf, ins[0])?;
            }
            return Ok(r);
        }
        let b = &self.b;
        // Domain: result NaN while no input is NaN.
        let mut any_nan = b.build_float_compare(FloatPredicate::UNO, ins[0], ins[0], "innan").map_err(e)?;
        for x in &ins[1..] {
            let n = b.build_float_compare(FloatPredicate::UNO, *x, *x, "innan").map_err(e)?;
            any_nan = b.build_or(any_nan, n, "innan").map_err(e)?;
        }
        let out_nan = b.build_float_compare(FloatPredicate::UNO, rf, rf, "outnan").map_err(e)?;
        let no_in_nan = b.build_not(any_nan, "ok").map_err(e)?;
        let mut domain = b.build_and(out_nan, no_in_nan, "domain").map_err(e)?;
        let zero = ins[0].get_type().const_zero();
        match name {
            "log" | "log2" | "log10" => {
                let le0 = b.build_float_compare(FloatPredicate::OLE, ins[0], zero, "le0").map_err(e)?;
                domain = b.build_or(domain, le0, "domain").map_err(e)?;
            }
            "log1p" | "atanh" | "gamma" | "lgamma" => {
                // Poles: log1p(-1), atanh(+-1), gamma/lgamma at non-positive integers.
                let inf = b.build_float_compare(FloatPredicate::OEQ, self.call_intrinsic("llvm.fabs", &[r])?.into_float_value(), rf.get_type().const_float(f64::INFINITY), "inf").map_err(e)?;
                let ax = self.call_intrinsic("llvm.fabs", &[ins[0].into()])?.into_float_value();
                let finite_in = self.b.build_float_compare(FloatPredicate::OLT, ax, ax.get_type().const_float(f64::INFINITY), "fin").map_err(e)?;
                let pole = self.b.build_and(inf, finite_in, "pole").map_err(e)?;
                if name == "gamma" || name == "lgamma" {
                    let fl = self.call_intrinsic("llvm.floor", &[ins[0].into()])?.into_float_value();
                    let is_int = self.b.build_float_compare(FloatPredicate::OEQ, fl, ins[0], "isint").map_err(e)?;
                    let nonpos = self.b.build_float_compare(FloatPredicate::OLE, ins[0], zero, "nonpos").map_err(e)?;
                    let at_pole = self.b.build_and(is_int, nonpos, "atpole").map_err(e)?;
                    let p = self.b.build_and(pole, at_pole, "p").map_err(e)?;
                    domain = self.b.build_or(domain, p, "domain").map_err(e)?;
                    let ovf = self.b.build_and(pole, self.b.build_not(at_pole, "n").map_err(e)?, "ovf").map_err(e)?;
                    self.raise_if_float(domain, BuiltinExc::ValueError, "math domain error")?;
                    self.raise_if_float(ovf, BuiltinExc::OverflowError, "math range error")?;
                    return Ok(r);
                }
                domain = self.b.build_or(domain, pole, "domain").map_err(e)?;
            }
            _ => {}
        }
        self.raise_if_float(domain, BuiltinExc::ValueError, "math domain error")?;
        if matches!(name, "exp" | "exp2" | "expm1" | "cosh" | "sinh" | "pow") {
            self.check_range(rf, ins[0])?;
        }
        Ok(r)
    }

    /// OverflowError when `r` is infinite but the input `x` was finite.
    fn check_range(&mut self, r: FloatValue<'ctx>, x: FloatValue<'ctx>) -> R<()> {
        if self.opts.numpy_errors {
            return Ok(());
        }
        let inf = r.get_type().const_float(f64::INFINITY);
        let ar = self.call_intrinsic("llvm.fabs", &[r.into()])?.into_float_value();
        let ax = self.call_intrinsic("llvm.fabs", &[x.into()])?.into_float_value();
        let r_inf = self.b.build_float_compare(FloatPredicate::OEQ, ar, inf, "rinf").map_err(e)?;
        let x_fin = self.b.build_float_compare(FloatPredicate::OLT, ax, x.get_type().const_float(f64::INFINITY), "xfin").map_err(e)?;
        let bad = self.b.build_and(r_inf, x_fin, "range").map_err(e)?;
        self.raise_if_float(bad, BuiltinExc::OverflowError, "math range error")
    }

    fn check_zero_log_base(&mut self, log_base: FloatValue<'ctx>) -> R<()> {
        if self.opts.numpy_errors {
            return Ok(());
        }
        let z = self.b.build_float_compare(FloatPredicate::OEQ, log_base, log_base.get_type().const_zero(), "z").map_err(e)?;
        self.raise_if_float(z, BuiltinExc::ZeroDivisionError, "float division by zero")
    }
}

