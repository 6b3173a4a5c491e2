//! The `rumbo_obj_*` helpers object-mode code calls (see rumbo-codegen's
//! `objmode`): the compound steps of CPython's interpreter loop that are not
//! one C API call. Each returns a new reference (NULL on error) or a status
//! (-1 on error) with the Python error set, as the C API does. The GIL is held.

use pyo3::ffi::{self, PyObject};
use std::ffi::{c_char, c_int, CString};
use std::ptr::null_mut;

extern "C" {
    /// CPython's own helper for C code: adds a traceback entry for a source line.
    fn _PyTraceback_Add(funcname: *const c_char, filename: *const c_char, lineno: c_int);
    /// Public (exported) since CPython 3.9; object code calls it directly too.
    fn PyObject_Vectorcall(callable: *mut PyObject, args: *const *mut PyObject, nargsf: usize, kwnames: *mut PyObject) -> *mut PyObject;
}

/// Index of the fixed constants (rumbo-codegen's `FIXED_CONSTS`).
const GLOBALS: usize = 0;
const BUILTINS: usize = 1;
const NAME: usize = 2;
const FILENAME: usize = 3;
const CELLS: usize = 4;

/// Sets `exc` with a message.
unsafe fn set_error(exc: *mut PyObject, msg: &str) {
    let c = CString::new(msg.replace('\0', "?")).unwrap_or_default();
    ffi::PyErr_SetString(exc, c.as_ptr());
}

unsafe fn repr_name(o: *mut PyObject) -> String {
    let s = ffi::PyObject_Str(o);
    if s.is_null() {
        ffi::PyErr_Clear();
        return "?".into();
    }
    let b = ffi::PyUnicode_AsUTF8String(s);
    ffi::Py_DecRef(s);
    if b.is_null() {
        ffi::PyErr_Clear();
        return "?".into();
    }
    let out = std::ffi::CStr::from_ptr(ffi::PyBytes_AsString(b)).to_string_lossy().into_owned();
    ffi::Py_DecRef(b);
    out
}

unsafe fn type_name(o: *mut PyObject) -> String {
    let n = ffi::PyObject_GetAttrString(ffi::Py_TYPE(o) as *mut PyObject, c"__name__".as_ptr());
    if n.is_null() {
        ffi::PyErr_Clear();
        return "?".into();
    }
    let out = repr_name(n);
    ffi::Py_DecRef(n);
    out
}

/// A free name, looked up at call time as the interpreter does: closure cell,
/// module globals, builtins.
unsafe extern "C" fn rumbo_obj_global(consts: *const *mut PyObject, name: *mut PyObject) -> *mut PyObject {
    let cell = ffi::PyDict_GetItemWithError(*consts.add(CELLS), name);
    if !cell.is_null() {
        let v = ffi::PyObject_GetAttrString(cell, c"cell_contents".as_ptr());
        if v.is_null() {
            ffi::PyErr_Clear();
            let msg = format!("cannot access free variable '{}' where it is not associated with a value in enclosing scope", repr_name(name));
            set_error(ffi::PyExc_NameError, &msg);
        }
        return v;
    }
    for dict in [GLOBALS, BUILTINS] {
        let v = ffi::PyDict_GetItemWithError(*consts.add(dict), name);
        if !v.is_null() {
            ffi::Py_IncRef(v);
            return v;
        }
        if !ffi::PyErr_Occurred().is_null() {
            return null_mut();
        }
    }
    set_error(ffi::PyExc_NameError, &format!("name '{}' is not defined", repr_name(name)));
    null_mut()
}

/// `name = value` for a `nonlocal` (its closure cell) or `global` (module dict) name.
unsafe extern "C" fn rumbo_obj_store_global(consts: *const *mut PyObject, name: *mut PyObject, value: *mut PyObject) -> c_int {
    let cell = ffi::PyDict_GetItemWithError(*consts.add(CELLS), name);
    if !cell.is_null() {
        return ffi::PyObject_SetAttrString(cell, c"cell_contents".as_ptr(), value);
    }
    if !ffi::PyErr_Occurred().is_null() {
        return -1;
    }
    ffi::PyDict_SetItem(*consts.add(GLOBALS), name, value)
}

