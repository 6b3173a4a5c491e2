//! The pipeline driver: source → syntax → IR → types → LLVM → machine code,
//! one specialization at a time. The order of the stages is spelled out in
//! [`compile_specialization`].

use crate::dispatcher::{Dispatcher, Specialization, WrapperFn};
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
    pub(crate) fastmath: bool,
    pub(crate) numpy_errors: bool,
    pub(crate) opt_level: u8,
    pub(crate) boundscheck: bool,
    /// `forceobj=True`: object mode only.
    pub(crate) forceobj: bool,
    /// `nopython=False`: object mode when nopython typing fails.
    pub(crate) fallback: bool,
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
        Ok(Options { forceobj: get_bool("forceobj")?, fallback, boundscheck, nogil: get_bool("nogil")?, fastmath: get_bool("fastmath")?, numpy_errors: error_model == "numpy", opt_level, locals, raw })
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
        let callee = self.callees.get(&id).ok_or("internal: unknown callee")?.bind(self.py).clone();
        let (types, binding) = self.bind(&callee, args, keywords)?;
        if id == self.self_id && types == self.args {
            return Ok(ResolveOutcome::InProgress { symbol: self.symbol.clone(), binding });
        }
        if callee.get().in_progress.lock().unwrap().iter().any(|(a, _)| a == &types) {
            return Err(format!("`{}` is already being compiled for these types: mutual recursion is not supported", callee.get().name));
        }
        match Dispatcher::specialization_for(&callee, &types) {
            Ok(spec) => Ok(ResolveOutcome::Compiled { symbol: spec.symbol.clone(), args: spec.arg_types.clone(), ret: spec.ret.clone(), binding }),
            Err(e) => Err(format!("calling `{}`: {}", callee.get().name, e.value(self.py))),
        }
    }
}

static NEXT_SYMBOL: AtomicU64 = AtomicU64::new(0);
static RUNTIME_SYMBOLS: Once = Once::new();

pub(crate) fn symbol_for(name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("rumbo.{clean}.{}", NEXT_SYMBOL.fetch_add(1, Ordering::Relaxed))
}

/// Removes an in-progress entry whatever way compilation ends.
struct InProgress<'a>(&'a Dispatcher, Vec<Type>);

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.0.in_progress.lock().unwrap().retain(|(a, _)| a != &self.1);
    }
}

/// The whole pipeline for one argument-type tuple.
pub(crate) fn compile_specialization(
    slf: &Bound<'_, Dispatcher>,
    args: Vec<Type>,
    declared_ret: Option<Type>,
) -> PyResult<Arc<Specialization>> {
    let py = slf.py();
    let d = slf.get();
    let session = JitSession::global();
    RUNTIME_SYMBOLS.call_once(|| {
        let mut symbols = rumbo_runtime::symbols();
        symbols.push(("rumbo_print", crate::rumbo_print as *const () as usize));
        let _ = session.define_symbols(&symbols);
    });

    let timings = std::env::var_os("RUMBO_COMPILE_TIMINGS").is_some();
    let t0 = std::time::Instant::now();
    // 1. syntax and IR (once per dispatcher)
    let src = source_of(py, d)?;
    let t_src = t0.elapsed();
    let dump_flags = crate::dumps::DumpFlags::get();
    crate::dumps::after_lowering(py, d, &src, dump_flags)?;
    if args.len() != src.ir.param_names.len() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{}() takes {} arguments, but the signature has {}",
            d.name,
            src.ir.param_names.len(),
            args.len()
        )));
    }
    let symbol = symbol_for(&d.name);
    d.in_progress.lock().unwrap().push((args.clone(), symbol.clone()));
    let _guard = InProgress(d, args.clone());

    // 2. free names, frozen now
    let mut callees = HashMap::new();
    let globals = resolve_globals(d.py_func.bind(py), &src.ir, &mut callees)?;

    // 3. types
    let mut resolver = Resolver { py, callees, self_id: d.id, args: args.clone(), symbol: symbol.clone() };
    let typed = infer_types(&src.ir, &args, &globals, declared_ret.as_ref(), &d.options.locals, &mut resolver)
        .map_err(|diag| diagnostic_error(py, &diag, &src.file))?;

    let t_types = t0.elapsed();
    // 4. LLVM, optimized and compiled by the JIT
    let opts = CodegenOptions { fastmath: d.options.fastmath, numpy_errors: d.options.numpy_errors, boundscheck: d.options.boundscheck };
    let dumps: DumpRequest = dump_flags.request();
    let out = session
        .compile(d.options.opt_level, dumps, |ctx| emit_module(ctx, &src.ir, &typed, &symbol, opts))
        .map_err(|e| internal_error(py, "code generation failed", e.to_string()))?;
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
    ));
    d.add_specialization(spec.clone());
    // 5. dumps asked for by rumbo.config, and what reports need to render this again
    let fusion = rumbo_codegen::fusion_report(&src.ir, &typed);
    let compiled = crate::dumps::Compiled {
        spec: &spec,
        src: &src,
        typed,
        opts,
        opt_level: d.options.opt_level,
        llvm: out.llvm,
        assembly: out.assembly,
        fusion,
    };
    crate::dumps::after_compile(py, d, compiled, dump_flags)?;
    Ok(spec)
}
