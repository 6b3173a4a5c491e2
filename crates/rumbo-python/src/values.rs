//! Python values at the boundary: the rumbo type of an argument, unboxing into
//! the uniform ABI's 16-byte leaf slots, and boxing results back.

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyTuple};
use rumbo_types::{Layout, Type, F32, F64, C128, C64, I16, I32, I64, I8, U16, U32, U64, U8};

pub(crate) type Slot = [u8; rumbo_types::ABI_SLOT_BYTES];

/// The rumbo type of a Python value passed as an argument, if it has one.
pub(crate) fn typeof_value(obj: &Bound<'_, PyAny>) -> Option<Type> {
    // None and strings are compile-time values: each string is its own
    // specialization (as a literal), and neither passes any data.
    if obj.is_none() {
        return Some(Type::NoneType);
    }
    if let Ok(s) = obj.cast::<pyo3::types::PyString>() {
        return Some(Type::StrLiteral(s.to_string()));
    }
    if obj.is_instance_of::<PyBool>() {
        return Some(Type::Bool);
    }
    if obj.is_instance_of::<PyInt>() {
        return if obj.extract::<i64>().is_ok() {
            Some(I64)
        } else if obj.extract::<u64>().is_ok() {
            Some(U64)
        } else {
            None
        };
    }
    if obj.is_instance_of::<PyFloat>() {
        return Some(F64);
    }
    if obj.is_instance_of::<PyComplex>() {
        return Some(C128);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|x| typeof_value(&x)).collect::<Option<Vec<_>>>().map(Type::Tuple);
    }
    if let Some(t) = ndarray_type(obj) {
        return Some(t);
    }
    numpy_scalar_type(obj)
}

// Offsets into NumPy's PyArrayObject and PyArray_Descr, the same in NumPy 1.x
// and 2.x on 64-bit platforms (the fields Numba's unboxing reads too).
const ARR_DATA: usize = 16;
const ARR_ND: usize = 24;
const ARR_DIMS: usize = 32;
const ARR_STRIDES: usize = 40;
const ARR_DESCR: usize = 56;
const ARR_FLAGS: usize = 64;
const DESCR_BYTEORDER: usize = 26;
const DESCR_TYPE_NUM: usize = 28;
const NPY_C_CONTIGUOUS: i32 = 0x1;
const NPY_F_CONTIGUOUS: i32 = 0x2;
const NPY_WRITEABLE: i32 = 0x400;

static NDARRAY_TYPE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// `numpy.ndarray`, once NumPy has been imported by the program.
fn ndarray_type_ptr(py: Python<'_>) -> Option<usize> {
    if let Some(p) = NDARRAY_TYPE.get() {
        return Some(*p);
    }
    let sys = py.import("sys").ok()?;
    let modules = sys.getattr("modules").ok()?;
    let np = modules.get_item("numpy").ok()?;
    let t = np.getattr("ndarray").ok()?;
    let p = t.as_ptr() as usize;
    // The type object lives as long as the numpy module, i.e. the process.
    std::mem::forget(t.unbind());
    Some(*NDARRAY_TYPE.get_or_init(|| p))
}

fn read_at<T: Copy>(base: *const u8, off: usize) -> T {
    // SAFETY: callers pass a live ndarray or descr and offsets of its C struct.
    unsafe { std::ptr::read_unaligned(base.add(off) as *const T) }
}

fn type_num_dtype(num: i32) -> Option<Type> {
    Some(match num {
        0 => Type::Bool,
        1 => I8,
        2 => U8,
        3 => I16,
        4 => U16,
        5 => I32,
        6 => U32,
        7 | 9 => I64,
        8 | 10 => U64,
        11 => F32,
        12 => F64,
        14 => C64,
        15 => C128,
        _ => return None,
    })
}

