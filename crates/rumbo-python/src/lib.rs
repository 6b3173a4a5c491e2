//! `rumbo._core`: the Python face of the compiler. The only crate that touches
//! PyO3: it reads CPython's `ast`, drives the pipeline, and dispatches calls.

mod compile;
mod dispatcher;
mod dumps;
mod exceptions;
mod frontend;
mod globals;
mod ndarray;
mod values;

use pyo3::prelude::*;

/// Host facts for reports: (triple, cpu, features, vector library).
#[pyfunction]
fn host_info() -> (String, String, String, Option<String>) {
    let h = rumbo_jit::JitSession::global().host_info();
    (h.triple, h.cpu, h.features, h.vector_library)
}

/// Registers the CBLAS routines compiled code calls for np.dot and @.
#[pyfunction]
fn set_blas(routines: Vec<(String, usize)>, ilp64: bool) {
    let refs: Vec<(&str, usize)> = routines.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    rumbo_runtime::set_blas(&refs, ilp64);
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<dispatcher::Dispatcher>()?;
    m.add_function(wrap_pyfunction!(host_info, m)?)?;
    dumps::register(m)?;
    m.add_function(wrap_pyfunction!(ndarray::nrt_stats, m)?)?;
    m.add_function(wrap_pyfunction!(set_blas, m)?)?;
    m.add_class::<ndarray::NrtOwner>()?;
    Ok(())
}
