//! Object mode: the function compiled once, for every argument type, to code
//! that works on Python objects (rumbo-codegen's `objmode`), and calls into it.
//! Used by `forceobj=True`, and by `nopython=False` when nopython typing fails.

use crate::compile::{source_of, symbol_for};
use crate::dispatcher::Dispatcher;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyComplex, PyDict, PyModule, PyString, PyTuple};
use rumbo_codegen::{emit_objmode_module, ObjConst};
use rumbo_jit::{DumpRequest, JitSession};
use rumbo_syntax::Constant;
use std::sync::{Arc, Once};

/// `PyObject* entry(PyObject** args, PyObject** consts)`.
type ObjEntry = unsafe extern "C" fn(*const *mut ffi::PyObject, *const *mut ffi::PyObject) -> *mut ffi::PyObject;

/// The object-mode code of one function.
pub(crate) struct ObjCompiled {
    entry: ObjEntry,
    /// Owns what `ptrs` points at.
    _consts: Vec<Py<PyAny>>,
    ptrs: Vec<usize>,
    pub(crate) symbol: String,
    pub(crate) llvm: String,
    pub(crate) ir: String,
    /// (line, variable) of every assignment, all typed `pyobject`.
    pub(crate) variables: Vec<(u32, String)>,
    pub(crate) ir_params: usize,
    /// (line, dispatcher) of each lifted loop.
    pub(crate) lifted: Vec<(u32, Py<Dispatcher>)>,
}

static HELPERS: Once = Once::new();

fn constant_object(py: Python<'_>, c: &ObjConst) -> PyResult<Py<PyAny>> {
    Ok(match c {
        ObjConst::Const(k) => match k {
            Constant::None => py.None(),
            Constant::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any().unbind(),
            Constant::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
            Constant::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
            Constant::Complex { re, im } => PyComplex::from_doubles(py, *re, *im).into_any().unbind(),
            Constant::Str(s) => PyString::new(py, s).into_any().unbind(),
            Constant::Ellipsis => py.Ellipsis(),
        },
        ObjConst::Name(n) => PyString::intern(py, n).into_any().unbind(),
        ObjConst::KwNames(names) => PyTuple::new(py, names.iter().map(|n| PyString::intern(py, n)))?.into_any().unbind(),
        ObjConst::Lifted(_) | ObjConst::Block(_) | ObjConst::Factory(_) => py.None(),
    })
}

/// The fixed constants: globals, builtins, name and file (bytes), closure cells.
fn fixed_constants(py: Python<'_>, d: &Dispatcher, filename: &str) -> PyResult<Vec<Py<PyAny>>> {
    let func = d.py_func.bind(py);
    let globals = func.getattr("__globals__")?;
    let builtins = match globals.cast::<PyDict>().ok().and_then(|g| g.get_item("__builtins__").ok().flatten()) {
        Some(b) if b.cast::<PyDict>().is_ok() => b,
        Some(b) if b.cast::<PyModule>().is_ok() => b.getattr("__dict__")?,
        _ => PyModule::import(py, "builtins")?.getattr("__dict__")?,
    };
    let cells = PyDict::new(py);
    let code = func.getattr("__code__")?;
    let freevars: Vec<String> = code.getattr("co_freevars")?.extract()?;
    if let Ok(closure) = func.getattr("__closure__")?.cast::<PyTuple>() {
        for (name, cell) in freevars.iter().zip(closure.iter()) {
            cells.set_item(name, cell)?;
        }
    }
    Ok(vec![
        globals.unbind(),
        builtins.unbind(),
        PyBytes::new(py, d.name.as_bytes()).into_any().unbind(),
        PyBytes::new(py, filename.as_bytes()).into_any().unbind(),
        cells.into_any().unbind(),
    ])
}

/// What object code may rely on in this interpreter: `_PyObject_GetMethod`
/// exported (CPython 3.7+), plain reference counts (release builds before 3.12).
fn interpreter_options(py: Python<'_>) -> rumbo_codegen::ObjOptions {
    let get_method = py.import("ctypes").and_then(|c| c.getattr("pythonapi")).and_then(|api| api.getattr("_PyObject_GetMethod")).is_ok();
    let sys = py.import("sys").ok();
    let version: (u32, u32) = sys.as_ref().and_then(|s| s.getattr("version_info").ok()).and_then(|v| v.extract::<(u32, u32, u32, String, u32)>().ok()).map_or((0, 0), |v| (v.0, v.1));
    let debug = sys.as_ref().is_none_or(|s| s.hasattr("gettotalrefcount").unwrap_or(true));
    let cpython = py.import("platform").and_then(|p| p.call_method0("python_implementation")).and_then(|n| n.extract::<String>()).is_ok_and(|n| n == "CPython");
    rumbo_codegen::ObjOptions { get_method, inline_refcount: cpython && !debug && version >= (3, 8) && version < (3, 12) }
}

