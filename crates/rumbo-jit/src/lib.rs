//! The process-wide LLVM session of the rumbo compiler.
//!
//! One [`JitSession`] exists per process ([`JitSession::global`]). It owns an ORC LLJIT for the
//! host CPU and a host `TargetMachine` used to optimize modules (loop and SLP vectorization on,
//! with glibc's libmvec as vector math library where available) before the JIT generates code.
//!
//! The codegen crate builds each module with inkwell (re-exported as [`inkwell`] so both crates
//! use the same version) inside [`JitSession::compile`], then fetches function addresses with
//! [`JitSession::lookup`]. Runtime functions that live in rumbo's own extension module are made
//! visible to compiled code with [`JitSession::define_symbols`].
//!
//! Rules for callers:
//! - Symbol names are process-wide: two modules must not define the same external name
//!   (the second `compile` fails with [`JitError::AddModule`]). Give each function a unique name.
//! - Nothing else in the process may call `LLVMParseCommandLineOptions`: LLVM exits the process
//!   when an option is given twice. The session parses its options once: the vector library
//!   and the optimization-remark switches ([`JitSession::render`] collects remarks).

use std::collections::HashSet;
use std::ffi::c_char;
use std::ptr;
use std::sync::{Mutex, MutexGuard, OnceLock};

pub use inkwell;

use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::targets::{FileType, InitializationConfig, Target, TargetMachine};
use llvm_sys::core::LLVMGetModuleContext;
use llvm_sys::support::{LLVMLoadLibraryPermanently, LLVMParseCommandLineOptions};

mod debuginfo;
mod orc;
mod pipeline;
mod remarks;
mod vecmath;

pub use debuginfo::SourceLines;
pub use remarks::Remark;

use orc::{Lljit, ThreadSafeContext};

/// Which text renderings of a module [`JitSession::compile`] should return.
#[derive(Default, Clone, Copy, Debug)]
pub struct DumpRequest {
    /// LLVM IR as built (after verification, target triple and data layout set), before optimization.
    pub llvm: bool,
    /// LLVM IR after the optimization pipeline.
    pub optimized: bool,
    /// Host assembly generated from the optimized IR.
    pub assembly: bool,
}

/// The dumps asked for in a [`DumpRequest`]; fields not requested are `None`.
#[derive(Default, Clone, Debug)]
pub struct ModuleDumps {
    /// LLVM IR before optimization.
    pub llvm: Option<String>,
    /// LLVM IR after optimization.
    pub optimized: Option<String>,
    /// Host assembly (AT&T syntax on x86).
    pub assembly: Option<String>,
}

/// What [`JitSession::compile_object`] returns.
#[derive(Default, Clone, Debug)]
pub struct CompiledObject {
    /// The dumps asked for.
    pub dumps: ModuleDumps,
    /// The relocatable object file the JIT was given.
    pub object: Vec<u8>,
    /// The optimized module as LLVM bitcode: what a later module passes in `inline` so the
    /// optimizer can inline this module's functions into its own.
    pub bitcode: Vec<u8>,
}

/// What [`JitSession::render`] returns: the dumps asked for and the optimization remarks.
#[derive(Default, Clone, Debug)]
pub struct Rendered {
    /// The dumps asked for; with [`SourceLines`], the optimized IR and the assembly carry the
    /// line table (`!dbg` attachments, `.loc` directives).
    pub dumps: ModuleDumps,
    /// The remarks of the loop vectorizer, the SLP vectorizer and the loop unroller, in the
    /// order LLVM emitted them.
    pub remarks: Vec<Remark>,
}

/// Facts about the machine code is generated for, for reports.
#[derive(Clone, Debug)]
pub struct HostInfo {
    /// Target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub triple: String,
    /// LLVM's name for the host CPU, e.g. `skylake-avx512`.
    pub cpu: String,
    /// LLVM's host feature string, e.g. `+avx2,+fma,-avx512f,...`.
    pub features: String,
    /// The vector math library the loop vectorizer may call (`Some("LIBMVEC-X86")` when
    /// libmvec was loaded), or `None` when vector math calls stay scalar.
    pub vector_library: Option<String>,
}

