//! The debugging surface, Rust side.
//!
//! - Which stage dumps are on: bits set from `rumbo.config` through `_core.set_dump_flags`
//!   (config calls it at import and whenever a flag is assigned). Compilation reads them with
//!   one atomic load; the call path never does.
//! - Printing the dumps: the texts go to `rumbo._introspect._print_dumps`, which formats them
//!   (CFG as text and DOT, IR, annotated source, LLVM, assembly) on `sys.stdout`.
//! - Reports rendered on demand (`inspect_asm`, `annotate_html`): each specialization leaves
//!   its [`Recipe`], the inputs of its code generation, so its module can be built again for
//!   [`JitSession::render`] — with source lines and optimization remarks — without touching
//!   the compile path.

use crate::compile::Source;
use crate::dispatcher::{Dispatcher, Specialization};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};
use rumbo_codegen::{emit_module, CodegenOptions};
use rumbo_ir::{Block, Function, Inst, Value, ValueKind};
use rumbo_jit::{DumpRequest, JitSession, SourceLines};
use rumbo_types::{CallKind, TypedFunction};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// `rumbo.config` names of the flags, in bit order.
const FLAG_NAMES: [&str; 7] = [
    "DUMP_CFG",
    "DUMP_IR",
    "DUMP_ANNOTATION",
    "DUMP_LLVM",
    "DUMP_OPTIMIZED",
    "DUMP_ASSEMBLY",
    "DEBUG_ARRAY_OPT_STATS",
];
const CFG: u32 = 1 << 0;
const IR: u32 = 1 << 1;
const LLVM: u32 = 1 << 3;
const ASSEMBLY: u32 = 1 << 5;

static FLAGS: AtomicU32 = AtomicU32::new(0);

/// The dump flags as they were when a compilation started.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DumpFlags(u32);

impl DumpFlags {
    pub(crate) fn get() -> Self {
        DumpFlags(FLAGS.load(Ordering::Relaxed))
    }

    /// What to ask of the JIT: the optimized IR always (`inspect_llvm`), the rest only when
    /// a flag prints it (assembly costs a second code generation).
    /// No flag set.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn request(self) -> DumpRequest {
        DumpRequest { llvm: self.0 & LLVM != 0, optimized: true, assembly: self.0 & ASSEMBLY != 0 }
    }
}

/// `_core.set_dump_flags({"DUMP_IR": True, ...})`: names not given keep their value.
#[pyfunction]
fn set_dump_flags(flags: &Bound<'_, PyDict>) -> PyResult<()> {
    let mut bits = FLAGS.load(Ordering::Relaxed);
    for (i, name) in FLAG_NAMES.iter().enumerate() {
        if let Some(v) = flags.get_item(name)? {
            if v.is_truthy()? {
                bits |= 1 << i;
            } else {
                bits &= !(1 << i);
            }
        }
    }
    FLAGS.store(bits, Ordering::Relaxed);
    Ok(())
}

/// `_core.dump_flags()`: the flags compilation sees, by name.
#[pyfunction]
fn dump_flags(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let bits = FLAGS.load(Ordering::Relaxed);
    let d = PyDict::new(py);
    for (i, name) in FLAG_NAMES.iter().enumerate() {
        d.set_item(name, bits & (1 << i) != 0)?;
    }
    Ok(d)
}

fn print_dumps(py: Python<'_>, info: Bound<'_, PyDict>) -> PyResult<()> {
    PyModule::import(py, "rumbo._introspect")?.getattr("_print_dumps")?.call1((info,))?;
    Ok(())
}

/// Before typing: the CFG and the IR as lowered (also when typing then fails).
pub(crate) fn after_lowering(py: Python<'_>, d: &Dispatcher, src: &Source, flags: DumpFlags) -> PyResult<()> {
    if flags.0 & (CFG | IR) == 0 {
        return Ok(());
    }
    let info = PyDict::new(py);
    info.set_item("stage", "lowering")?;
    info.set_item("name", &d.name)?;
    info.set_item("ir", rumbo_ir::print_function(&src.ir, &|_| None))?;
    print_dumps(py, info)
}

