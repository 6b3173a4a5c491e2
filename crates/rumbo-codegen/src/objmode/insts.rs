//! Object-mode instructions: one C API call (or `rumbo_obj_*` helper) each,
//! its result checked and stored in the value's slot.

use super::{ObjConst, ObjEmitter};
use crate::func::{e, R};
use inkwell::values::PointerValue;
use rumbo_ir::{Inst, ObjInst, Value};
use rumbo_syntax::{BinOp, CmpOp, CompKind, UnaryOp};

/// Operator numbers shared with rumbo-python's `rumbo_obj_binary`.
pub(super) fn binop_id(op: BinOp) -> u64 {
    match op {
        BinOp::Add => 0,
        BinOp::Sub => 1,
        BinOp::Mult => 2,
        BinOp::Div => 3,
        BinOp::FloorDiv => 4,
        BinOp::Mod => 5,
        BinOp::Pow => 6,
        BinOp::MatMult => 7,
        BinOp::LShift => 8,
        BinOp::RShift => 9,
        BinOp::BitOr => 10,
        BinOp::BitXor => 11,
        BinOp::BitAnd => 12,
    }
}

/// Comparison numbers: Py_LT..Py_GE (0..5) as CPython numbers them, then is,
/// is not, in, not in.
pub(super) fn cmpop_id(op: CmpOp) -> u64 {
    match op {
        CmpOp::Lt => 0,
        CmpOp::LtE => 1,
        CmpOp::Eq => 2,
        CmpOp::NotEq => 3,
        CmpOp::Gt => 4,
        CmpOp::GtE => 5,
        CmpOp::Is => 6,
        CmpOp::IsNot => 7,
        CmpOp::In => 8,
        CmpOp::NotIn => 9,
    }
}

fn unop_id(op: UnaryOp) -> u64 {
    match op {
        UnaryOp::Not => 0,
        UnaryOp::Neg => 1,
        UnaryOp::Pos => 2,
        UnaryOp::Invert => 3,
    }
}

/// Kinds of `rumbo_obj_build`.
const BUILD_TUPLE: u64 = 0;
const BUILD_LIST: u64 = 1;
const BUILD_SET: u64 = 2;
const BUILD_DICT: u64 = 3;
const BUILD_STR: u64 = 4;

