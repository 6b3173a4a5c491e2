//! The Dispatcher: what `@jit` returns. Calls find a specialization by the
//! argument types (a pointer-compare fast path for scalar arguments), unbox
//! into leaf slots, call the compiled wrapper, and box the result.

use crate::cache::CacheInfo;
use crate::compile::{compile_specialization, Options, Source};
use crate::exceptions::to_pyerr;
use crate::objmode::{compile_objmode, ObjCompiled};
use crate::values::{box_value, conversion_cost, typeof_value, unbox, Slot};
use arc_swap::ArcSwap;
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rumbo_runtime::ExcRecord;
use rumbo_types::Type;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// `i32 wrapper(ptr args, ptr ret, ptr exc)`, the uniform ABI.
pub(crate) type WrapperFn = unsafe extern "C" fn(*const *mut u8, *mut u8, *mut *const ExcRecord) -> i32;

/// One compiled specialization of a dispatcher.
pub(crate) struct Specialization {
    pub(crate) arg_types: Vec<Type>,
    pub(crate) ret: Type,
    pub(crate) symbol: String,
    pub(crate) wrapper: WrapperFn,
    pub(crate) arg_leaves: usize,
    pub(crate) ret_leaves: usize,
    /// How to recognise the arguments cheaply, when all are plain scalars or arrays.
    fast_args: Option<Vec<FastArg>>,
    pub(crate) optimized_llvm: String,
    pub(crate) ir: String,
    /// (line, variable, type) for inspect_types().
    pub(crate) annotations: Vec<(u32, String, String)>,
    /// Key, object file and callees, for `cache=True`.
    pub(crate) cache: CacheInfo,
}

impl Specialization {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        arg_types: Vec<Type>,
        ret: Type,
        symbol: String,
        wrapper: WrapperFn,
        optimized_llvm: String,
        ir: String,
        annotations: Vec<(u32, String, String)>,
    ) -> Self {
        let arg_leaves = arg_types.iter().map(|t| rumbo_types::abi_leaves(t).len()).sum();
        let ret_leaves = rumbo_types::abi_slot_count(&ret);
        let fast_args = arg_types.iter().map(fast_arg_of).collect::<Option<Vec<_>>>();
        Specialization { arg_types, ret, symbol, wrapper, arg_leaves, ret_leaves, fast_args, optimized_llvm, ir, annotations, cache: CacheInfo::default() }
    }

    pub(crate) fn with_cache(mut self, cache: CacheInfo) -> Self {
        self.cache = cache;
        self
    }
}

/// What an argument must be for the fast path to take it.
enum FastArg {
    /// Exactly this Python type (int, float, bool).
    Exact(usize),
    /// An ndarray of exactly this array type.
    Array,
}

fn fast_arg_of(t: &Type) -> Option<FastArg> {
    if t.is_array() {
        return Some(FastArg::Array);
    }
    fast_type_of(t).map(FastArg::Exact)
}

/// The exact Python type a scalar argument of type `t` has on the fast path.
fn fast_type_of(t: &Type) -> Option<usize> {
    {
        Some(match t {
            Type::Bool => std::ptr::addr_of_mut!(ffi::PyBool_Type) as usize,
            Type::Int { bits: 64, signed: true } => std::ptr::addr_of_mut!(ffi::PyLong_Type) as usize,
            Type::Float { bits: 64 } => std::ptr::addr_of_mut!(ffi::PyFloat_Type) as usize,
            _ => return None,
        })
    }
}

fn spec_dict<'py>(py: Python<'py>, s: &Specialization) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("args", s.arg_types.iter().map(|t| t.to_string()).collect::<Vec<_>>())?;
    d.set_item("ret", s.ret.to_string())?;
    d.set_item("symbol", &s.symbol)?;
    d.set_item("llvm", &s.optimized_llvm)?;
    d.set_item("ir", &s.ir)?;
    d.set_item("annotations", s.annotations.clone())?;
    d.set_item("wrapper_address", s.wrapper as usize)?;
    d.set_item("from_cache", s.cache.loaded)?;
    Ok(d)
}

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