/// Adds a traceback entry "File ..., line N, in f" to the pending exception.
unsafe extern "C" fn rumbo_obj_traceback(consts: *const *mut PyObject, line: c_int) {
    let name = ffi::PyBytes_AsString(*consts.add(NAME));
    let file = ffi::PyBytes_AsString(*consts.add(FILENAME));
    if !name.is_null() && !file.is_null() {
        _PyTraceback_Add(name, file, line);
    }
}

unsafe extern "C" fn rumbo_obj_binary(op: c_int, a: *mut PyObject, b: *mut PyObject, inplace: c_int) -> *mut PyObject {
    let none = ffi::Py_None();
    match (op, inplace != 0) {
        (0, false) => ffi::PyNumber_Add(a, b),
        (1, false) => ffi::PyNumber_Subtract(a, b),
        (2, false) => ffi::PyNumber_Multiply(a, b),
        (3, false) => ffi::PyNumber_TrueDivide(a, b),
        (4, false) => ffi::PyNumber_FloorDivide(a, b),
        (5, false) => ffi::PyNumber_Remainder(a, b),
        (6, false) => ffi::PyNumber_Power(a, b, none),
        (7, false) => ffi::PyNumber_MatrixMultiply(a, b),
        (8, false) => ffi::PyNumber_Lshift(a, b),
        (9, false) => ffi::PyNumber_Rshift(a, b),
        (10, false) => ffi::PyNumber_Or(a, b),
        (11, false) => ffi::PyNumber_Xor(a, b),
        (12, false) => ffi::PyNumber_And(a, b),
        (0, true) => ffi::PyNumber_InPlaceAdd(a, b),
        (1, true) => ffi::PyNumber_InPlaceSubtract(a, b),
        (2, true) => ffi::PyNumber_InPlaceMultiply(a, b),
        (3, true) => ffi::PyNumber_InPlaceTrueDivide(a, b),
        (4, true) => ffi::PyNumber_InPlaceFloorDivide(a, b),
        (5, true) => ffi::PyNumber_InPlaceRemainder(a, b),
        (6, true) => ffi::PyNumber_InPlacePower(a, b, none),
        (7, true) => ffi::PyNumber_InPlaceMatrixMultiply(a, b),
        (8, true) => ffi::PyNumber_InPlaceLshift(a, b),
        (9, true) => ffi::PyNumber_InPlaceRshift(a, b),
        (10, true) => ffi::PyNumber_InPlaceOr(a, b),
        (11, true) => ffi::PyNumber_InPlaceXor(a, b),
        _ => ffi::PyNumber_InPlaceAnd(a, b),
    }
}

unsafe extern "C" fn rumbo_obj_unary(op: c_int, a: *mut PyObject) -> *mut PyObject {
    match op {
        0 => match ffi::PyObject_Not(a) {
            -1 => null_mut(),
            r => ffi::PyBool_FromLong(r as _),
        },
        1 => ffi::PyNumber_Negative(a),
        2 => ffi::PyNumber_Positive(a),
        _ => ffi::PyNumber_Invert(a),
    }
}

unsafe extern "C" fn rumbo_obj_compare(op: c_int, a: *mut PyObject, b: *mut PyObject) -> *mut PyObject {
    match op {
        0..=5 => ffi::PyObject_RichCompare(a, b, op),
        6 => ffi::PyBool_FromLong((a == b) as _),
        7 => ffi::PyBool_FromLong((a != b) as _),
        _ => match ffi::PySequence_Contains(b, a) {
            -1 => null_mut(),
            r => ffi::PyBool_FromLong(((r == 1) == (op == 8)) as _),
        },
    }
}

