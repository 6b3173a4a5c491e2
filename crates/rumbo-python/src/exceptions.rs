//! Exception classes compiled code can raise, by id: rumbo_types::BuiltinExc's
//! fixed ids first, user classes registered as functions using them compile, with ids
//! derived from their names (stable across processes, for the cache).

use pyo3::prelude::*;
use pyo3::types::{PyModule, PyType};
use rumbo_runtime::ExcRecord;
use rumbo_types::BuiltinExc;
use std::collections::HashMap;
use std::sync::Mutex;

static CLASSES: Mutex<Vec<Py<PyType>>> = Mutex::new(Vec::new());
/// User classes by id. Ids come from the class's module and qualified name, so cached
/// machine code (which holds them) raises the same class in another process; a clash
/// moves to the next free id (fingerprints include ids, so such code is simply not reused).
static USER_CLASSES: Mutex<Option<HashMap<u32, Py<PyType>>>> = Mutex::new(None);

/// First user class id (ids below are reserved for builtin exceptions).
const FIRST_USER_ID: usize = 64;

fn ensure_builtins(py: Python<'_>, classes: &mut Vec<Py<PyType>>) -> PyResult<()> {
    if !classes.is_empty() {
        return Ok(());
    }
    let builtins = PyModule::import(py, "builtins")?;
    for exc in BuiltinExc::ALL {
        let cls = builtins.getattr(exc.name())?.cast_into::<PyType>().map_err(PyErr::from)?;
        classes.push(cls.unbind());
    }
    let filler = py.get_type::<pyo3::exceptions::PyException>().unbind();
    while classes.len() < FIRST_USER_ID {
        classes.push(filler.clone_ref(py));
    }
    Ok(())
}

/// The id of an exception class, registering it on first use.
pub(crate) fn exception_class_id(cls: &Bound<'_, PyType>) -> PyResult<u32> {
    let py = cls.py();
    {
        let mut classes = CLASSES.lock().unwrap();
        ensure_builtins(py, &mut classes)?;
        if let Some(i) = classes[..BuiltinExc::ALL.len()].iter().position(|c| c.bind(py).is(cls)) {
            return Ok(i as u32);
        }
    }
    let module: String = cls.getattr("__module__").and_then(|m| m.extract()).unwrap_or_default();
    let qualname: String = cls.getattr("__qualname__").and_then(|m| m.extract()).unwrap_or_default();
    let span = (u32::MAX as u64) - FIRST_USER_ID as u64;
    let start = crate::fingerprint::hash128(format!("{module}.{qualname}").as_bytes()) as u64 % span;
    let mut users = USER_CLASSES.lock().unwrap();
    let users = users.get_or_insert_with(HashMap::new);
    for probe in 0..span {
        let id = (FIRST_USER_ID as u64 + (start + probe) % span) as u32;
        match users.get(&id) {
            Some(c) if c.bind(py).is(cls) => return Ok(id),
            Some(_) => continue,
            None => {
                users.insert(id, cls.clone().unbind());
                return Ok(id);
            }
        }
    }
    Err(pyo3::exceptions::PyRuntimeError::new_err("too many exception classes"))
}

/// Turns the record compiled code raised into the Python exception.
pub(crate) fn to_pyerr(py: Python<'_>, rec: *const ExcRecord) -> PyErr {
    if rec.is_null() {
        return pyo3::exceptions::PySystemError::new_err("compiled code failed without an exception");
    }
    // SAFETY: compiled code stores pointers to static, immutable records.
    let rec = unsafe { &*rec };
    if rec.class_id == crate::objblock::PENDING_CLASS_ID {
        return crate::objblock::take_pending()
            .unwrap_or_else(|| pyo3::exceptions::PySystemError::new_err("an objmode block failed without an exception"));
    }
    let cls = {
        let mut classes = CLASSES.lock().unwrap();
        if let Err(e) = ensure_builtins(py, &mut classes) {
            return e;
        }
        let found = if (rec.class_id as usize) < FIRST_USER_ID {
            classes.get(rec.class_id as usize).map(|c| c.clone_ref(py))
        } else {
            USER_CLASSES.lock().unwrap().as_ref().and_then(|u| u.get(&rec.class_id)).map(|c| c.clone_ref(py))
        };
        match found {
            Some(c) => c,
            None => return pyo3::exceptions::PySystemError::new_err("unknown exception class in compiled code"),
        }
    };
    let result = if rec.has_message != 0 {
        // SAFETY: message/len describe a static UTF-8 string.
        let bytes = unsafe { std::slice::from_raw_parts(rec.message, rec.message_len as usize) };
        let msg = String::from_utf8_lossy(bytes).into_owned();
        cls.bind(py).call1((msg,))
    } else {
        cls.bind(py).call0()
    };
    match result {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// `(module, qualified name)` of the user class registered at `id`.
pub(crate) fn user_class_name(py: Python<'_>, id: u32) -> Option<(String, String)> {
    let users = USER_CLASSES.lock().unwrap();
    let cls = users.as_ref()?.get(&id)?.bind(py).clone();
    let module: String = cls.getattr("__module__").and_then(|m| m.extract()).ok()?;
    let qualname: String = cls.getattr("__qualname__").and_then(|m| m.extract()).ok()?;
    Some((module, qualname))
}

/// Registers the class `module.qualname` (imported if needed) for code loaded from the
/// cache; true when it is there and gets exactly `id`.
pub(crate) fn restore_user_class(py: Python<'_>, id: u32, module: &str, qualname: &str) -> bool {
    let found = (|| -> PyResult<bool> {
        let mut obj = PyModule::import(py, module)?.into_any();
        for part in qualname.split('.') {
            obj = obj.getattr(part)?;
        }
        let cls = obj.cast_into::<PyType>().map_err(PyErr::from)?;
        Ok(exception_class_id(&cls)? == id)
    })();
    found.unwrap_or(false)
}
