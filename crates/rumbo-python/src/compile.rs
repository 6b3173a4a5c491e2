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
use rumbo_types::{infer_types, CallResolver, ResolveOutcome, Type};
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
        let mut raw = vec![];
        for (k, v) in d.iter() {
            raw.push((k.extract()?, v.repr()?.to_string()));
        }
        Ok(Options { nogil: get_bool("nogil")?, fastmath: get_bool("fastmath")?, numpy_errors: error_model == "numpy", opt_level, raw })
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
fn diagnostic_error(py: Python<'_>, d: &Diagnostic, file: &SourceFile) -> PyErr {
    let text = d.render(file);
    match errors_module(py).and_then(|m| m.getattr(d.kind.python_name())).and_then(|c| c.call1((text,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

fn internal_error(py: Python<'_>, what: &str, msg: String) -> PyErr {
    let text = format!("{what}: {msg}\n  = help: this is a bug in rumbo; please report it with the function that triggered it");
    match errors_module(py).and_then(|m| m.getattr("InternalError")).and_then(|c| c.call1((text,))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// Parses and lowers the dispatcher's function once.
fn source_of(py: Python<'_>, d: &Dispatcher) -> PyResult<Arc<Source>> {
    if let Some(s) = d.source.lock().unwrap().as_ref() {
        return Ok(s.clone());
    }
    let frontend = PyModule::import(py, "rumbo._frontend")?;
    let (node, filename, first_line, lines): (Bound<'_, PyAny>, String, u32, Vec<String>) =
        frontend.getattr("function_source")?.call1((d.py_func.bind(py),))?.extract()?;
    let file = SourceFile { filename, first_line, lines };
    let syntax = crate::frontend::function(&node)?;
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

impl CallResolver for Resolver<'_> {
    fn resolve(&mut self, id: u32, args: &[Type]) -> Result<ResolveOutcome, String> {
        if id == self.self_id && args == self.args.as_slice() {
            return Ok(ResolveOutcome::InProgress { symbol: self.symbol.clone() });
        }
        let callee = self.callees.get(&id).ok_or("internal: unknown callee")?.bind(self.py).clone();
        if let Some((_, _)) = callee.get().in_progress.lock().unwrap().iter().find(|(a, _)| a == args) {
            return Err(format!("`{}` is already being compiled for these types: mutual recursion is not supported", callee.get().name));
        }
        match Dispatcher::specialization_for(&callee, args) {
            Ok(spec) => Ok(ResolveOutcome::Compiled { symbol: spec.symbol.clone(), args: spec.arg_types.clone(), ret: spec.ret.clone() }),
            Err(e) => Err(format!("calling `{}`: {}", callee.get().name, e.value(self.py))),
        }
    }
}

static NEXT_SYMBOL: AtomicU64 = AtomicU64::new(0);
static RUNTIME_SYMBOLS: Once = Once::new();

fn symbol_for(name: &str) -> String {
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
        let _ = session.define_symbols(&rumbo_runtime::symbols());
    });

    // 1. syntax and IR (once per dispatcher)
    let src = source_of(py, d)?;
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
    let globals = resolve_globals(d.py_func.bind(py), &src.ir.globals, &mut callees)?;

    // 3. types
    let mut resolver = Resolver { py, callees, self_id: d.id, args: args.clone(), symbol: symbol.clone() };
    let typed = infer_types(&src.ir, &args, &globals, declared_ret.as_ref(), &mut resolver)
        .map_err(|diag| diagnostic_error(py, &diag, &src.file))?;

    // 4. LLVM, optimized and compiled by the JIT
    let opts = CodegenOptions { fastmath: d.options.fastmath, numpy_errors: d.options.numpy_errors };
    let dumps = DumpRequest { llvm: false, optimized: true, assembly: false };
    let out = session
        .compile(d.options.opt_level, dumps, |ctx| emit_module(ctx, &src.ir, &typed, &symbol, opts))
        .map_err(|e| internal_error(py, "code generation failed", e.to_string()))?;
    let addr = session.lookup(&wrapper_name(&symbol)).map_err(|e| internal_error(py, "linking failed", e.to_string()))?;
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
    Ok(spec)
}