/// Everything that can go wrong in the session. LLVM failures come back as values, never as crashes.
#[derive(Debug, thiserror::Error)]
pub enum JitError {
    /// The session could not be set up (no native target, LLJIT creation failed, ...).
    /// Every later call on the session returns this again.
    #[error("the LLVM JIT session could not be initialised: {0}")]
    Init(String),
    /// `opt_level` was not in `0..=3`.
    #[error("optimization level {0} is not in 0..=3")]
    OptLevel(u8),
    /// The `build` closure given to [`JitSession::compile`] failed (its message), or returned a
    /// module of another context.
    #[error("building the LLVM module failed: {0}")]
    Build(String),
    /// The module failed LLVM verification: the verifier's message followed by the module's IR.
    #[error("the LLVM module is invalid: {0}")]
    InvalidModule(String),
    /// The optimization pipeline reported an error.
    #[error("the LLVM optimization pipeline failed: {0}")]
    Optimize(String),
    /// Generating the assembly dump failed.
    #[error("generating assembly failed: {0}")]
    Codegen(String),
    /// LLJIT refused the module (e.g. a symbol it defines is already defined).
    #[error("the JIT refused the module: {0}")]
    AddModule(String),
    /// Defining absolute symbols failed (e.g. a name that compiled code already defines).
    #[error("defining symbols failed: {0}")]
    Define(String),
    /// A symbol could not be found or its module could not be compiled or linked
    /// (e.g. it calls a function nobody defines).
    #[error("looking up `{name}` failed: {message}")]
    Lookup {
        /// The symbol looked up.
        name: String,
        /// LLVM's explanation.
        message: String,
    },
}

/// The LLVM objects of the session, only ever touched with the session's mutex held.
struct Engine {
    jit: Lljit,
    tm: TargetMachine,
    /// Names defined through `define_symbols`, so that defining one again is a no-op.
    defined: HashSet<String>,
}

// SAFETY: the LLJIT and the TargetMachine are not tied to the thread that created them; the
// `Mutex` around `Engine` guarantees only one thread uses them at a time.
unsafe impl Send for Engine {}

/// The process-wide LLVM session: an ORC LLJIT for the host plus the optimization pipeline.
///
/// Obtain it with [`JitSession::global`]. All methods take `&self` and may be called from any
/// thread; LLVM work on the shared JIT is serialized by an internal mutex (building a module's
/// IR in [`JitSession::compile`] happens outside it).
pub struct JitSession {
    engine: Result<Mutex<Engine>, String>,
    host: HostInfo,
}

static SESSION: OnceLock<JitSession> = OnceLock::new();

/// The vector math library (LLVM `-vector-library` value) used when libmvec loads.
const VECTOR_LIBRARY: &str = "LIBMVEC-X86";

