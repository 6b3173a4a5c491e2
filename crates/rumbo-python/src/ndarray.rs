//! Arrays back to Python: ndarrays over compiled code's memory, without copies.
//! NRT arrays get an owner object as their base (it holds the MemInfo
//! reference); views of arrays that came from Python keep that array as base.

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use rumbo_runtime::MemInfo;
use rumbo_types::Type;
use std::ffi::c_void;
use std::sync::OnceLock;

/// Holds one reference to NRT memory for the ndarray whose base it is.
#[pyclass(frozen, module = "rumbo._core")]
pub(crate) struct NrtOwner {
    meminfo: usize,
}

impl Drop for NrtOwner {
    fn drop(&mut self) {
        // SAFETY: the owner holds exactly one reference to a live MemInfo.
        unsafe { rumbo_runtime::rumbo_nrt_decref(self.meminfo as *mut MemInfo) }
    }
}

/// NumPy's C API table (the `_ARRAY_API` capsule).
fn array_api(py: Python<'_>) -> PyResult<usize> {
    static API: OnceLock<usize> = OnceLock::new();
    if let Some(a) = API.get() {
        return Ok(*a);
    }
    let module = py.import("numpy._core._multiarray_umath").or_else(|_| py.import("numpy.core._multiarray_umath"))?;
    let capsule = module.getattr("_ARRAY_API")?;
    // SAFETY: _ARRAY_API is a capsule holding the API table pointer.
    let table = unsafe { ffi::PyCapsule_GetPointer(capsule.as_ptr(), std::ptr::null()) };
    if table.is_null() {
        return Err(PyRuntimeError::new_err("NumPy's C API is unavailable"));
    }
    Ok(*API.get_or_init(|| table as usize))
}

fn api_slot(table: usize, index: usize) -> *const c_void {
    // SAFETY: the table has more than 300 entries in NumPy 1.x and 2.x.
    unsafe { *(table as *const *const c_void).add(index) }
}

const API_ARRAY_TYPE: usize = 2;
const API_DESCR_FROM_TYPE: usize = 45;
const API_NEW_FROM_DESCR: usize = 94;
const API_SET_BASE_OBJECT: usize = 282;
const NPY_WRITEABLE_ALIGNED: i32 = 0x400 | 0x100;

type DescrFromType = unsafe extern "C" fn(i32) -> *mut ffi::PyObject;
type NewFromDescr = unsafe extern "C" fn(
    *mut ffi::PyTypeObject,
    *mut ffi::PyObject,
    i32,
    *const isize,
    *const isize,
    *mut c_void,
    i32,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;
type SetBaseObject = unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> i32;

pub(crate) fn type_num(t: &Type) -> i32 {
    match t {
        Type::Bool => 0,
        Type::Int { bits: 8, signed: true } => 1,
        Type::Int { bits: 8, .. } => 2,
        Type::Int { bits: 16, signed: true } => 3,
        Type::Int { bits: 16, .. } => 4,
        Type::Int { bits: 32, signed: true } => 5,
        Type::Int { bits: 32, .. } => 6,
        Type::Int { signed: true, .. } => 7,
        Type::Int { .. } => 8,
        Type::Float { bits: 32 } => 11,
        Type::Float { .. } => 12,
        Type::Complex { bits: 64 } => 14,
        _ => 15,
    }
}

/// An ndarray for the array struct `words` (Numba's data model) of type `t`,
/// taking over the struct's reference to its memory.
pub(crate) fn box_array(py: Python<'_>, t: &Type, words: &[u64]) -> PyResult<Py<PyAny>> {
    let Type::Array { dtype, ndim, readonly, .. } = t else { return Err(PyRuntimeError::new_err("not an array")) };
    let n = *ndim as usize;
    let words = &words[..5 + 2 * n];
    let (meminfo, parent, data) = (words[0] as usize, words[1] as usize, words[4] as usize);
    let shape: Vec<isize> = words[5..5 + n].iter().map(|w| *w as isize).collect();
    let strides: Vec<isize> = words[5 + n..5 + 2 * n].iter().map(|w| *w as isize).collect();
    if meminfo == 0 && parent != 0 && crate::values::same_array(parent, dtype, &words[4..], n) {
        // The argument itself, unchanged: hand back the same object, as Numba does.
        // SAFETY: parent is the ndarray this array came from, alive for the call.
        return Ok(unsafe { Bound::from_borrowed_ptr(py, parent as *mut ffi::PyObject) }.unbind());
    }
    let table = array_api(py)?;
    // SAFETY: the API table entries have the documented C signatures.
    unsafe {
        let descr_from_type: DescrFromType = std::mem::transmute(api_slot(table, API_DESCR_FROM_TYPE));
        let new_from_descr: NewFromDescr = std::mem::transmute(api_slot(table, API_NEW_FROM_DESCR));
        let set_base: SetBaseObject = std::mem::transmute(api_slot(table, API_SET_BASE_OBJECT));
        let array_type = api_slot(table, API_ARRAY_TYPE) as *mut ffi::PyTypeObject;
        let descr = descr_from_type(type_num(dtype));
        if descr.is_null() {
            return Err(PyErr::fetch(py));
        }
        let flags = if *readonly { 0x100 } else { NPY_WRITEABLE_ALIGNED };
        let arr = new_from_descr(array_type, descr, n as i32, shape.as_ptr(), strides.as_ptr(), data as *mut c_void, flags, std::ptr::null_mut());
        if arr.is_null() {
            if meminfo != 0 {
                rumbo_runtime::rumbo_nrt_decref(meminfo as *mut MemInfo);
            }
            return Err(PyErr::fetch(py));
        }
        let base: *mut ffi::PyObject = if meminfo != 0 {
            Py::new(py, NrtOwner { meminfo })?.into_ptr()
        } else if parent != 0 {
            ffi::Py_IncRef(parent as *mut ffi::PyObject);
            parent as *mut ffi::PyObject
        } else {
            std::ptr::null_mut()
        };
        if !base.is_null() && set_base(arr, base) != 0 {
            ffi::Py_DecRef(arr);
            return Err(PyErr::fetch(py));
        }
        Ok(Bound::from_owned_ptr(py, arr).unbind())
    }
}

/// (allocations, frees) of NRT memory, for leak tests.
#[pyfunction]
pub(crate) fn nrt_stats() -> (u64, u64) {
    rumbo_runtime::nrt_stats()
}
