//! Host target machine, the optimization pipeline and text dumps.

use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::{Linkage, Module};
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::OptimizationLevel;

use crate::{DumpRequest, JitError, ModuleDumps};

/// A target machine for `triple` with the host's CPU name and features, optimizing aggressively.
pub(crate) fn host_target_machine(
    triple: &str,
    cpu: &str,
    features: &str,
) -> Result<TargetMachine, String> {
    let triple = TargetTriple::create(triple);
    let target = Target::from_triple(&triple).map_err(|e| e.to_string())?;
    target
        .create_target_machine(
            &triple,
            cpu,
            features,
            OptimizationLevel::Aggressive,
            RelocMode::Default,
            CodeModel::JITDefault,
        )
        .ok_or_else(|| format!("LLVM could not create a target machine for {triple} ({cpu})"))
}

/// The pass pipeline run at `opt_level` (0..=3).
fn pipeline_text(opt_level: u8) -> String {
    format!("default<O{opt_level}>")
}

/// Runs the new-pass-manager pipeline for `opt_level` on `module`.
fn optimize(module: &Module<'_>, tm: &TargetMachine, opt_level: u8) -> Result<(), String> {
    let options = PassBuilderOptions::create();
    let on = opt_level > 0;
    options.set_loop_vectorization(on);
    options.set_loop_slp_vectorization(on);
    options.set_loop_unrolling(on);
    options.set_loop_interleaving(on);
    module
        .run_passes(&pipeline_text(opt_level), tm, options)
        .map_err(|e| e.to_string())
}

/// Everything that happens to a verified module before it goes to the JIT: stamp the target,
/// take the requested dumps, optimize, and render assembly from a throw-away clone.
pub(crate) fn prepare(
    module: &Module<'_>,
    tm: &TargetMachine,
    opt_level: u8,
    dumps: DumpRequest,
    inline: &[&[u8]],
) -> Result<ModuleDumps, JitError> {
    module.set_triple(&tm.get_triple());
    module.set_data_layout(&tm.get_target_data().get_data_layout());
    link_for_inlining(module, inline).map_err(JitError::Build)?;
    let mut out = ModuleDumps::default();
    if dumps.llvm {
        out.llvm = Some(module.print_to_string().to_string());
    }
    optimize(module, tm, opt_level).map_err(JitError::Optimize)?;
    if dumps.optimized {
        out.optimized = Some(module.print_to_string().to_string());
    }
    if dumps.assembly {
        // Code generation rewrites the IR it is given (CodeGenPrepare and friends), so it runs on
        // a clone; the original goes to the JIT untouched. `clone` panics on an invalid module,
        // so check first (the optimizer should never break verified IR, but never crash on it).
        module.verify().map_err(|e| {
            JitError::Codegen(format!(
                "optimized module does not verify: {}",
                e.to_string()
            ))
        })?;
        let copy = module.clone();
        let buffer = tm
            .write_to_memory_buffer(&copy, FileType::Assembly)
            .map_err(|e| JitError::Codegen(e.to_string()))?;
        out.assembly = Some(String::from_utf8_lossy(buffer.as_slice()).into_owned());
    }
    Ok(out)
}

/// Links the modules in `bitcodes` into `module` with every definition they export made
/// `available_externally`: bodies the inliner may copy, never emitted (each module's own object
/// defines them). Their entry wrappers are dropped first: nothing calls them from compiled code.
fn link_for_inlining(module: &Module<'_>, bitcodes: &[&[u8]]) -> Result<(), String> {
    let ctx = module.get_context();
    for (i, bitcode) in bitcodes.iter().enumerate() {
        let buffer = MemoryBuffer::create_from_memory_range_copy(bitcode, &format!("callee{i}"));
        let callee = Module::parse_bitcode_from_buffer(&buffer, ctx)
            .map_err(|e| format!("reading a callee's bitcode: {e}"))?;
        let mut next = callee.get_first_function();
        while let Some(f) = next {
            next = f.get_next_function();
            let name = f.get_name().to_string_lossy().into_owned();
            let defined = f.count_basic_blocks() > 0;
            let exported = !matches!(f.get_linkage(), Linkage::Internal | Linkage::Private);
            if !defined || !exported {
                continue;
            }
            if name.ends_with("$wrap") {
                // SAFETY: compiled code never calls a wrapper; this module is ours alone.
                unsafe { f.delete() };
                continue;
            }
            // A definition the module has already (an earlier callee's) wins when linking.
            // Bodies are `noinline` in their own module only (one copy behind the entry).
            let noinline = inkwell::attributes::Attribute::get_named_enum_kind_id("noinline");
            f.remove_enum_attribute(inkwell::attributes::AttributeLoc::Function, noinline);
            f.set_linkage(Linkage::AvailableExternally);
        }
        let mut next = callee.get_first_global();
        while let Some(g) = next {
            next = g.get_next_global();
            let exported = !matches!(g.get_linkage(), Linkage::Internal | Linkage::Private | Linkage::Appending);
            if exported && g.get_initializer().is_some() {
                g.set_linkage(Linkage::AvailableExternally);
            }
        }
        module.link_in_module(callee).map_err(|e| format!("linking a callee for inlining: {e}"))?;
    }
    Ok(())
}
