//! The pipeline driver: source → syntax → IR → types → LLVM → machine code,
//! one specialization at a time. The order of the stages is spelled out in
//! [`compile_specialization`].

use crate::cache::CacheInfo;
use crate::dispatcher::{Dispatcher, Specialization, WrapperFn};
use crate::fingerprint::{canonical_symbol, specialization_key};
use crate::globals::resolve_globals;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};
use rumbo_codegen::{emit_module, wrapper_name, CodegenOptions};
use rumbo_jit::{DumpRequest, JitSession};
use rumbo_syntax::{Diagnostic, SourceFile};
use crate::globals::classify;
use rumbo_types::{infer_types, ArgSource, CallResolver, GlobalValue, ResolveOutcome, Type};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};

/// Decorator options that change compilation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    pub(crate) nogil: bool,
    /// `cache=True`: specializations are saved to and loaded from disk.
    pub(crate) cache: bool,
    /// `parallel=True`: `prange` loops and array expressions on the thread pool.
    pub(crate) parallel: bool,
    pub(crate) fastmath: bool,
    pub(crate) numpy_errors: bool,
    pub(crate) opt_level: u8,
    pub(crate) boundscheck: bool,
    /// `forceobj=True`: object mode only.
    pub(crate) forceobj: bool,
    /// `nopython=False`: object mode when nopython typing fails.
    pub(crate) fallback: bool,
    /// `looplift=False` keeps object mode's loops in object mode.
    pub(crate) looplift: bool,
    /// Declared variable types (`locals={'x': float32}`).
    pub(crate) locals: HashMap<String, Type>,
    pub(crate) raw: Vec<(String, String)>,
}

impl Options {
    pub(crate) fn from_dict(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        let get_bool = |k: &str| -> PyResult<bool> {
            Ok(match d.get_item(k)? {
                Some(v) => v.is_truthy()?,
                None => false,
            })
        };
        let error_model: String = match d.get_item("error_model")? {
            Some(v) => v.extract()?,
            None => "python".into(),
        };
        if error_model != "python" && error_model != "numpy" {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "error_model must be 'python' or 'numpy', not {error_model:?}"
            )));
        }
        let opt_level = match d.get_item("_opt_level")? {
            Some(v) => v.extract::<u8>()?.min(3),
            None => 3,
        };
        let mut locals = HashMap::new();
        if let Some(l) = d.get_item("locals")? {
            if let Ok(l) = l.cast::<PyDict>() {
                for (k, v) in l.iter() {
                    let text = v.str()?.to_string();
                    let t = rumbo_types::parse_type(&text).map_err(|e| typing_error(d.py(), format!("bad type in locals: {}", e.render(&text))))?;
                    locals.insert(k.extract::<String>()?, t);
                }
            }
        }
        let mut raw = vec![];
        for (k, v) in d.iter() {
            raw.push((k.extract()?, v.repr()?.to_string()));
        }
        let boundscheck = match d.get_item("boundscheck")? {
            Some(v) if !v.is_none() => v.is_truthy()?,
            _ => true,
        };
        let fallback = match d.get_item("nopython")? {
            Some(v) if !v.is_none() => !v.is_truthy()?,
            _ => false,
        };
        let parallel = match d.get_item("parallel")? {
            // `parallel={'prange': True, ...}` (Numba's fine-grained form) counts as on.
            Some(v) if v.cast::<PyDict>().is_ok() => true,
            Some(v) => v.is_truthy()?,
            None => false,
        };
        let looplift = match d.get_item("looplift")? {
            Some(v) if !v.is_none() => v.is_truthy()?,
            _ => true,
        };
        Ok(Options {
            forceobj: get_bool("forceobj")?,
            fallback,
            looplift,
            boundscheck,
            cache: get_bool("cache")?,
            parallel,
            nogil: get_bool("nogil")?,
            fastmath: get_bool("fastmath")?,
            numpy_errors: error_model == "numpy",
            opt_level,
            locals,
            raw,
        })
    }

    pub(crate) fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        for (k, v) in &self.raw {
            d.set_item(k, v)?;
        }
        Ok(d.into_any().unbind())
    }
}

/// What a dispatcher keeps of its function's source between compilations.
pub(crate) struct Source {
    pub(crate) file: SourceFile,
    pub(crate) ir: rumbo_ir::Function,
}

fn errors_module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    PyModule::import(py, "rumbo.errors")
}