impl<'ctx> ObjEmitter<'_, 'ctx> {
    fn int(&self, x: u64) -> inkwell::values::IntValue<'ctx> {
        self.ctx.i32_type().const_int(x, false)
    }

    fn long(&self, x: u64) -> inkwell::values::IntValue<'ctx> {
        self.ctx.i64_type().const_int(x, false)
    }

    /// Checks a new reference and makes it `v`'s value.
    fn result(&mut self, v: Value, r: PointerValue<'ctx>, line: u32) -> R<()> {
        self.check_null(r, line)?;
        self.define(v, r)
    }

    fn objs(&mut self, vals: &[Value], line: u32) -> R<Vec<PointerValue<'ctx>>> {
        vals.iter().map(|x| self.obj(*x, line)).collect()
    }

    fn build(&mut self, v: Value, kind: u64, items: &[Value], line: u32) -> R<()> {
        let objs = self.objs(items, line)?;
        let arr = self.pointer_array(&objs)?;
        let r = self.call_p("rumbo_obj_build", "pilp", &[self.int(kind).into(), self.long(objs.len() as u64).into(), arr.into()])?;
        self.result(v, r, line)
    }

    pub(super) fn emit_inst(&mut self, v: Value, inst: &Inst) -> R<()> {
        let line = self.func.value(v).span.line;
        match inst {
            Inst::Const(c) => {
                let o = self.constant(ObjConst::Const(c.clone()))?;
                self.incref(o)?;
                self.define(v, o)?;
            }
            Inst::Global(name) => {
                let n = self.name_const(name)?;
                let r = self.call_p("rumbo_obj_global", "ppp", &[self.consts_array().into(), n.into()])?;
                self.result(v, r, line)?;
            }
            Inst::Undef(_) => self.define(v, self.ptr_t().const_null())?,
            Inst::Binary { op, lhs, rhs } | Inst::Inplace { op, target: lhs, rhs } => {
                let inplace = matches!(inst, Inst::Inplace { .. }) as u64;
                let (a, b) = (self.obj(*lhs, line)?, self.obj(*rhs, line)?);
                let r = self.call_p(
                    "rumbo_obj_binary",
                    "pippi",
                    &[self.int(binop_id(*op)).into(), a.into(), b.into(), self.int(inplace).into()],
                )?;
                self.result(v, r, line)?;
            }
            Inst::Unary { op, operand } => {
                let a = self.obj(*operand, line)?;
                let r = self.call_p("rumbo_obj_unary", "pip", &[self.int(unop_id(*op)).into(), a.into()])?;
                self.result(v, r, line)?;
            }
            Inst::Compare { op, lhs, rhs } => {
                let (a, b) = (self.obj(*lhs, line)?, self.obj(*rhs, line)?);
                let r = self.call_p("rumbo_obj_compare", "pipp", &[self.int(cmpop_id(*op)).into(), a.into(), b.into()])?;
                self.result(v, r, line)?;
            }
            Inst::Truth(x) => {
                let t = self.truth_of(*x, line)?;
                self.flags.insert(v, t);
            }
            Inst::Call { func, args, kwargs } if self.methods.contains_key(func) => {
                // LOAD_METHOD's call: the receiver goes first when the lookup found an unbound method.
                let unbound = self.methods[func];
                let Some(Inst::GetAttr { value: recv, .. }) = self.func.inst(*func) else { return Err("internal: method call".into()) };
                let f = self.obj(*func, line)?;
                let mut items = vec![self.obj(*recv, line)?];
                items.extend(self.objs(args, line)?);
                for (_, x) in kwargs {
                    items.push(self.obj(*x, line)?);
                }
                let arr = self.pointer_array(&items)?;
                // SAFETY of the GEP: the array has at least the receiver.
                let rest = unsafe { self.b.build_gep(self.ptr_t(), arr, &[self.long(1)], "rest") }.map_err(e)?;
                let p = self.b.build_select(unbound, arr, rest, "argv").map_err(e)?;
                let n = self.b.build_select(unbound, self.long(args.len() as u64 + 1), self.long(args.len() as u64), "argc").map_err(e)?;
                let names = if kwargs.is_empty() {
                    self.ptr_t().const_null()
                } else {
                    self.constant(ObjConst::KwNames(kwargs.iter().map(|(k, _)| k.clone()).collect()))?
                };
                let r = self.call_p("PyObject_Vectorcall", "ppplp", &[f.into(), p.into(), n.into(), names.into()])?;
                self.result(v, r, line)?;
            }
            Inst::GetAttr { value, attr } if self.method_attrs.contains(&v) => {
                let o = self.obj(*value, line)?;
                let n = self.name_const(attr)?;
                let out = self.pointer_array(&[self.ptr_t().const_null()])?;
                let found = self.call_i("_PyObject_GetMethod", "ippp", &[o.into(), n.into(), out.into()])?;
                let meth = self.b.build_load(self.ptr_t(), out, "meth").map_err(e)?.into_pointer_value();
                self.result(v, meth, line)?;
                let unbound = self.b.build_int_compare(inkwell::IntPredicate::NE, found, self.ctx.i32_type().const_zero(), "unbound").map_err(e)?;
                self.methods.insert(v, unbound);
            }
            Inst::Call { func, args, kwargs } => {
                let f = self.obj(*func, line)?;
                let mut items = self.objs(args, line)?;
                for (_, x) in kwargs {
                    items.push(self.obj(*x, line)?);
                }
                let arr = self.pointer_array(&items)?;
                let names = if kwargs.is_empty() {
                    self.ptr_t().const_null()
                } else {
                    self.constant(ObjConst::KwNames(kwargs.iter().map(|(k, _)| k.clone()).collect()))?
                };
                let nargs = self.long(args.len() as u64);
                let r = self.call_p("PyObject_Vectorcall", "ppplp", &[f.into(), arr.into(), nargs.into(), names.into()])?;
                self.result(v, r, line)?;
            }
            Inst::GetAttr { value, attr } => {
                let o = self.obj(*value, line)?;
                let n = self.name_const(attr)?;
                let r = self.call_p("PyObject_GetAttr", "ppp", &[o.into(), n.into()])?;
                self.result(v, r, line)?;
            }
            Inst::GetItem { value, index } => {
                let (o, i) = (self.obj(*value, line)?, self.obj(*index, line)?);
                let r = self.call_p("PyObject_GetItem", "ppp", &[o.into(), i.into()])?;
                self.result(v, r, line)?;
            }
            Inst::SetItem { value, index, item } => {
                let (o, i, x) = (self.obj(*value, line)?, self.obj(*index, line)?, self.obj(*item, line)?);
                let s = self.call_i("PyObject_SetItem", "ippp", &[o.into(), i.into(), x.into()])?;
                self.check_status(s, line)?;
            }
            Inst::Tuple(items) => self.build(v, BUILD_TUPLE, items, line)?,
            Inst::TupleGet { value, index } => {
                if let Some(Inst::IterNext(_)) = self.func.inst(*value) {
                    // The iterator step's value is its item, NULL once exhausted.
                    let item = self.b.build_load(self.ptr_t(), self.slot(*value)?, "item").map_err(e)?.into_pointer_value();
                    if *index == 1 {
                        let valid = self.b.build_is_not_null(item, "valid").map_err(e)?;
                        self.flags.insert(v, valid);
                    } else {
                        self.incref(item)?;
                        self.define(v, item)?;
                    }
                    return Ok(());
                }
                let t = self.obj(*value, line)?;
                let r = self.call_p("PySequence_GetItem", "ppl", &[t.into(), self.long(*index as u64).into()])?;
                self.result(v, r, line)?;
            }
            Inst::Unpack { value, count } => {
                let o = self.obj(*value, line)?;
                let r = self.call_p("rumbo_obj_unpack", "ppl", &[o.into(), self.long(*count as u64).into()])?;
                self.result(v, r, line)?;
            }
            Inst::Slice { lower, upper, step } => {
                let mut part = |x: &Option<Value>| -> R<PointerValue<'ctx>> {
                    match x {
                        Some(x) => self.obj(*x, line),
                        None => Ok(self.ptr_t().const_null()),
                    }
                };
                let (a, b, c) = (part(lower)?, part(upper)?, part(step)?);
                let r = self.call_p("PySlice_New", "pppp", &[a.into(), b.into(), c.into()])?;
                self.result(v, r, line)?;
            }
            Inst::GetIter(x) => {
                let o = self.obj(*x, line)?;
                let r = self.call_p("PyObject_GetIter", "pp", &[o.into()])?;
                self.result(v, r, line)?;
            }
            Inst::IterNext(it) => {
                let o = self.obj(*it, line)?;
                let out = self.pointer_array(&[self.ptr_t().const_null()])?;
                let s = self.call_i("rumbo_obj_next", "ipp", &[o.into(), out.into()])?;
                self.check_status(s, line)?;
                let item = self.b.build_load(self.ptr_t(), out, "item").map_err(e)?.into_pointer_value();
                self.define(v, item)?;
            }
            Inst::Obj(o) => self.emit_obj(v, o, line)?,
            Inst::ParallelFor { .. } => return Err("internal: a parallel region in object mode".into()),
            Inst::ObjmodeBlock(block) => {
                // Object mode runs the block's Python function directly (no type checks needed).
                let f = self.constant(ObjConst::Block(v.0))?;
                let objs = self.objs(&block.args, line)?;
                let arr = self.pointer_array(&objs)?;
                let null = self.ptr_t().const_null();
                let r = self.call_p("PyObject_Vectorcall", "ppplp", &[f.into(), arr.into(), self.long(objs.len() as u64).into(), null.into()])?;
                self.result(v, r, line)?;
            }
        }
        Ok(())
    }

    pub(super) fn truth_of(&mut self, x: Value, line: u32) -> R<inkwell::values::IntValue<'ctx>> {
        if let Some(f) = self.flags.get(&x) {
            return Ok(*f);
        }
        let o = self.obj(x, line)?;
        let r = self.call_i("PyObject_IsTrue", "ip", &[o.into()])?;
        self.check_status(r, line)?;
        self.b.build_int_compare(inkwell::IntPredicate::NE, r, self.ctx.i32_type().const_zero(), "t").map_err(e)
    }

    fn emit_obj(&mut self, v: Value, o: &ObjInst, line: u32) -> R<()> {
        match o {
            ObjInst::Empty(kind) => {
                let k = match kind {
                    CompKind::Set => BUILD_SET,
                    CompKind::Dict => BUILD_DICT,
                    CompKind::List | CompKind::Generator => BUILD_LIST,
                };
                self.build(v, k, &[], line)?
            }
            ObjInst::List(items) => self.build(v, BUILD_LIST, items, line)?,
            ObjInst::Set(items) => self.build(v, BUILD_SET, items, line)?,
            ObjInst::Dict(pairs) => {
                let flat: Vec<Value> = pairs.iter().flat_map(|(k, x)| [*k, *x]).collect();
                let objs = self.objs(&flat, line)?;
                let arr = self.pointer_array(&objs)?;
                let r = self.call_p("rumbo_obj_build", "pilp", &[self.int(BUILD_DICT).into(), self.long(pairs.len() as u64).into(), arr.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::Caught => {
                let r = self.call_p("rumbo_obj_caught", "p", &[])?;
                self.result(v, r, 0)?;
            }
            ObjInst::ExcMatch { exc, class } => {
                let (x, c) = (self.obj(*exc, line)?, self.obj(*class, line)?);
                let s = self.call_i("rumbo_obj_excmatch", "ipp", &[x.into(), c.into()])?;
                self.check_status(s, line)?;
                let t = self.b.build_int_compare(inkwell::IntPredicate::NE, s, self.ctx.i32_type().const_zero(), "m").map_err(e)?;
                self.flags.insert(v, t);
            }
            ObjInst::WithEnter(m) => {
                let x = self.obj(*m, line)?;
                let r = self.call_p("rumbo_obj_with_enter", "pp", &[x.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::WithExit { exit, exc } => {
                let x = self.obj(*exit, line)?;
                let c = match exc {
                    Some(c) => self.obj(*c, line)?,
                    None => self.ptr_t().const_null(),
                };
                let r = self.call_p("rumbo_obj_with_exit", "ppp", &[x.into(), c.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::Append { container, item } => {
                let (c, x) = (self.obj(*container, line)?, self.obj(*item, line)?);
                let s = self.call_i("rumbo_obj_append", "ipp", &[c.into(), x.into()])?;
                self.check_status(s, line)?;
            }
            ObjInst::DictSet { container, key, item } => {
                let (c, k, x) = (self.obj(*container, line)?, self.obj(*key, line)?, self.obj(*item, line)?);
                let s = self.call_i("PyObject_SetItem", "ippp", &[c.into(), k.into(), x.into()])?;
                self.check_status(s, line)?;
            }
            ObjInst::DelItem { value, index } => {
                let (c, k) = (self.obj(*value, line)?, self.obj(*index, line)?);
                let s = self.call_i("PyObject_DelItem", "ipp", &[c.into(), k.into()])?;
                self.check_status(s, line)?;
            }
            ObjInst::Unbind(x) => {
                self.obj(*x, line)?;
            }
            ObjInst::Lifted { index, args } => {
                // Arguments may be unbound (NULL): the helper then declines to run the loop.
                let mut objs = vec![];
                for a in args {
                    objs.push(self.b.build_load(self.ptr_t(), self.slot(*a)?, "a").map_err(e)?.into_pointer_value());
                }
                let arr = self.pointer_array(&objs)?;
                let d = self.constant(ObjConst::Lifted(*index))?;
                let r = self.call_p("rumbo_obj_lifted", "pppl", &[d.into(), arr.into(), self.long(objs.len() as u64).into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::Format { value, conversion, spec } => {
                let x = self.obj(*value, line)?;
                let s = match spec {
                    Some(s) => self.obj(*s, line)?,
                    None => self.ptr_t().const_null(),
                };
                let conv = self.int(conversion.map_or(0, |c| c as u64));
                let r = self.call_p("rumbo_obj_format", "ppip", &[x.into(), conv.into(), s.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::JoinStr(parts) => self.build(v, BUILD_STR, parts, line)?,
            ObjInst::Import { module, fromlist, level } => {
                let name = self.name_const(module)?;
                let from = if fromlist.is_empty() {
                    self.ptr_t().const_null()
                } else {
                    self.constant(ObjConst::KwNames(fromlist.clone()))?
                };
                let args = [self.consts_array().into(), name.into(), from.into(), self.int(*level as u64).into()];
                let r = self.call_p("rumbo_obj_import", "ppppi", &args)?;
                self.result(v, r, line)?;
            }
            ObjInst::WithCause { exc, cause } => {
                let (x, c) = (self.obj(*exc, line)?, self.obj(*cause, line)?);
                let r = self.call_p("rumbo_obj_with_cause", "ppp", &[x.into(), c.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::SetHandled(x) => {
                let x = self.obj(*x, line)?;
                let r = self.call_p("rumbo_obj_set_handled", "pp", &[x.into()])?;
                self.result(v, r, 0)?;
            }
            ObjInst::RestoreHandled(x) => {
                let x = self.obj(*x, line)?;
                self.call("rumbo_obj_restore_handled", "vp", &[x.into()])?;
            }
            ObjInst::CallEx { func, args, kwargs } => {
                // Flags say which positional items are `*`-unpacked; a `**` keyword is named "**".
                let f = self.obj(*func, line)?;
                let mut items = vec![];
                for (_, a) in args {
                    items.push(self.obj(*a, line)?);
                }
                for (_, k) in kwargs {
                    items.push(self.obj(*k, line)?);
                }
                let arr = self.pointer_array(&items)?;
                let flags: String = args.iter().map(|(s, _)| if *s { '*' } else { '.' }).collect();
                let flags = self.name_const(&flags)?;
                let names = self.constant(ObjConst::KwNames(kwargs.iter().map(|(n, _)| n.clone().unwrap_or_else(|| "**".into())).collect()))?;
                let r = self.call_p("rumbo_obj_call_ex", "ppppp", &[f.into(), arr.into(), flags.into(), names.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::MakeFunction { args, .. } => {
                let f = self.constant(ObjConst::Factory(v.0))?;
                let objs = self.objs(args, line)?;
                let arr = self.pointer_array(&objs)?;
                let null = self.ptr_t().const_null();
                let r = self.call_p("PyObject_Vectorcall", "ppplp", &[f.into(), arr.into(), self.long(objs.len() as u64).into(), null.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::Marker(_) => {}
            ObjInst::UnpackEx { value, before, after } => {
                let x = self.obj(*value, line)?;
                let r = self.call_p("rumbo_obj_unpack_ex", "ppll", &[x.into(), self.long(*before as u64).into(), self.long(*after as u64).into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::BuildUnpack { kind, items } => {
                let objs = items.iter().map(|(_, x)| self.obj(*x, line)).collect::<R<Vec<_>>>()?;
                let arr = self.pointer_array(&objs)?;
                let flags: String = items.iter().map(|(s, _)| if *s { '*' } else { '.' }).collect();
                let flags = self.name_const(&flags)?;
                let r = self.call_p("rumbo_obj_build_unpack", "pipp", &[self.int(*kind as u64).into(), arr.into(), flags.into()])?;
                self.result(v, r, line)?;
            }
            ObjInst::StoreGlobal { name, value } => {
                let x = self.obj(*value, line)?;
                let n = self.name_const(name)?;
                let s = self.call_i("rumbo_obj_store_global", "ippp", &[self.consts_array().into(), n.into(), x.into()])?;
                self.check_status(s, line)?;
            }
            ObjInst::DelAttr { value, attr } => {
                let c = self.obj(*value, line)?;
                let n = self.name_const(attr)?;
                let s = self.call_i("PyObject_SetAttr", "ippp", &[c.into(), n.into(), self.ptr_t().const_null().into()])?;
                self.check_status(s, line)?;
            }
            ObjInst::SetAttr { value, attr, item } => {
                let (c, x) = (self.obj(*value, line)?, self.obj(*item, line)?);
                let n = self.name_const(attr)?;
                let s = self.call_i("PyObject_SetAttr", "ippp", &[c.into(), n.into(), x.into()])?;
                self.check_status(s, line)?;
            }
        }
        Ok(())
    }
}
