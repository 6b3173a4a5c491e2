//! Free names of a function resolved in its Python world (closure cells, module
//! globals, builtins) and frozen as compile-time values, as Numba does.

use crate::dispatcher::Dispatcher;
use crate::exceptions::exception_class_id;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyDict, PyFloat, PyInt, PyModule, PyString, PyTuple, PyType};
use rumbo_types::GlobalValue;
use std::collections::HashMap;

const BUILTINS: &[&str] = &["abs", "min", "max", "pow", "round", "int", "float", "bool", "complex", "divmod", "len", "range"];

/// Looks `name` up as Python would from inside `func`.
fn lookup<'py>(func: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = func.py();
    let code = func.getattr("__code__")?;
    let freevars: Vec<String> = code.getattr("co_freevars")?.extract()?;
    if let Some(i) = freevars.iter().position(|v| v == name) {
        let closure = func.getattr("__closure__")?;
        let cell = closure.cast::<PyTuple>().map_err(PyErr::from)?.get_item(i)?;
        return Ok(cell.getattr("cell_contents").ok());
    }
    let globals = func.getattr("__globals__")?;
    let globals = globals.cast::<PyDict>().map_err(PyErr::from)?;
    if let Some(v) = globals.get_item(name)? {
        return Ok(Some(v));
    }
    let builtins = PyModule::import(py, "builtins")?;
    Ok(builtins.getattr(name).ok())
}

/// What compiled code may know of a Python object.
pub(crate) fn classify(obj: &Bound<'_, PyAny>, callees: &mut HashMap<u32, Py<Dispatcher>>) -> PyResult<GlobalValue> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(GlobalValue::None);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(GlobalValue::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i128>() {
            Ok(i) => GlobalValue::Int(i),
            Err(_) => GlobalValue::Unsupported("an integer wider than 128 bits".into()),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(GlobalValue::Float(f.value()));
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Ok(GlobalValue::Complex(c.real(), c.imag()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(GlobalValue::Str(s.to_string()));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        let items = t.iter().map(|x| classify(&x, callees)).collect::<PyResult<Vec<_>>>()?;
        if let Some(GlobalValue::Unsupported(w)) = items.iter().find(|i| matches!(i, GlobalValue::Unsupported(_))) {
            return Ok(GlobalValue::Unsupported(format!("a tuple holding {w}")));
        }
        return Ok(GlobalValue::Tuple(items));
    }
    if let Ok(d) = obj.cast::<Dispatcher>() {
        let id = d.get().id;
        callees.insert(id, d.clone().unbind());
        return Ok(GlobalValue::Dispatcher { id, name: d.get().name.clone() });
    }
    if let Ok(m) = obj.cast::<PyModule>() {
        let name = m.name()?.to_string();
        return Ok(match name.as_str() {
            "math" | "cmath" | "numpy" => GlobalValue::Module(name),
            _ => GlobalValue::Unsupported(format!("the module `{name}`")),
        });
    }
    if let Ok(t) = obj.cast::<PyType>() {
        let base = py.get_type::<pyo3::exceptions::PyBaseException>();
        if t.is_subclass(&base)? {
            let name = t.name()?.to_string();
            return Ok(GlobalValue::ExceptionClass { id: exception_class_id(t)?, name });
        }
    }
    let builtins = PyModule::import(py, "builtins")?;
    for b in BUILTINS {
        if obj.is(&builtins.getattr(*b)?) {
            return Ok(GlobalValue::Function((*b).to_string()));
        }
    }
    let math = PyModule::import(py, "math")?;
    if let Ok(name) = obj.getattr("__name__").and_then(|n| n.extract::<String>()) {
        if math.getattr(name.as_str()).map(|m| m.is(obj)).unwrap_or(false) {
            return Ok(GlobalValue::Function(format!("math.{name}")));
        }
    }
    let what = match obj.getattr("__name__").and_then(|n| n.extract::<String>()) {
        Ok(n) if obj.is_callable() => format!("the Python function `{n}`, which is not compiled"),
        _ => format!("a {} object", obj.get_type().name()?),
    };
    Ok(GlobalValue::Unsupported(what))
}

/// Resolves every free name the IR reads; undefined names are left out (typing reports them).
pub(crate) fn resolve_globals(
    func: &Bound<'_, PyAny>,
    names: &[String],
    callees: &mut HashMap<u32, Py<Dispatcher>>,
) -> PyResult<HashMap<String, GlobalValue>> {
    let mut out = HashMap::new();
    for n in names {
        if let Some(obj) = lookup(func, n)? {
            out.insert(n.clone(), classify(&obj, callees)?);
        }
    }
    Ok(out)
}