/// A tuple (0), list (1), set (2) of `n` items, a dict (3) of `n` key/value
/// pairs, or the concatenation (4) of `n` strings.
unsafe extern "C" fn rumbo_obj_build(kind: c_int, n: i64, items: *const *mut PyObject) -> *mut PyObject {
    let n = n as isize;
    match kind {
        0 | 1 => {
            let out = if kind == 0 { ffi::PyTuple_New(n) } else { ffi::PyList_New(n) };
            if out.is_null() {
                return out;
            }
            for i in 0..n {
                let x = *items.offset(i);
                ffi::Py_IncRef(x);
                if kind == 0 {
                    ffi::PyTuple_SetItem(out, i, x);
                } else {
                    ffi::PyList_SetItem(out, i, x);
                }
            }
            out
        }
        4 => {
            let parts = rumbo_obj_build(0, n as i64, items);
            if parts.is_null() {
                return parts;
            }
            let empty = ffi::PyUnicode_FromStringAndSize(c"".as_ptr(), 0);
            let out = if empty.is_null() { null_mut() } else { ffi::PyUnicode_Join(empty, parts) };
            ffi::Py_DecRef(empty);
            ffi::Py_DecRef(parts);
            out
        }
        2 => {
            let out = ffi::PySet_New(null_mut());
            for i in 0..n {
                if out.is_null() || ffi::PySet_Add(out, *items.offset(i)) < 0 {
                    ffi::Py_DecRef(out);
                    return null_mut();
                }
            }
            out
        }
        _ => {
            let out = ffi::PyDict_New();
            for i in 0..n {
                if out.is_null() || ffi::PyDict_SetItem(out, *items.offset(2 * i), *items.offset(2 * i + 1)) < 0 {
                    ffi::Py_DecRef(out);
                    return null_mut();
                }
            }
            out
        }
    }
}

/// `a, b = value`: a tuple of exactly `count` items, with CPython's errors.
unsafe extern "C" fn rumbo_obj_unpack(value: *mut PyObject, count: i64) -> *mut PyObject {
    let it = ffi::PyObject_GetIter(value);
    if it.is_null() {
        if ffi::PyErr_ExceptionMatches(ffi::PyExc_TypeError) != 0 {
            ffi::PyErr_Clear();
            set_error(ffi::PyExc_TypeError, &format!("cannot unpack non-iterable {} object", type_name(value)));
        }
        return null_mut();
    }
    let out = ffi::PyTuple_New(count as isize);
    let mut got = 0i64;
    let fail = |msg: Option<String>| {
        if let Some(m) = msg {
            set_error(ffi::PyExc_ValueError, &m);
        }
        ffi::Py_DecRef(out);
        ffi::Py_DecRef(it);
        null_mut()
    };
    while got < count {
        let x = ffi::PyIter_Next(it);
        if x.is_null() {
            if !ffi::PyErr_Occurred().is_null() {
                return fail(None);
            }
            return fail(Some(format!("not enough values to unpack (expected {count}, got {got})")));
        }
        ffi::PyTuple_SetItem(out, got as isize, x);
        got += 1;
    }
    let extra = ffi::PyIter_Next(it);
    if !extra.is_null() {
        ffi::Py_DecRef(extra);
        return fail(Some(format!("too many values to unpack (expected {count})")));
    }
    if !ffi::PyErr_Occurred().is_null() {
        return fail(None);
    }
    ffi::Py_DecRef(it);
    out
}

/// One iterator step: 1 with `*out` set to the item, 0 when exhausted, -1 on error.
unsafe extern "C" fn rumbo_obj_next(it: *mut PyObject, out: *mut *mut PyObject) -> c_int {
    let x = ffi::PyIter_Next(it);
    *out = x;
    if !x.is_null() {
        1
    } else if ffi::PyErr_Occurred().is_null() {
        0
    } else {
        -1
    }
}

/// `raise x(*args)` / `raise x`: a class is instantiated, an instance raised
/// as is (with its traceback), anything else called for the exception.
unsafe extern "C" fn rumbo_obj_raise(x: *mut PyObject, args: *const *mut PyObject, n: i64) {
    if x.is_null() {
        set_error(ffi::PyExc_RuntimeError, "No active exception to reraise");
        return;
    }
    let exc = if ffi::PyExceptionInstance_Check(x) != 0 && n == 0 {
        ffi::Py_IncRef(x);
        x
    } else if ffi::PyCallable_Check(x) != 0 {
        let r = PyObject_Vectorcall(x, args, n as usize, null_mut());
        if r.is_null() {
            return;
        }
        r
    } else {
        set_error(ffi::PyExc_TypeError, "exceptions must derive from BaseException");
        return;
    };
    if ffi::PyExceptionInstance_Check(exc) == 0 {
        ffi::Py_DecRef(exc);
        set_error(ffi::PyExc_TypeError, "exceptions must derive from BaseException");
        return;
    }
    ffi::PyErr_SetObject(ffi::Py_TYPE(exc) as *mut PyObject, exc);
    ffi::Py_DecRef(exc);
}