#[pyclass(frozen, subclass, module = "rumbo._core")]
pub struct Dispatcher {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) py_func: Py<PyAny>,
    pub(crate) options: Options,
    specs: ArcSwap<Vec<Arc<Specialization>>>,
    /// The function's syntax and IR, made on first compile.
    pub(crate) source: Mutex<Option<Arc<Source>>>,
    /// Argument types being compiled right now (recursion guard).
    pub(crate) in_progress: Mutex<Vec<(Vec<Type>, String, std::thread::ThreadId)>>,
    compile_disabled: AtomicBool,
    /// Where `cache=True` entries go (`_cache.locate`), found on first use.
    pub(crate) cache_dir: OnceLock<Option<PathBuf>>,
    /// (argument types, loaded from the cache?) per cache lookup, for `stats`.
    cache_events: Mutex<Vec<(Vec<Type>, bool)>>,
    /// The object-mode code, once compiled (forceobj, or a fallback).
    objmode: Mutex<Option<Arc<ObjCompiled>>>,
    /// Argument types whose nopython compilation failed (nopython=False).
    fallback_types: Mutex<Vec<Vec<Type>>>,
    fallback_warned: AtomicBool,
}

struct SendPtr<T>(T);
// SAFETY: the pointers stay valid for the whole call, which blocks until the
// compiled code returns; nothing else touches the slots meanwhile.
unsafe impl<T> Send for SendPtr<T> {}

impl Dispatcher {
    pub(crate) fn add_specialization(&self, spec: Arc<Specialization>) {
        self.specs.rcu(|old| {
            let mut v = (**old).clone();
            v.push(spec.clone());
            v
        });
    }

    pub(crate) fn record_cache_event(&self, args: &[Type], hit: bool) {
        self.cache_events.lock().unwrap().push((args.to_vec(), hit));
    }

    /// The compiled signatures when they are all there will be (explicit signatures), else
    /// nothing: calls then convert to them, so they are part of what callers compile to.
    pub(crate) fn fixed_signatures(&self) -> Vec<String> {
        if !self.compile_disabled.load(Ordering::Relaxed) {
            return vec![];
        }
        self.specs.load().iter().map(|s| s.arg_types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(",")).collect()
    }

    fn find_exact(&self, args: &[Type]) -> Option<Arc<Specialization>> {
        self.specs.load().iter().find(|s| s.arg_types == args).cloned()
    }

