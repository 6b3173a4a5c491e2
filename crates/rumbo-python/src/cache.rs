//! `cache=True`: specializations saved as object files and loaded into the JIT by a later
//! process without compiling.
//!
//! One file per specialization, `<name>.<16 hex>.rumbo` (the canonical symbol without its
//! `rumbo.` prefix), in the function's cache folder (`rumbo/_cache.py::locate`). A cached
//! function's folder also holds an entry for every specialization its code calls
//! (other jitted functions, rumbo's NumPy library), whether or not those asked for
//! `cache=True`: loading one entry loads what it links against, or nothing.
//!
//! Layout: `MAGIC`, payload length (u64), FNV-128 checksum of the payload, payload. The
//! payload starts with the entry's key, which must equal the key the loading process
//! computed (`fingerprint.rs`): truncated, corrupted, foreign or stale files are misses and
//! get replaced. Files are written to a temporary name and renamed, so readers only ever
//! see whole entries, and concurrent writers of one entry leave one of theirs.

use crate::dispatcher::{Dispatcher, Specialization, WrapperFn};
use crate::fingerprint::hash128;
use pyo3::prelude::*;
use pyo3::types::PyModule;
use rumbo_codegen::wrapper_name;
use rumbo_jit::JitSession;
use crate::typecode;
use rumbo_types::Type;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

const MAGIC: &[u8; 8] = b"RUMBO\0C\x03";
const SUFFIX: &str = ".rumbo";

/// What the cache knows of a specialization.
#[derive(Default)]
pub(crate) struct CacheInfo {
    /// Its key, when its symbol is canonical (the same in every process).
    pub(crate) key: Option<u128>,
    /// The object file the JIT linked.
    pub(crate) object: Option<Arc<Vec<u8>>>,
    /// Its optimized module as bitcode, for callers to inline from (not saved in entries).
    pub(crate) bitcode: Option<Arc<Vec<u8>>>,
    /// The specializations its code calls.
    pub(crate) deps: Vec<Arc<Specialization>>,
    /// Loaded from an entry: no IR or LLVM text to show.
    pub(crate) loaded: bool,
    /// For `rumbo cache list`: the function's qualified name and source file.
    pub(crate) qualname: String,
    pub(crate) source: String,
    /// User exception classes the code may raise: (id, module, qualified name). A loading
    /// process registers them at these ids (library code's classes are not in its key).
    pub(crate) exceptions: Vec<(u32, String, String)>,
}

/// Specializations with canonical symbols in this process's JIT, by symbol: a second
/// dispatcher of the same code, and every loaded entry's callers, use them as they are.
static REGISTRY: LazyLock<Mutex<HashMap<String, Arc<Specialization>>>> = LazyLock::new(Default::default);
/// Canonical symbols whose object went to the JIT but did not link: never used again.
static BROKEN: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);
/// Set after a write failed (full or read-only disk): no more writes, one warning.
static WRITES_OFF: AtomicBool = AtomicBool::new(false);

pub(crate) fn registered(symbol: &str) -> Option<Arc<Specialization>> {
    REGISTRY.lock().unwrap().get(symbol).cloned()
}

pub(crate) fn register(spec: &Arc<Specialization>) {
    REGISTRY.lock().unwrap().insert(spec.symbol.clone(), spec.clone());
}

/// A canonical symbol already defined in the JIT (usable or not).
pub(crate) fn name_taken(symbol: &str) -> bool {
    REGISTRY.lock().unwrap().contains_key(symbol) || BROKEN.lock().unwrap().contains(symbol)
}

/// One entry file, decoded.
struct Entry {
    key: u128,
    symbol: String,
    qualname: String,
    source: String,
    args: Vec<String>,
    ret: String,
    /// (symbol, key) of each specialization the code calls.
    callees: Vec<(String, u128)>,
    exceptions: Vec<(u32, String, String)>,
    object: Vec<u8>,
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
}

impl Entry {
    fn encode(&self) -> Vec<u8> {
        let mut p = vec![];
        p.extend_from_slice(&self.key.to_le_bytes());
        for s in [&self.symbol, &self.qualname, &self.source, &self.ret] {
            put_bytes(&mut p, s.as_bytes());
        }
        p.extend_from_slice(&(self.args.len() as u64).to_le_bytes());
        for a in &self.args {
            put_bytes(&mut p, a.as_bytes());
        }
        p.extend_from_slice(&(self.callees.len() as u64).to_le_bytes());
        for (s, k) in &self.callees {
            put_bytes(&mut p, s.as_bytes());
            p.extend_from_slice(&k.to_le_bytes());
        }
        p.extend_from_slice(&(self.exceptions.len() as u64).to_le_bytes());
        for (id, module, qualname) in &self.exceptions {
            p.extend_from_slice(&(*id as u64).to_le_bytes());
            put_bytes(&mut p, module.as_bytes());
            put_bytes(&mut p, qualname.as_bytes());
        }
        put_bytes(&mut p, &self.object);
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(&hash128(&p).to_le_bytes());
        out.extend_from_slice(&p);
        out
    }