/// Raises a handled exception again, its traceback kept.
unsafe extern "C" fn rumbo_obj_reraise(exc: *mut PyObject) {
    ffi::PyErr_SetObject(ffi::Py_TYPE(exc) as *mut PyObject, exc);
}

/// Takes the pending exception for an `except` handler: normalized, with its traceback.
unsafe extern "C" fn rumbo_obj_caught() -> *mut PyObject {
    let (mut t, mut v, mut tb) = (null_mut(), null_mut(), null_mut());
    ffi::PyErr_Fetch(&mut t, &mut v, &mut tb);
    if t.is_null() {
        set_error(ffi::PyExc_SystemError, "rumbo: an except handler ran without an exception");
        return null_mut();
    }
    ffi::PyErr_NormalizeException(&mut t, &mut v, &mut tb);
    if !tb.is_null() {
        ffi::PyException_SetTraceback(v, tb);
    }
    ffi::Py_DecRef(t);
    ffi::Py_DecRef(tb);
    v
}

unsafe extern "C" fn rumbo_obj_excmatch(exc: *mut PyObject, class: *mut PyObject) -> c_int {
    ffi::PyErr_GivenExceptionMatches(exc, class)
}

/// `with manager`: (bound `__exit__`, `__enter__()`'s result).
unsafe extern "C" fn rumbo_obj_with_enter(manager: *mut PyObject) -> *mut PyObject {
    let enter = ffi::PyObject_GetAttrString(manager, c"__enter__".as_ptr());
    let exit = if enter.is_null() { null_mut() } else { ffi::PyObject_GetAttrString(manager, c"__exit__".as_ptr()) };
    if exit.is_null() {
        ffi::Py_DecRef(enter);
        if ffi::PyErr_ExceptionMatches(ffi::PyExc_AttributeError) != 0 {
            ffi::PyErr_Clear();
            let msg = format!("'{}' object does not support the context manager protocol", type_name(manager));
            set_error(ffi::PyExc_TypeError, &msg);
        }
        return null_mut();
    }
    let value = ffi::PyObject_CallObject(enter, null_mut());
    ffi::Py_DecRef(enter);
    if value.is_null() {
        ffi::Py_DecRef(exit);
        return null_mut();
    }
    let out = ffi::PyTuple_New(2);
    ffi::PyTuple_SetItem(out, 0, exit);
    ffi::PyTuple_SetItem(out, 1, value);
    out
}

unsafe extern "C" fn rumbo_obj_with_exit(exit: *mut PyObject, exc: *mut PyObject) -> *mut PyObject {
    let none = ffi::Py_None();
    if exc.is_null() {
        let args = [none, none, none];
        return PyObject_Vectorcall(exit, args.as_ptr(), 3, null_mut());
    }
    let mut tb = ffi::PyException_GetTraceback(exc);
    if tb.is_null() {
        ffi::Py_IncRef(none);
        tb = none;
    }
    let args = [ffi::Py_TYPE(exc) as *mut PyObject, exc, tb];
    let r = PyObject_Vectorcall(exit, args.as_ptr(), 3, null_mut());
    ffi::Py_DecRef(tb);
    r
}

/// `list.append` / `set.add` of comprehensions.
unsafe extern "C" fn rumbo_obj_append(container: *mut PyObject, item: *mut PyObject) -> c_int {
    if ffi::PyList_Check(container) != 0 {
        ffi::PyList_Append(container, item)
    } else {
        ffi::PySet_Add(container, item)
    }
}

unsafe extern "C" fn rumbo_obj_unbound(name: *mut PyObject) {
    let msg = format!("cannot access local variable '{}' where it is not associated with a value", repr_name(name));
    set_error(ffi::PyExc_UnboundLocalError, &msg);
}