    /// The specialization for `args`: an existing one, a compatible one when
    /// compilation is disabled (explicit signatures), or a new one.
    pub(crate) fn specialization_for(slf: &Bound<'_, Self>, args: &[Type]) -> PyResult<Arc<Specialization>> {
        let this = slf.get();
        if let Some(s) = this.find_exact(args) {
            return Ok(s);
        }
        if this.compile_disabled.load(Ordering::Relaxed) {
            let specs = this.specs.load();
            let best = specs
                .iter()
                .filter(|s| s.arg_types.len() == args.len())
                .filter_map(|s| {
                    let cost: Option<u32> = args.iter().zip(&s.arg_types).map(|(a, t)| conversion_cost(a, t)).sum();
                    cost.map(|c| (c, s))
                })
                .min_by_key(|(c, _)| *c);
            if let Some((_, s)) = best {
                return Ok(s.clone());
            }
            let names: Vec<String> = args.iter().map(|t| t.to_string()).collect();
            return Err(PyTypeError::new_err(format!(
                "No matching definition for argument type(s) {}\n  = note: compiled signatures: {}",
                names.join(", "),
                specs.iter().map(|s| format!("({})", s.arg_types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", ")
            )));
        }
        compile_specialization(slf, args.to_vec(), None)
    }

    /// Calls the wrapper with one pointer per leaf: leaf `k` starts at slot
    /// `starts[k]`, or at slot `k` when `starts` is `None` (scalars only).
    fn invoke(&self, py: Python<'_>, spec: &Specialization, slots: &mut [Slot], starts: Option<&[usize]>) -> PyResult<Py<PyAny>> {
        let n = starts.map_or(slots.len(), |s| s.len());
        let mut ptrs = [std::ptr::null_mut::<u8>(); 16];
        let mut ptr_vec;
        let ptrs: &mut [*mut u8] = if n <= 16 {
            &mut ptrs[..n]
        } else {
            ptr_vec = vec![std::ptr::null_mut(); n];
            &mut ptr_vec
        };
        for (k, p) in ptrs.iter_mut().enumerate() {
            let at = starts.map_or(k, |s| s[k]);
            *p = slots[at].as_mut_ptr();
        }
        let mut ret_buf = [[0u8; 16]; 8];
        let mut ret_vec;
        let ret: &mut [Slot] = if spec.ret_leaves <= 8 {
            &mut ret_buf[..]
        } else {
            ret_vec = vec![[0u8; 16]; spec.ret_leaves];
            &mut ret_vec
        };
        let mut exc: *const ExcRecord = std::ptr::null();
        let wrapper = spec.wrapper;
        // Parallel regions never touch Python objects; their workers may print (needs the GIL).
        let status = if self.options.nogil || self.options.parallel {
            let call = SendPtr((ptrs.as_ptr(), ret.as_mut_ptr() as *mut u8, &mut exc as *mut *const ExcRecord));
            py.detach(move || {
                let c = call;
                // SAFETY: the wrapper was compiled for exactly these leaves.
                unsafe { wrapper(c.0 .0, c.0 .1, c.0 .2) }
            })
        } else {
            // SAFETY: the wrapper was compiled for exactly these leaves.
            unsafe { wrapper(ptrs.as_ptr(), ret.as_mut_ptr() as *mut u8, &mut exc) }
        };
        if status != 0 {
            return Err(to_pyerr(py, exc));
        }
        box_value(py, &spec.ret, ret, &mut 0)
    }

    /// Scalars and arrays of exactly the compiled types, positional only: no
    /// binding, no type tuple, no hashing.
    fn fast_call(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Option<Py<PyAny>>> {
        let n = args.len();
        if n > 8 {
            return Ok(None);
        }
        let specs = self.specs.load();
        'spec: for spec in specs.iter() {
            let Some(fast) = &spec.fast_args else { continue };
            if fast.len() != n {
                continue;
            }
            let mut slots = [[0u8; 16]; 48];
            let mut starts = [0usize; 8];
            let mut used = 0;
            for (i, want) in fast.iter().enumerate() {
                // SAFETY: `i < n`, a borrowed reference from a live tuple.
                let obj = unsafe { ffi::PyTuple_GetItem(args.as_ptr(), i as ffi::Py_ssize_t) };
                starts[i] = used;
                match want {
                    FastArg::Array => {
                        let any_layout = self.compile_disabled.load(Ordering::Relaxed);
                        if !crate::values::ndarray_matches(py, obj, &spec.arg_types[i], any_layout) {
                            continue 'spec;
                        }
                        match crate::values::write_array_struct(obj, &spec.arg_types[i], &mut slots[used..]) {
                            Some(k) => used += k,
                            None => return Ok(None),
                        }
                    }
                    FastArg::Exact(ty) => {
                        // SAFETY: obj is a live object.
                        if unsafe { ffi::Py_TYPE(obj) } as usize != *ty {
                            continue 'spec;
                        }
                        let slot = &mut slots[used];
                        used += 1;
                        match &spec.arg_types[i] {
                            Type::Float { .. } => {
                                // SAFETY: obj is exactly a float.
                                let v = unsafe { ffi::PyFloat_AsDouble(obj) };
                                slot[..8].copy_from_slice(&v.to_ne_bytes());
                            }
                            Type::Bool => {
                                // SAFETY: obj is exactly a bool.
                                slot[0] = unsafe { (obj == ffi::Py_True()) as u8 };
                            }
                            _ => {
                                let mut overflow = 0;
                                // SAFETY: obj is exactly an int.
                                let v = unsafe { ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow) };
                                if overflow != 0 {
                                    return Ok(None);
                                }
                                slot[..8].copy_from_slice(&v.to_ne_bytes());
                            }
                        }
                    }
                }
            }
            return self.invoke(py, spec, &mut slots[..used], Some(&starts[..n])).map(Some);
        }
        Ok(None)
    }

    /// A dispatcher for a loop lifted out of this object-mode function: its
    /// source is the lifted IR, its globals this function's.
    pub(crate) fn for_lifted_loop(&self, py: Python<'_>, name: String, source: Arc<Source>) -> PyResult<Py<Dispatcher>> {
        let mut options = self.options.clone();
        options.forceobj = false;
        options.fallback = false;
        // Its source is lifted IR, not a file: nothing to key a cache entry on.
        options.cache = false;
        let d = Dispatcher {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name,
            py_func: self.py_func.clone_ref(py),
            options,
            specs: ArcSwap::from_pointee(vec![]),
            source: Mutex::new(Some(source)),
            in_progress: Mutex::new(vec![]),
            compile_disabled: AtomicBool::new(false),
            cache_dir: OnceLock::new(),
            cache_events: Mutex::new(vec![]),
            objmode: Mutex::new(None),
            fallback_types: Mutex::new(vec![]),
            fallback_warned: AtomicBool::new(false),
        };
        Py::new(py, d)
    }

