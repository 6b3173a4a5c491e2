//! Content fingerprints of jitted functions: what a specialization's machine code depends
//! on, hashed. They name specializations (`rumbo.<name>.<hash>`, the same in every process
//! for the same code) and key the cache.
//!
//! A dispatcher's fingerprint covers: the environment (rumbo's files, LLVM, the host CPU
//! and its features, Python and NumPy versions), the function's source text, its options,
//! its defaults, and the value of every name its code loads, as compiled code would see it
//! (`globals::classify_for_key`): constants by value, exception classes by name and registry id,
//! modules through the attributes the code names, other jitted functions by *their*
//! fingerprint, recursively. A callee edited in another module therefore changes the
//! caller's key. It is computed without parsing or typing anything, so a cache lookup
//! costs no compilation.

use crate::dispatcher::Dispatcher;
use crate::globals::{classify_for_key, lookup};
use pyo3::prelude::*;
use pyo3::types::{PyModule, PyTuple};
use rumbo_types::{GlobalValue, Type};
use std::collections::HashMap;
use std::sync::OnceLock;

/// FNV-1a, 128 bits: keys and checksums (not adversarial; corrupt files are also
/// caught by the format's own checks).
pub(crate) struct Hasher128(u128);

const FNV_OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
const FNV_PRIME: u128 = 0x0000000001000000000000000000013b;

impl Hasher128 {
    pub(crate) fn new() -> Self {
        Hasher128(FNV_OFFSET)
    }
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u128;
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
    /// A length-prefixed string, so that ("ab", "c") and ("a", "bc") differ.
    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes());
    }
    pub(crate) fn u128(&mut self, x: u128) {
        self.bytes(&x.to_le_bytes());
    }
    pub(crate) fn finish(&self) -> u128 {
        self.0
    }
}

pub(crate) fn hash128(bytes: &[u8]) -> u128 {
    let mut h = Hasher128::new();
    h.bytes(bytes);
    h.finish()
}

static ENVIRONMENT: OnceLock<String> = OnceLock::new();

/// What every key shares in this process (`rumbo._cache.environment`: rumbo's files, LLVM,
/// host CPU and features, Python; NumPy's version is added per key: it may be imported later).
fn environment(py: Python<'_>) -> PyResult<&'static str> {
    if let Some(e) = ENVIRONMENT.get() {
        return Ok(e);
    }
    let text: String = PyModule::import(py, "rumbo._cache")?.getattr("environment")?.call0()?.extract()?;
    Ok(ENVIRONMENT.get_or_init(|| text))
}

/// Attribute chains through modules are followed this deep (`np.linalg.norm`).
const MODULE_DEPTH: usize = 3;

/// One fingerprint computation: memo per dispatcher, and the dispatchers being walked
/// (recursion stands for itself by name, not by a fingerprint that cannot exist yet).
struct Walk<'py> {
    py: Python<'py>,
    memo: HashMap<u32, Option<u128>>,
    stack: Vec<u32>,
}

/// The fingerprint of a dispatcher, or `None` when it cannot have one (its source file or
/// one of its callees' is unreadable): such specializations get process-local names and
/// are never cached.
pub(crate) fn dispatcher_fingerprint(d: &Bound<'_, Dispatcher>) -> PyResult<Option<u128>> {
    let mut walk = Walk { py: d.py(), memo: HashMap::new(), stack: vec![] };
    walk.dispatcher(d)
}

/// The key of one specialization: its dispatcher's fingerprint, argument types and the
/// declared return type.
pub(crate) fn specialization_key(fingerprint: u128, args: &[Type], declared_ret: Option<&Type>) -> u128 {
    let mut h = Hasher128::new();
    h.u128(fingerprint);
    // Debug, not Display: `none` is the Display of two types.
    for a in args {
        h.str(&format!("{a:?}"));
    }
    h.str(&declared_ret.map(|t| format!("{t:?}")).unwrap_or_default());
    h.finish()
}

/// The symbol of a specialization with a key: the same in every process.
pub(crate) fn canonical_symbol(name: &str, key: u128) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("rumbo.{clean}.{:016x}", key as u64)
}