/// Runs a lifted loop (its dispatcher `d`) on `args`: its results as a tuple,
/// None when it does not compile for these types or an argument is unbound.
unsafe extern "C" fn rumbo_obj_lifted(d: *mut PyObject, args: *const *mut PyObject, n: i64) -> *mut PyObject {
    use pyo3::prelude::*;
    let args = std::slice::from_raw_parts(args, n as usize);
    if args.iter().any(|a| a.is_null()) {
        ffi::Py_IncRef(ffi::Py_None());
        return ffi::Py_None();
    }
    // SAFETY (of the whole block): object code runs with the GIL held.
    let py = Python::assume_attached();
    let Ok(d) = Bound::from_borrowed_ptr(py, d).cast_into::<crate::dispatcher::Dispatcher>() else {
        set_error(ffi::PyExc_SystemError, "rumbo: a lifted loop without its dispatcher");
        return null_mut();
    };
    let args: Vec<Bound<'_, PyAny>> = args.iter().map(|a| Bound::from_borrowed_ptr(py, *a)).collect();
    match crate::dispatcher::Dispatcher::call_lifted(&d, &args) {
        Ok(Some(r)) => r.into_ptr(),
        Ok(None) => {
            ffi::Py_IncRef(ffi::Py_None());
            ffi::Py_None()
        }
        Err(e) => {
            e.restore(py);
            null_mut()
        }
    }
}

/// An f-string part: `format(value, spec)` after the `!s`/`!r`/`!a` conversion.
unsafe extern "C" fn rumbo_obj_format(value: *mut PyObject, conversion: c_int, spec: *mut PyObject) -> *mut PyObject {
    let converted = match conversion as u8 {
        b's' => ffi::PyObject_Str(value),
        b'r' => ffi::PyObject_Repr(value),
        b'a' => ffi::PyObject_ASCII(value),
        _ => {
            ffi::Py_IncRef(value);
            value
        }
    };
    if converted.is_null() {
        return converted;
    }
    let r = ffi::PyObject_Format(converted, spec);
    ffi::Py_DecRef(converted);
    r
}

/// `import` in a function: `__import__` with the function's globals (for relative imports).
unsafe extern "C" fn rumbo_obj_import(consts: *const *mut PyObject, name: *mut PyObject, fromlist: *mut PyObject, level: c_int) -> *mut PyObject {
    ffi::PyImport_ImportModuleLevelObject(name, *consts.add(GLOBALS), null_mut(), fromlist, level)
}

/// `raise exc from cause`: the instance (a class is called) with `__cause__` set.
unsafe extern "C" fn rumbo_obj_with_cause(exc: *mut PyObject, cause: *mut PyObject) -> *mut PyObject {
    let inst = if ffi::PyExceptionClass_Check(exc) != 0 {
        ffi::PyObject_CallObject(exc, null_mut())
    } else {
        ffi::Py_IncRef(exc);
        exc
    };
    if inst.is_null() {
        return inst;
    }
    if ffi::PyExceptionInstance_Check(inst) == 0 {
        ffi::Py_DecRef(inst);
        set_error(ffi::PyExc_TypeError, "exceptions must derive from BaseException");
        return null_mut();
    }
    let cause = if cause == ffi::Py_None() {
        null_mut()
    } else if ffi::PyExceptionClass_Check(cause) != 0 {
        let c = ffi::PyObject_CallObject(cause, null_mut());
        if c.is_null() {
            ffi::Py_DecRef(inst);
            return null_mut();
        }
        c
    } else if ffi::PyExceptionInstance_Check(cause) != 0 {
        ffi::Py_IncRef(cause);
        cause
    } else {
        ffi::Py_DecRef(inst);
        set_error(ffi::PyExc_TypeError, "exception causes must derive from BaseException");
        return null_mut();
    };
    // SetCause steals the reference and sets __suppress_context__.
    ffi::PyException_SetCause(inst, cause);
    inst
}

/// Makes `exc` the handled exception; returns the previous one (None when none).
unsafe extern "C" fn rumbo_obj_set_handled(exc: *mut PyObject) -> *mut PyObject {
    let (mut t, mut v, mut tb) = (null_mut(), null_mut(), null_mut());
    ffi::PyErr_GetExcInfo(&mut t, &mut v, &mut tb);
    ffi::Py_DecRef(t);
    ffi::Py_DecRef(tb);
    let prev = if v.is_null() {
        ffi::Py_IncRef(ffi::Py_None());
        ffi::Py_None()
    } else {
        v
    };
    set_exc_info(exc);
    prev
}

