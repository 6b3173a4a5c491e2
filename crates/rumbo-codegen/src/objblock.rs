//! `with objmode(...)` blocks in nopython code: the inputs are stored as
//! uniform-ABI slots (arrays increfed: the interpreter's ndarray takes that
//! reference), `rumbo_objmode_call` runs the block's Python code with the GIL
//! and writes the outputs' slots (arrays copied into NRT memory, so this code
//! owns them), and a Python exception comes back as the caller's exception.

use crate::func::{e, Emitter, R};
use crate::wrapper::{load_slots, store_value};
use inkwell::module::Linkage;
use inkwell::values::BasicValueEnum;
use inkwell::{AddressSpace, IntPredicate};
use rumbo_ir::{Inst, Value};
use rumbo_types::{abi_slot_count, Type, ABI_SLOT_BYTES};

/// The symbol rumbo-python defines, at the address of the block's entry, for
/// the block defining `v` in the native function `symbol`.
pub fn objmode_block_symbol(symbol: &str, v: Value) -> String {
    format!("{symbol}.objmode.v{}", v.0)
}

impl<'ctx> Emitter<'_, 'ctx> {
    fn slot_buffer(&self, slots: usize, name: &str) -> R<inkwell::values::PointerValue<'ctx>> {
        let t = self.ctx.i8_type().array_type((slots.max(1) * ABI_SLOT_BYTES) as u32);
        let p = self.alloca(t.into(), name)?;
        if let Some(i) = p.as_instruction() {
            i.set_alignment(16).map_err(e)?;
        }
        Ok(p)
    }

    pub(crate) fn objmode_block(&mut self, v: Value) -> R<BasicValueEnum<'ctx>> {
        let Some(Inst::ObjmodeBlock(block)) = self.func.inst(v) else { return Err("internal: not an objmode block".into()) };
        let types: Vec<Type> = block.args.iter().map(|a| self.ty(*a).clone()).collect();
        let ins = self.slot_buffer(types.iter().map(abi_slot_count).sum(), "objmode.in")?;
        let mut k = 0;
        for (a, t) in block.args.iter().zip(&types) {
            let x = self.val(*a);
            self.incref(x, t)?;
            store_value(self.ctx, &self.b, ins, &mut k, t, x)?;
        }
        let ret_t = self.ty(v).clone();
        let outs = self.slot_buffer(abi_slot_count(&ret_t), "objmode.out")?;
        let name = objmode_block_symbol(&self.symbol()?, v);
        let entry = match self.module.get_global(&name) {
            Some(g) => g,
            None => {
                let g = self.module.add_global(self.ctx.i8_type(), None, &name);
                g.set_linkage(Linkage::External);
                g
            }
        };
        let ptr = self.ctx.ptr_type(AddressSpace::default());
        let fty = self.ctx.i32_type().fn_type(&[ptr.into(), ptr.into(), ptr.into(), ptr.into()], false);
        let f = self.declare("rumbo_objmode_call", fty);
        let args = [entry.as_pointer_value().into(), ins.into(), outs.into(), self.exc_ptr.into()];
        let status = self.b.build_call(f, &args, "status").map_err(e)?.try_as_basic_value().basic().unwrap().into_int_value();
        let failed = self.b.build_int_compare(IntPredicate::NE, status, self.ctx.i32_type().const_zero(), "failed").map_err(e)?;
        let fail_bb = self.ctx.append_basic_block(self.llfn, "objmode.raise");
        let ok_bb = self.ctx.append_basic_block(self.llfn, "objmode.ok");
        self.b.build_conditional_branch(failed, fail_bb, ok_bb).map_err(e)?;
        self.b.position_at_end(fail_bb);
        // The helper already stored the exception record.
        self.b.build_return(Some(&status)).map_err(e)?;
        self.b.position_at_end(ok_bb);
        let mut k = 0;
        load_slots(self.ctx, &self.b, outs, &mut k, &ret_t)
    }
}