/// The array type of an ndarray (native byte order, supported dtype), if it is one.
pub(crate) fn ndarray_type(obj: &Bound<'_, PyAny>) -> Option<Type> {
    let nd_t = ndarray_type_ptr(obj.py())?;
    // SAFETY: obj is a live object; PyObject_TypeCheck handles subclasses.
    let is_array = unsafe { pyo3::ffi::PyObject_TypeCheck(obj.as_ptr(), nd_t as *mut pyo3::ffi::PyTypeObject) } != 0;
    if !is_array {
        return None;
    }
    let base = obj.as_ptr() as *const u8;
    let nd: i32 = read_at(base, ARR_ND);
    let flags: i32 = read_at(base, ARR_FLAGS);
    let descr: *const u8 = read_at(base, ARR_DESCR);
    let byteorder: u8 = read_at(descr, DESCR_BYTEORDER);
    if byteorder == b'>' {
        return None;
    }
    let dtype = type_num_dtype(read_at(descr, DESCR_TYPE_NUM))?;
    let layout = if flags & NPY_C_CONTIGUOUS != 0 {
        Layout::C
    } else if flags & NPY_F_CONTIGUOUS != 0 {
        Layout::F
    } else {
        Layout::A
    };
    Some(Type::Array { dtype: Box::new(dtype), ndim: nd as u8, layout, readonly: flags & NPY_WRITEABLE == 0 })
}

/// Whether `obj` is exactly an ndarray of array type `t` (or, with
/// `any_layout`, of any layout passable as `t`), read in place without allocating.
pub(crate) fn ndarray_matches(py: Python<'_>, obj: *mut pyo3::ffi::PyObject, t: &Type, any_layout: bool) -> bool {
    let Type::Array { dtype, ndim, layout, readonly } = t else { return false };
    let Some(nd_t) = ndarray_type_ptr(py) else { return false };
    // SAFETY: obj is a live object.
    if unsafe { pyo3::ffi::Py_TYPE(obj) } as usize != nd_t {
        return false;
    }
    let base = obj as *const u8;
    let nd: i32 = read_at(base, ARR_ND);
    let flags: i32 = read_at(base, ARR_FLAGS);
    let descr: *const u8 = read_at(base, ARR_DESCR);
    if nd != *ndim as i32 || read_at::<u8>(descr, DESCR_BYTEORDER) == b'>' {
        return false;
    }
    if type_num_dtype(read_at(descr, DESCR_TYPE_NUM)).as_ref() != Some(&**dtype) {
        return false;
    }
    let actual_layout = if flags & NPY_C_CONTIGUOUS != 0 {
        Layout::C
    } else if flags & NPY_F_CONTIGUOUS != 0 {
        Layout::F
    } else {
        Layout::A
    };
    let actual_readonly = flags & NPY_WRITEABLE == 0;
    let layout_ok = actual_layout == *layout || (any_layout && *layout == Layout::A);
    let readonly_ok = actual_readonly == *readonly || (any_layout && *readonly);
    layout_ok && readonly_ok
}

/// Writes Numba's array struct of the ndarray `obj` (checked by
/// `ndarray_matches`) into consecutive 16-byte slots; returns the slots used.
pub(crate) fn write_array_struct(obj: *mut pyo3::ffi::PyObject, t: &Type, out: &mut [Slot]) -> Option<usize> {
    let Type::Array { dtype, ndim, .. } = t else { return None };
    let n = *ndim as usize;
    let words = 5 + 2 * n;
    let used = words.div_ceil(2);
    if used > out.len() {
        return None;
    }
    let base = obj as *const u8;
    let dims: *const i64 = read_at(base, ARR_DIMS);
    let strides: *const i64 = read_at(base, ARR_STRIDES);
    let mut put = |k: usize, w: u64| {
        let slot = &mut out[k / 2];
        slot[(k % 2) * 8..(k % 2) * 8 + 8].copy_from_slice(&w.to_ne_bytes());
    };
    let mut nitems: i64 = 1;
    for k in 0..n {
        // SAFETY: dims and strides hold `nd` entries.
        let (d, st) = unsafe { (*dims.add(k), *strides.add(k)) };
        nitems *= d;
        put(5 + k, d as u64);
        put(5 + n + k, st as u64);
    }
    put(0, 0);
    put(1, obj as u64);
    put(2, nitems as u64);
    put(3, rumbo_types::dtype_size(dtype));
    put(4, read_at::<*const u8>(base, ARR_DATA) as u64);
    Some(used)
}