/// Puts back the handled exception `rumbo_obj_set_handled` returned.
unsafe extern "C" fn rumbo_obj_restore_handled(prev: *mut PyObject) {
    set_exc_info(prev);
}

unsafe fn set_exc_info(exc: *mut PyObject) {
    if exc.is_null() || exc == ffi::Py_None() {
        ffi::PyErr_SetExcInfo(null_mut(), null_mut(), null_mut());
        return;
    }
    let t = ffi::Py_TYPE(exc) as *mut PyObject;
    let tb = ffi::PyException_GetTraceback(exc);
    ffi::Py_IncRef(t);
    ffi::Py_IncRef(exc);
    ffi::PyErr_SetExcInfo(t, exc, tb);
}

/// `func(*args, **kwargs)` with unpacking: `flags` is a str with `*` for each
/// positional item to unpack (`.` otherwise); `names` the keywords, `**` for a mapping.
unsafe extern "C" fn rumbo_obj_call_ex(func: *mut PyObject, items: *const *mut PyObject, flags: *mut PyObject, names: *mut PyObject) -> *mut PyObject {
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyList, PyString, PyTuple};
    // SAFETY (of the whole block): object code runs with the GIL held; all pointers are live.
    let py = Python::assume_attached();
    let result = (|| -> PyResult<Py<PyAny>> {
        let flags: String = Bound::from_borrowed_ptr(py, flags).extract()?;
        let names = Bound::from_borrowed_ptr(py, names).cast_into::<PyTuple>().map_err(PyErr::from)?;
        let pos = PyList::empty(py);
        for (i, f) in flags.chars().enumerate() {
            let x = Bound::from_borrowed_ptr(py, *items.add(i));
            if f == '*' {
                for item in x.try_iter()? {
                    pos.append(item?)?;
                }
            } else {
                pos.append(x)?;
            }
        }
        let kw = PyDict::new(py);
        for (j, n) in names.iter().enumerate() {
            let x = Bound::from_borrowed_ptr(py, *items.add(flags.len() + j));
            let n = n.cast_into::<PyString>().map_err(PyErr::from)?;
            if n.to_cow()? == "**" {
                let keys = x.call_method0("keys")?;
                for k in keys.try_iter()? {
                    let k = k?;
                    if kw.contains(&k)? {
                        return Err(pyo3::exceptions::PyTypeError::new_err(format!("got multiple values for keyword argument '{k}'")));
                    }
                    kw.set_item(&k, x.get_item(&k)?)?;
                }
            } else {
                if kw.contains(&n)? {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!("got multiple values for keyword argument '{n}'")));
                }
                kw.set_item(n, x)?;
            }
        }
        let f = Bound::from_borrowed_ptr(py, func);
        Ok(f.call(PyTuple::new(py, pos)?, Some(&kw))?.unbind())
    })();
    match result {
        Ok(r) => r.into_ptr(),
        Err(e) => {
            e.restore(py);
            null_mut()
        }
    }
}

/// `a, *b, c = value`: (`before` items, a list of the middle, `after` items).
unsafe extern "C" fn rumbo_obj_unpack_ex(value: *mut PyObject, before: i64, after: i64) -> *mut PyObject {
    use pyo3::prelude::*;
    use pyo3::types::{PyList, PyTuple};
    // SAFETY (of the whole block): object code runs with the GIL held.
    let py = Python::assume_attached();
    let result = (|| -> PyResult<Py<PyAny>> {
        let v = Bound::from_borrowed_ptr(py, value);
        let items: Vec<Bound<'_, PyAny>> = match v.try_iter() {
            Ok(it) => it.collect::<PyResult<_>>()?,
            Err(_) => return Err(pyo3::exceptions::PyTypeError::new_err(format!("cannot unpack non-iterable {} object", v.get_type().name()?))),
        };
        let (b, a) = (before as usize, after as usize);
        if items.len() < b + a {
            return Err(pyo3::exceptions::PyValueError::new_err(format!("not enough values to unpack (expected at least {}, got {})", b + a, items.len())));
        }
        let mut out: Vec<Bound<'_, PyAny>> = items[..b].to_vec();
        out.push(PyList::new(py, &items[b..items.len() - a])?.into_any());
        out.extend(items[items.len() - a..].iter().cloned());
        Ok(PyTuple::new(py, out)?.into_any().unbind())
    })();
    match result {
        Ok(r) => r.into_ptr(),
        Err(e) => {
            e.restore(py);
            null_mut()
        }
    }
}

