//! Object mode: untyped rumbo IR to LLVM code that works on Python objects
//! through the CPython C API (`PyNumber_Add`, `PyObject_GetAttr`,
//! `PyObject_Vectorcall`, ...) and a few `rumbo_obj_*` helpers that rumbo-python
//! defines. The entry is `ptr @sym(ptr args, ptr consts)`: `args` holds one
//! borrowed object per parameter, `consts` the objects the code refers to
//! ([`ObjConst`], after [`FIXED_CONSTS`] fixed ones); it returns a new reference,
//! or NULL with the Python error set. The GIL is held throughout.
//!
//! References: every IR value has a slot in an array on the stack; a slot owns
//! the reference it holds. Defining a value stores its new reference and
//! releases the slot's previous one (loops), jumps copy arguments into the
//! target's parameter slots the same way, and every exit releases all slots.
//! Values live a little longer than in CPython (until redefined or the
//! function returns), never shorter.
//!
//! Errors: a NULL (or -1) from the API adds a traceback entry for the source
//! line and goes to the block's `except` landing, or releases everything and
//! returns NULL.

mod insts;

use crate::func::{e, R};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::AddressSpace;
use rumbo_ir::{Block, BlockCall, Function, Inst, ObjInst, Terminator, Value, ValueKind};
use rumbo_syntax::Constant;
use std::collections::{HashMap, HashSet};

/// What each entry of the constants array past the fixed ones must hold.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjConst {
    /// A literal of the source.
    Const(Constant),
    /// An interned `str` (attribute and global names).
    Name(String),
    /// A tuple of keyword names for `PyObject_Vectorcall`.
    KwNames(Vec<String>),
    /// The dispatcher of lifted loop `n`.
    Lifted(usize),
    /// The Python function of the objmode block defining value `n`.
    Block(u32),
    /// The factory (a Python function of the captured values) of the lambda,
    /// def or class defining value `n`.
    Factory(u32),
}

/// Fixed entries at the start of the constants array: the function's
/// `__globals__`, the builtins dict, its name, its file name (both `str`, for
/// traceback entries) and a dict of closure cells by variable name.
pub const FIXED_CONSTS: usize = 5;

/// What the interpreter running the code allows (rumbo-python finds out).
#[derive(Clone, Copy, Debug, Default)]
pub struct ObjOptions {
    /// CPython exports `_PyObject_GetMethod`: `obj.m(...)` calls skip making a
    /// bound method, as the interpreter's LOAD_METHOD does.
    pub get_method: bool,
    /// Reference counts are a plain `ob_refcnt` at offset 0 with no immortal
    /// objects (CPython up to 3.11, release builds): increfs and decrefs are inlined.
    pub inline_refcount: bool,
}

/// Adds the object-mode entry `symbol` of `func` to a new module; also returns
/// the constants its code expects after the fixed ones.
pub fn emit_objmode_module<'ctx>(ctx: &'ctx Context, func: &Function, symbol: &str, opts: ObjOptions) -> R<(Module<'ctx>, Vec<ObjConst>)> {
    let module = ctx.create_module(symbol);
    let ptr = ctx.ptr_type(AddressSpace::default());
    let llfn = module.add_function(symbol, ptr.fn_type(&[ptr.into(), ptr.into()], false), Some(Linkage::External));
    let entry = ctx.append_basic_block(llfn, "entry");
    let exit_error = ctx.append_basic_block(llfn, "exit_error");
    let b = ctx.create_builder();
    b.position_at_end(entry);
    let n = func.values.len().max(1);
    let slots = b.build_array_alloca(ptr, ctx.i64_type().const_int(n as u64, false), "slots").map_err(e)?;
    let mut em = ObjEmitter {
        ctx,
        module: &module,
        b,
        func,
        llfn,
        args: llfn.get_nth_param(0).unwrap().into_pointer_value(),
        consts_ptr: llfn.get_nth_param(1).unwrap().into_pointer_value(),
        slots,
        blocks: HashMap::new(),
        flags: HashMap::new(),
        consts: vec![],
        maybe_undef: func.maybe_undefined(),
        err_blocks: HashMap::new(),
        exit_error,
        handler: None,
        method_attrs: if opts.get_method { method_attrs(func) } else { HashSet::new() },
        inline_refcount: opts.inline_refcount,
        methods: HashMap::new(),
    };
    em.emit_body()?;
    let consts = std::mem::take(&mut em.consts);
    drop(em);
    Ok((module, consts))
}

