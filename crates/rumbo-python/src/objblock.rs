//! `with objmode(...)` blocks of nopython functions: each block's body becomes
//! a Python function (made by `rumbo._objmode.make_block` from the source, so
//! tracebacks show the user's lines), registered at an address that compiled
//! code reaches through a JIT symbol. `rumbo_objmode_call` boxes the inputs,
//! runs the body with the GIL, checks each output against its declared type
//! and unboxes it (arrays copied into NRT memory that compiled code owns).

use crate::values::{box_value, typeof_value, unbox, Slot};
use pyo3::prelude::*;
use pyo3::types::{PyModule, PyTuple};
use rumbo_ir::{Function, Inst};
use rumbo_runtime::ExcRecord;
use rumbo_syntax::SourceFile;
use rumbo_types::{Type, TypedFunction};
use std::cell::RefCell;

/// One compiled objmode block (leaked: compiled code refers to it for ever).
pub(crate) struct ObjmodeEntry {
    func: Py<PyAny>,
    inputs: Vec<Type>,
    outputs: Vec<(String, Type)>,
    /// The declared types as written.
    declared: Vec<String>,
}

/// Class id of the record meaning "the Python exception in [`PENDING`]".
pub(crate) const PENDING_CLASS_ID: u32 = u32::MAX;
static PENDING_RECORD: ExcRecord = ExcRecord { class_id: PENDING_CLASS_ID, has_message: 0, message: std::ptr::null(), message_len: 0 };

thread_local! {
    /// The exception an objmode block raised, until the dispatcher picks it up.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// The pending exception of an objmode block (see [`PENDING_CLASS_ID`]).
pub(crate) fn take_pending() -> Option<PyErr> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// Makes and registers the blocks of a typed function; returns (symbol, address) pairs to define.
pub(crate) fn register_blocks(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    file: &SourceFile,
    func: &Function,
    typed: &TypedFunction,
    symbol: &str,
) -> PyResult<Vec<(String, usize)>> {
    let mut out = vec![];
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        for &v in &func.block(b).insts {
            let Some(Inst::ObjmodeBlock(block)) = func.inst(v) else { continue };
            let outputs: Vec<(String, Type)> = match &typed.types[v.index()] {
                Some(Type::Tuple(items)) => block.outputs.iter().map(|(n, _)| n.clone()).zip(items.iter().cloned()).collect(),
                _ => continue,
            };
            let inputs: Vec<Type> = block.args.iter().map(|a| typed.types[a.index()].clone().unwrap_or(Type::NoneType)).collect();
            let f = block_function(py, py_func, file, block)?;
            let entry = Box::leak(Box::new(ObjmodeEntry { func: f.unbind(), inputs, outputs, declared: block.outputs.iter().map(|(_, t)| t.clone()).collect() }));
            out.push((rumbo_codegen::objmode_block_symbol(symbol, v), entry as *const ObjmodeEntry as usize));
        }
    }
    Ok(out)
}

/// The body of an objmode block as a Python function of its inputs returning its outputs.
pub(crate) fn block_function<'py>(py: Python<'py>, py_func: &Bound<'py, PyAny>, file: &SourceFile, block: &rumbo_ir::ObjmodeBlock) -> PyResult<Bound<'py, PyAny>> {
    let names: Vec<&str> = block.outputs.iter().map(|(n, _)| n.as_str()).collect();
    let maker = PyModule::import(py, "rumbo._objmode")?.getattr("make_block")?;
    let lines: Vec<&str> = (block.lines.0..=block.lines.1).map(|l| file.line(l).unwrap_or("")).collect();
    maker.call1((py_func, &file.filename, block.lines.0, lines, block.inputs.clone(), names))
}