/// What a finished compilation hands to [`after_compile`].
pub(crate) struct Compiled<'a> {
    pub(crate) spec: &'a Arc<Specialization>,
    pub(crate) src: &'a Arc<Source>,
    pub(crate) typed: TypedFunction,
    pub(crate) opts: CodegenOptions,
    pub(crate) opt_level: u8,
    /// LLVM IR before optimization, when `DUMP_LLVM` asked for it.
    pub(crate) llvm: Option<String>,
    /// Assembly, when `DUMP_ASSEMBLY` asked for it.
    pub(crate) assembly: Option<String>,
    /// Hook for the array-expression fusion pass: one line per fused expression or loop, for
    /// `DEBUG_ARRAY_OPT_STATS` (empty prints "no array expressions fused").
    pub(crate) fusion: Vec<String>,
    /// `parallel=True`: one `(line, kind, text)` per loop the parallel transforms
    /// looked at, for `parallel_diagnostics()` and `DEBUG_ARRAY_OPT_STATS`.
    pub(crate) parallel: Vec<(u32, String, String)>,
}

/// After a specialization is compiled: keeps its [`Recipe`] and prints the dumps asked for.
pub(crate) fn after_compile(py: Python<'_>, d: &Dispatcher, c: Compiled<'_>, flags: DumpFlags) -> PyResult<()> {
    let spec = c.spec;
    let recipe = Recipe { src: c.src.clone(), typed: c.typed, opts: c.opts, opt_level: c.opt_level, name: d.name.clone(), parallel: c.parallel.clone() };
    RECIPES.lock().unwrap_or_else(|e| e.into_inner()).insert(spec.symbol.clone(), Arc::new(recipe));
    if flags.0 == 0 && !(c.opts.parallel && parallel_diagnostics_env()) {
        return Ok(());
    }
    let info = PyDict::new(py);
    info.set_item("stage", "compiled")?;
    info.set_item("name", &d.name)?;
    info.set_item("args", spec.arg_types.iter().map(|t| t.to_string()).collect::<Vec<_>>())?;
    info.set_item("ret", spec.ret.to_string())?;
    info.set_item("py_func", d.py_func.bind(py))?;
    info.set_item("ir", &spec.ir)?;
    info.set_item("annotations", spec.annotations.clone())?;
    info.set_item("llvm", c.llvm)?;
    info.set_item("optimized", &spec.optimized_llvm)?;
    info.set_item("assembly", c.assembly)?;
    info.set_item("fusion", c.fusion)?;
    info.set_item("parallel", c.parallel)?;
    info.set_item("symbol", &spec.symbol)?;
    print_dumps(py, info)
}

/// The inputs of a specialization's code generation, kept so that reports can build its
/// module again. Kept for the life of the process, per symbol: the IR is shared with the
/// dispatcher, the types are a few KB per specialization.
struct Recipe {
    src: Arc<Source>,
    typed: TypedFunction,
    opts: CodegenOptions,
    opt_level: u8,
    name: String,
    parallel: Vec<(u32, String, String)>,
}

/// `RUMBO_PARALLEL_DIAGNOSTICS` / `NUMBA_PARALLEL_DIAGNOSTICS` set to a level.
fn parallel_diagnostics_env() -> bool {
    ["RUMBO_PARALLEL_DIAGNOSTICS", "NUMBA_PARALLEL_DIAGNOSTICS"].iter().any(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty() && v.trim() != "0"))
}

/// What the parallel transforms did to a specialization: `(line, kind, text)`
/// per loop, and whether it was compiled with `parallel=True`.
#[pyfunction]
fn parallel_report(symbol: &str) -> PyResult<(bool, Vec<(u32, String, String)>)> {
    let r = recipe(symbol)?;
    Ok((r.opts.parallel, r.parallel.clone()))
}

static RECIPES: LazyLock<Mutex<HashMap<String, Arc<Recipe>>>> = LazyLock::new(Default::default);

