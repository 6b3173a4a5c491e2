//! Free names of a function resolved in its Python world (closure cells, module
//! globals, builtins) and frozen as compile-time values, as Numba does.

use crate::dispatcher::Dispatcher;
use crate::exceptions::exception_class_id;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyDict, PyFloat, PyInt, PyModule, PyString, PyTuple, PyType};
use rumbo_types::GlobalValue;
use std::collections::HashMap;

/// NumPy functions compiled by codegen itself (the rest are library code in rumbo/np).
const NUMPY_PRIMITIVES: &[&str] = &["empty", "where", "clip", "ndindex"];

const BUILTINS: &[&str] = &["print", "isinstance", "tuple", "abs", "min", "max", "pow", "round", "int", "float", "bool", "complex", "divmod", "len", "range"];

/// Looks `name` up as Python would from inside `func`.
pub(crate) fn lookup<'py>(func: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
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
    classify_in(obj, callees, true)
}

/// [`classify`] for cache keys: rumbo's NumPy library is not loaded and its functions stay
/// unresolved (its files are in every key), only implementations users registered count.
pub(crate) fn classify_for_key(obj: &Bound<'_, PyAny>, callees: &mut HashMap<u32, Py<Dispatcher>>) -> PyResult<GlobalValue> {
    classify_in(obj, callees, false)
}

fn classify_in(obj: &Bound<'_, PyAny>, callees: &mut HashMap<u32, Py<Dispatcher>>, library: bool) -> PyResult<GlobalValue> {
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
        let items = t.iter().map(|x| classify_in(&x, callees, library)).collect::<PyResult<Vec<_>>>()?;
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
            "math" | "cmath" | "random" | "rumbo" => GlobalValue::Module(name),
            n if n == "numpy" || n.starts_with("numpy.") => GlobalValue::Module(name),
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
    // rumbo's own: prange and the thread functions (`rumbo/_parallel.py`).
    if let Ok(name) = PyModule::import(py, "rumbo._parallel")?.getattr("_builtin_name")?.call1((obj,))?.extract::<String>() {
        return Ok(GlobalValue::Function(name));
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
    // NumPy primitives that codegen implements directly.
    if let Some(np) = py.import("sys")?.getattr("modules")?.get_item("numpy").ok() {
        for name in NUMPY_PRIMITIVES {
            if obj.is(&np.getattr(*name)?) {
                return Ok(GlobalValue::Function(format!("numpy.{name}")));
            }
        }
        if obj.is(&np.getattr("ndarray")?) {
            return Ok(GlobalValue::Function("numpy.ndarray".into()));
        }
        if obj.get_type().name()?.to_string() == "ufunc" {
            let name: String = obj.getattr("__name__")?.extract()?;
            if rumbo_types::ufunc_kind(&name).is_some() {
                return Ok(GlobalValue::Function(format!("numpy.{name}")));
            }
        }
        for (name, t) in [("float64", "float64"), ("float32", "float32"), ("int64", "int64"), ("int32", "int32"), ("int16", "int16"), ("int8", "int8"), ("uint64", "uint64"), ("uint32", "uint32"), ("uint16", "uint16"), ("uint8", "uint8"), ("bool_", "bool"), ("complex128", "complex128"), ("complex64", "complex64")] {
            if obj.is(&np.getattr(name)?) {
                return Ok(GlobalValue::NumberClass(crate::values::dtype_type(t).expect("known dtype")));
            }
        }
    }
    // Library functions rumbo implements in Python (rumbo/np): their compiled versions.
    if obj.is_callable() && !library {
        let user = PyModule::import(py, "rumbo.extending")?.getattr("_user_implementation")?.call1((obj,))?;
        if !user.is_none() {
            return classify_in(&user, callees, library);
        }
    } else if obj.is_callable() {
        let extending = PyModule::import(py, "rumbo.extending")?;
        let primitive = extending.getattr("_primitive_name")?.call1((obj,))?;
        if !primitive.is_none() {
            return Ok(GlobalValue::Function(primitive.extract()?));
        }
        let implementation = PyModule::import(py, "rumbo.extending")?.getattr("_lookup")?.call1((obj,))?;
        if !implementation.is_none() {
            return classify(&implementation, callees);
        }
    }
    let what = match obj.getattr("__name__").and_then(|n| n.extract::<String>()) {
        Ok(n) if obj.is_callable() => format!("the Python function `{n}`, which is not compiled"),
        _ => format!("a {} object", obj.get_type().name()?),
    };
    Ok(GlobalValue::Unsupported(what))
}

/// Resolves every free name the IR reads, attributes of modules it reads
/// (`np.sum` as "np.sum"), and the array methods rumbo implements ("@array.sum").
/// Undefined names are left out (typing reports them).
pub(crate) fn resolve_globals<'py>(
    func: &Bound<'py, PyAny>,
    ir: &rumbo_ir::Function,
    callees: &mut HashMap<u32, Py<Dispatcher>>,
) -> PyResult<HashMap<String, GlobalValue>> {
    let py = func.py();
    let mut out = HashMap::new();
    let mut objects: HashMap<rumbo_ir::Value, (String, Bound<'py, PyAny>)> = HashMap::new();
    for n in &ir.globals {
        if let Some(obj) = lookup(func, n)? {
            out.insert(n.clone(), classify(&obj, callees)?);
        }
    }
    // Module attribute chains, in definition order so that `np.linalg.norm` resolves.
    for (i, vd) in ir.values.iter().enumerate() {
        let rumbo_ir::ValueKind::Inst(inst) = &vd.kind else { continue };
        let v = rumbo_ir::Value(i as u32);
        let found = match inst {
            rumbo_ir::Inst::Global(name) => match lookup(func, name)? {
                Some(obj) if obj.cast::<PyModule>().is_ok() => Some((name.clone(), obj)),
                _ => None,
            },
            rumbo_ir::Inst::GetAttr { value, attr } => match objects.get(value) {
                Some((path, module)) => {
                    let key = format!("{path}.{attr}");
                    match module.getattr(attr.as_str()) {
                        Ok(obj) => {
                            out.insert(key.clone(), classify(&obj, callees)?);
                            obj.cast::<PyModule>().is_ok().then_some((key, obj))
                        }
                        Err(_) => None,
                    }
                }
                None => None,
            },
            _ => None,
        };
        if let Some(f) = found {
            objects.insert(v, f);
        }
    }
    let methods = PyModule::import(py, "rumbo.extending")?.getattr("_array_methods")?.call0()?;
    for item in methods.try_iter()? {
        let (name, implementation): (String, Bound<'py, PyAny>) = item?.extract()?;
        out.insert(format!("@array.{name}"), classify(&implementation, callees)?);
    }
    Ok(out)
}