/// Compiles the dispatcher's function in object mode.
pub(crate) fn compile_objmode(py: Python<'_>, d: &Dispatcher) -> PyResult<Arc<ObjCompiled>> {
    let session = JitSession::global();
    HELPERS.call_once(|| {
        let _ = session.define_symbols(&crate::objmode_rt::symbols());
    });
    let src = source_of(py, d)?;
    let symbol = format!("{}.obj", symbol_for(&d.name));
    let (ir, loops) = if d.options.looplift { rumbo_passes::lift_loops(&src.ir) } else { (src.ir.clone(), vec![]) };
    debug_assert!(rumbo_ir::verify_function(&ir).is_empty(), "{:?}\n{}", rumbo_ir::verify_function(&ir), rumbo_ir::print_function(&ir, &|_| None));
    let mut lifted = vec![];
    for (i, lp) in loops.into_iter().enumerate() {
        debug_assert!(rumbo_ir::verify_function(&lp.func).is_empty(), "{:?}", rumbo_ir::verify_function(&lp.func));
        let source = Arc::new(crate::compile::Source { file: src.file.clone(), ir: lp.func });
        lifted.push((lp.line, d.for_lifted_loop(py, format!("{}$loop{i}", d.name), source)?));
    }
    let mut wanted = vec![];
    let opts = interpreter_options(py);
    let dumps = DumpRequest { optimized: true, ..Default::default() };
    // Object code is calls into the C API: a light pipeline is enough.
    let out = session
        .compile(d.options.opt_level.min(1), dumps, |ctx| {
            let (module, consts) = emit_objmode_module(ctx, &ir, &symbol, opts)?;
            wanted = consts;
            Ok(module)
        })
        .map_err(|e| crate::compile::internal_error(py, "object-mode code generation failed", e.to_string()))?;
    let addr = session.lookup(&symbol).map_err(|e| crate::compile::internal_error(py, "linking failed", e.to_string()))?;
    let mut consts = fixed_constants(py, d, &src.file.filename)?;
    for c in &wanted {
        consts.push(match c {
            ObjConst::Lifted(i) => lifted[*i].1.clone_ref(py).into_any(),
            ObjConst::Factory(v) => match ir.inst(rumbo_ir::Value(*v)) {
                Some(rumbo_ir::Inst::Obj(rumbo_ir::ObjInst::MakeFunction { what, name, span, captured, .. })) => {
                    let lines: Vec<&str> = (span.line..=span.end_line).map(|l| src.file.line(l).unwrap_or("")).collect();
                    let maker = PyModule::import(py, "rumbo._objmode")?.getattr("make_factory")?;
                    let kind = if what == "lambda" { "lambda" } else { "def" };
                    let args = (d.py_func.bind(py), &src.file.filename, span.line, lines, span.col, span.end_col, kind, name.clone(), captured.clone());
                    maker.call1(args)?.unbind()
                }
                _ => py.None(),
            },
            ObjConst::Block(v) => match ir.inst(rumbo_ir::Value(*v)) {
                Some(rumbo_ir::Inst::ObjmodeBlock(b)) => crate::objblock::block_function(py, d.py_func.bind(py), &src.file, b)?.unbind(),
                _ => py.None(),
            },
            c => constant_object(py, c)?,
        });
    }
    let ptrs = consts.iter().map(|c| c.as_ptr() as usize).collect();
    let mut variables = vec![];
    for vd in &ir.values {
        if let Some(var) = &vd.var {
            if !var.starts_with('.') && !variables.contains(&(vd.span.line, var.clone())) {
                variables.push((vd.span.line, var.clone()));
            }
        }
    }
    let ir_text = rumbo_ir::print_function(&ir, &|_| Some("pyobject".into()));
    // SAFETY: the symbol is the object-mode entry just emitted, with that signature.
    let entry: ObjEntry = unsafe { std::mem::transmute::<usize, ObjEntry>(addr) };
    Ok(Arc::new(ObjCompiled {
        entry,
        _consts: consts,
        ptrs,
        symbol,
        llvm: out.optimized.unwrap_or_default(),
        ir: ir_text,
        variables,
        ir_params: src.ir.param_names.len(),
        lifted,
    }))
}

impl ObjCompiled {
    /// Calls the code with bound arguments (one per parameter).
    pub(crate) fn call(&self, py: Python<'_>, args: &[Bound<'_, PyAny>]) -> PyResult<Py<PyAny>> {
        let ptrs: Vec<*mut ffi::PyObject> = args.iter().map(|a| a.as_ptr()).collect();
        // SAFETY: the GIL is held, `args` are live objects, one per parameter,
        // and `self.ptrs` are the constants the code was compiled against (owned by `self`).
        let r = unsafe { (self.entry)(ptrs.as_ptr(), self.ptrs.as_ptr() as *const *mut ffi::PyObject) };
        if r.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: the code returns a new reference.
        Ok(unsafe { Bound::from_owned_ptr(py, r) }.unbind())
    }
}

/// True for the errors after which `nopython=False` compiles in object mode:
/// typing and unsupported-construct errors, not rumbo's own failures.
pub(crate) fn is_typing_failure(py: Python<'_>, err: &PyErr) -> bool {
    let Ok(errors) = PyModule::import(py, "rumbo.errors") else { return false };
    ["TypingError", "UnsupportedError"].iter().any(|n| {
        errors.getattr(*n).map(|c| err.get_type(py).is_subclass(&c).unwrap_or(false)).unwrap_or(false)
    })
}

/// Numba's fallback warning (a `NumbaWarning`), with the reason and its source line.
pub(crate) fn warn_fallback(py: Python<'_>, name: &str, err: &PyErr) -> PyResult<()> {
    let category = PyModule::import(py, "rumbo.errors")?.getattr("NumbaWarning")?;
    let msg = format!(
        "\nCompilation is falling back to object mode WITH looplifting enabled because Function \"{name}\" failed type inference due to: {}",
        err.value(py)
    );
    let msg = std::ffi::CString::new(msg.replace('\0', "?")).unwrap_or_default();
    PyErr::warn(py, &category, &msg, 1)
}

/// Types a lifted loop can hand back to object mode.
pub(crate) fn boxable(t: &rumbo_types::Type) -> bool {
    use rumbo_types::Type;
    match t {
        Type::Tuple(items) => items.iter().all(boxable),
        Type::Array { .. } | Type::NoneType => true,
        t => t.is_number(),
    }
}