impl JitSession {
    /// The process-wide session, created on first use: initialises the native target, loads
    /// `libmvec.so.1` permanently and, if that worked, parses the LLVM option
    /// `-vector-library=LIBMVEC-X86` (once per process, before any pass pipeline runs; without
    /// libmvec there is no vector math), then creates an ORC LLJIT for the host
    /// (`LLVMOrcJITTargetMachineBuilderDetectHost`) whose main JITDylib resolves symbols of the
    /// process. If any of this fails, the session still exists and every call returns
    /// [`JitError::Init`].
    pub fn global() -> &'static JitSession {
        SESSION.get_or_init(JitSession::create)
    }

    fn create() -> JitSession {
        let mut host = HostInfo {
            triple: TargetMachine::get_default_triple()
                .as_str()
                .to_string_lossy()
                .into_owned(),
            cpu: TargetMachine::get_host_cpu_name().to_string(),
            features: TargetMachine::get_host_cpu_features().to_string(),
            vector_library: None,
        };
        let engine = Self::start(&mut host).map(Mutex::new);
        JitSession { engine, host }
    }

    fn start(host: &mut HostInfo) -> Result<Engine, String> {
        Target::initialize_native(&InitializationConfig::default())?;
        host.vector_library = load_vector_library();
        parse_llvm_options(host.vector_library.is_some());
        let jit = Lljit::new()?;
        host.triple = jit.triple();
        let tm = pipeline::host_target_machine(&host.triple, &host.cpu, &host.features)?;
        let ours = tm
            .get_target_data()
            .get_data_layout()
            .as_str()
            .to_string_lossy()
            .into_owned();
        let theirs = jit.data_layout();
        if ours != theirs {
            return Err(format!(
                "host target machine data layout {ours:?} differs from the JIT's {theirs:?}"
            ));
        }
        Ok(Engine {
            jit,
            tm,
            defined: HashSet::new(),
        })
    }

    fn engine(&self) -> Result<MutexGuard<'_, Engine>, JitError> {
        match &self.engine {
            // A panic while the lock was held cannot leave LLVM half-updated in a way we track
            // (our only Rust-side state is `defined`, updated after success), so ignore poisoning.
            Ok(engine) => Ok(engine
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())),
            Err(message) => Err(JitError::Init(message.clone())),
        }
    }

    /// Makes symbols resolvable by compiled code: each `(name, address)` pair defines `name` in
    /// the JIT's main JITDylib as the absolute address `address` (`LLVMOrcAbsoluteSymbols` +
    /// `LLVMOrcJITDylibDefine`).
    ///
    /// This is how compiled code reaches runtime functions inside rumbo's own extension module,
    /// which Python loads `RTLD_LOCAL` so the process-wide symbol search cannot see them.
    /// Names already defined by an earlier call are skipped (the first address wins), as are
    /// repeats within `symbols`; the remaining names are defined all together or not at all.
    pub fn define_symbols(&self, symbols: &[(&str, usize)]) -> Result<(), JitError> {
        let mut engine = self.engine()?;
        let mut seen = HashSet::new();
        let fresh: Vec<(&str, usize)> = symbols
            .iter()
            .copied()
            .filter(|(name, _)| !engine.defined.contains(*name) && seen.insert(*name))
            .collect();
        engine
            .jit
            .define_absolute(&fresh)
            .map_err(JitError::Define)?;
        engine
            .defined
            .extend(fresh.iter().map(|(name, _)| name.to_string()));
        Ok(())
    }

    /// Builds a module with `build` on the context of a fresh LLVM `ThreadSafeContext`, verifies
    /// it, optimizes it for the host and hands it to the JIT; returns the dumps asked for.
    ///
    /// `build` must create the module on the context it is given (`context.create_module(..)`).
    /// A verification failure is [`JitError::InvalidModule`] with the verifier's message and
    /// the IR. `opt_level` selects the pipeline: 0 runs `default<O0>`, 1..=3 run
    /// `default<O1>`..`default<O3>` with loop and SLP vectorization, unrolling and interleaving
    /// enabled. Assembly is generated from a copy of the optimized module. Machine code is
    /// generated at once (the object file is what [`compile_object`](JitSession::compile_object)
    /// returns) and linked on the first [`lookup`](JitSession::lookup) of one of its symbols.
    pub fn compile<F>(
        &self,
        opt_level: u8,
        dumps: DumpRequest,
        build: F,
    ) -> Result<ModuleDumps, JitError>
    where
        F: for<'ctx> FnOnce(&'ctx Context) -> Result<Module<'ctx>, String>,
    {
        self.compile_object(opt_level, dumps, &[], build).map(|c| c.dumps)
    }

    /// [`compile`](JitSession::compile), also returning the relocatable object file the JIT
    /// was given: machine code for the host that references other functions (runtime helpers,
    /// other compiled functions) by name only, so it can be saved and handed to
    /// [`add_object`](JitSession::add_object) in another process on the same CPU, and the
    /// optimized bitcode.
    ///
    /// `inline` holds bitcode of earlier modules (their [`CompiledObject::bitcode`]) whose
    /// functions this one calls: their definitions are linked in as `available_externally`,
    /// so the optimizer may inline them, and are dropped before code generation (calls that
    /// stay go to the earlier module's code, by name).
    pub fn compile_object<F>(
        &self,
        opt_level: u8,
        dumps: DumpRequest,
        inline: &[&[u8]],
        build: F,
    ) -> Result<CompiledObject, JitError>
    where
        F: for<'ctx> FnOnce(&'ctx Context) -> Result<Module<'ctx>, String>,
    {
        if opt_level > 3 {
            return Err(JitError::OptLevel(opt_level));
        }
        if let Err(message) = &self.engine {
            return Err(JitError::Init(message.clone()));
        }
        let tsc = ThreadSafeContext::new();
        let ctx = tsc.context();
        // SAFETY: a live context; a null collector keeps no pointer.
        unsafe { remarks::install(ctx.raw(), ptr::null_mut()) };
        let module = build(&ctx).map_err(JitError::Build)?;
        // SAFETY: `module` is a live module; asking for its context has no other effect.
        let module_ctx = unsafe { LLVMGetModuleContext(module.as_mut_ptr()) };
        if module_ctx != ctx.raw() {
            return Err(JitError::Build(
                "the module was not created on the context passed to `build`".into(),
            ));
        }
        if let Err(message) = module.verify() {
            let ir = module.print_to_string().to_string();
            return Err(JitError::InvalidModule(format!(
                "{}\n{ir}",
                message.to_string().trim_end()
            )));
        }
        let mut engine = self.engine()?;
        let t0 = std::time::Instant::now();
        let dumps = pipeline::prepare(&module, &engine.tm, opt_level, dumps, inline)?;
        let t1 = t0.elapsed();
        // Taken before machine code generation, which rewrites the IR (CodeGenPrepare).
        let bitcode = module.write_bitcode_to_memory().as_slice().to_vec();
        let t2 = t0.elapsed();
        // Machine code from our own host TargetMachine (not the JIT's compile layer), so the
        // bytes the JIT links are the bytes a cache can keep.
        let object = engine
            .tm
            .write_to_memory_buffer(&module, FileType::Object)
            .map_err(|e| JitError::Codegen(e.to_string()))?
            .as_slice()
            .to_vec();
        let t3 = t0.elapsed();
        drop(module);
        drop(tsc);
        engine
            .jit
            .add_object(&object)
            .map_err(JitError::AddModule)?;
        if std::env::var_os("RUMBO_JIT_TIMINGS").is_some() {
            eprintln!("jit: optimize {:.2} ms, bitcode {:.2} ms, machine code {:.2} ms, add {:.2} ms", t1.as_secs_f64() * 1e3, (t2 - t1).as_secs_f64() * 1e3, (t3 - t2).as_secs_f64() * 1e3, (t0.elapsed() - t3).as_secs_f64() * 1e3);
        }
        Ok(CompiledObject { dumps, object, bitcode })
    }

    /// Hands an object file made by [`compile_object`](JitSession::compile_object) (in this
    /// process or another one on the same host CPU) to the JIT. Its symbols are defined at once
    /// and linked on first [`lookup`](JitSession::lookup); a symbol defined twice is
    /// [`JitError::AddModule`], an unresolvable reference a [`JitError::Lookup`] then.
    pub fn add_object(&self, object: &[u8]) -> Result<(), JitError> {
        let mut engine = self.engine()?;
        engine
            .jit
            .add_object(object)
            .map_err(JitError::AddModule)
    }

    /// Address of the compiled symbol `name`, generating its module's machine code on first use.
    /// A missing symbol, or a module that cannot be linked (e.g. it calls an undefined function),
    /// is a [`JitError::Lookup`].
    pub fn lookup(&self, name: &str) -> Result<usize, JitError> {
        let mut engine = self.engine()?;
        engine.jit.lookup(name).map_err(|message| JitError::Lookup {
            name: name.to_string(),
            message,
        })
    }

    /// Builds, verifies and optimizes a module exactly as [`compile`](JitSession::compile) does,
    /// but for reports: the module is not given to the JIT (its symbols may repeat names the JIT
    /// already has) and the optimization remarks are collected.
    ///
    /// With `lines`, the module gets line-table debug info before optimization (see
    /// [`SourceLines`]): remarks then carry the line of their loop, and the optimized IR and
    /// the assembly map code to lines. Debug info does not change what LLVM optimizes.
    pub fn render<F>(
        &self,
        opt_level: u8,
        dumps: DumpRequest,
        lines: Option<&SourceLines>,
        build: F,
    ) -> Result<Rendered, JitError>
    where
        F: for<'ctx> FnOnce(&'ctx Context) -> Result<Module<'ctx>, String>,
    {
        if opt_level > 3 {
            return Err(JitError::OptLevel(opt_level));
        }
        // Declared before the context, so it outlives every diagnostic the context can emit.
        let mut collector = Box::new(remarks::Collector::default());
        let out = {
            let context = Context::create();
            // SAFETY: a live context; the collector outlives it (see above) and is only
            // reached through the handler until the context is gone.
            unsafe { remarks::install(context.raw(), &mut *collector) };
            let module = build(&context).map_err(JitError::Build)?;
            // SAFETY: `module` is a live module; asking for its context has no other effect.
            if unsafe { LLVMGetModuleContext(module.as_mut_ptr()) } != context.raw() {
                return Err(JitError::Build(
                    "the module was not created on the context passed to `build`".into(),
                ));
            }
            if let Err(message) = module.verify() {
                return Err(JitError::InvalidModule(message.to_string()));
            }
            if let Some(lines) = lines {
                // SAFETY: a live, verified module owned by this function.
                unsafe { debuginfo::attach(module.as_mut_ptr(), lines) };
                if let Err(message) = module.verify() {
                    return Err(JitError::InvalidModule(format!(
                        "after adding source lines: {}",
                        message.to_string()
                    )));
                }
            }
            let engine = self.engine()?;
            pipeline::prepare(&module, &engine.tm, opt_level, dumps, &[])?
        };
        Ok(Rendered {
            dumps: out,
            remarks: std::mem::take(&mut collector.remarks),
        })
    }

    /// Host assembly for a module given as LLVM IR text (e.g. the optimized IR a compile
    /// returned), generated without optimizing it again.
    pub fn assembly_of_ir(&self, ir: &str) -> Result<String, JitError> {
        let context = Context::create();
        // SAFETY: a live context; a null collector keeps no pointer.
        unsafe { remarks::install(context.raw(), ptr::null_mut()) };
        let buffer = MemoryBuffer::create_from_memory_range_copy(ir.as_bytes(), "rumbo-ir");
        let module = context
            .create_module_from_ir(buffer)
            .map_err(|e| JitError::Build(e.to_string()))?;
        module
            .verify()
            .map_err(|e| JitError::InvalidModule(e.to_string()))?;
        let engine = self.engine()?;
        let buffer = engine
            .tm
            .write_to_memory_buffer(&module, FileType::Assembly)
            .map_err(|e| JitError::Codegen(e.to_string()))?;
        Ok(String::from_utf8_lossy(buffer.as_slice()).into_owned())
    }

    /// The libmvec vector variants codegen may name on math calls (empty without
    /// libmvec); see [`vecmath`].
    pub fn vector_math_variants(&self) -> Vec<String> {
        if self.host.vector_library.is_none() {
            return vec![];
        }
        let has = |f: &str| self.host.features.split(',').any(|x| x == format!("+{f}"));
        vecmath::available(has("avx2"), has("avx512f"))
    }

    /// Host facts for reports: triple, CPU name, CPU feature string, and the vector math
    /// library in use (`None` when libmvec could not be loaded).
    pub fn host_info(&self) -> HostInfo {
        self.host.clone()
    }
}