/// Whether the ndarray at `obj` has exactly this dtype, data pointer, shape and
/// strides (`rest` = data, shape[n], strides[n]); reads its fields in place.
pub(crate) fn same_array(obj: usize, dtype: &Type, rest: &[u64], n: usize) -> bool {
    let base = obj as *const u8;
    let nd: i32 = read_at(base, ARR_ND);
    if nd as usize != n || read_at::<*const u8>(base, ARR_DATA) as u64 != rest[0] {
        return false;
    }
    let descr: *const u8 = read_at(base, ARR_DESCR);
    if type_num_dtype(read_at(descr, DESCR_TYPE_NUM)).as_ref() != Some(dtype) {
        return false;
    }
    let dims: *const i64 = read_at(base, ARR_DIMS);
    let strides: *const i64 = read_at(base, ARR_STRIDES);
    // SAFETY: dims and strides hold `nd` entries.
    (0..n).all(|k| unsafe { *dims.add(k) as u64 == rest[1 + k] && *strides.add(k) as u64 == rest[1 + n + k] })
}

/// Numba's array struct for an ndarray: meminfo (none: Python owns the memory),
/// parent, nitems, itemsize, data, shape, strides — as 64-bit words.
pub(crate) fn array_words(obj: &Bound<'_, PyAny>, t: &Type) -> Vec<u64> {
    let Type::Array { dtype, ndim, .. } = t else { return vec![] };
    let base = obj.as_ptr() as *const u8;
    let n = *ndim as usize;
    let dims: *const i64 = read_at(base, ARR_DIMS);
    let strides: *const i64 = read_at(base, ARR_STRIDES);
    let data: *const u8 = read_at(base, ARR_DATA);
    let mut words = vec![0u64, base as u64, 0, rumbo_types::dtype_size(dtype), data as u64];
    let mut nitems: i64 = 1;
    for k in 0..n {
        // SAFETY: dims/strides hold `nd` entries.
        let d = unsafe { *dims.add(k) };
        nitems *= d;
        words.push(d as u64);
    }
    for k in 0..n {
        // SAFETY: as above.
        words.push(unsafe { *strides.add(k) } as u64);
    }
    words[2] = nitems as u64;
    words
}

/// NumPy scalars (np.float32(1), np.int8(3), ...) by their dtype name.
fn numpy_scalar_type(obj: &Bound<'_, PyAny>) -> Option<Type> {
    if let Some(nd) = ndarray_type_ptr(obj.py()) {
        // An ndarray rumbo cannot take (e.g. non-native byte order) is not a scalar either.
        // SAFETY: obj is a live object.
        if unsafe { pyo3::ffi::PyObject_TypeCheck(obj.as_ptr(), nd as *mut pyo3::ffi::PyTypeObject) } != 0 {
            return None;
        }
    }
    let ty = obj.get_type();
    let module = ty.getattr("__module__").ok()?;
    if module.extract::<String>().ok()? != "numpy" {
        return None;
    }
    let name: String = obj.getattr("dtype").ok()?.getattr("name").ok()?.extract().ok()?;
    dtype_type(&name)
}

pub(crate) fn dtype_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "int8" => I8,
        "int16" => I16,
        "int32" => I32,
        "int64" => I64,
        "uint8" => U8,
        "uint16" => U16,
        "uint32" => U32,
        "uint64" => U64,
        "float32" => F32,
        "float64" => F64,
        "complex64" => C64,
        "complex128" => C128,
        _ => return None,
    })
}