    /// `None` for anything but a whole, intact entry of this format.
    fn decode(bytes: &[u8]) -> Option<Entry> {
        let mut r = Reader(bytes);
        if r.take(8)? != MAGIC {
            return None;
        }
        let len = usize::try_from(r.u64()?).ok()?;
        let sum = r.u128()?;
        let payload = r.take(len)?;
        if !r.0.is_empty() || hash128(payload) != sum {
            return None;
        }
        let mut r = Reader(payload);
        let key = r.u128()?;
        let (symbol, qualname, source, ret) = (r.string()?, r.string()?, r.string()?, r.string()?);
        let n = r.u64()? as usize;
        let args = (0..n).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
        let n = r.u64()? as usize;
        let callees = (0..n).map(|_| Some((r.string()?, r.u128()?))).collect::<Option<Vec<_>>>()?;
        let n = r.u64()? as usize;
        let exceptions = (0..n).map(|_| Some((u32::try_from(r.u64()?).ok()?, r.string()?, r.string()?))).collect::<Option<Vec<_>>>()?;
        let object = r.bytes()?.to_vec();
        r.0.is_empty().then_some(Entry { key, symbol, qualname, source, args, ret, callees, exceptions, object })
    }
}

fn file_name(symbol: &str) -> String {
    format!("{}{SUFFIX}", symbol.strip_prefix("rumbo.").unwrap_or(symbol))
}

/// The entry for `symbol` in `dir`, if it is intact and has exactly this key.
fn read_entry(dir: &Path, symbol: &str, key: u128) -> Option<Entry> {
    let bytes = std::fs::read(dir.join(file_name(symbol))).ok()?;
    Entry::decode(&bytes).filter(|e| e.key == key && e.symbol == symbol)
}

/// The cache folder of a dispatcher (`_cache.locate`, once per dispatcher), or `None`.
pub(crate) fn cache_dir(py: Python<'_>, d: &Dispatcher) -> PyResult<Option<PathBuf>> {
    if let Some(dir) = d.cache_dir.get() {
        return Ok(dir.clone());
    }
    let found = PyModule::import(py, "rumbo._cache")?.getattr("locate")?.call1((d.py_func.bind(py),))?;
    let dir = if found.is_none() { None } else { Some(PathBuf::from(found.extract::<String>()?)) };
    Ok(d.cache_dir.get_or_init(|| dir).clone())
}

fn parse_types(args: &[String], ret: &str) -> Option<(Vec<Type>, Type)> {
    let args = args.iter().map(|a| typecode::decode(a)).collect::<Option<Vec<_>>>()?;
    Some((args, typecode::decode(ret)?))
}

/// Entries to load for `symbol`, callees first; false when one is missing or invalid.
fn gather(dir: &Path, symbol: &str, key: u128, plan: &mut Vec<Entry>, seen: &mut HashSet<String>) -> bool {
    if let Some(spec) = registered(symbol) {
        return spec.cache.key == Some(key);
    }
    if seen.contains(symbol) {
        return true;
    }
    if BROKEN.lock().unwrap().contains(symbol) {
        return false;
    }
    let Some(entry) = read_entry(dir, symbol, key) else { return false };
    if parse_types(&entry.args, &entry.ret).is_none() {
        return false;
    }
    seen.insert(symbol.to_string());
    for (s, k) in &entry.callees {
        if !gather(dir, s, *k, plan, seen) {
            return false;
        }
    }
    plan.push(entry);
    true
}