impl<'py> Walk<'py> {
    fn dispatcher(&mut self, d: &Bound<'py, Dispatcher>) -> PyResult<Option<u128>> {
        let id = d.get().id;
        if let Some(fp) = self.memo.get(&id) {
            return Ok(*fp);
        }
        if self.stack.contains(&id) {
            let mut h = Hasher128::new();
            h.str("recursive");
            h.str(&d.get().name);
            return Ok(Some(h.finish()));
        }
        self.stack.push(id);
        let fp = self.compute(d);
        self.stack.pop();
        let fp = fp?;
        self.memo.insert(id, fp);
        Ok(fp)
    }

    fn compute(&mut self, d: &Bound<'py, Dispatcher>) -> PyResult<Option<u128>> {
        let py = self.py;
        let this = d.get();
        let func = this.py_func.bind(py);
        let mut h = Hasher128::new();
        h.str(environment(py)?);
        let numpy = PyModule::import(py, "sys")?.getattr("modules")?.get_item("numpy").ok();
        if let Some(np) = numpy {
            h.str(&np.getattr("__version__")?.str()?.to_string());
        }
        let mut options: Vec<&(String, String)> = this.options.raw.iter().filter(|(k, _)| k != "cache").collect();
        options.sort();
        for (k, v) in options {
            h.str(k);
            h.str(v);
        }
        h.str(&this.fixed_signatures().join(";"));
        let module: String = func.getattr("__module__").and_then(|m| m.extract()).unwrap_or_default();
        let qualname: String = func.getattr("__qualname__")?.extract()?;
        let closure = func.getattr("__closure__").map(|c| !c.is_none()).unwrap_or(false);
        if module.starts_with("rumbo.") && !closure {
            // rumbo's own library: its files are in the environment stamp already (a closure's
            // captured values are not: `vectorize`'s loops differ only in theirs).
            h.str(&module);
            h.str(&qualname);
            return Ok(Some(h.finish()));
        }
        let parts = PyModule::import(py, "rumbo._cache")?.getattr("function_parts")?.call1((func,))?;
        if parts.is_none() {
            return Ok(None);
        }
        let (text, names): (String, Vec<String>) = parts.extract()?;
        h.str(&text);
        for name in &names {
            if let Some(obj) = lookup(func, name)? {
                h.str(name);
                if !self.value(&obj, &names, &mut h, 0)? {
                    return Ok(None);
                }
            }
        }
        // Array methods users registered are resolved in every function (`a.method()`).
        let methods = PyModule::import(py, "rumbo.extending")?.getattr("_user_array_methods")?.call0()?;
        for item in methods.try_iter()? {
            let (name, implementation): (String, Bound<'py, PyAny>) = item?.extract()?;
            h.str(&format!("@array.{name}"));
            if !self.value(&implementation, &names, &mut h, 0)? {
                return Ok(None);
            }
        }
        if let Ok(defaults) = func.getattr("__defaults__")?.cast::<PyTuple>() {
            for v in defaults.iter() {
                h.str("default");
                if !self.value(&v, &names, &mut h, 0)? {
                    return Ok(None);
                }
            }
        }
        Ok(Some(h.finish()))
    }

    /// Hashes what compiled code may know of `obj`; false when a dispatcher it leads to has
    /// no fingerprint.
    fn value(&mut self, obj: &Bound<'py, PyAny>, names: &[String], h: &mut Hasher128, depth: usize) -> PyResult<bool> {
        if let Ok(m) = obj.cast::<PyModule>() {
            h.str("module");
            h.str(&m.name()?.to_string());
            if depth < MODULE_DEPTH {
                for name in names {
                    if let Ok(attr) = obj.getattr(name.as_str()) {
                        h.str(name);
                        if !self.value(&attr, names, h, depth + 1)? {
                            return Ok(false);
                        }
                    }
                }
            }
            return Ok(true);
        }
        let mut callees = HashMap::new();
        let gv = classify_for_key(obj, &mut callees)?;
        match &gv {
            GlobalValue::Dispatcher { id, .. } => {
                let Some(callee) = callees.get(id) else { return Ok(false) };
                let callee = callee.bind(self.py).clone();
                match self.dispatcher(&callee)? {
                    Some(fp) => h.u128(fp),
                    None => return Ok(false),
                }
            }
            GlobalValue::ExceptionClass { id, .. } => {
                let module: String = obj.getattr("__module__").and_then(|m| m.extract()).unwrap_or_default();
                let qualname: String = obj.getattr("__qualname__").and_then(|m| m.extract()).unwrap_or_default();
                h.str(&format!("exception #{id} {module}.{qualname}"));
            }
            other => h.str(&format!("{other:?}")),
        }
        Ok(true)
    }
}
