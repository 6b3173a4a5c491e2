//! Exception classes compiled code can raise, by id: rumbo_types::BuiltinExc's
//! fixed ids first, user classes registered as functions using them compile.

use pyo3::prelude::*;
use pyo3::types::{PyModule, PyType};
use rumbo_runtime::ExcRecord;
use rumbo_types::BuiltinExc;
use std::sync::Mutex;

static CLASSES: Mutex<Vec<Py<PyType>>> = Mutex::new(Vec::new());

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
    let mut classes = CLASSES.lock().unwrap();
    ensure_builtins(py, &mut classes)?;
    if let Some(i) = classes[..BuiltinExc::ALL.len()].iter().position(|c| c.bind(py).is(cls)) {
        return Ok(i as u32);
    }
    if let Some(i) = classes[FIRST_USER_ID..].iter().position(|c| c.bind(py).is(cls)) {
        return Ok((FIRST_USER_ID + i) as u32);
    }
    classes.push(cls.clone().unbind());
    Ok((classes.len() - 1) as u32)
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
        match classes.get(rec.class_id as usize) {
            Some(c) => c.clone_ref(py),
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