fn recipe(symbol: &str) -> PyResult<Arc<Recipe>> {
    RECIPES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(symbol)
        .cloned()
        .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(format!("no compiled specialization `{symbol}`")))
}

/// The source line of a block: the line most of its instructions come from (constants and
/// free names, which make no code, do not count; the first such line wins a tie), else its
/// terminator's. A `for` body block starts with the loop variable's assignment on the `for`
/// line but is mostly the body's first statement.
fn block_line(func: &Function, b: Block) -> u32 {
    let data = func.block(b);
    let mut counts: Vec<(u32, usize)> = vec![];
    for v in &data.insts {
        let vd = func.value(*v);
        if matches!(vd.kind, ValueKind::Inst(Inst::Const(_) | Inst::Global(_))) || vd.span.line == 0 {
            continue;
        }
        match counts.iter_mut().find(|(l, _)| *l == vd.span.line) {
            Some((_, n)) => *n += 1,
            None => counts.push((vd.span.line, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.iter().find(|(_, n)| *n == best).map_or(data.term_span.line, |(l, _)| *l)
}

/// Loop headers of the IR (targets of back edges in a depth-first walk), in block order.
fn loop_headers(func: &Function, reachable: &HashSet<Block>) -> Vec<Block> {
    let n = func.blocks.len();
    let mut state = vec![0u8; n];
    let mut headers = HashSet::new();
    let mut stack = vec![(Function::ENTRY, 0usize)];
    state[0] = 1;
    while let Some(&mut (b, ref mut i)) = stack.last_mut() {
        let succs: Vec<Block> = func.block(b).term.successors().iter().map(|c| c.block).filter(|s| reachable.contains(s)).collect();
        if *i < succs.len() {
            let s = succs[*i];
            *i += 1;
            match state[s.index()] {
                0 => {
                    state[s.index()] = 1;
                    stack.push((s, 0));
                }
                1 => {
                    headers.insert(s);
                }
                _ => {}
            }
        } else {
            state[b.index()] = 2;
            stack.pop();
        }
    }
    let mut out: Vec<Block> = headers.into_iter().collect();
    out.sort();
    out
}

/// The jitted function's name in a symbol `rumbo.<name>.<n>`.
fn callee_name(symbol: &str) -> &str {
    symbol.strip_prefix("rumbo.").and_then(|s| s.rsplit_once('.')).map_or(symbol, |(name, _)| name)
}

/// What each line costs, from the typed IR: (line, kind, detail) with kind `call` (a call of
/// another compiled function), `alloc` (a library call or an array expression that returns a
/// new array), `parallel` (a `prange` loop) or `raise`.
fn line_costs(func: &Function, typed: &TypedFunction) -> Vec<(u32, &'static str, String)> {
    let mut out = vec![];
    for (i, vd) in func.values.iter().enumerate() {
        let v = Value(i as u32);
        if let ValueKind::Inst(Inst::Binary { .. } | Inst::Unary { .. }) = &vd.kind {
            if typed.types[i].as_ref().is_some_and(|t| t.is_array()) {
                out.push((vd.span.line, "alloc", "array expression allocates its result".to_string()));
            }
            continue;
        }
        let ValueKind::Inst(Inst::Call { func: callee, .. }) = &vd.kind else { continue };
        if let Some(Inst::Global(n)) | Some(Inst::GetAttr { attr: n, .. }) = func.inst(*callee) {
            if n == "prange" {
                out.push((vd.span.line, "parallel", "prange loop (runs serially until the parallel backend lands)".to_string()));
                continue;
            }
        }
        if let Some(t) = typed.calls.get(&v) {
            match &t.kind {
                CallKind::Dispatcher { symbol } => out.push((vd.span.line, "call", format!("calls compiled function {}", callee_name(symbol)))),
                CallKind::Builtin(name) if t.ret.is_array() => out.push((vd.span.line, "alloc", format!("{name} allocates a new array"))),
                _ => {}
            }
        }
    }
    for b in func.block_ids().filter(|b| typed.reachable.contains(b)) {
        if let rumbo_ir::Terminator::Raise { .. } = func.block(b).term {
            out.push((func.block(b).term_span.line, "raise", "raises an exception".to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The lines that have compiled code: those of reached values and of reachable terminators.
fn code_lines(func: &Function, typed: &TypedFunction) -> Vec<u32> {
    let mut lines: Vec<u32> = func
        .values
        .iter()
        .zip(&typed.types)
        .filter(|(_, t)| t.is_some())
        .map(|(v, _)| v.span.line)
        .chain(func.block_ids().filter(|b| typed.reachable.contains(b)).map(|b| func.block(b).term_span.line))
        .filter(|l| *l > 0)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// `_core.render_report(symbol)`: the specialization's module built again with source lines
/// and optimized for the report: `optimized` (IR with `!dbg` lines), `assembly` (with `.loc`
/// lines), `remarks` [(line, message)], `loops` [(line, header block)], `costs`
/// [(line, kind, detail)], `blocks` {LLVM block name: line}, `code_lines` (lines with code).
#[pyfunction]
fn render_report<'py>(py: Python<'py>, symbol: &str) -> PyResult<Bound<'py, PyDict>> {
    let r = recipe(symbol)?;
    let func = &r.src.ir;
    let reachable = &r.typed.reachable;
    let blocks: HashMap<String, u32> =
        func.block_ids().filter(|b| reachable.contains(b)).map(|b| (format!("b{}", b.0), block_line(func, b))).collect();
    let headers = loop_headers(func, reachable);
    let loops: HashMap<String, u32> = headers.iter().map(|b| (format!("b{}", b.0), block_line(func, *b))).collect();
    let lines = SourceLines {
        file: r.src.file.filename.clone(),
        first_line: func.span.line.max(1),
        function: rumbo_codegen::body_name(symbol),
        blocks: blocks.clone(),
        loops: loops.clone(),
    };
    let request = DumpRequest { llvm: false, optimized: true, assembly: true };
    let out = py
        .detach(|| JitSession::global().render(r.opt_level, request, Some(&lines), |ctx| emit_module(ctx, func, &r.typed, symbol, r.opts)))
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("rendering {} for the report failed: {e}", r.name)))?;
    let d = PyDict::new(py);
    d.set_item("optimized", out.dumps.optimized.unwrap_or_default())?;
    d.set_item("assembly", out.dumps.assembly.unwrap_or_default())?;
    d.set_item("remarks", out.remarks.into_iter().map(|r| (r.line, r.message)).collect::<Vec<_>>())?;
    let mut loop_list: Vec<(u32, String)> = loops.into_iter().map(|(b, l)| (l, b)).collect();
    loop_list.sort();
    d.set_item("loops", loop_list)?;
    d.set_item("costs", line_costs(func, &r.typed))?;
    d.set_item("blocks", blocks)?;
    d.set_item("function_line", lines.first_line)?;
    d.set_item("code_lines", code_lines(func, &r.typed))?;
    Ok(d)
}

/// `_core.assembly_of_ir(text)`: host assembly of an LLVM IR module (e.g. a specialization's
/// optimized IR), without optimizing again.
#[pyfunction]
fn assembly_of_ir(py: Python<'_>, ir: &str) -> PyResult<String> {
    py.detach(|| JitSession::global().assembly_of_ir(ir))
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("generating assembly failed: {e}")))
}

/// `_core.llvm_version()`: the linked LLVM's `(major, minor, patch)`.
#[pyfunction]
fn llvm_version() -> (u32, u32, u32) {
    rumbo_jit::llvm_version()
}

/// Adds this module's functions to `_core`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(set_dump_flags, m)?)?;
    m.add_function(wrap_pyfunction!(dump_flags, m)?)?;
    m.add_function(wrap_pyfunction!(render_report, m)?)?;
    m.add_function(wrap_pyfunction!(assembly_of_ir, m)?)?;
    m.add_function(wrap_pyfunction!(llvm_version, m)?)?;
    m.add_function(wrap_pyfunction!(parallel_report, m)?)?;
    Ok(())
}