    /// Runs a lifted loop natively: `Ok(None)` when it does not compile in
    /// nopython mode for these arguments (the caller runs it in object mode).
    pub(crate) fn call_lifted(slf: &Bound<'_, Self>, args: &[Bound<'_, PyAny>]) -> PyResult<Option<Py<PyAny>>> {
        let py = slf.py();
        let this = slf.get();
        let Some(types) = args.iter().map(typeof_value).collect::<Option<Vec<Type>>>() else { return Ok(None) };
        if this.fallback_types.lock().unwrap().contains(&types) {
            return Ok(None);
        }
        let spec = match Self::specialization_for(slf, &types) {
            Ok(s) if crate::objmode::boxable(&s.ret) => s,
            Ok(_) => {
                this.fallback_types.lock().unwrap().push(types);
                return Ok(None);
            }
            Err(err) if crate::objmode::is_typing_failure(py, &err) => {
                this.fallback_types.lock().unwrap().push(types);
                return Ok(None);
            }
            Err(err) => return Err(err),
        };
        let mut slots: Vec<Slot> = Vec::with_capacity(spec.arg_leaves);
        let mut starts: Vec<usize> = Vec::with_capacity(spec.arg_leaves);
        for (a, t) in args.iter().zip(&spec.arg_types) {
            unbox(a, t, &mut slots, &mut starts)?;
        }
        this.invoke(py, &spec, &mut slots, Some(&starts)).map(Some)
    }

    /// The object-mode code, compiled on first use.
    pub(crate) fn objmode_code(&self, py: Python<'_>) -> PyResult<Arc<ObjCompiled>> {
        if let Some(c) = self.objmode.lock().unwrap().as_ref() {
            return Ok(c.clone());
        }
        let c = compile_objmode(py, self)?;
        *self.objmode.lock().unwrap() = Some(c.clone());
        Ok(c)
    }

    /// Runs a call in object mode after nopython compilation failed with
    /// `err`, warning (once per function) why.
    fn fall_back(&self, py: Python<'_>, err: PyErr, bound: &[Bound<'_, PyAny>]) -> PyResult<Py<PyAny>> {
        let code = self.objmode_code(py)?;
        if !self.fallback_warned.swap(true, Ordering::Relaxed) {
            crate::objmode::warn_fallback(py, &self.name, &err)?;
        }
        code.call(py, bound)
    }

    /// A TypingError pointing at the parameter whose argument has no compiled type.
    fn argument_type_error(&self, py: Python<'_>, index: usize, tname: &str) -> PyErr {
        let src = match crate::compile::source_of(py, self) {
            Ok(s) => s,
            Err(e) => return e,
        };
        let name = src.ir.param_names.get(index).cloned().unwrap_or_default();
        let span = src.ir.values[src.ir.blocks[0].params[index].index()].span;
        let diag = rumbo_syntax::Diagnostic::typing(span, format!("cannot compile {}() for argument `{name}` of type {tname}", self.name))
            .with_note(format!("`{name}` is a Python {tname}, which compiled code cannot use"))
            .with_hint("compiled functions take numbers and tuples of numbers");
        crate::compile::diagnostic_error(py, &diag, &src.file)
    }

    /// True when the function has `*args`, keyword-only or `**kwargs` parameters.
    fn has_special_params(&self, py: Python<'_>) -> PyResult<bool> {
        let code = self.py_func.bind(py).getattr("__code__")?;
        let flags: u32 = code.getattr("co_flags")?.extract()?;
        let kwonly: usize = code.getattr("co_kwonlyargcount")?.extract()?;
        Ok(flags & 0x0c != 0 || kwonly > 0)
    }

    /// The UnsupportedError nopython gives for `*args`-like parameters.
    fn special_params_error(&self, py: Python<'_>) -> PyErr {
        let src = match crate::compile::source_of(py, self) {
            Ok(s) => s,
            Err(e) => return e,
        };
        let marker = src.ir.blocks[0].insts.iter().find_map(|&v| match src.ir.inst(v) {
            Some(rumbo_ir::Inst::Obj(rumbo_ir::ObjInst::Marker(what))) => Some((v, what.clone())),
            _ => None,
        });
        let Some((v, what)) = marker else { return PyTypeError::new_err("unsupported parameters") };
        let diag = rumbo_syntax::Diagnostic::unsupported(src.ir.values[v.index()].span, format!("`{what}` is not supported in compiled code"))
            .with_hint("see rumbo's supported-features table");
        crate::compile::diagnostic_error(py, &diag, &src.file)
    }

    /// Arguments bound as object mode takes them: Python's own binding when
    /// the function has `*args`, keyword-only or `**kwargs` parameters.
    fn bind_args_obj<'py>(&self, py: Python<'py>, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        if !self.has_special_params(py)? {
            return self.bind_args(py, args, kwargs);
        }
        let sig = py.import("inspect")?.getattr("signature")?.call1((self.py_func.bind(py),))?;
        let bound = sig.getattr("bind")?.call(args, kwargs)?;
        bound.call_method0("apply_defaults")?;
        bound.getattr("arguments")?.call_method0("values")?.try_iter()?.collect()
    }

    /// Positional and keyword arguments bound to parameters, defaults filled in.
    fn bind_args<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let func = self.py_func.bind(py);
        let code = func.getattr("__code__")?;
        // *args / **kwargs parameters are not compiled: report that, not a count mismatch.
        if self.has_special_params(py)? {
            return Err(self.special_params_error(py));
        }
        let argcount: usize = code.getattr("co_argcount")?.extract()?;
        let names: Vec<String> = code.getattr("co_varnames")?.extract::<Vec<String>>()?.into_iter().take(argcount).collect();
        let defaults: Vec<Bound<'py, PyAny>> = match func.getattr("__defaults__")? {
            d if d.is_none() => vec![],
            d => d.cast::<PyTuple>().map_err(PyErr::from)?.iter().collect(),
        };
        if args.len() > argcount {
            return Err(PyTypeError::new_err(format!(
                "{}() takes {argcount} positional argument{} but {} were given",
                self.name,
                if argcount == 1 { "" } else { "s" },
                args.len()
            )));
        }
        let mut out: Vec<Option<Bound<'py, PyAny>>> = args.iter().map(Some).collect();
        out.resize(argcount, None);
        if let Some(kw) = kwargs {
            for (k, v) in kw.iter() {
                let k: String = k.extract()?;
                match names.iter().position(|n| *n == k) {
                    Some(i) if out[i].is_some() => {
                        return Err(PyTypeError::new_err(format!("{}() got multiple values for argument '{k}'", self.name)))
                    }
                    Some(i) => out[i] = Some(v),
                    None => {
                        return Err(PyTypeError::new_err(format!("{}() got an unexpected keyword argument '{k}'", self.name)))
                    }
                }
            }
        }
        let first_default = argcount - defaults.len();
        let mut missing = vec![];
        for (i, slot) in out.iter_mut().enumerate() {
            if slot.is_none() {
                if i >= first_default {
                    *slot = Some(defaults[i - first_default].clone());
                } else {
                    missing.push(format!("'{}'", names[i]));
                }
            }
        }
        if !missing.is_empty() {
            return Err(PyTypeError::new_err(format!(
                "{}() missing {} required positional argument{}: {}",
                self.name,
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        Ok(out.into_iter().map(|x| x.unwrap()).collect())
    }
}

#[pymethods]
impl Dispatcher {
    #[new]
    #[pyo3(signature = (py_func, options))]
    fn new(py_func: &Bound<'_, PyAny>, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let name: String = py_func.getattr("__name__")?.extract()?;
        Ok(Dispatcher {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name,
            py_func: py_func.clone().unbind(),
            options: Options::from_dict(options)?,
            specs: ArcSwap::from_pointee(vec![]),
            source: Mutex::new(None),
            in_progress: Mutex::new(vec![]),
            compile_disabled: AtomicBool::new(false),
            cache_dir: OnceLock::new(),
            cache_events: Mutex::new(vec![]),
            objmode: Mutex::new(None),
            fallback_types: Mutex::new(vec![]),
            fallback_warned: AtomicBool::new(false),
        })
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        if this.options.forceobj {
            let bound = this.bind_args_obj(py, args, kwargs)?;
            return this.objmode_code(py)?.call(py, &bound);
        }
        if this.options.fallback && this.has_special_params(py)? {
            let bound = this.bind_args_obj(py, args, kwargs)?;
            return this.fall_back(py, this.special_params_error(py), &bound);
        }
        if kwargs.is_none() {
            if let Some(r) = this.fast_call(py, args)? {
                return Ok(r);
            }
        }
        let bound = this.bind_args(py, args, kwargs)?;
        let mut types = Vec::with_capacity(bound.len());
        for (i, a) in bound.iter().enumerate() {
            match typeof_value(a) {
                Some(t) => types.push(t),
                None => {
                    let tname = a.get_type().name()?.to_string();
                    if this.compile_disabled.load(Ordering::Relaxed) {
                        return Err(PyTypeError::new_err(format!("No matching definition for argument type(s) {tname}")));
                    }
                    let err = this.argument_type_error(py, i, &tname);
                    if this.options.fallback {
                        return this.fall_back(py, err, &bound);
                    }
                    return Err(err);
                }
            }
        }
        if this.options.fallback && this.fallback_types.lock().unwrap().contains(&types) {
            return this.objmode_code(py)?.call(py, &bound);
        }
        let spec = match Self::specialization_for(slf, &types) {
            Ok(s) => s,
            Err(err) if this.options.fallback && crate::objmode::is_typing_failure(py, &err) => {
                this.fallback_types.lock().unwrap().push(types);
                return this.fall_back(py, err, &bound);
            }
            Err(err) => return Err(err),
        };
        let mut slots: Vec<Slot> = Vec::with_capacity(spec.arg_leaves);
        let mut starts: Vec<usize> = Vec::with_capacity(spec.arg_leaves);
        for (a, t) in bound.iter().zip(&spec.arg_types) {
            unbox(a, t, &mut slots, &mut starts)?;
        }
        this.invoke(py, &spec, &mut slots, Some(&starts))
    }

    /// Compiles for a signature (a Numba signature string) now.
    fn compile(slf: &Bound<'_, Self>, signature: &str) -> PyResult<()> {
        let sig = rumbo_types::parse_signature(signature)
            .map_err(|e| crate::compile::typing_error(slf.py(), e.render(signature)))?;
        if slf.get().find_exact(&sig.args).is_none() {
            compile_specialization(slf, sig.args, sig.ret)?;
        }
        Ok(())
    }

    /// After this, calls only use the compiled signatures (Numba's behaviour
    /// when signatures are given to @jit).
    fn disable_compile(&self) {
        self.compile_disabled.store(true, Ordering::Relaxed);
    }

    #[getter]
    fn py_func(&self, py: Python<'_>) -> Py<PyAny> {
        self.py_func.clone_ref(py)
    }

    #[getter]
    fn _options(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.options.to_dict(py)
    }

    /// (cache folder or None, [(argument type names, hit)]) for `stats`.
    fn _cache_stats(slf: &Bound<'_, Self>) -> PyResult<(Option<String>, Vec<(Vec<String>, bool)>)> {
        let this = slf.get();
        let dir = if this.options.cache { crate::cache::cache_dir(slf.py(), this)? } else { None };
        let events = this.cache_events.lock().unwrap().iter().map(|(a, h)| (a.iter().map(|t| t.to_string()).collect(), *h)).collect();
        Ok((dir.map(|d| d.display().to_string()), events))
    }

    /// One dict per specialization: args, ret (type names), llvm, ir, annotations.
    fn _specializations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for s in self.specs.load().iter() {
            out.append(spec_dict(py, s)?)?;
        }
        if let Some(c) = self.objmode.lock().unwrap().as_ref() {
            let nargs = c.ir_params;
            let d = PyDict::new(py);
            d.set_item("args", vec!["pyobject"; nargs])?;
            d.set_item("ret", "pyobject")?;
            d.set_item("symbol", &c.symbol)?;
            d.set_item("llvm", &c.llvm)?;
            d.set_item("ir", &c.ir)?;
            let ann: Vec<(u32, String, String)> = c.variables.iter().map(|(l, v)| (*l, v.clone(), "pyobject".to_string())).collect();
            d.set_item("annotations", ann)?;
            d.set_item("wrapper_address", 0)?;
            d.set_item("objmode", true)?;
            let lifted: Vec<(u32, Py<Dispatcher>)> = c.lifted.iter().map(|(l, x)| (*l, x.clone_ref(py))).collect();
            d.set_item("lifted", lifted)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// For introspection of a specialization loaded from the cache (which kept only machine
    /// code): the same code compiled again under a local name, outside the dispatcher.
    fn _inspection_specialization<'py>(slf: &Bound<'py, Self>, symbol: &str) -> PyResult<Bound<'py, PyDict>> {
        let spec = slf.get().specs.load().iter().find(|s| s.symbol == symbol).cloned();
        let spec = spec.ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(symbol.to_string()))?;
        let again = crate::compile::compile_for_inspection(slf, spec.arg_types.clone(), Some(spec.ret.clone()))?;
        spec_dict(slf.py(), &again)
    }
}