/// The version of the LLVM linked in, `(major, minor, patch)`.
pub fn llvm_version() -> (u32, u32, u32) {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: three valid out-pointers.
    unsafe { llvm_sys::core::LLVMGetVersion(&mut major, &mut minor, &mut patch) };
    (major, minor, patch)
}

/// Loads libmvec for the lifetime of the process (the loop vectorizer is pointed at it by
/// [`parse_llvm_options`]). Returns the vector library's name, or `None` (not x86-64, or
/// libmvec missing).
fn load_vector_library() -> Option<String> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    // SAFETY: a NUL-terminated file name; LLVM dlopens it and keeps it loaded for good.
    let failed = unsafe { LLVMLoadLibraryPermanently(c"libmvec.so.1".as_ptr()) } != 0;
    if failed {
        return None;
    }
    Some(VECTOR_LIBRARY.to_string())
}

/// The one `LLVMParseCommandLineOptions` call of the process: `-vector-library=LIBMVEC-X86`
/// when libmvec is loaded, and the switches that make the vectorizers and the unroller emit
/// optimization remarks (dropped by the diagnostic handler every context gets, except in
/// [`JitSession::render`]).
fn parse_llvm_options(vector_library: bool) {
    let mut args: Vec<*const c_char> = vec![c"rumbo".as_ptr()];
    if vector_library {
        args.push(c"-vector-library=LIBMVEC-X86".as_ptr());
    }
    args.extend(remarks::REMARK_OPTIONS.iter().map(|o| o.as_ptr()));
    // SAFETY: an argv of valid NUL-terminated static strings; it runs once per process (inside
    // the session's OnceLock), before any pass pipeline.
    unsafe { LLVMParseCommandLineOptions(args.len() as i32, args.as_ptr(), std::ptr::null()) };
}
