//! `@cfunc`: the address of a C-callable entry for one specialization.

use crate::dispatcher::Dispatcher;
use pyo3::prelude::*;
use rumbo_jit::{DumpRequest, JitSession};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// C entries made in this process, by name: (address).
static ENTRIES: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

/// `_core.cfunc_address(dispatcher, arg_types)`: compiles `dispatcher` for the argument
/// types (names such as "float64") if needed, then a C entry for it; returns its address
/// and symbol name.
#[pyfunction]
pub(crate) fn cfunc_address(dispatcher: &Bound<'_, Dispatcher>, args: Vec<String>) -> PyResult<(usize, String)> {
    let py = dispatcher.py();
    let types = args
        .iter()
        .map(|a| rumbo_types::parse_type(a).map_err(|e| pyo3::exceptions::PyTypeError::new_err(e.render(a))))
        .collect::<PyResult<Vec<_>>>()?;
    let spec = Dispatcher::specialization_for(dispatcher, &types)?;
    let name = format!("{}$cfunc", spec.symbol);
    if let Some(&addr) = ENTRIES.lock().unwrap().get(&name) {
        return Ok((addr, name));
    }
    let session = JitSession::global();
    crate::compile::ensure_runtime_symbols(session);
    let (native, arg_types, ret) = (spec.symbol.clone(), spec.arg_types.clone(), spec.ret.clone());
    let addr = py
        .detach(|| {
            session
                .compile(2, DumpRequest::default(), |ctx| rumbo_codegen::emit_cfunc_module(ctx, &name, &native, &arg_types, &ret))
                .map_err(|e| e.to_string())?;
            session.lookup(&name).map_err(|e| e.to_string())
        })
        .map_err(pyo3::exceptions::PyTypeError::new_err)?;
    ENTRIES.lock().unwrap().insert(name.clone(), addr);
    Ok((addr, name))
}