fn run(py: Python<'_>, entry: &ObjmodeEntry, ins: &[Slot], outs: &mut [Slot]) -> PyResult<()> {
    let mut k = 0;
    let args = entry.inputs.iter().map(|t| box_value(py, t, ins, &mut k)).collect::<PyResult<Vec<_>>>()?;
    let result = entry.func.bind(py).call1(PyTuple::new(py, args)?)?;
    let result = result.cast::<PyTuple>().map_err(PyErr::from)?;
    let mut slots: Vec<Slot> = vec![];
    let mut starts = vec![];
    for ((obj, (name, t)), text) in result.iter().zip(&entry.outputs).zip(&entry.declared) {
        let fits = match (typeof_value(&obj), t) {
            (Some(Type::Array { dtype: d1, ndim: n1, .. }), Type::Array { dtype: d2, ndim: n2, .. }) => d1 == *d2 && n1 == *n2,
            (Some(actual), t) => !t.is_array() && crate::values::conversion_cost(&actual, t).is_some(),
            (None, _) => false,
        };
        if !fits {
            let actual = match typeof_value(&obj) {
                Some(a) => a.to_string(),
                None => format!("a Python {}", obj.get_type().name()?),
            };
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "objmode block: `{name}` is declared '{text}' ({t}), but the block left it as {actual}"
            )));
        }
        if t.is_array() {
            copy_array(py, &obj, &mut slots)?;
        } else {
            unbox(&obj, t, &mut slots, &mut starts)?;
        }
    }
    outs[..slots.len()].copy_from_slice(&slots);
    Ok(())
}

/// The ndarray's data copied into new NRT memory, as the slots of a C-contiguous array struct.
fn copy_array(py: Python<'_>, obj: &Bound<'_, PyAny>, out: &mut Vec<Slot>) -> PyResult<()> {
    let np = PyModule::import(py, "numpy")?;
    let arr = np.getattr("ascontiguousarray")?.call1((obj,))?;
    let shape: Vec<i64> = arr.getattr("shape")?.extract()?;
    let itemsize: i64 = arr.getattr("itemsize")?.extract()?;
    let nbytes: i64 = arr.getattr("nbytes")?.extract()?;
    let src: usize = arr.getattr("ctypes")?.getattr("data")?.extract()?;
    let mi = rumbo_runtime::rumbo_nrt_allocate(nbytes);
    if mi.is_null() {
        return Err(pyo3::exceptions::PyMemoryError::new_err("objmode block: no memory for an output array"));
    }
    // SAFETY: a fresh MemInfo of `nbytes` bytes; `src` is the contiguous array's data of the same size.
    let data = unsafe {
        let data = (*mi).data;
        std::ptr::copy_nonoverlapping(src as *const u8, data, nbytes as usize);
        data
    };
    let mut strides = vec![0i64; shape.len()];
    let mut step = itemsize;
    for i in (0..shape.len()).rev() {
        strides[i] = step;
        step *= shape[i].max(1);
    }
    let nitems: i64 = shape.iter().product();
    let mut words: Vec<u64> = vec![mi as u64, 0, nitems as u64, itemsize as u64, data as u64];
    words.extend(shape.iter().map(|s| *s as u64));
    words.extend(strides.iter().map(|s| *s as u64));
    for pair in words.chunks(2) {
        let mut s: Slot = [0; 16];
        s[..8].copy_from_slice(&pair[0].to_ne_bytes());
        if let Some(w) = pair.get(1) {
            s[8..].copy_from_slice(&w.to_ne_bytes());
        }
        out.push(s);
    }
    Ok(())
}

/// Called by compiled code (possibly without the GIL): 0, or 1 with `*exc` set.
///
/// # Safety
/// `entry` was registered by [`register_blocks`]; `ins`/`outs` hold the slots
/// of its inputs and outputs; `exc` is the caller's exception slot.
pub(crate) unsafe extern "C" fn rumbo_objmode_call(entry: *const ObjmodeEntry, ins: *const Slot, outs: *mut Slot, exc: *mut *const ExcRecord) -> i32 {
    let entry = &*entry;
    let n_in: usize = entry.inputs.iter().map(rumbo_types::abi_slot_count).sum();
    let n_out: usize = entry.outputs.iter().map(|(_, t)| rumbo_types::abi_slot_count(t)).sum();
    let ins = std::slice::from_raw_parts(ins, n_in);
    let outs = std::slice::from_raw_parts_mut(outs, n_out);
    Python::attach(|py| match run(py, entry, ins, outs) {
        Ok(()) => 0,
        Err(err) => {
            PENDING.with(|p| *p.borrow_mut() = Some(err));
            *exc = &PENDING_RECORD;
            1
        }
    })
}