/// A tuple (0), list (1) or set (2) display with `*` items: `flags` has `*`
/// for each item to unpack, `.` otherwise.
unsafe extern "C" fn rumbo_obj_build_unpack(kind: c_int, items: *const *mut PyObject, flags: *mut PyObject) -> *mut PyObject {
    use pyo3::prelude::*;
    use pyo3::types::{PyList, PySet, PyTuple};
    // SAFETY (of the whole block): object code runs with the GIL held.
    let py = Python::assume_attached();
    let result = (|| -> PyResult<Py<PyAny>> {
        let flags: String = Bound::from_borrowed_ptr(py, flags).extract()?;
        let list = PyList::empty(py);
        for (i, f) in flags.chars().enumerate() {
            let x = Bound::from_borrowed_ptr(py, *items.add(i));
            if f == '*' {
                for item in x.try_iter()? {
                    list.append(item?)?;
                }
            } else {
                list.append(x)?;
            }
        }
        Ok(match kind {
            0 => PyTuple::new(py, list.iter())?.into_any().unbind(),
            2 => PySet::new(py, list.iter())?.into_any().unbind(),
            _ => list.into_any().unbind(),
        })
    })();
    match result {
        Ok(r) => r.into_ptr(),
        Err(e) => {
            e.restore(py);
            null_mut()
        }
    }
}

/// Releases the references of `n` value slots.
unsafe extern "C" fn rumbo_obj_release(slots: *mut *mut PyObject, n: i64) {
    for i in 0..n as usize {
        let p = *slots.add(i);
        if !p.is_null() {
            *slots.add(i) = null_mut();
            ffi::Py_DecRef(p);
        }
    }
}

/// The helpers by name, for the JIT.
pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_obj_global", rumbo_obj_global as *const () as usize),
        ("rumbo_obj_traceback", rumbo_obj_traceback as *const () as usize),
        ("rumbo_obj_binary", rumbo_obj_binary as *const () as usize),
        ("rumbo_obj_unary", rumbo_obj_unary as *const () as usize),
        ("rumbo_obj_compare", rumbo_obj_compare as *const () as usize),
        ("rumbo_obj_build", rumbo_obj_build as *const () as usize),
        ("rumbo_obj_unpack", rumbo_obj_unpack as *const () as usize),
        ("rumbo_obj_next", rumbo_obj_next as *const () as usize),
        ("rumbo_obj_raise", rumbo_obj_raise as *const () as usize),
        ("rumbo_obj_reraise", rumbo_obj_reraise as *const () as usize),
        ("rumbo_obj_caught", rumbo_obj_caught as *const () as usize),
        ("rumbo_obj_excmatch", rumbo_obj_excmatch as *const () as usize),
        ("rumbo_obj_with_enter", rumbo_obj_with_enter as *const () as usize),
        ("rumbo_obj_with_exit", rumbo_obj_with_exit as *const () as usize),
        ("rumbo_obj_append", rumbo_obj_append as *const () as usize),
        ("rumbo_obj_unbound", rumbo_obj_unbound as *const () as usize),
        ("rumbo_obj_release", rumbo_obj_release as *const () as usize),
        ("rumbo_obj_lifted", rumbo_obj_lifted as *const () as usize),
        ("rumbo_obj_format", rumbo_obj_format as *const () as usize),
        ("rumbo_obj_call_ex", rumbo_obj_call_ex as *const () as usize),
        ("rumbo_obj_unpack_ex", rumbo_obj_unpack_ex as *const () as usize),
        ("rumbo_obj_build_unpack", rumbo_obj_build_unpack as *const () as usize),
        ("rumbo_obj_store_global", rumbo_obj_store_global as *const () as usize),
        ("rumbo_obj_import", rumbo_obj_import as *const () as usize),
        ("rumbo_obj_with_cause", rumbo_obj_with_cause as *const () as usize),
        ("rumbo_obj_set_handled", rumbo_obj_set_handled as *const () as usize),
        ("rumbo_obj_restore_handled", rumbo_obj_restore_handled as *const () as usize),
    ]
}