/// The cost of passing a value of type `from` where `to` is declared, as
/// Numba ranks conversions: exact 0, promotion 1, safe 2, unsafe 3; `None`
/// when there is no conversion (complex to real, tuples of other lengths).
pub(crate) fn conversion_cost(from: &Type, to: &Type) -> Option<u32> {
    if from == to {
        return Some(0);
    }
    Some(match (from, to) {
        (Type::Tuple(a), Type::Tuple(b)) if a.len() == b.len() => {
            return a.iter().zip(b).map(|(x, y)| conversion_cost(x, y)).sum();
        }
        (Type::Bool, t) if t.is_number() => 2,
        (Type::Int { bits: a, signed: sa }, Type::Int { bits: b, signed: sb }) => {
            if sa == sb && a <= b {
                1
            } else if !sa && *sb && a < b {
                2
            } else {
                3
            }
        }
        (Type::Int { .. }, Type::Float { .. } | Type::Complex { .. }) => 2,
        (Type::Float { bits: a }, Type::Float { bits: b }) => {
            if a <= b {
                1
            } else {
                3
            }
        }
        (Type::Float { .. }, Type::Int { .. } | Type::Bool) => 3,
        (Type::Float { .. }, Type::Complex { .. }) => 2,
        (Type::Complex { bits: a }, Type::Complex { bits: b }) => {
            if a <= b {
                1
            } else {
                3
            }
        }
        // Any layout passes as 'A'; a writable array passes where read-only is declared.
        (
            Type::Array { dtype: d1, ndim: n1, layout: l1, readonly: r1 },
            Type::Array { dtype: d2, ndim: n2, layout: l2, readonly: r2 },
        ) if d1 == d2 && n1 == n2 && (l1 == l2 || *l2 == rumbo_types::Layout::A) && (!r1 || *r2) => 1,
        _ => return None,
    })
}

fn write<T: Copy>(slot: &mut Slot, v: T) {
    // SAFETY: every leaf type fits in a 16-byte slot.
    unsafe { std::ptr::write_unaligned(slot.as_mut_ptr() as *mut T, v) }
}

fn read<T: Copy>(slot: &Slot) -> T {
    // SAFETY: the slot was written by compiled code as a `T`.
    unsafe { std::ptr::read_unaligned(slot.as_ptr() as *const T) }
}

/// Writes the leaves of `obj`, converted to `t`, into `out`, recording where
/// each leaf starts (arrays take several slots).
pub(crate) fn unbox(obj: &Bound<'_, PyAny>, t: &Type, out: &mut Vec<Slot>, starts: &mut Vec<usize>) -> PyResult<()> {
    let mut slot: Slot = [0; 16];
    match t {
        Type::Array { .. } => {
            match ndarray_type(obj) {
                Some(actual) if conversion_cost(&actual, t).is_some() => {}
                _ => return Err(PyTypeError::new_err(format!("expected {t}"))),
            }
            let words = array_words(obj, t);
            starts.push(out.len());
            for pair in words.chunks(2) {
                let mut s: Slot = [0; 16];
                s[..8].copy_from_slice(&pair[0].to_ne_bytes());
                if let Some(w) = pair.get(1) {
                    s[8..].copy_from_slice(&w.to_ne_bytes());
                }
                out.push(s);
            }
            return Ok(());
        }
        Type::NoneType if obj.is_none() => return Ok(()),
        Type::StrLiteral(s) if obj.extract::<String>().is_ok_and(|x| &x == s) => return Ok(()),
        Type::NoneType | Type::StrLiteral(_) => return Err(PyTypeError::new_err(format!("expected {t}"))),
        Type::Tuple(items) => {
            let tup = obj.cast::<PyTuple>().map_err(|_| PyTypeError::new_err(format!("expected a tuple for {t}")))?;
            if tup.len() != items.len() {
                return Err(PyTypeError::new_err(format!("expected a tuple of {} items", items.len())));
            }
            for (x, it) in tup.iter().zip(items) {
                unbox(&x, it, out, starts)?;
            }
            return Ok(());
        }
        Type::Bool => write(&mut slot, obj.is_truthy()? as u8),
        Type::Int { bits, signed } => {
            let v: i128 = match obj.extract::<i128>() {
                Ok(v) => v,
                Err(_) => obj.call_method0("__int__")?.extract::<i128>()?,
            };
            let fits = if *signed {
                v >= -(1i128 << (bits - 1)) && v < (1i128 << (bits - 1))
            } else {
                v >= 0 && v < (1i128 << bits)
            };
            if !fits && *bits == 64 {
                return Err(PyOverflowError::new_err(format!("Python int too large to convert to {t}")));
            }
            match bits {
                8 => write(&mut slot, v as u8),
                16 => write(&mut slot, v as u16),
                32 => write(&mut slot, v as u32),
                _ => write(&mut slot, v as u64),
            }
        }
        Type::Float { bits: 32 } => write(&mut slot, obj.extract::<f64>()? as f32),
        Type::Float { .. } => write(&mut slot, obj.extract::<f64>()?),
        Type::Complex { bits } => {
            let c: (f64, f64) = if let Ok(c) = obj.cast::<PyComplex>() {
                (c.real(), c.imag())
            } else if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>() {
                (obj.extract::<f64>()?, 0.0)
            } else {
                let c = obj.call_method0("__complex__")?;
                let c = c.cast::<PyComplex>()?;
                (c.real(), c.imag())
            };
            if *bits == 64 {
                write(&mut slot, [c.0 as f32, c.1 as f32]);
            } else {
                write(&mut slot, [c.0, c.1]);
            }
        }
        _ => return Ok(()),
    }
    starts.push(out.len());
    out.push(slot);
    Ok(())
}

