//! `rumbo._core`: the Python face of the compiler. The only crate that touches
//! PyO3: it reads CPython's `ast`, drives the pipeline, and dispatches calls.

mod cache;
mod cfunc;
mod compile;
mod dispatcher;
mod dumps;
mod exceptions;
mod fingerprint;
mod frontend;
mod globals;
mod ndarray;
mod objblock;
mod objmode;
mod objmode_rt;
mod typecode;
mod values;

use pyo3::prelude::*;

/// Host facts for reports: (triple, cpu, features, vector library).
#[pyfunction]
fn host_info() -> (String, String, String, Option<String>) {
    let h = rumbo_jit::JitSession::global().host_info();
    (h.triple, h.cpu, h.features, h.vector_library)
}

/// The libmvec entry points the vectorizer may call (they vary with glibc): part of cache keys.
#[pyfunction]
fn vector_math_variants() -> Vec<String> {
    rumbo_jit::JitSession::global().vector_math_variants()
}

/// `print(...)` from compiled code: values arrive as tagged 16-byte slots and
/// are printed by Python's own print (so formatting is Python's), with the GIL
/// taken for that moment (compiled code may run without it).
///
/// # Safety
/// `kinds` and `slots` hold `n` entries written by codegen's print.
pub(crate) unsafe extern "C" fn rumbo_print(n: i64, kinds: *const i32, slots: *const [u8; 16]) {
    Python::attach(|py| {
        let mut items: Vec<Py<PyAny>> = vec![];
        let mut open: Vec<Vec<Py<PyAny>>> = vec![];
        for k in 0..n.max(0) as usize {
            let s = &*slots.add(k);
            let word = |i: usize| u64::from_ne_bytes(s[8 * i..8 * i + 8].try_into().unwrap());
            let obj: Option<Py<PyAny>> = match *kinds.add(k) {
                0 => Some(pyo3::types::PyBool::new(py, word(0) != 0).to_owned().into_any().unbind()),
                1 => (word(0) as i64).into_pyobject(py).ok().map(|o| o.into_any().unbind()),
                2 => word(0).into_pyobject(py).ok().map(|o| o.into_any().unbind()),
                3 => f64::from_bits(word(0)).into_pyobject(py).ok().map(|o| o.into_any().unbind()),
                4 => Some(pyo3::types::PyComplex::from_doubles(py, f64::from_bits(word(0)), f64::from_bits(word(1))).into_any().unbind()),
                5 => {
                    let bytes = std::slice::from_raw_parts(word(0) as *const u8, word(1) as usize);
                    Some(pyo3::types::PyString::new(py, &String::from_utf8_lossy(bytes)).into_any().unbind())
                }
                7 => {
                    open.push(std::mem::take(&mut items));
                    None
                }
                8 => {
                    let inner = std::mem::replace(&mut items, open.pop().unwrap_or_default());
                    pyo3::types::PyTuple::new(py, inner).ok().map(|t| t.into_any().unbind())
                }
                _ => Some(py.None()),
            };
            if let Some(o) = obj {
                items.push(o);
            }
        }
        let printed = py
            .import("builtins")
            .and_then(|b| b.getattr("print"))
            .and_then(|p| pyo3::types::PyTuple::new(py, items).and_then(|t| p.call1(t)));
        if let Err(err) = printed {
            err.print(py);
        }
    })
}

/// Registers the CBLAS routines compiled code calls for np.dot and @.
#[pyfunction]
fn set_blas(routines: Vec<(String, usize)>, ilp64: bool) {
    let refs: Vec<(&str, usize)> = routines.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    rumbo_runtime::set_blas(&refs, ilp64);
}

/// The thread count of parallel regions started from this thread (Numba's
/// `get_num_threads`), the pool's size, and this thread's id in a region.
#[pyfunction]
fn thread_info() -> (usize, usize, i64) {
    (rumbo_runtime::num_threads(), rumbo_runtime::max_threads(), rumbo_runtime::thread_id())
}

#[pyfunction]
fn set_num_threads(n: usize) -> PyResult<()> {
    rumbo_runtime::set_num_threads(n).map_err(pyo3::exceptions::PyValueError::new_err)
}

/// Numba's `set_parallel_chunksize`/`get_parallel_chunksize` (this thread's regions).
#[pyfunction]
fn parallel_chunksize(n: Option<i64>) -> i64 {
    match n {
        Some(n) => rumbo_runtime::set_parallel_chunksize(n),
        None => rumbo_runtime::parallel_chunksize(),
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<dispatcher::Dispatcher>()?;
    m.add_function(wrap_pyfunction!(host_info, m)?)?;
    m.add_function(wrap_pyfunction!(vector_math_variants, m)?)?;
    dumps::register(m)?;
    m.add_function(wrap_pyfunction!(ndarray::nrt_stats, m)?)?;
    m.add_function(wrap_pyfunction!(set_blas, m)?)?;
    m.add_function(wrap_pyfunction!(thread_info, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(parallel_chunksize, m)?)?;
    m.add_function(wrap_pyfunction!(cfunc::cfunc_address, m)?)?;
    m.add_class::<ndarray::NrtOwner>()?;
    m.add_function(wrap_pyfunction!(cache::cache_entry_info, m)?)?;
    Ok(())
}