pub(super) struct ObjEmitter<'a, 'ctx> {
    pub(super) ctx: &'ctx Context,
    module: &'a Module<'ctx>,
    pub(super) b: Builder<'ctx>,
    pub(super) func: &'a Function,
    llfn: FunctionValue<'ctx>,
    args: PointerValue<'ctx>,
    consts_ptr: PointerValue<'ctx>,
    slots: PointerValue<'ctx>,
    blocks: HashMap<Block, BasicBlock<'ctx>>,
    /// Values that are native booleans, not objects (conditions).
    pub(super) flags: HashMap<Value, IntValue<'ctx>>,
    consts: Vec<ObjConst>,
    /// Values that may be NULL (an unbound variable) where they are read.
    maybe_undef: HashSet<Value>,
    /// Per (landing, line): adds the traceback entry, then goes to the landing.
    err_blocks: HashMap<(Option<Block>, u32), BasicBlock<'ctx>>,
    exit_error: BasicBlock<'ctx>,
    /// The landing of the block being emitted.
    handler: Option<Block>,
    /// Attribute lookups only used as the callee of a call in their block.
    pub(super) method_attrs: HashSet<Value>,
    /// For those: true when the slot holds an unbound method to call with the receiver first.
    pub(super) methods: HashMap<Value, IntValue<'ctx>>,
    inline_refcount: bool,
}

/// `obj.attr` values whose only use is as the callee of a call in the same block.
fn method_attrs(func: &Function) -> HashSet<Value> {
    let mut uses: HashMap<Value, usize> = HashMap::new();
    for b in func.block_ids() {
        let d = func.block(b);
        for &v in &d.insts {
            for op in func.inst(v).map(|i| i.operands()).unwrap_or_default() {
                *uses.entry(op).or_default() += 1;
            }
        }
        for op in d.term.operands() {
            *uses.entry(op).or_default() += 1;
        }
    }
    let mut out = HashSet::new();
    for b in func.block_ids() {
        let insts = &func.block(b).insts;
        for &v in insts {
            if let Some(Inst::Call { func: callee, .. }) = func.inst(v) {
                if matches!(func.inst(*callee), Some(Inst::GetAttr { .. })) && insts.contains(callee) && uses.get(callee) == Some(&1) {
                    out.insert(*callee);
                }
            }
        }
    }
    out
}