/// Builds the Python value of type `t` from the result slots at `slots[*k..]`.
pub(crate) fn box_value(py: Python<'_>, t: &Type, slots: &[Slot], k: &mut usize) -> PyResult<Py<PyAny>> {
    if let Type::Tuple(items) = t {
        let vals = items.iter().map(|it| box_value(py, it, slots, k)).collect::<PyResult<Vec<_>>>()?;
        return Ok(PyTuple::new(py, vals)?.into_any().unbind());
    }
    if let Type::Array { .. } = t {
        let count = rumbo_types::abi_slot_count(t);
        let words: Vec<u64> = slots[*k..*k + count]
            .iter()
            .flat_map(|s| [read::<u64>(s), u64::from_ne_bytes(s[8..16].try_into().unwrap())])
            .collect();
        *k += count;
        return crate::ndarray::box_array(py, t, &words);
    }
    if !t.is_number() {
        return Ok(py.None());
    }
    let s = &slots[*k];
    *k += 1;
    Ok(match t {
        Type::Bool => PyBool::new(py, read::<u8>(s) != 0).to_owned().into_any().unbind(),
        Type::Int { bits, signed: true } => {
            let v: i64 = match bits {
                8 => read::<i8>(s) as i64,
                16 => read::<i16>(s) as i64,
                32 => read::<i32>(s) as i64,
                _ => read::<i64>(s),
            };
            v.into_pyobject(py)?.into_any().unbind()
        }
        Type::Int { bits, .. } => {
            let v: u64 = match bits {
                8 => read::<u8>(s) as u64,
                16 => read::<u16>(s) as u64,
                32 => read::<u32>(s) as u64,
                _ => read::<u64>(s),
            };
            v.into_pyobject(py)?.into_any().unbind()
        }
        Type::Float { bits: 32 } => (read::<f32>(s) as f64).into_pyobject(py)?.into_any().unbind(),
        Type::Float { .. } => read::<f64>(s).into_pyobject(py)?.into_any().unbind(),
        Type::Complex { bits: 64 } => {
            let [re, im] = read::<[f32; 2]>(s);
            PyComplex::from_doubles(py, re as f64, im as f64).into_any().unbind()
        }
        _ => {
            let [re, im] = read::<[f64; 2]>(s);
            PyComplex::from_doubles(py, re, im).into_any().unbind()
        }
    })
}
