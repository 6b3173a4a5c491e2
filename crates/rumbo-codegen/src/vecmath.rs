//! Math calls the loop vectorizer can widen with libmvec at every width the
//! host has: the call goes to a scalar proxy `rumbo_vm_<libm name>` (defined
//! by the runtime; not a name LLVM knows, so it is not turned into an
//! intrinsic first) carrying the VFABI attribute that names its vector
//! variants (`_ZGVeN8v_exp`, ...). Functions with such calls prefer 512-bit
//! vectors when an AVX-512 variant exists.

use crate::func::{e, Emitter, R};
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::BasicValueEnum;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One vector variant: VFABI prefix (`_ZGVeN8v`), symbol, lanes.
struct Variant {
    prefix: String,
    symbol: String,
    lanes: u32,
    isa: char,
}

static VARIANTS: OnceLock<HashMap<String, Vec<Variant>>> = OnceLock::new();

/// Registers the vector variants that resolve in this process (mangled names
/// as `rumbo-jit` lists them). Once per process; later calls are ignored.
pub fn set_vector_math(mangled: &[String]) {
    let mut map: HashMap<String, Vec<Variant>> = HashMap::new();
    for m in mangled {
        // _ZGV <isa> N <lanes> <v...> _ <scalar>
        let Some(rest) = m.strip_prefix("_ZGV") else { continue };
        let mut chars = rest.chars();
        let (Some(isa), Some('N')) = (chars.next(), chars.next()) else { continue };
        let tail: String = chars.collect();
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        let Ok(lanes) = digits.parse::<u32>() else { continue };
        let after = &tail[digits.len()..];
        let Some((params, scalar)) = after.split_once('_') else { continue };
        let prefix = format!("_ZGV{isa}N{lanes}{params}");
        map.entry(scalar.to_string()).or_default().push(Variant { prefix, symbol: m.clone(), lanes, isa });
    }
    let _ = VARIANTS.set(map);
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// `libm_symbol(args)` through its proxy, when libmvec has vector variants
    /// of it; `None` otherwise (the caller emits the plain call).
    pub(crate) fn vector_math_call(&mut self, libm_symbol: &str, args: &[BasicValueEnum<'ctx>]) -> Option<R<BasicValueEnum<'ctx>>> {
        let variants = VARIANTS.get()?.get(libm_symbol)?;
        Some(self.emit_vector_math_call(libm_symbol, variants, args))
    }

    fn emit_vector_math_call(&mut self, libm_symbol: &str, variants: &[Variant], args: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let ft: BasicTypeEnum<'ctx> = args[0].get_type();
        let proxy_name = format!("rumbo_vm_{libm_symbol}");
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|a| a.get_type().into()).collect();
        let proxy = match self.module.get_function(&proxy_name) {
            Some(f) => f,
            None => {
                let f = self.module.add_function(&proxy_name, ft.fn_type(&params, false), None);
                for (name, value) in [("nounwind", 0), ("willreturn", 0), ("memory", 0)] {
                    f.add_attribute(AttributeLoc::Function, self.ctx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value));
                }
                f
            }
        };
        let mut names = vec![];
        for v in variants {
            let vt = ft.into_float_type().vec_type(v.lanes);
            if self.module.get_function(&v.symbol).is_none() {
                let vparams: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|_| vt.into()).collect();
                self.module.add_function(&v.symbol, vt.fn_type(&vparams, false), None);
            }
            names.push(format!("{}_{}({})", v.prefix, proxy_name, v.symbol));
        }
        let call_args: Vec<inkwell::values::BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        let call = self.b.build_call(proxy, &call_args, libm_symbol).map_err(e)?;
        call.add_attribute(AttributeLoc::Function, self.ctx.create_string_attribute("vector-function-abi-variant", &names.join(",")));
        if variants.iter().any(|v| v.isa == 'e') {
            self.llfn.add_attribute(AttributeLoc::Function, self.ctx.create_string_attribute("prefer-vector-width", "512"));
        }
        Ok(call.try_as_basic_value().basic().unwrap())
    }
}

/// Keeps the declared vector variants alive until the loop vectorizer runs
/// (`@llvm.compiler.used`; otherwise dead-declaration removal drops them first).
pub(crate) fn keep_variants<'ctx>(ctx: &'ctx inkwell::context::Context, module: &inkwell::module::Module<'ctx>) {
    let used: Vec<inkwell::values::PointerValue<'ctx>> = module
        .get_functions()
        .filter(|f| f.get_name().to_bytes().starts_with(b"_ZGV"))
        .map(|f| f.as_global_value().as_pointer_value())
        .collect();
    if used.is_empty() {
        return;
    }
    let ptr = ctx.ptr_type(inkwell::AddressSpace::default());
    let init = ptr.const_array(&used);
    let g = module.add_global(init.get_type(), None, "llvm.compiler.used");
    g.set_initializer(&init);
    g.set_linkage(inkwell::module::Linkage::Appending);
    g.set_section(Some("llvm.metadata"));
}