impl<'a, 'ctx> ObjEmitter<'a, 'ctx> {
    pub(super) fn ptr_t(&self) -> inkwell::types::PointerType<'ctx> {
        self.ctx.ptr_type(AddressSpace::default())
    }

    /// Calls a C API function or helper, declaring it on first use. `ret`:
    /// "p" pointer, "i" i32, "v" void; params likewise plus "l" for i64.
    pub(super) fn call(&self, name: &str, sig: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> R<Option<inkwell::values::BasicValueEnum<'ctx>>> {
        let f = match self.module.get_function(name) {
            Some(f) => f,
            None => {
                let ty = |c: char| -> BasicMetadataTypeEnum<'ctx> {
                    match c {
                        'p' => self.ptr_t().into(),
                        'i' => self.ctx.i32_type().into(),
                        _ => self.ctx.i64_type().into(),
                    }
                };
                let mut chars = sig.chars();
                let ret = chars.next().unwrap_or('v');
                let params: Vec<BasicMetadataTypeEnum> = chars.map(ty).collect();
                let fty = match ret {
                    'p' => self.ptr_t().fn_type(&params, false),
                    'i' => self.ctx.i32_type().fn_type(&params, false),
                    _ => self.ctx.void_type().fn_type(&params, false),
                };
                self.module.add_function(name, fty, Some(Linkage::External))
            }
        };
        let r = self.b.build_call(f, args, "").map_err(e)?;
        Ok(r.try_as_basic_value().basic())
    }

    pub(super) fn call_p(&self, name: &str, sig: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> R<PointerValue<'ctx>> {
        Ok(self.call(name, sig, args)?.ok_or("internal: void call")?.into_pointer_value())
    }

    pub(super) fn call_i(&self, name: &str, sig: &str, args: &[BasicMetadataValueEnum<'ctx>]) -> R<IntValue<'ctx>> {
        Ok(self.call(name, sig, args)?.ok_or("internal: void call")?.into_int_value())
    }

    pub(super) fn slot(&self, v: Value) -> R<PointerValue<'ctx>> {
        let i = self.ctx.i64_type().const_int(v.0 as u64, false);
        // SAFETY: `v` indexes the slots array, which has one entry per value.
        unsafe { self.b.build_gep(self.ptr_t(), self.slots, &[i], "slot") }.map_err(e)
    }

    /// The object in `v`'s slot (borrowed), checked to be bound when it may not be.
    pub(super) fn obj(&mut self, v: Value, line: u32) -> R<PointerValue<'ctx>> {
        if self.flags.contains_key(&v) {
            return Err("internal: a condition used as an object".into());
        }
        let p = self.b.build_load(self.ptr_t(), self.slot(v)?, "v").map_err(e)?.into_pointer_value();
        if self.maybe_undef.contains(&v) {
            let name = self.func.value(v).var.clone().or_else(|| match self.func.inst(v) {
                Some(Inst::Undef(n)) => Some(n.clone()),
                _ => None,
            });
            let name = self.name_const(&name.unwrap_or_default())?;
            let unbound = self.ctx.append_basic_block(self.llfn, "unbound");
            let ok = self.ctx.append_basic_block(self.llfn, "bound");
            let is_null = self.b.build_is_null(p, "isnull").map_err(e)?;
            self.b.build_conditional_branch(is_null, unbound, ok).map_err(e)?;
            self.b.position_at_end(unbound);
            self.call("rumbo_obj_unbound", "vp", &[name.into()])?;
            let err = self.err_block(line)?;
            self.b.build_unconditional_branch(err).map_err(e)?;
            self.b.position_at_end(ok);
        }
        Ok(p)
    }

    /// `Py_XINCREF(p)`.
    pub(super) fn incref(&self, p: PointerValue<'ctx>) -> R<()> {
        if !self.inline_refcount {
            self.call("Py_IncRef", "vp", &[p.into()])?;
            return Ok(());
        }
        let i64t = self.ctx.i64_type();
        let (inc, done) = (self.ctx.append_basic_block(self.llfn, "inc"), self.ctx.append_basic_block(self.llfn, "inc.done"));
        let null = self.b.build_is_null(p, "null").map_err(e)?;
        self.b.build_conditional_branch(null, done, inc).map_err(e)?;
        self.b.position_at_end(inc);
        let n = self.b.build_load(i64t, p, "rc").map_err(e)?.into_int_value();
        let n1 = self.b.build_int_add(n, i64t.const_int(1, false), "rc1").map_err(e)?;
        self.b.build_store(p, n1).map_err(e)?;
        self.b.build_unconditional_branch(done).map_err(e)?;
        self.b.position_at_end(done);
        Ok(())
    }

    /// `Py_XDECREF(p)`: `_Py_Dealloc` at zero.
    pub(super) fn decref(&self, p: PointerValue<'ctx>) -> R<()> {
        if !self.inline_refcount {
            self.call("Py_DecRef", "vp", &[p.into()])?;
            return Ok(());
        }
        let i64t = self.ctx.i64_type();
        let dec = self.ctx.append_basic_block(self.llfn, "dec");
        let dealloc = self.ctx.append_basic_block(self.llfn, "dealloc");
        let done = self.ctx.append_basic_block(self.llfn, "dec.done");
        let null = self.b.build_is_null(p, "null").map_err(e)?;
        self.b.build_conditional_branch(null, done, dec).map_err(e)?;
        self.b.position_at_end(dec);
        let n = self.b.build_load(i64t, p, "rc").map_err(e)?.into_int_value();
        let n1 = self.b.build_int_sub(n, i64t.const_int(1, false), "rc1").map_err(e)?;
        self.b.build_store(p, n1).map_err(e)?;
        let zero = self.b.build_int_compare(inkwell::IntPredicate::EQ, n1, i64t.const_zero(), "zero").map_err(e)?;
        self.b.build_conditional_branch(zero, dealloc, done).map_err(e)?;
        self.b.position_at_end(dealloc);
        self.call("_Py_Dealloc", "vp", &[p.into()])?;
        self.b.build_unconditional_branch(done).map_err(e)?;
        self.b.position_at_end(done);
        Ok(())
    }

    /// Stores the new reference `r` as `v`'s value, releasing the previous one.
    pub(super) fn define(&self, v: Value, r: PointerValue<'ctx>) -> R<()> {
        let slot = self.slot(v)?;
        let old = self.b.build_load(self.ptr_t(), slot, "old").map_err(e)?;
        self.b.build_store(slot, r).map_err(e)?;
        self.decref(old.into_pointer_value())?;
        Ok(())
    }

    /// Entry `i` of the constants array (borrowed).
    pub(super) fn const_at(&self, i: usize) -> R<PointerValue<'ctx>> {
        let idx = self.ctx.i64_type().const_int(i as u64, false);
        // SAFETY: the dispatcher passes an array with every constant this module lists.
        let p = unsafe { self.b.build_gep(self.ptr_t(), self.consts_ptr, &[idx], "cp") }.map_err(e)?;
        Ok(self.b.build_load(self.ptr_t(), p, "const").map_err(e)?.into_pointer_value())
    }

    pub(super) fn constant(&mut self, c: ObjConst) -> R<PointerValue<'ctx>> {
        let i = match self.consts.iter().position(|x| *x == c) {
            Some(i) => i,
            None => {
                self.consts.push(c);
                self.consts.len() - 1
            }
        };
        self.const_at(FIXED_CONSTS + i)
    }

    pub(super) fn name_const(&mut self, name: &str) -> R<PointerValue<'ctx>> {
        self.constant(ObjConst::Name(name.to_string()))
    }

    pub(super) fn consts_array(&self) -> PointerValue<'ctx> {
        self.consts_ptr
    }

    /// Where an error raised here goes: a traceback entry for `line` (none for
    /// line 0, a re-raise), then the landing or the function's error exit.
    pub(super) fn err_block(&mut self, line: u32) -> R<BasicBlock<'ctx>> {
        let key = (self.handler, line);
        if let Some(b) = self.err_blocks.get(&key) {
            return Ok(*b);
        }
        let here = self.b.get_insert_block();
        let bb = self.ctx.append_basic_block(self.llfn, "error");
        self.b.position_at_end(bb);
        if line != 0 {
            let l = self.ctx.i32_type().const_int(line as u64, false);
            self.call("rumbo_obj_traceback", "vpi", &[self.consts_ptr.into(), l.into()])?;
        }
        let target = match self.handler {
            Some(h) => self.blocks[&h],
            None => self.exit_error,
        };
        self.b.build_unconditional_branch(target).map_err(e)?;
        if let Some(h) = here {
            self.b.position_at_end(h);
        }
        self.err_blocks.insert(key, bb);
        Ok(bb)
    }

    /// Continues when `fail` is false, goes to the error path otherwise.
    pub(super) fn check(&mut self, fail: IntValue<'ctx>, line: u32) -> R<()> {
        let err = self.err_block(line)?;
        let ok = self.ctx.append_basic_block(self.llfn, "ok");
        self.b.build_conditional_branch(fail, err, ok).map_err(e)?;
        self.b.position_at_end(ok);
        Ok(())
    }

    pub(super) fn check_null(&mut self, p: PointerValue<'ctx>, line: u32) -> R<()> {
        let fail = self.b.build_is_null(p, "fail").map_err(e)?;
        self.check(fail, line)
    }

    /// A status of -1 is an error.
    pub(super) fn check_status(&mut self, s: IntValue<'ctx>, line: u32) -> R<()> {
        let fail = self.b.build_int_compare(inkwell::IntPredicate::SLT, s, self.ctx.i32_type().const_zero(), "fail").map_err(e)?;
        self.check(fail, line)
    }

    fn release_all(&self) -> R<()> {
        let n = self.ctx.i64_type().const_int(self.func.values.len() as u64, false);
        self.call("rumbo_obj_release", "vpl", &[self.slots.into(), n.into()])?;
        Ok(())
    }

    fn emit_body(&mut self) -> R<()> {
        let rpo = self.func.reverse_postorder();
        for &blk in &rpo {
            let bb = self.ctx.append_basic_block(self.llfn, &format!("b{}", blk.0));
            self.blocks.insert(blk, bb);
        }
        // entry: zeroed slots, owned references to the arguments
        let bytes = self.ctx.i64_type().const_int(8 * self.func.values.len().max(1) as u64, false);
        self.b.build_memset(self.slots, 8, self.ctx.i8_type().const_zero(), bytes).map_err(e)?;
        for (i, &p) in self.func.block(Function::ENTRY).params.iter().enumerate() {
            let idx = self.ctx.i64_type().const_int(i as u64, false);
            // SAFETY: the dispatcher passes one object per parameter.
            let ap = unsafe { self.b.build_gep(self.ptr_t(), self.args, &[idx], "ap") }.map_err(e)?;
            let a = self.b.build_load(self.ptr_t(), ap, "arg").map_err(e)?.into_pointer_value();
            self.incref(a)?;
            self.b.build_store(self.slot(p)?, a).map_err(e)?;
        }
        self.b.build_unconditional_branch(self.blocks[&Function::ENTRY]).map_err(e)?;
        self.b.position_at_end(self.exit_error);
        self.release_all()?;
        self.b.build_return(Some(&self.ptr_t().const_null())).map_err(e)?;

        for &blk in &rpo {
            self.b.position_at_end(self.blocks[&blk]);
            let data = self.func.block(blk);
            self.handler = data.handler;
            for &v in &data.insts {
                if let ValueKind::Inst(inst) = &self.func.value(v).kind {
                    self.emit_inst(v, inst)?;
                }
            }
            self.emit_term(blk)?;
        }
        Ok(())
    }

    /// Copies a jump's arguments into the target's parameter slots: all new
    /// references are taken before any old one is released (parallel copy).
    fn copy_args(&mut self, call: &BlockCall) -> R<()> {
        let params = self.func.block(call.block).params.clone();
        let mut vals = vec![];
        for &a in &call.args {
            let v = self.b.build_load(self.ptr_t(), self.slot(a)?, "a").map_err(e)?.into_pointer_value();
            self.incref(v)?;
            vals.push(v);
        }
        for (p, v) in params.iter().zip(vals) {
            self.define(*p, v)?;
        }
        Ok(())
    }

    fn emit_term(&mut self, blk: Block) -> R<()> {
        let data = self.func.block(blk);
        let line = data.term_span.line;
        match &data.term {
            Terminator::Jump(call) => {
                self.copy_args(call)?;
                self.b.build_unconditional_branch(self.blocks[&call.block]).map_err(e)?;
            }
            Terminator::Branch { cond, then_to, else_to } => {
                let c = self.truth_of(*cond, line)?;
                let target = |em: &mut Self, call: &BlockCall, name: &str| -> R<BasicBlock<'ctx>> {
                    if call.args.is_empty() {
                        return Ok(em.blocks[&call.block]);
                    }
                    let here = em.b.get_insert_block().unwrap();
                    let edge = em.ctx.append_basic_block(em.llfn, name);
                    em.b.position_at_end(edge);
                    em.copy_args(call)?;
                    em.b.build_unconditional_branch(em.blocks[&call.block]).map_err(e)?;
                    em.b.position_at_end(here);
                    Ok(edge)
                };
                let t = target(self, then_to, "then")?;
                let f = target(self, else_to, "else")?;
                self.b.build_conditional_branch(c, t, f).map_err(e)?;
            }
            Terminator::Try { body, handler } => {
                self.copy_args(handler)?;
                self.copy_args(body)?;
                self.b.build_unconditional_branch(self.blocks[&body.block]).map_err(e)?;
            }
            Terminator::Return(v) => {
                let r = self.obj(*v, line)?;
                self.incref(r)?;
                self.release_all()?;
                self.b.build_return(Some(&r)).map_err(e)?;
            }
            Terminator::Raise { class, args } => {
                let caught = class.filter(|c| matches!(self.func.inst(*c), Some(Inst::Obj(ObjInst::Caught))));
                if let (Some(exc), true) = (caught, args.is_empty()) {
                    let x = self.obj(exc, line)?;
                    self.call("rumbo_obj_reraise", "vp", &[x.into()])?;
                    let err = self.err_block(0)?;
                    self.b.build_unconditional_branch(err).map_err(e)?;
                    return Ok(());
                }
                let cls = match class {
                    Some(c) => self.obj(*c, line)?,
                    None => self.ptr_t().const_null(),
                };
                let items = args.iter().map(|a| self.obj(*a, line)).collect::<R<Vec<_>>>()?;
                let arr = self.pointer_array(&items)?;
                let n = self.ctx.i64_type().const_int(items.len() as u64, false);
                self.call("rumbo_obj_raise", "vppl", &[cls.into(), arr.into(), n.into()])?;
                let err = self.err_block(line)?;
                self.b.build_unconditional_branch(err).map_err(e)?;
            }
            Terminator::Unreachable => {
                self.b.build_unreachable().map_err(e)?;
            }
        }
        Ok(())
    }

    /// A stack array holding `items` (borrowed pointers).
    pub(super) fn pointer_array(&self, items: &[PointerValue<'ctx>]) -> R<PointerValue<'ctx>> {
        let n = self.ctx.i64_type().const_int(items.len().max(1) as u64, false);
        let here = self.b.get_insert_block().unwrap();
        // Allocas in the entry block, so that loops do not grow the stack.
        let entry = self.llfn.get_first_basic_block().unwrap();
        match entry.get_first_instruction() {
            Some(i) => self.b.position_before(&i),
            None => self.b.position_at_end(entry),
        }
        let arr = self.b.build_array_alloca(self.ptr_t(), n, "items").map_err(e)?;
        self.b.position_at_end(here);
        for (i, it) in items.iter().enumerate() {
            let idx = self.ctx.i64_type().const_int(i as u64, false);
            // SAFETY: `i` is within the array just allocated.
            let p = unsafe { self.b.build_gep(self.ptr_t(), arr, &[idx], "ip") }.map_err(e)?;
            self.b.build_store(p, *it).map_err(e)?;
        }
        Ok(arr)
    }
}