/// A `rumbo.errors.TypingError` with `message`.
pub(crate) fn typing_error(py: Python<'_>, message: String) -> PyErr {
    match errors_module(py).and_then(|m| m.getattr("TypingError")).and_then(|c| c.call1((message,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// The Python exception for a diagnostic, rendered against the function's file.
pub(crate) fn diagnostic_error(py: Python<'_>, d: &Diagnostic, file: &SourceFile) -> PyErr {
    let text = d.render(file);
    match errors_module(py).and_then(|m| m.getattr(d.kind.python_name())).and_then(|c| c.call1((text,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

pub(crate) fn internal_error(py: Python<'_>, what: &str, msg: String) -> PyErr {
    let text = format!("{what}: {msg}\n  = help: this is a bug in rumbo; please report it with the function that triggered it");
    match errors_module(py).and_then(|m| m.getattr("InternalError")).and_then(|c| c.call1((text,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// Parses and lowers the dispatcher's function once.
pub(crate) fn source_of(py: Python<'_>, d: &Dispatcher) -> PyResult<Arc<Source>> {
    if let Some(s) = d.source.lock().unwrap().as_ref() {
        return Ok(s.clone());
    }
    let frontend = PyModule::import(py, "rumbo._frontend")?;
    let (node, filename, first_line, lines, line_offset): (Bound<'_, PyAny>, String, u32, Vec<String>, u32) =
        frontend.getattr("function_source")?.call1((d.py_func.bind(py),))?.extract()?;
    let file = SourceFile { filename, first_line, lines };
    let syntax = crate::frontend::function(&node, line_offset)?;
    let ir = rumbo_ir::lower_function(&syntax).map_err(|diag| diagnostic_error(py, &diag, &file))?;
    debug_assert!(rumbo_ir::verify_function(&ir).is_empty(), "{:?}", rumbo_ir::verify_function(&ir));
    let src = Arc::new(Source { file, ir });
    *d.source.lock().unwrap() = Some(src.clone());
    Ok(src)
}

/// Compiles other jitted functions that this one calls.
struct Resolver<'py> {
    py: Python<'py>,
    callees: HashMap<u32, Py<Dispatcher>>,
    self_id: u32,
    args: Vec<Type>,
    symbol: String,
    /// The specializations the code calls (cached along with it).
    deps: Vec<Arc<Specialization>>,
}

impl Resolver<'_> {
    /// Binds a call's arguments to the callee's parameters (defaults frozen now),
    /// giving the parameter types and where each value comes from.
    fn bind(&self, callee: &Bound<'_, Dispatcher>, args: &[Type], keywords: &[(String, Type)]) -> Result<(Vec<Type>, Vec<ArgSource>), String> {
        let py = self.py;
        let d = callee.get();
        let src = source_of(py, d).map_err(|e| e.value(py).to_string())?;
        let names = &src.ir.param_names;
        let defaults: Vec<GlobalValue> = d
            .py_func
            .bind(py)
            .getattr("__defaults__")
            .ok()
            .filter(|x| !x.is_none())
            .map(|t| t.try_iter().map(|it| it.filter_map(|x| x.ok()).map(|x| classify(&x, &mut HashMap::new()).unwrap_or(GlobalValue::None)).collect()))
            .transpose()
            .map_err(|e: PyErr| e.to_string())?
            .unwrap_or_default();
        if args.len() > names.len() {
            return Err(format!("{}() takes {} positional arguments but {} were given", d.name, names.len(), args.len()));
        }
        let mut types = vec![];
        let mut binding = vec![];
        let first_default = names.len() - defaults.len().min(names.len());
        for (i, name) in names.iter().enumerate() {
            if i < args.len() {
                types.push(args[i].clone());
                binding.push(ArgSource::Positional(i));
            } else if let Some(k) = keywords.iter().position(|(n, _)| n == name) {
                types.push(keywords[k].1.clone());
                binding.push(ArgSource::Keyword(k));
            } else if i >= first_default {
                let g = defaults[i - first_default].clone();
                types.push(g.type_of().ok_or_else(|| format!("the default of `{name}` has no compiled type"))?);
                binding.push(ArgSource::Default(g));
            } else {
                return Err(format!("{}() missing required argument '{name}'", d.name));
            }
        }
        if let Some((k, _)) = keywords.iter().find(|(k, _)| !names.contains(k)) {
            return Err(format!("{}() got an unexpected keyword argument '{k}'", d.name));
        }
        Ok((types, binding))
    }
}

impl CallResolver for Resolver<'_> {
    fn resolve(&mut self, id: u32, args: &[Type], keywords: &[(String, Type)]) -> Result<ResolveOutcome, String> {
        let mut callee = self.callees.get(&id).ok_or("internal: unknown callee")?.bind(self.py).clone();
        let (mut types, mut binding) = self.bind(&callee, args, keywords)?;
        // `@overload`: the typing function picks the implementation for these types.
        if let Ok(select) = callee.getattr("_overload_select") {
            let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            let chosen = select.call1((names,)).map_err(|e| e.value(self.py).to_string())?;
            callee = chosen.cast_into::<Dispatcher>().map_err(|_| "internal: an overload gave no dispatcher".to_string())?;
            (types, binding) = self.bind(&callee, args, keywords)?;
        }
        if id == self.self_id && types == self.args {
            return Ok(ResolveOutcome::InProgress { symbol: self.symbol.clone(), binding });
        }
        // Being compiled by this thread: mutual recursion. By another thread: wait for it.
        loop {
            let busy = callee.get().in_progress.lock().unwrap().iter().find(|(a, _, _)| a == &types).map(|e| e.2);
            match busy {
                Some(t) if t == std::thread::current().id() => {
                    return Err(format!("`{}` is already being compiled for these types: mutual recursion is not supported", callee.get().name))
                }
                Some(_) => self.py.detach(|| std::thread::sleep(std::time::Duration::from_millis(1))),
                None => break,
            }
        }
        match Dispatcher::specialization_for(&callee, &types) {
            Ok(spec) => {
                if !self.deps.iter().any(|d| d.symbol == spec.symbol) {
                    self.deps.push(spec.clone());
                }
                Ok(ResolveOutcome::Compiled { symbol: spec.symbol.clone(), args: spec.arg_types.clone(), ret: spec.ret.clone(), binding })
            }
            Err(e) => Err(format!("calling `{}`: {}", callee.get().name, e.value(self.py))),
        }
    }
}

/// The parallel transforms' decisions, one `(line, kind, text)` per loop:
/// kind "prange" (parallel or serial, with reductions and live-ins or the
/// reason), "array" (a fused array expression: pooled when its operands are
/// contiguous), "sum" (a whole-array sum on the pool).
fn parallel_lines(reports: &[rumbo_passes::LoopReport], fusion: &[String], sums: &[u32]) -> Vec<(u32, String, String)> {
    let mut out = vec![];
    for r in reports {
        let text = match (r.region, &r.reason) {
            (Some(k), _) => {
                let reds: Vec<String> = r.reductions.iter().map(|(n, op)| format!("{n} ({})", op.name())).collect();
                format!(
                    "prange loop: parallel region {k}; reductions: {}; live-ins: {}",
                    if reds.is_empty() { "none".into() } else { reds.join(", ") },
                    if r.live_ins.is_empty() { "none".into() } else { r.live_ins.join(", ") }
                )
            }
            (None, reason) => format!("prange loop: serial ({})", reason.as_deref().unwrap_or("not a parallel loop")),
        };
        out.push((r.line, "prange".to_string(), text));
    }
    for f in fusion {
        let line = f.strip_prefix("line ").and_then(|x| x.split(':').next()).and_then(|x| x.parse().ok()).unwrap_or(0);
        let text = f.split_once(": ").map_or(f.as_str(), |(_, t)| t);
        out.push((line, "array".to_string(), format!("{text}; parallel on the thread pool when the operands are contiguous")));
    }
    for &line in sums {
        out.push((line, "reduction".to_string(), "whole-array reduction, fused with the loop of its operand's array expression: parallel on the thread pool".to_string()));
    }
    out.sort();
    out
}

/// The names rumbo-passes gives outlined regions for identities and combines:
/// `$np.X` is `numpy.X`, `$min`/`$max` the builtins, `$type:T` the scalar class T.
fn region_global(py: Python<'_>, name: &str) -> PyResult<GlobalValue> {
    if let Some(attr) = name.strip_prefix("$np.") {
        let obj = PyModule::import(py, "numpy")?.getattr(attr)?;
        return classify(&obj, &mut HashMap::new());
    }
    if let Some(t) = name.strip_prefix("$type:") {
        let t = rumbo_types::parse_type(t).map_err(|e| internal_error(py, "parallel region", e.render(t)))?;
        return Ok(GlobalValue::NumberClass(t));
    }
    Ok(GlobalValue::Function(name.trim_start_matches('$').to_string()))
}

/// Callees with more optimized bitcode than this are not offered to their callers' inliner:
/// re-optimizing a large body in every caller costs compile time for no likely inlining.
const INLINE_BITCODE_LIMIT: usize = 48 * 1024;

static NEXT_SYMBOL: AtomicU64 = AtomicU64::new(0);
static RUNTIME_SYMBOLS: Once = Once::new();

/// Defines the runtime helpers compiled code calls by name (once per process).
pub(crate) fn ensure_runtime_symbols(session: &JitSession) {
    RUNTIME_SYMBOLS.call_once(|| {
        let mut symbols = rumbo_runtime::symbols();
        symbols.push(("rumbo_print", crate::rumbo_print as *const () as usize));
        let _ = session.define_symbols(&symbols);
        rumbo_codegen::set_vector_math(&session.vector_math_variants());
    });
}

/// A process-local symbol, for code without a fingerprint (never cached).
pub(crate) fn symbol_for(name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("rumbo.{clean}.{}", NEXT_SYMBOL.fetch_add(1, Ordering::Relaxed))
}

/// Removes an in-progress entry whatever way compilation ends.
struct InProgress<'a>(&'a Dispatcher, Vec<Type>);

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.0.in_progress.lock().unwrap().retain(|(a, _, t)| a != &self.1 || *t != std::thread::current().id());
    }
}

/// The user exception classes among a function's frozen globals: (id, module, qualname).
fn user_exceptions(py: Python<'_>, globals: &HashMap<String, GlobalValue>) -> Vec<(u32, String, String)> {
    let mut out: Vec<(u32, String, String)> = vec![];
    for g in globals.values() {
        if let GlobalValue::ExceptionClass { id, .. } = g {
            if let Some((module, qualname)) = crate::exceptions::user_class_name(py, *id) {
                if !out.iter().any(|(i, _, _)| i == id) {
                    out.push((*id, module, qualname));
                }
            }
        }
    }
    out.sort();
    out
}

fn qualname_of(func: &Bound<'_, PyAny>) -> String {
    func.getattr("__qualname__").and_then(|q| q.extract()).unwrap_or_default()
}

/// The specialization with `key` if this process has it (another dispatcher of the same
/// code) or, with `cache=True`, if the cache has it.
fn reuse(slf: &Bound<'_, Dispatcher>, key: u128, args: &[Type], dump_flags: crate::dumps::DumpFlags) -> PyResult<Option<Arc<Specialization>>> {
    let py = slf.py();
    let d = slf.get();
    let symbol = canonical_symbol(&d.name, key);
    if !dump_flags.is_empty() {
        // Dumps asked for: compile (under a local name if this one is taken) so they print.
        return Ok(None);
    }
    let found = match crate::cache::registered(&symbol) {
        Some(spec) if spec.cache.key == Some(key) => Some(spec),
        _ if d.options.cache => {
            let loaded = match crate::cache::cache_dir(py, d)? {
                Some(dir) => crate::cache::load(py, &dir, key, &symbol),
                None => None,
            };
            d.record_cache_event(args, loaded.is_some());
            loaded
        }
        _ => None,
    };
    if let Some(spec) = &found {
        d.add_specialization(spec.clone());
    }
    Ok(found)
}

/// The whole pipeline for one argument-type tuple.
pub(crate) fn compile_specialization(
    slf: &Bound<'_, Dispatcher>,
    args: Vec<Type>,
    declared_ret: Option<Type>,
) -> PyResult<Arc<Specialization>> {
    compile(slf, args, declared_ret, false)
}

/// The pipeline for introspection of code loaded from the cache: compiled under a local
/// name, not added to the dispatcher, never reused or cached.
pub(crate) fn compile_for_inspection(slf: &Bound<'_, Dispatcher>, args: Vec<Type>, ret: Option<Type>) -> PyResult<Arc<Specialization>> {
    compile(slf, args, ret, true)
}

fn compile(slf: &Bound<'_, Dispatcher>, args: Vec<Type>, declared_ret: Option<Type>, inspect: bool) -> PyResult<Arc<Specialization>> {
    let py = slf.py();
    let d = slf.get();
    let session = JitSession::global();
    ensure_runtime_symbols(session);
    let dump_flags = crate::dumps::DumpFlags::get();

    // 0. the key: code this process already has, or a cache entry, is used as it is
    let key = match inspect {
        true => None,
        false => crate::fingerprint::dispatcher_fingerprint(slf)?.map(|fp| specialization_key(fp, &args, declared_ret.as_ref())),
    };
    if let Some(key) = key {
        if let Some(spec) = reuse(slf, key, &args, dump_flags)? {
            return Ok(spec);
        }
    }

    let timings = std::env::var_os("RUMBO_COMPILE_TIMINGS").is_some();
    let t0 = std::time::Instant::now();
    // 1. syntax and IR (once per dispatcher)
    let src = source_of(py, d)?;
    let t_src = t0.elapsed();
    crate::dumps::after_lowering(py, d, &src, dump_flags)?;
    if args.len() != src.ir.param_names.len() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{}() takes {} arguments, but the signature has {}",
            d.name,
            src.ir.param_names.len(),
            args.len()
        )));
    }
    // Canonical names are the same in every process; a name this process already used
    // (same code compiled again to print its dumps) gets a local one.
    let canonical = key.map(|k| canonical_symbol(&d.name, k)).filter(|s| !crate::cache::name_taken(s));
    let symbol = canonical.clone().unwrap_or_else(|| symbol_for(&d.name));
    d.in_progress.lock().unwrap().push((args.clone(), symbol.clone(), std::thread::current().id()));
    let _guard = InProgress(d, args.clone());

    // 2. free names, frozen now
    let mut callees = HashMap::new();
    let globals = resolve_globals(d.py_func.bind(py), &src.ir, &mut callees)?;

    // 3. types
    let mut resolver = Resolver { py, callees, self_id: d.id, args: args.clone(), symbol: symbol.clone(), deps: vec![] };
    let typed = infer_types(&src.ir, &args, &globals, declared_ret.as_ref(), &d.options.locals, &mut resolver)
        .map_err(|diag| diagnostic_error(py, &diag, &src.file))?;

    // 3b. parallel regions: `prange` loops outlined for the thread pool
    let mut reports = vec![];
    let mut typed = typed;
    let mut pooled_sums = vec![];
    if d.options.parallel {
        let library: HashMap<&'static str, u32> = rumbo_passes::POOLED_REDUCTIONS
            .iter()
            .filter_map(|n| match globals.get(&format!("@array.{n}")) {
                Some(GlobalValue::Dispatcher { id, .. }) => Some((*n, *id)),
                _ => None,
            })
            .collect();
        pooled_sums = rumbo_passes::pooled_sums(&src.ir, &mut typed, &library);
    }
    let (src, typed) = if d.options.parallel && typed.consts.values().any(|g| matches!(g, GlobalValue::Function(n) if n == "prange")) {
        let mut region_globals = globals.clone();
        let file = &src.file;
        let locals = &d.options.locals;
        let mut type_region = |f: &rumbo_ir::Function, args: &[Type]| -> Result<rumbo_types::TypedFunction, String> {
            for name in f.globals.iter().filter(|n| n.starts_with('$')) {
                if !region_globals.contains_key(name) {
                    let g = region_global(py, name).map_err(|e| e.to_string())?;
                    region_globals.insert(name.clone(), g);
                }
            }
            infer_types(f, args, &region_globals, None, locals, &mut resolver).map_err(|d| d.render(file))
        };
        let (ir, typed, r) = rumbo_passes::outline_prange_loops(&src.ir, &typed, &mut type_region);
        reports = r;
        debug_assert!(rumbo_ir::verify_function(&ir).is_empty(), "{:?}", rumbo_ir::verify_function(&ir));
        (Arc::new(Source { file: src.file.clone(), ir }), typed)
    } else {
        (src, typed)
    };

    // Another thread may have compiled the same code meanwhile (typing can wait for one):
    // its specialization is this one.
    if let Some(spec) = canonical.as_deref().and_then(crate::cache::registered) {
        d.add_specialization(spec.clone());
        return Ok(spec);
    }
    let t_types = t0.elapsed();
    // 4. LLVM, optimized and compiled by the JIT
    let opts = CodegenOptions { fastmath: d.options.fastmath, numpy_errors: d.options.numpy_errors, boundscheck: d.options.boundscheck, parallel: d.options.parallel };
    let dumps: DumpRequest = dump_flags.request();
    let inline: Vec<&[u8]> = resolver.deps.iter().filter_map(|s| s.cache.bitcode.as_deref()).map(|b| b.as_slice()).collect();
    let compiled = session
        .compile_object(d.options.opt_level, dumps, &inline, |ctx| emit_module(ctx, &src.ir, &typed, &symbol, opts))
        .map_err(|e| internal_error(py, "code generation failed", e.to_string()))?;
    let (out, object) = (compiled.dumps, compiled.object);
    let blocks = crate::objblock::register_blocks(py, d.py_func.bind(py), &src.file, &src.ir, &typed, &symbol)?;
    if !blocks.is_empty() {
        let mut symbols: Vec<(&str, usize)> = blocks.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        symbols.push(("rumbo_objmode_call", crate::objblock::rumbo_objmode_call as *const () as usize));
        session.define_symbols(&symbols).map_err(|e| internal_error(py, "linking objmode blocks failed", e.to_string()))?;
    }
    let addr = session.lookup(&wrapper_name(&symbol)).map_err(|e| internal_error(py, "linking failed", e.to_string()))?;
    if timings {
        eprintln!(
            "rumbo: compiled {}({}) source {:.2} ms, types {:.2} ms, llvm+jit {:.2} ms",
            d.name,
            args.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
            t_src.as_secs_f64() * 1e3,
            (t_types - t_src).as_secs_f64() * 1e3,
            (t0.elapsed() - t_types).as_secs_f64() * 1e3
        );
    }
    // SAFETY: the symbol is the wrapper emitted above, with the uniform ABI.
    let wrapper: WrapperFn = unsafe { std::mem::transmute::<usize, WrapperFn>(addr) };

    let ir_text = rumbo_ir::print_function(&src.ir, &|v| typed.types[v.index()].as_ref().map(|t| t.to_string()));
    let mut annotations: Vec<(u32, String, String)> = vec![];
    for (i, vd) in src.ir.values.iter().enumerate() {
        if let (Some(var), Some(t)) = (&vd.var, &typed.types[i]) {
            let a = (vd.span.line, var.clone(), t.to_string());
            if !annotations.contains(&a) {
                annotations.push(a);
            }
        }
    }
    let spec = Arc::new(Specialization::new(
        args,
        typed.ret.clone(),
        symbol,
        wrapper,
        out.optimized.unwrap_or_default(),
        ir_text,
        annotations,
    )
    .with_cache(CacheInfo {
        key: canonical.is_some().then_some(key).flatten(),
        object: Some(Arc::new(object)),
        // Callers inline from it; code with objmode blocks refers to this process's block entries.
        bitcode: (blocks.is_empty() && compiled.bitcode.len() <= INLINE_BITCODE_LIMIT).then(|| Arc::new(compiled.bitcode)),
        deps: std::mem::take(&mut resolver.deps),
        loaded: false,
        qualname: qualname_of(d.py_func.bind(py)),
        source: src.file.filename.clone(),
        exceptions: user_exceptions(py, &globals),
    }));
    if canonical.is_some() {
        crate::cache::register(&spec);
    }
    if !inspect {
        d.add_specialization(spec.clone());
    }
    if d.options.cache && key.is_none() && !inspect {
        let why = format!("cannot cache {}: its source (or that of a function it calls) is not in a readable file", d.name);
        crate::cache::warn_once(py, &format!("nokey {}", d.name), why);
    }
    if d.options.cache && canonical.is_some() && !blocks.is_empty() && !inspect {
        // Their code refers to this process's objmode block entries by address.
        let why = format!("cannot cache {}: it has `with objmode(...)` blocks", d.name);
        crate::cache::warn_once(py, &format!("objmode {}", d.name), why);
    }
    if d.options.cache && canonical.is_some() && blocks.is_empty() {
        if let Some(dir) = crate::cache::cache_dir(py, d)? {
            crate::cache::save(py, &dir, &spec);
        }
    }
    // 5. dumps asked for by rumbo.config, and what reports need to render this again
    let fusion = rumbo_codegen::fusion_report(&src.ir, &typed);
    let parallel = if d.options.parallel { parallel_lines(&reports, &fusion, &pooled_sums) } else { vec![] };
    let compiled = crate::dumps::Compiled {
        spec: &spec,
        src: &src,
        typed,
        opts,
        opt_level: d.options.opt_level,
        llvm: out.llvm,
        assembly: out.assembly,
        fusion,
        parallel,
    };
    crate::dumps::after_compile(py, d, compiled, dump_flags)?;
    Ok(spec)
}