/// The specialization `symbol` with `key`, loaded from `dir` with everything it calls, or
/// `None` (a miss: no entry, or an entry that is not exactly this code).
pub(crate) fn load(py: Python<'_>, dir: &Path, key: u128, symbol: &str) -> Option<Arc<Specialization>> {
    if let Some(spec) = registered(symbol) {
        return (spec.cache.key == Some(key)).then_some(spec);
    }
    let mut plan = vec![];
    if !gather(dir, symbol, key, &mut plan, &mut HashSet::new()) {
        return None;
    }
    for e in &plan {
        if !e.exceptions.iter().all(|(id, module, qualname)| crate::exceptions::restore_user_class(py, *id, module, qualname)) {
            return None;
        }
    }
    let session = JitSession::global();
    crate::compile::ensure_runtime_symbols(session);
    if plan.iter().any(|e| contains(&e.object, b"rumbo_blas_")) {
        // Without rumbo's NumPy library loaded, BLAS may not be registered yet.
        let registered = PyModule::import(py, "rumbo._blas").and_then(|m| m.getattr("register")?.call0().map(|_| ()));
        if registered.is_err() {
            return None;
        }
    }
    let broken = |plan: &[Entry]| {
        let mut b = BROKEN.lock().unwrap();
        b.extend(plan.iter().map(|e| e.symbol.clone()));
    };
    for (i, e) in plan.iter().enumerate() {
        if session.add_object(&e.object).is_err() {
            broken(&plan[..=i]);
            return None;
        }
    }
    let mut addrs = vec![];
    for e in &plan {
        match session.lookup(&wrapper_name(&e.symbol)) {
            Ok(a) => addrs.push(a),
            Err(_) => {
                broken(&plan);
                return None;
            }
        }
    }
    for (e, addr) in plan.into_iter().zip(addrs) {
        let (args, ret) = parse_types(&e.args, &e.ret)?;
        // SAFETY: the symbol is a wrapper with the uniform ABI, compiled for these types
        // (the entry's key covers them and the code it was compiled from).
        let wrapper: WrapperFn = unsafe { std::mem::transmute::<usize, WrapperFn>(addr) };
        let deps = e.callees.iter().filter_map(|(s, _)| registered(s)).collect();
        let info = CacheInfo {
            key: Some(e.key),
            object: Some(Arc::new(e.object)),
            bitcode: None,
            deps,
            loaded: true,
            qualname: e.qualname,
            source: e.source,
            exceptions: e.exceptions,
        };
        let spec = Arc::new(Specialization::new(args, ret, e.symbol, wrapper, String::new(), String::new(), vec![]).with_cache(info));
        register(&spec);
    }
    registered(symbol)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every specialization `spec`'s code needs, itself included, callees first; `Err` names
/// one that cannot be cached.
fn closure(spec: &Arc<Specialization>, out: &mut Vec<Arc<Specialization>>) -> Result<(), String> {
    if out.iter().any(|s| s.symbol == spec.symbol) {
        return Ok(());
    }
    if spec.cache.key.is_none() || spec.cache.object.is_none() {
        return Err(format!("{} has no stable name (no source file, or compiled twice with dumps on)", spec.cache.qualname));
    }
    if !spec.arg_types.iter().chain([&spec.ret]).all(|t| typecode::encode(t).is_some()) {
        return Err(format!("{} takes or returns a jitted function, which a cache entry cannot name", spec.cache.qualname));
    }
    for d in &spec.cache.deps {
        closure(d, out)?;
    }
    out.push(spec.clone());
    Ok(())
}

pub(crate) fn warn_once(py: Python<'_>, key: &str, message: String) {
    let warned = PyModule::import(py, "rumbo._cache").and_then(|m| m.getattr("warn_once")?.call1((key, message)).map(|_| ()));
    if let Err(e) = warned {
        // -W error turns the warning into an exception: report it without failing the call.
        e.print(py);
    }
}

/// Writes the entries of `spec` and of everything it calls into `dir`. Never fails: a
/// function that cannot be cached, or a disk that refuses, is one warning.
pub(crate) fn save(py: Python<'_>, dir: &Path, spec: &Arc<Specialization>) {
    if WRITES_OFF.load(Ordering::Relaxed) {
        return;
    }
    let mut all = vec![];
    if let Err(why) = closure(spec, &mut all) {
        warn_once(py, &format!("uncacheable {}", spec.cache.qualname), format!("cannot cache {}: {why}", spec.cache.qualname));
        return;
    }
    for s in all {
        let key = s.cache.key.expect("checked by closure");
        if s.symbol != spec.symbol && read_entry(dir, &s.symbol, key).is_some() {
            continue;
        }
        let entry = Entry {
            key,
            symbol: s.symbol.clone(),
            qualname: s.cache.qualname.clone(),
            source: s.cache.source.clone(),
            args: s.arg_types.iter().filter_map(typecode::encode).collect(),
            ret: typecode::encode(&s.ret).unwrap_or_default(),
            callees: s.cache.deps.iter().map(|d| (d.symbol.clone(), d.cache.key.unwrap_or_default())).collect(),
            exceptions: s.cache.exceptions.clone(),
            object: s.cache.object.as_deref().cloned().unwrap_or_default(),
        };
        if let Err(e) = write_atomically(&dir.join(file_name(&s.symbol)), &entry.encode()) {
            WRITES_OFF.store(true, Ordering::Relaxed);
            warn_once(py, "write", format!("could not write to {}: {e}; caching is off for the rest of this process", dir.display()));
            return;
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.{nanos}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// `_core.cache_entry_info(path)`: what an entry file holds (for `rumbo cache list`), or
/// None when it is not an intact entry.
#[pyfunction]
pub(crate) fn cache_entry_info(py: Python<'_>, path: &str) -> PyResult<Option<Py<PyAny>>> {
    let Some(e) = std::fs::read(path).ok().and_then(|b| Entry::decode(&b)) else { return Ok(None) };
    let d = pyo3::types::PyDict::new(py);
    d.set_item("qualname", e.qualname)?;
    d.set_item("source", e.source)?;
    d.set_item("symbol", e.symbol)?;
    let show = |code: &str| typecode::decode(code).map_or_else(|| "?".to_string(), |t| t.to_string());
    d.set_item("args", e.args.iter().map(|a| show(a)).collect::<Vec<_>>())?;
    d.set_item("ret", show(&e.ret))?;
    d.set_item("callees", e.callees.into_iter().map(|(s, _)| s).collect::<Vec<_>>())?;
    d.set_item("object_bytes", e.object.len())?;
    Ok(Some(d.into_any().unbind()))
}
