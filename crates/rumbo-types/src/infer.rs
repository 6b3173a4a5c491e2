//! Type inference over the CFG: a forward fixed point. Block parameters and the
//! return type widen by [`unify`] until nothing changes; values whose operands are
//! not yet typed wait (recursive calls start unknown). Errors are reported from a
//! final pass over the settled types, so a transient type never causes one.

use crate::builtins::{math_attr_known, type_builtin_call, type_math_call, type_method_call};
use crate::rules::{binary_op, compare_op, unary_op, unify};
use crate::ty::*;
use crate::GlobalValue;
use rumbo_ir::{Block, Function, Inst, ObjInst, Terminator, Value, ValueKind};
use rumbo_syntax::{BinOp, Constant, Diagnostic, Span};
use std::collections::{HashMap, HashSet};

/// What a call compiles to.
#[derive(Clone, Debug, PartialEq)]
pub enum CallKind {
    /// A builtin or `math` function implemented by codegen, by qualified name.
    Builtin(String),
    /// Another jitted function's native entry point.
    Dispatcher { symbol: String },
    /// A conversion to the call's return type (`np.float32(x)`).
    Cast,
}

/// A typed call: its target, the types its arguments are converted to, its result.
#[derive(Clone, Debug, PartialEq)]
pub struct CallTarget {
    pub kind: CallKind,
    pub arg_types: Vec<Type>,
    pub ret: Type,
    /// For calls of jitted functions: where each parameter's value comes from
    /// (positional, keyword, default); `None` means the positional arguments in order.
    pub binding: Option<Vec<ArgSource>>,
}

/// How the Python side answered a request to compile another jitted function.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolveOutcome {
    /// `args` are the callee's parameter types (arguments are converted to them);
    /// `binding` says where each parameter's value comes from.
    Compiled { symbol: String, args: Vec<Type>, ret: Type, binding: Vec<ArgSource> },
    /// The same function with the same argument types is being compiled right now
    /// (self-recursion): its return type is what inference has found so far.
    InProgress { symbol: String, binding: Vec<ArgSource> },
}

/// Where a callee's parameter gets its value at a call site.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgSource {
    Positional(usize),
    Keyword(usize),
    /// The parameter's default value, frozen at compile time.
    Default(GlobalValue),
}

/// Compiles jitted callees on demand; implemented by the Python bindings.
pub trait CallResolver {
    fn resolve(&mut self, dispatcher: u32, args: &[Type], keywords: &[(String, Type)]) -> Result<ResolveOutcome, String>;
}

/// A `raise` site, resolved at compile time.
#[derive(Clone, Debug, PartialEq)]
pub struct RaiseInfo {
    pub class_id: u32,
    /// The exception's argument (`str()` of a constant), if it has one.
    pub message: Option<String>,
}

/// The IR function's types, call targets and constants: everything codegen needs.
#[derive(Clone, Debug)]
pub struct TypedFunction {
    pub arg_types: Vec<Type>,
    /// One per IR value; `None` for values never reached.
    pub types: Vec<Option<Type>>,
    pub ret: Type,
    pub calls: HashMap<Value, CallTarget>,
    /// Values known at compile time (literals, frozen globals, module attributes).
    pub consts: HashMap<Value, GlobalValue>,
    pub raises: HashMap<Block, RaiseInfo>,
    /// Blocks that run for some input: branches on compile-time constants
    /// (`if a.ndim == 1:`) leave their dead side out, untyped and not compiled.
    pub reachable: HashSet<Block>,
    /// Values whose computed type (the map's value) is converted to their
    /// declared local type (their entry in `types`) right where they are defined.
    pub def_casts: HashMap<Value, Type>,
    /// The outlined bodies of `Inst::ParallelFor` (by `region` index).
    pub regions: Vec<ParallelRegion>,
}

/// A `prange` loop outlined for the thread pool (see rumbo-passes): the body
/// runs iterations `lo..hi` and returns its partial reductions; `combine`
/// folds one chunk's partials into the accumulators, in chunk order.
#[derive(Clone, Debug)]
pub struct ParallelRegion {
    /// `(lo, hi, start, step, live_ins..., reduction inits...) -> tuple of partials`.
    pub body: (Function, TypedFunction),
    /// `(accumulators..., partials...) -> tuple of accumulators`; `None` without reductions.
    pub combine: Option<(Function, TypedFunction)>,
    /// How many of `ParallelFor::args` are live-ins (the rest are reduction inits).
    pub live_ins: usize,
}

impl TypedFunction {
    pub fn ty(&self, v: Value) -> &Type {
        self.types[v.index()].as_ref().expect("codegen reached a value typing never reached")
    }
}

struct Inferer<'a> {
    func: &'a Function,
    globals: &'a HashMap<String, GlobalValue>,
    resolver: &'a mut dyn CallResolver,
    types: Vec<Option<Type>>,
    consts: HashMap<Value, GlobalValue>,
    ret: Option<Type>,
    calls: HashMap<Value, CallTarget>,
    resolved: HashMap<(u32, Vec<Type>, Vec<(String, Type)>), ResolveOutcome>,
    func_arg_types: Vec<Type>,
    /// Declared variable types (`locals=`).
    locals: &'a HashMap<String, Type>,
    /// Values converted from their computed type to a declared local's type.
    def_casts: HashMap<Value, Type>,
    reachable: HashSet<Block>,
    /// Per block parameter: `Some(c)` while every incoming value is the constant c, `None` once not.
    param_consts: HashMap<Value, Option<GlobalValue>>,
    changed: bool,
}

/// The one type every item of a tuple can be seen as, when a loop or a
/// run-time index reads them: identical items, or arrays of one dtype and
/// dimension whose layouts differ (seen as 'A', the same data model).
pub(crate) fn uniform_item(items: &[Type]) -> Option<Type> {
    let first = items.first()?;
    if items.iter().all(|i| i == first) {
        return Some(first.clone());
    }
    let Type::Array { dtype, ndim, .. } = first else { return None };
    let mut readonly = false;
    for i in items {
        match i {
            Type::Array { dtype: d, ndim: n, readonly: r, .. } if d == dtype && n == ndim => readonly |= *r,
            _ => return None,
        }
    }
    Some(Type::Array { dtype: dtype.clone(), ndim: *ndim, layout: crate::Layout::A, readonly })
}

/// The first live construct only object mode compiles (try, with, lists, ...),
/// as the error nopython typing gives for it.
fn object_only_construct(func: &Function, live: &[Block]) -> Result<(), Diagnostic> {
    let is_list = |x: &Value| matches!(func.inst(*x), Some(Inst::Obj(ObjInst::List(_))));
    for &b in live {
        for &v in &func.block(b).insts {
            // List literals are read-only sequences here; changing one is object mode's.
            let changes_list = match func.inst(v) {
                Some(Inst::GetAttr { value, attr }) => is_list(value) && !matches!(attr.as_str(), "index" | "count"),
                Some(Inst::SetItem { value, .. }) => is_list(value),
                Some(Inst::Inplace { target, .. }) => is_list(target),
                _ => false,
            };
            if changes_list {
                return Err(list_literal_error(func.value(v).span));
            }
            if matches!(func.inst(v), Some(Inst::Obj(ObjInst::List(_)))) {
                continue;
            }
            if let Some(Inst::Obj(ObjInst::Marker(what))) = func.inst(v) {
                return Err(Diagnostic::unsupported(func.value(v).span, format!("`{what}` is not supported in compiled code"))
                    .with_hint("see rumbo's supported-features table"));
            }
            if let Some(Inst::Obj(ObjInst::StoreGlobal { name, .. })) = func.inst(v) {
                return Err(Diagnostic::unsupported(func.value(v).span, format!("cannot assign to global variable `{name}` in compiled code"))
                    .with_hint("globals are frozen as constants when the function compiles; return the value instead"));
            }
            if let Some(Inst::Obj(o)) = func.inst(v) {
                let (what, hint) = o.construct();
                let msg = if what.starts_with('`') {
                    format!("{what} is not supported in compiled code")
                } else {
                    format!("{what} are not supported in compiled code yet")
                };
                return Err(Diagnostic::unsupported(func.value(v).span, msg).with_hint(hint));
            }
        }
    }
    Ok(())
}

fn list_literal_error(span: rumbo_syntax::Span) -> Diagnostic {
    Diagnostic::unsupported(span, "list literals can only be read in compiled code (indexing, iteration, len, np.array([...])); changing, returning or storing one needs object mode")
        .with_hint("use a NumPy array (np.empty / np.zeros) for values that change, or a tuple")
}

/// A list literal is typed as a tuple, so it must not escape where a list
/// would be seen: only reads (index, iterate, pass as an argument) are allowed.
fn list_literals_stay_local(func: &Function, live: &[Block]) -> Result<(), Diagnostic> {
    let is_list = |x: &Value| matches!(func.inst(*x), Some(Inst::Obj(ObjInst::List(_))));
    for &b in live {
        let data = func.block(b);
        for &v in &data.insts {
            let escapes = match func.inst(v) {
                Some(Inst::GetIter(_) | Inst::GetItem { .. } | Inst::Call { .. } | Inst::Compare { .. } | Inst::Truth(_)) => false,
                Some(Inst::GetAttr { .. } | Inst::SetItem { .. } | Inst::Inplace { .. }) => false, // object_only_construct
                Some(Inst::Obj(ObjInst::List(_))) => false, // nested: [[1, 2], [3, 4]]
                Some(i) => i.operands().iter().any(is_list),
                None => false,
            };
            if escapes {
                return Err(list_literal_error(func.value(v).span));
            }
            if let Some(Inst::SetItem { item, .. }) = func.inst(v) {
                if is_list(item) {
                    return Err(list_literal_error(func.value(v).span));
                }
            }
        }
        if data.term.operands().iter().any(is_list) {
            return Err(list_literal_error(data.term_span));
        }
    }
    Ok(())
}

/// Types an objmode block can move between compiled code and the interpreter.
fn boxable(t: &Type) -> bool {
    match t {
        Type::Tuple(items) => items.iter().all(boxable),
        Type::Array { .. } => true,
        t => t.is_number(),
    }
}

/// Infers the type of every value of `func` called with `args`.
pub fn infer_types(
    func: &Function,
    args: &[Type],
    globals: &HashMap<String, GlobalValue>,
    declared_ret: Option<&Type>,
    locals: &HashMap<String, Type>,
    resolver: &mut dyn CallResolver,
) -> Result<TypedFunction, Diagnostic> {
    let mut inf = Inferer {
        func,
        globals,
        resolver,
        types: vec![None; func.values.len()],
        consts: HashMap::new(),
        ret: None,
        calls: HashMap::new(),
        resolved: HashMap::new(),
        func_arg_types: args.to_vec(),
        locals,
        def_casts: HashMap::new(),
        reachable: HashSet::from([Function::ENTRY]),
        param_consts: HashMap::new(),
        changed: true,
    };
    for (p, t) in func.block(Function::ENTRY).params.iter().zip(args) {
        inf.types[p.index()] = Some(t.clone());
    }
    let rpo = func.reverse_postorder();
    let mut rounds = 0;
    while inf.changed {
        inf.changed = false;
        rounds += 1;
        if rounds > 1000 {
            return Err(Diagnostic::typing(func.span, "type inference did not settle"));
        }
        for &b in &rpo {
            if inf.reachable.contains(&b) {
                inf.visit_block(b, false)?;
            }
        }
    }
    inf.calls.clear();
    let mut raises = HashMap::new();
    let live: Vec<Block> = rpo.iter().copied().filter(|b| inf.reachable.contains(b)).collect();
    object_only_construct(func, &live)?;
    list_literals_stay_local(func, &live)?;
    for &b in &live {
        inf.visit_block(b, true)?;
        if let Terminator::Raise { class, args } = &func.block(b).term {
            raises.insert(b, inf.raise_info(b, *class, args)?);
        }
    }
    let ret = match declared_ret {
        Some(Type::Void) => Type::NoneType,
        Some(t) => {
            if let Some(found) = &inf.ret {
                if !convertible(found, t) {
                    let span = inf.return_span().unwrap_or(func.span);
                    return Err(Diagnostic::typing(span, format!("cannot return {found} as the declared {t}"))
                        .with_hint("change the signature's return type, or convert the value"));
                }
            }
            t.clone()
        }
        None => inf.ret.clone().unwrap_or(Type::NoneType),
    };
    Ok(TypedFunction {
        arg_types: args.to_vec(),
        types: inf.types,
        ret,
        calls: inf.calls,
        consts: inf.consts,
        raises,
        def_casts: inf.def_casts,
        reachable: inf.reachable,
        regions: vec![],
    })
}

/// `isinstance(x, cls)` from the type of `x`; `cls` is a class or a tuple of classes.
fn isinstance_of(x: &Type, classes: &Type) -> Result<bool, String> {
    let one = |c: &Type| -> Result<bool, String> {
        Ok(match c {
            Type::Function(name) => match name.as_str() {
                "int" => x.is_int(),
                "float" => x.is_float(),
                "bool" => *x == Type::Bool,
                "complex" => x.is_complex(),
                "tuple" => matches!(x, Type::Tuple(_)),
                "numpy.ndarray" => x.is_array(),
                other => return Err(format!("isinstance() with {other} is not supported in compiled code")),
            },
            Type::NumberClass(t) => **t == *x,
            Type::ExceptionClass(_) => false,
            other => return Err(format!("isinstance() needs a class or a tuple of classes, not {other}")),
        })
    };
    match classes {
        Type::Tuple(items) => {
            for c in items {
                if one(c)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        c => one(c),
    }
}

/// Compares two compile-time numbers (integers and booleans).
fn fold_compare(op: rumbo_syntax::CmpOp, a: Option<&GlobalValue>, b: Option<&GlobalValue>) -> Option<bool> {
    use rumbo_syntax::CmpOp::*;
    // dtype classes (`a.dtype == np.float64`) compare by the type they stand for.
    if let (Some(GlobalValue::NumberClass(x)), Some(GlobalValue::NumberClass(y))) = (a, b) {
        return match op {
            Eq | Is => Some(x == y),
            NotEq | IsNot => Some(x != y),
            _ => None,
        };
    }
    let num = |g: &GlobalValue| match g {
        GlobalValue::Int(i) => Some(*i),
        GlobalValue::Bool(b) => Some(*b as i128),
        _ => None,
    };
    let (x, y) = (num(a?)?, num(b?)?);
    Some(match op {
        Eq | Is => x == y,
        NotEq | IsNot => x != y,
        Lt => x < y,
        LtE => x <= y,
        Gt => x > y,
        GtE => x >= y,
        In | NotIn => return None,
    })
}

/// True when a value of type `from` can be converted to `to` implicitly.
fn convertible(from: &Type, to: &Type) -> bool {
    match (from, to) {
        _ if from == to => true,
        (Type::Tuple(a), Type::Tuple(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| convertible(x, y)),
        (Type::Array { dtype: d1, ndim: n1, layout: l1, readonly: r1 }, Type::Array { dtype: d2, ndim: n2, layout: l2, readonly: r2 }) => {
            d1 == d2 && n1 == n2 && (l1 == l2 || *l2 == Layout::A) && (!r1 || *r2)
        }
        _ => from.is_number() && to.is_number() && !(from.is_complex() && !to.is_complex()),
    }
}

fn const_of(c: &Constant) -> Option<GlobalValue> {
    Some(match c {
        Constant::None => GlobalValue::None,
        Constant::Bool(b) => GlobalValue::Bool(*b),
        Constant::Int(i) => GlobalValue::Int(*i),
        Constant::Float(f) => GlobalValue::Float(*f),
        Constant::Complex { re, im } => GlobalValue::Complex(*re, *im),
        Constant::Str(s) => GlobalValue::Str(s.clone()),
        Constant::Ellipsis => return None,
    })
}

/// Python's `str()` of a constant exception argument.
fn py_str(v: &GlobalValue) -> Option<String> {
    Some(match v {
        GlobalValue::Str(s) => s.clone(),
        GlobalValue::Int(i) => i.to_string(),
        GlobalValue::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        GlobalValue::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 { "inf" } else { "-inf" }.into()
            } else {
                format!("{f}")
            }
        }
        GlobalValue::None => "None".into(),
        _ => return None,
    })
}

impl<'a> Inferer<'a> {
    fn set(&mut self, v: Value, t: Type) {
        if self.types[v.index()].as_ref() != Some(&t) {
            self.types[v.index()] = Some(t);
            self.changed = true;
        }
    }

    fn ty(&self, v: Value) -> Option<&Type> {
        self.types[v.index()].as_ref()
    }

    fn var_name(&self, v: Value) -> String {
        match &self.func.value(v).var {
            Some(n) => format!("`{n}`"),
            None => "the value".into(),
        }
    }

    fn return_span(&self) -> Option<Span> {
        self.func.blocks.iter().find_map(|b| match b.term {
            Terminator::Return(_) => Some(b.term_span),
            _ => None,
        })
    }

    /// Types the block's instructions; widens successors' parameters and the return type.
    fn visit_block(&mut self, b: Block, report: bool) -> Result<(), Diagnostic> {
        let data = self.func.block(b);
        for &v in &data.insts {
            let ValueKind::Inst(inst) = &self.func.value(v).kind else { continue };
            let operands = inst.operands();
            if let Some(&bad) = operands.iter().find(|o| self.ty(**o).is_none()) {
                if report {
                    return Err(self.unknown_operand(bad, v));
                }
                if !matches!(inst, Inst::Const(_) | Inst::Global(_) | Inst::Undef(_)) {
                    continue;
                }
            }
            match self.type_inst(v, inst) {
                Ok(Some(t)) => {
                    let t = self.declared_local(v, t, report)?;
                    self.set(v, t)
                }
                Ok(None) => {}
                Err(d) if report => return Err(d),
                Err(_) => {}
            }
        }
        match &data.term {
            Terminator::Return(v) => {
                if report && self.ty(*v).is_some_and(|t| matches!(t, Type::Ellipsis)) {
                    return Err(Diagnostic::unsupported(data.term_span, "`...` can only be used in an array index in compiled code"));
                }
                if let Some(t) = self.ty(*v).cloned() {
                    let new = match &self.ret {
                        None => Some(t.clone()),
                        Some(r) => unify(r, &t),
                    };
                    match new {
                        Some(n) => {
                            if self.ret.as_ref() != Some(&n) {
                                self.ret = Some(n);
                                self.changed = true;
                            }
                        }
                        None if report => {
                            return Err(Diagnostic::typing(
                                data.term_span,
                                format!("this returns {t}, but another return gives {}", self.ret.as_ref().unwrap()),
                            )
                            .with_hint("every return of a compiled function must give the same type"))
                        }
                        None => {}
                    }
                } else if report {
                    return Err(self.unknown_operand(*v, *v));
                }
            }
            term => {
                let live: Vec<&rumbo_ir::BlockCall> = match term {
                    Terminator::Branch { cond, then_to, else_to } => match self.consts.get(cond) {
                        Some(GlobalValue::Bool(true)) => vec![then_to],
                        Some(GlobalValue::Bool(false)) => vec![else_to],
                        _ => vec![then_to, else_to],
                    },
                    _ => term.successors(),
                };
                for call in &live {
                    if self.reachable.insert(call.block) {
                        self.changed = true;
                    }
                }
                for call in live {
                    let params = &self.func.block(call.block).params;
                    for (p, a) in params.iter().zip(&call.args) {
                        self.merge_param_const(*p, *a);
                        let Some(at) = self.ty(*a).cloned() else { continue };
                        let declared = self.func.value(*p).var.as_ref().and_then(|n| self.locals.get(n));
                        let new = match (declared, self.ty(*p)) {
                            (Some(d), _) if crate::rules::promote(&at, d).is_some() || &at == d => Some(d.clone()),
                            (_, None) => Some(at.clone()),
                            (_, Some(pt)) => unify(pt, &at),
                        };
                        match new {
                            Some(n) => self.set(*p, n),
                            None if report => {
                                let pt = self.ty(*p).unwrap().clone();
                                return Err(Diagnostic::typing(
                                    self.func.value(*a).span,
                                    format!("cannot unify {pt} and {at} for {}", self.var_name(*p)),
                                )
                                .with_note(format!("{} is {pt} on one path and {at} on another", self.var_name(*p)))
                                .with_hint("give the variable one type on every path"));
                            }
                            None => {}
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A block parameter is a compile-time constant while every live edge passes
    /// the same constant (so `if a.ndim == 1 and b.ndim == 1:` prunes too).
    fn merge_param_const(&mut self, p: Value, a: Value) {
        let incoming = self.consts.get(&a).cloned();
        let state = self.param_consts.get(&p).cloned();
        let next = match (state, incoming) {
            (None, Some(g)) => Some(Some(g)),
            (Some(Some(old)), Some(g)) if old == g => return,
            (Some(None), _) => return,
            _ => Some(None),
        };
        match &next {
            Some(Some(g)) => {
                self.consts.insert(p, g.clone());
            }
            _ => {
                self.consts.remove(&p);
            }
        }
        self.param_consts.insert(p, next.flatten());
        self.changed = true;
    }

    /// A value assigned to a variable declared in `locals=` takes the declared type.
    fn declared_local(&mut self, v: Value, t: Type, report: bool) -> Result<Type, Diagnostic> {
        let Some(name) = &self.func.value(v).var else { return Ok(t) };
        let Some(declared) = self.locals.get(name) else { return Ok(t) };
        if &t == declared {
            return Ok(t);
        }
        if !convertible(&t, declared) {
            if report {
                return Err(self.err(v, format!("cannot assign {t} to `{name}`, declared {declared} in locals")));
            }
            return Ok(t);
        }
        self.def_casts.insert(v, t);
        Ok(declared.clone())
    }

    fn unknown_operand(&self, operand: Value, user: Value) -> Diagnostic {
        if let Some(Inst::Undef(name)) = self.func.inst(operand) {
            return Diagnostic::typing(
                self.func.value(user).span,
                format!("name `{name}` may be used before it is assigned"),
            )
            .with_hint(format!("assign `{name}` on every path before this line"));
        }
        Diagnostic::typing(self.func.value(user).span, format!("cannot determine the type of {}", self.var_name(operand)))
            .with_hint("a recursive function needs a return that does not recurse, before the recursive call")
    }

    fn err(&self, v: Value, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::typing(self.func.value(v).span, msg)
    }

    fn type_inst(&mut self, v: Value, inst: &Inst) -> Result<Option<Type>, Diagnostic> {
        let t = |s: &Self, x: &Value| s.ty(*x).cloned().expect("operand typed");
        Ok(Some(match inst {
            // `...` has meaning only inside an array index.
            Inst::Const(Constant::Ellipsis) => Type::Ellipsis,
            Inst::Const(c) => {
                let g = const_of(c).expect("constant other than `...`");
                let ty = g.type_of().ok_or_else(|| {
                    self.err(v, "integer literal too large for 64 bits")
                        .with_hint("rumbo integers are at most 64 bits wide, as in Numba")
                })?;
                self.consts.insert(v, g);
                ty
            }
            Inst::Global(name) => {
                let Some(g) = self.globals.get(name) else {
                    return Err(self.err(v, format!("name `{name}` is not defined")).with_hint(
                        "compiled functions can use their arguments, locals, and module-level names defined before the first call",
                    ));
                };
                let Some(ty) = g.type_of() else {
                    let what = match g {
                        GlobalValue::Unsupported(w) => w.clone(),
                        _ => "a value".into(),
                    };
                    let hint = if matches!(name.as_str(), "enumerate" | "zip") {
                        "enumerate() and zip() are supported as the iterable of a `for` loop: `for i, (x, y) in enumerate(zip(a, b)):`"
                    } else {
                        "compiled code can call other @njit functions, math and builtins, and read numbers and tuples"
                    };
                    return Err(Diagnostic::typing(
                        self.func.value(v).span,
                        format!("cannot use `{name}` ({what}) in compiled code"),
                    )
                    .with_hint(hint));
                };
                self.consts.insert(v, g.clone());
                ty
            }
            // A list literal is a read-only sequence in compiled code: typed as
            // the tuple of its items (indexing, iteration, len, np.array(...)).
            Inst::Obj(ObjInst::List(items)) if items.iter().all(|x| self.ty(*x).is_some()) => {
                Type::Tuple(items.iter().map(|x| t(self, x)).collect())
            }
            Inst::Undef(_) | Inst::Obj(_) => return Ok(None),
            Inst::Inplace { op, target, rhs } if t(self, target).is_array() => {
                let (l, r) = (t(self, target), t(self, rhs));
                let (_, res) = crate::ufuncs::array_binary(*op, &l, &r)
                    .expect("array operand")
                    .map_err(|m| self.err(v, m).with_note(format!("left is {l}, right is {r}")))?;
                let (Type::Array { dtype: ld, readonly, .. }, Type::Array { dtype: rd, .. }) = (&l, &res) else { unreachable!() };
                if *readonly {
                    return Err(self.err(v, format!("cannot modify {l} in place: it is read-only")));
                }
                let rank = |t: &Type| match t {
                    Type::Bool => 0,
                    Type::Int { .. } => 1,
                    Type::Float { .. } => 2,
                    _ => 3,
                };
                if rank(rd) > rank(ld) {
                    return Err(self.err(v, format!("cannot cast the {} result from {rd} to {ld} in place (NumPy's same_kind rule)", op.symbol()))
                        .with_hint("write `a = a op b` to make a new array, or convert a first with .astype()"));
                }
                l
            }
            Inst::Binary { op, lhs, rhs } | Inst::Inplace { op, target: lhs, rhs } => {
                let (l, r) = (t(self, lhs), t(self, rhs));
                if *op == BinOp::MatMult && (l.is_array() || r.is_array()) {
                    return self.library_call(v, "__matmul__", &[l.clone(), r.clone()]);
                }
                if let Some(r2) = crate::ufuncs::array_binary(*op, &l, &r) {
                    r2.map_err(|m| self.err(v, m).with_note(format!("left is {l}, right is {r}")))?.1
                } else if let (BinOp::Add, Type::Tuple(a), Type::Tuple(b)) = (op, &l, &r) {
                    Type::Tuple(a.iter().chain(b).cloned().collect())
                } else {
                    let (_, res) = binary_op(*op, &l, &r).map_err(|m| {
                        self.err(v, format!("{m}: {l} {} {r}", op.symbol()))
                            .with_note(format!("left is {l}, right is {r}"))
                            .with_hint(binop_hint(&l, &r))
                    })?;
                    res
                }
            }
            Inst::Unary { op, operand } => {
                let o = t(self, operand);
                self.consts.remove(&v);
                // `not <constant>` is a constant too (so `if not isinstance(...)` prunes).
                if *op == rumbo_syntax::UnaryOp::Not {
                    if let Some(GlobalValue::Bool(b)) = self.consts.get(operand) {
                        self.consts.insert(v, GlobalValue::Bool(!b));
                    }
                }
                // `-1` is a constant too (tuple indices and slice bounds).
                if let (rumbo_syntax::UnaryOp::Neg, Some(GlobalValue::Int(i)), true) = (op, self.consts.get(operand), o.is_int()) {
                    self.consts.insert(v, GlobalValue::Int(-i));
                }
                if let Some(r) = crate::ufuncs::array_unary(*op, &o) {
                    return Ok(Some(r.map_err(|m| self.err(v, m))?.1));
                }
                unary_op(*op, &o).map_err(|m| self.err(v, format!("{m}: {o}")))?.1
            }
            Inst::Compare { op, lhs, rhs } => {
                let (l, r) = (t(self, lhs), t(self, rhs));
                self.consts.remove(&v);
                use rumbo_syntax::CmpOp::{Eq, Is, IsNot, NotEq};
                // `x is None` is decided by the types (so `if w is None:` prunes), arrays included.
                if matches!(op, Is | IsNot) && (l == Type::NoneType || r == Type::NoneType) {
                    let same = (l == Type::NoneType) == (r == Type::NoneType);
                    self.consts.insert(v, GlobalValue::Bool(if *op == Is { same } else { !same }));
                    return Ok(Some(Type::Bool));
                }
                // String literals compare at compile time (`if mode == 'valid':`).
                if let (Type::StrLiteral(a), Type::StrLiteral(b), Eq | NotEq | Is | IsNot) = (&l, &r, op) {
                    let equal = a == b;
                    self.consts.insert(v, GlobalValue::Bool(if matches!(op, Eq | Is) { equal } else { !equal }));
                    return Ok(Some(Type::Bool));
                }
                if let Some(t) = self.tuple_compare(v, *op, (*lhs, &l), (*rhs, &r))? {
                    return Ok(Some(t));
                }
                if let Some(res) = crate::ufuncs::array_compare(*op, &l, &r) {
                    return Ok(Some(res.map_err(|m| self.err(v, m).with_note(format!("left is {l}, right is {r}")))?.1));
                }
                if let Some(b) = fold_compare(*op, self.consts.get(lhs), self.consts.get(rhs)) {
                    self.consts.insert(v, GlobalValue::Bool(b));
                    if matches!(l, Type::NumberClass(_)) {
                        return Ok(Some(Type::Bool));
                    }
                }
                // `x is None` is decided by the types (so `if axis is None:` prunes).
                if matches!(op, rumbo_syntax::CmpOp::Is | rumbo_syntax::CmpOp::IsNot)
                    && (l == Type::NoneType || r == Type::NoneType)
                {
                    let same = (l == Type::NoneType) == (r == Type::NoneType);
                    self.consts.insert(v, GlobalValue::Bool(if *op == rumbo_syntax::CmpOp::Is { same } else { !same }));
                }
                compare_op(*op, &l, &r)
                    .map_err(|m| self.err(v, format!("{m}: {l} {} {r}", op.symbol())).with_note(format!("left is {l}, right is {r}")))?;
                Type::Bool
            }
            Inst::Truth(x) => {
                let o = t(self, x);
                self.consts.remove(&v);
                match self.consts.get(x) {
                    Some(GlobalValue::Bool(b)) => {
                        self.consts.insert(v, GlobalValue::Bool(*b));
                    }
                    Some(GlobalValue::Int(i)) => {
                        self.consts.insert(v, GlobalValue::Bool(*i != 0));
                    }
                    _ => {}
                }
                if !(o.is_number() || matches!(o, Type::Tuple(_) | Type::NoneType)) {
                    return Err(self.err(v, format!("cannot use {o} as a condition")));
                }
                Type::Bool
            }
            Inst::Call { func, args, kwargs } => {
                let ft = t(self, func);
                let ats: Vec<Type> = args.iter().map(|a| t(self, a)).collect();
                let kts: Vec<(String, Type)> = kwargs.iter().map(|(k, a)| (k.clone(), t(self, a))).collect();
                if ft == Type::Function("isinstance".into()) {
                    // Decided by the types at compile time (so it prunes branches).
                    let [x, classes] = ats.as_slice() else {
                        return Err(self.err(v, "isinstance() takes 2 arguments"));
                    };
                    let answer = isinstance_of(x, classes).map_err(|m| self.err(v, m))?;
                    self.consts.insert(v, GlobalValue::Bool(answer));
                    let target = CallTarget { kind: CallKind::Builtin("isinstance".into()), arg_types: ats.clone(), ret: Type::Bool, binding: None };
                    self.calls.insert(v, target);
                    return Ok(Some(Type::Bool));
                }
                if let Some(target) = self.fused_sum(&ft, args, &ats, &kts) {
                    let ret = target.ret.clone();
                    self.calls.insert(v, target);
                    return Ok(Some(ret));
                }
                let target = self.type_call(v, &ft, &ats, &kts)?;
                // The length of a tuple is part of its type (so `if len(t) == 2:` prunes).
                if let (Type::Function(name), [Type::Tuple(items)]) = (&ft, ats.as_slice()) {
                    if name == "len" {
                        self.consts.insert(v, GlobalValue::Int(items.len() as i128));
                    }
                }
                match target {
                    Some(target) => {
                        let ret = target.ret.clone();
                        self.calls.insert(v, target);
                        ret
                    }
                    None => return Ok(None),
                }
            }
            Inst::GetAttr { value, attr } => self.type_getattr(v, *value, attr)?,
            Inst::GetItem { value, index } => {
                let (c, i) = (t(self, value), t(self, index));
                if c.is_array() && i.is_array() {
                    return self.library_call(v, "__getitem_array__", &[c, i]);
                }
                if c.is_array() && matches!(&i, Type::Tuple(items) if items.iter().any(Type::is_array)) {
                    return self.library_call(v, "__getitem_fancy__", &[c, i]);
                }
                if c.is_array() {
                    return Ok(Some(crate::arrays::array_getitem(&c, &i).map_err(|m| {
                        self.err(v, format!("{m}")).with_note(format!("indexing {c} with {i}"))
                    })?.0));
                }
                match (&c, self.consts.get(index)) {
                    (Type::Tuple(items), _) if i == Type::Slice => {
                        let bounds = crate::tuples::const_slice_bounds(self.func, &self.consts, *index).map_err(|m| self.err(v, m))?;
                        let picked = crate::tuples::slice_positions(items.len(), bounds).map_err(|m| self.err(v, m))?;
                        Type::Tuple(picked.into_iter().map(|k| items[k].clone()).collect())
                    }
                    (Type::Tuple(items), Some(GlobalValue::Int(k))) => {
                        let n = items.len() as i128;
                        let k = if *k < 0 { k + n } else { *k };
                        if k < 0 || k >= n {
                            return Err(self.err(v, format!("tuple index out of range: {c} has {n} items")));
                        }
                        items[k as usize].clone()
                    }
                    (Type::Tuple(items), _) if i.is_int_like() && uniform_item(items).is_some() => uniform_item(items).unwrap(),
                    _ => return Err(self.err(v, format!("cannot index {c} with {i}"))),
                }
            }
            Inst::SetItem { value, index, item } => {
                let (c, i, x) = (t(self, value), t(self, index), t(self, item));
                if c.is_array() && i.is_array() {
                    self.library_call(v, "__setitem_array__", &[c, i, x])?;
                    return Ok(Some(Type::NoneType));
                }
                if c.is_array() {
                    crate::arrays::array_setitem(&c, &i, &x)
                        .map_err(|m| self.err(v, m).with_note(format!("storing {x} into {c} at {i}")))?;
                    Type::NoneType
                } else {
                    return Err(self.err(v, format!("{c} does not support item assignment")));
                }
            }
            Inst::Tuple(items) => Type::Tuple(items.iter().map(|x| t(self, x)).collect()),
            Inst::TupleGet { value, index } => match t(self, value) {
                Type::Tuple(items) if *index < items.len() => items[*index].clone(),
                other => return Err(self.err(v, format!("cannot take item {index} of {other}"))),
            },
            Inst::Unpack { value, count } => match t(self, value) {
                Type::Tuple(items) if items.len() == *count => Type::Tuple(items),
                Type::Tuple(items) => {
                    return Err(self.err(v, format!("cannot unpack {} values into {count} names", items.len())))
                }
                other => return Err(self.err(v, format!("cannot unpack {other}"))),
            },
            Inst::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    let pt = t(self, part);
                    if !pt.is_int_like() && pt != Type::NoneType {
                        return Err(self.err(v, format!("slice bounds must be integers or None, not {pt}")));
                    }
                }
                Type::Slice
            }
            Inst::GetIter(x) => match t(self, x) {
                Type::Range => Type::RangeIter,
                a @ Type::Array { .. } => {
                    crate::arrays::array_iter_item(&a).map_err(|m| self.err(v, m))?;
                    Type::ArrayIter(Box::new(a))
                }
                Type::Flat(a) => Type::FlatIter(a),
                Type::NdIndex(n) => Type::NdIndexIter(n),
                Type::Tuple(items) if uniform_item(&items).is_some() => {
                    let item = uniform_item(&items).unwrap();
                    Type::TupleIter(Box::new(Type::Tuple(vec![item; items.len()])))
                }
                Type::Tuple(_) => {
                    return Err(self.err(v, "iterating over a tuple needs items of one type (or a non-empty tuple)")
                        .with_hint("index the tuple, or make its items one type"))
                }
                other => {
                    return Err(self.err(v, format!("cannot iterate over {other}")).with_hint("loop over range(...)"))
                }
            },
            Inst::IterNext(x) => match t(self, x) {
                Type::RangeIter => Type::Tuple(vec![I64, Type::Bool]),
                Type::NdIndexIter(n) => Type::Tuple(vec![Type::Tuple(vec![I64; n as usize]), Type::Bool]),
                Type::ArrayIter(a) => Type::Tuple(vec![crate::arrays::array_iter_item(&a).map_err(|m| self.err(v, m))?, Type::Bool]),
                Type::TupleIter(t) => match *t {
                    Type::Tuple(items) => Type::Tuple(vec![items[0].clone(), Type::Bool]),
                    _ => return Err(self.err(v, "internal: tuple iterator")),
                },
                Type::FlatIter(a) => match *a {
                    Type::Array { dtype, .. } => Type::Tuple(vec![*dtype, Type::Bool]),
                    _ => return Err(self.err(v, "internal: flat of a non-array")),
                },
                other => return Err(self.err(v, format!("{other} is not an iterator"))),
            },
            Inst::ParallelFor { .. } => return Err(self.err(v, "internal: parallel regions are made after typing")),
            Inst::ObjmodeBlock(b) => {
                for (name, a) in b.inputs.iter().zip(&b.args) {
                    let at = t(self, a);
                    if !boxable(&at) {
                        return Err(self.err(v, format!("the objmode block reads `{name}` of type {at}, which cannot be passed to the interpreter"))
                            .with_hint("pass numbers, arrays or tuples of them into objmode blocks"));
                    }
                }
                let mut outs = vec![];
                for (name, text) in &b.outputs {
                    let ty = crate::parse_type(text).map_err(|e| {
                        self.err(v, format!("bad type for objmode output `{name}`: {}", e.render(text)))
                    })?;
                    if !boxable(&ty) {
                        return Err(self.err(v, format!("objmode output `{name}` cannot have type {ty}"))
                            .with_hint("declare numbers, arrays or tuples of them"));
                    }
                    outs.push(ty);
                }
                Type::Tuple(outs)
            }
        }))
    }

    /// Comparisons with a tuple on the right of `in`, or tuples on both sides:
    /// `None` when this is not such a comparison.
    fn tuple_compare(&mut self, v: Value, op: rumbo_syntax::CmpOp, (lv, l): (Value, &Type), (rv, r): (Value, &Type)) -> Result<Option<Type>, Diagnostic> {
        use rumbo_syntax::CmpOp::{Eq, In, NotEq, NotIn};
        // List literals are typed as tuples, but a list never equals a tuple.
        let is_list = |x: Value| matches!(self.func.inst(x), Some(Inst::Obj(ObjInst::List(_))));
        let list_with_tuple = !matches!(op, In | NotIn) && matches!((l, r), (Type::Tuple(_), Type::Tuple(_))) && is_list(lv) != is_list(rv);
        let decided = match (op, l, r) {
            _ if list_with_tuple && matches!(op, Eq | NotEq) => Some(op == NotEq),
            _ if list_with_tuple => {
                return Err(self.err(v, format!("`{}` is not supported between a list and a tuple", op.symbol())));
            }
            (In | NotIn, _, Type::Tuple(items)) => {
                let how = crate::tuples::tuple_contains(l, items).map_err(|m| self.err(v, m))?;
                let never = how.iter().all(|h| *h == crate::tuples::Membership::Never);
                never.then_some(op == NotIn)
            }
            (_, Type::Tuple(a), Type::Tuple(b)) => crate::tuples::tuple_compare(op, a, b)
                .map_err(|m| self.err(v, format!("{m}: {l} {} {r}", op.symbol())).with_note(format!("left is {l}, right is {r}")))?,
            _ => return Ok(None),
        };
        if let Some(answer) = decided {
            self.consts.insert(v, GlobalValue::Bool(answer));
        }
        Ok(Some(Type::Bool))
    }

    /// `np.sum(expr)` of an array expression (operators/ufuncs on arrays): a
    /// reduction codegen fuses with the expression, so the expression's array is
    /// never made. Other sums go to the library's implementation.
    fn fused_sum(&self, ft: &Type, args: &[Value], ats: &[Type], kwargs: &[(String, Type)]) -> Option<CallTarget> {
        let Type::Dispatcher(id) = ft else { return None };
        let is_sum = matches!(self.globals.get("@array.sum"), Some(GlobalValue::Dispatcher { id: s, .. }) if s == id);
        if !is_sum || args.len() != 1 || !kwargs.is_empty() {
            return None;
        }
        let Type::Array { dtype, .. } = &ats[0] else { return None };
        let elementwise = match self.func.inst(args[0]) {
            Some(Inst::Binary { op, .. }) => *op != BinOp::MatMult,
            Some(Inst::Unary { .. } | Inst::Compare { .. }) => true,
            Some(Inst::Call { .. }) => matches!(
                self.calls.get(&args[0]).map(|c| &c.kind),
                Some(CallKind::Builtin(n)) if n.starts_with("numpy.") && crate::ufuncs::ufunc_kind(&n[6..]).is_some()
            ),
            _ => false,
        };
        if !elementwise {
            return None;
        }
        let ret = match &**dtype {
            Type::Bool | Type::Int { signed: true, .. } => I64,
            Type::Int { .. } => U64,
            other => other.clone(),
        };
        Some(CallTarget { kind: CallKind::Builtin("numpy.sum_fused".into()), arg_types: ats.to_vec(), ret, binding: None })
    }

    /// Types `v` as a call of the library's array method `name` (rumbo/np) with `args`.
    fn library_call(&mut self, v: Value, name: &str, args: &[Type]) -> Result<Option<Type>, Diagnostic> {
        let Some(GlobalValue::Dispatcher { id, .. }) = self.globals.get(&format!("@array.{name}")).cloned() else {
            return Err(self.err(v, format!("this array operation needs rumbo's NumPy library ({name}); import numpy")));
        };
        match self.type_call(v, &Type::Dispatcher(id), args, &[])? {
            Some(target) => {
                let ret = target.ret.clone();
                self.calls.insert(v, target);
                Ok(Some(ret))
            }
            None => Ok(None),
        }
    }

    /// The dotted source path of a module value (`np`, `np.linalg`), for lookups.
    fn path_of(&self, v: Value) -> Option<String> {
        match self.func.inst(v)? {
            Inst::Global(name) => Some(name.clone()),
            Inst::GetAttr { value, attr } => Some(format!("{}.{attr}", self.path_of(*value)?)),
            _ => None,
        }
    }

    fn type_getattr(&mut self, v: Value, value: Value, attr: &str) -> Result<Type, Diagnostic> {
        let vt = self.ty(value).cloned().expect("typed");
        match &vt {
            Type::Module(m) if m == "math" => {
                if !math_attr_known(attr) {
                    return Err(self.err(v, format!("math.{attr} is not supported in compiled code")));
                }
                let g = match attr {
                    "pi" => GlobalValue::Float(std::f64::consts::PI),
                    "e" => GlobalValue::Float(std::f64::consts::E),
                    "tau" => GlobalValue::Float(std::f64::consts::TAU),
                    "inf" => GlobalValue::Float(f64::INFINITY),
                    "nan" => GlobalValue::Float(f64::NAN),
                    _ => GlobalValue::Function(format!("math.{attr}")),
                };
                let t = g.type_of().expect("math attribute has a type");
                self.consts.insert(v, g);
                Ok(t)
            }
            Type::Module(m) => {
                let key = self.path_of(value).map(|p| format!("{p}.{attr}"));
                let Some(g) = key.as_ref().and_then(|k| self.globals.get(k)) else {
                    return Err(self.err(v, format!("{m}.{attr} is not supported in compiled code (yet)")));
                };
                let Some(t) = g.type_of() else {
                    let what = match g {
                        GlobalValue::Unsupported(w) => w.clone(),
                        _ => "a value".into(),
                    };
                    return Err(self.err(v, format!("{m}.{attr} ({what}) is not supported in compiled code (yet)")));
                };
                self.consts.insert(v, g.clone());
                Ok(t)
            }
            a @ Type::Array { .. } if self.globals.contains_key(&format!("@array.{attr}")) => {
                Ok(Type::Method { recv: Box::new(a.clone()), name: attr.to_string() })
            }
            a @ Type::Array { .. } => {
                let (t, c) = crate::arrays::array_attr(a, attr).map_err(|m| self.err(v, m))?;
                if let Some(c) = c {
                    self.consts.insert(v, c);
                }
                Ok(t)
            }
            t if t.is_number() => match attr {
                "real" | "imag" => Ok(match t {
                    Type::Complex { bits } => Type::Float { bits: bits / 2 },
                    Type::Bool => I64,
                    other => other.clone(),
                }),
                "conjugate" => Ok(Type::Method { recv: Box::new(t.clone()), name: attr.into() }),
                _ => Err(self.err(v, format!("{t} has no attribute `{attr}`"))),
            },
            other => Err(self.err(v, format!("{other} has no attribute `{attr}`"))),
        }
    }

    fn type_call(&mut self, v: Value, ft: &Type, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<CallTarget>, Diagnostic> {
        let arg_list = args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
        let wrap = |s: &Self, m: String| s.err(v, m).with_note(format!("called with ({arg_list})"));
        let target = match ft {
            // `min(a)`/`max(a)` of a 1-D array: Python's, from the library (not np.min's NaN rule).
            Type::Function(name) if (name == "min" || name == "max") && args.len() == 1 && kwargs.is_empty() && matches!(&args[0], Type::Array { ndim: 1, .. }) => {
                let Some(GlobalValue::Dispatcher { id, .. }) = self.globals.get(&format!("@array.__builtin_{name}__")).cloned() else {
                    return Err(wrap(self, format!("{name}() of an array needs rumbo's NumPy library")));
                };
                return self.type_call(v, &Type::Dispatcher(id), args, kwargs);
            }
            // `np.where(cond)` is `np.nonzero(cond)`: the library's.
            Type::Function(name) if name == "numpy.where" && args.len() == 1 && kwargs.is_empty() && args[0].is_array() => {
                let Some(GlobalValue::Dispatcher { id, .. }) = self.globals.get("@array.nonzero").cloned() else {
                    return Err(wrap(self, "np.where(cond) needs rumbo's NumPy library (nonzero)".into()));
                };
                return self.type_call(v, &Type::Dispatcher(id), args, kwargs);
            }
            Type::Function(name) if name.starts_with("numpy.") && crate::ufuncs::ufunc_kind(&name[6..]).is_some() => {
                if !kwargs.is_empty() {
                    return Err(wrap(self, format!("np.{}() keyword arguments (out=, where=) are not supported yet", &name[6..])));
                }
                let (arg_types, ret) = crate::ufuncs::type_ufunc_args(&name[6..], args).map_err(|m| wrap(self, m))?;
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types, ret, binding: None }
            }
            Type::Function(name) if name.starts_with("rumbo.random_") => {
                let (arg_types, ret) = crate::builtins::type_random(name, args).map_err(|m| wrap(self, m))?;
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types, ret, binding: None }
            }
            Type::Function(name) if name == "rumbo.drop_axes" => {
                let (arg_types, ret) = crate::arrays::type_drop_axes(args).map_err(|m| wrap(self, m))?;
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types, ret, binding: None }
            }
            Type::Function(name) if name == "rumbo.promote_numbers" => {
                let [t] = args else { return Err(wrap(self, "promote_numbers() takes one value".into())) };
                let ret = crate::tuples::promote_numbers(t);
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types: vec![ret.clone()], ret, binding: None }
            }
            Type::Function(name) if name.starts_with("rumbo.") => {
                let (arg_types, ret) = crate::arrays::type_blas(name, args).map_err(|m| wrap(self, m))?;
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types, ret, binding: None }
            }
            Type::Function(name) if name == "numpy.ndindex" => {
                // np.ndindex(shape) or np.ndindex(d0, d1, ...): integers, one per dimension.
                let dims: Vec<Type> = match args {
                    [Type::Tuple(items)] => items.clone(),
                    _ => args.to_vec(),
                };
                if !kwargs.is_empty() || dims.iter().any(|d| !d.is_int_like()) || dims.len() > 32 {
                    return Err(wrap(self, "np.ndindex takes a shape: a tuple of integers, or integers".into()));
                }
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types: args.to_vec(), ret: Type::NdIndex(dims.len() as u8), binding: None }
            }
            Type::Function(name) if name == "numpy.empty" => {
                let (arg_types, ret) = crate::arrays::type_numpy_empty(args, kwargs).map_err(|m| wrap(self, m))?;
                CallTarget { kind: CallKind::Builtin(name.clone()), arg_types, ret, binding: None }
            }
            Type::Function(name) => {
                let r = match name.strip_prefix("math.") {
                    Some(m) => type_math_call(m, args, kwargs),
                    None => type_builtin_call(name, args, kwargs),
                };
                r.map_err(|m| wrap(self, m))?
            }
            Type::Method { recv, name } if recv.is_array() && name == "reshape" => {
                let (arg_types, ret) = crate::arrays::type_reshape(recv, args).map_err(|m| wrap(self, m))?;
                let mut all = vec![(**recv).clone()];
                all.extend(arg_types);
                CallTarget { kind: CallKind::Builtin("array.reshape".into()), arg_types: all, ret, binding: None }
            }
            Type::Method { recv, name } if recv.is_array() => {
                let Some(GlobalValue::Dispatcher { id, .. }) = self.globals.get(&format!("@array.{name}")).cloned() else {
                    return Err(wrap(self, format!("arrays have no method {name}()")));
                };
                let mut all = vec![(**recv).clone()];
                all.extend_from_slice(args);
                return self.type_call(v, &Type::Dispatcher(id), &all, kwargs);
            }
            Type::Method { recv, name } => type_method_call(recv, name, args).map_err(|m| wrap(self, m))?,
            Type::NumberClass(to) => {
                if args.len() != 1 || !args[0].is_number() || !kwargs.is_empty() {
                    return Err(wrap(self, format!("{to}() takes one number")));
                }
                CallTarget { kind: CallKind::Cast, arg_types: args.to_vec(), ret: (**to).clone(), binding: None }
            }
            Type::Dispatcher(id) => {
                let key = (*id, args.to_vec(), kwargs.to_vec());
                let outcome = match self.resolved.get(&key) {
                    Some(o) => o.clone(),
                    None => {
                        let o = self.resolver.resolve(*id, args, kwargs).map_err(|m| wrap(self, m))?;
                        self.resolved.insert(key, o.clone());
                        o
                    }
                };
                match outcome {
                    ResolveOutcome::Compiled { symbol, args, ret, binding } => {
                        CallTarget { kind: CallKind::Dispatcher { symbol }, arg_types: args, ret, binding: Some(binding) }
                    }
                    ResolveOutcome::InProgress { symbol, binding } => {
                        match &self.ret {
                            Some(r) => CallTarget {
                                kind: CallKind::Dispatcher { symbol },
                                arg_types: self.func_arg_types.clone(),
                                ret: r.clone(),
                                binding: Some(binding),
                            },
                            None => return Ok(None),
                        }
                    }
                }
            }
            Type::ExceptionClass(_) => {
                return Err(self.err(v, "exception objects can only be created in a `raise` statement"))
            }
            other => return Err(self.err(v, format!("{other} is not callable"))),
        };
        Ok(Some(target))
    }

    fn raise_info(&self, b: Block, class: Option<Value>, args: &[Value]) -> Result<RaiseInfo, Diagnostic> {
        let span = self.func.block(b).term_span;
        let Some(class) = class else {
            return Err(Diagnostic::unsupported(span, "a bare `raise` (re-raise) is not supported in compiled code"));
        };
        let class_id = match self.ty(class) {
            Some(Type::ExceptionClass(id)) => *id,
            Some(other) => {
                return Err(Diagnostic::typing(span, format!("exceptions must be exception classes, not {other}")))
            }
            None => return Err(self.unknown_operand(class, class)),
        };
        let message = match args {
            [] => None,
            [a] => Some(self.consts.get(a).and_then(py_str).ok_or_else(|| {
                Diagnostic::unsupported(self.func.value(*a).span, "exception arguments must be constants")
                    .with_hint("raise with a literal message, e.g. raise ValueError(\"x must be positive\")")
            })?),
            _ => return Err(Diagnostic::unsupported(span, "exceptions take at most one argument in compiled code")),
        };
        Ok(RaiseInfo { class_id, message })
    }
}

fn binop_hint(l: &Type, r: &Type) -> String {
    if matches!(l, Type::StrLiteral(_)) || matches!(r, Type::StrLiteral(_)) {
        "strings are not supported in compiled code yet; keep string work outside the jitted function".into()
    } else {
        "both operands must be numbers".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumbo_syntax::{Expr, ExprKind, Function as SynFunction, Param, Stmt, StmtKind};

    struct NoCalls;
    impl CallResolver for NoCalls {
        fn resolve(&mut self, _: u32, _: &[Type], _: &[(String, Type)]) -> Result<ResolveOutcome, String> {
            Err("no calls".into())
        }
    }

    fn e(kind: ExprKind) -> Expr {
        Expr { kind, span: Span::default() }
    }
    fn s(kind: StmtKind) -> Stmt {
        Stmt { kind, span: Span::default() }
    }
    fn name(n: &str) -> Expr {
        e(ExprKind::Name(n.into()))
    }

    /// def f(n): acc = 0; for i in range(n): acc = acc + i * 0.5; return acc
    #[test]
    fn loop_variable_widens_to_float() {
        let body = vec![
            s(StmtKind::Assign { targets: vec![name("acc")], value: e(ExprKind::Const(Constant::Int(0))) }),
            s(StmtKind::For {
                target: name("i"),
                iter: e(ExprKind::Call { func: Box::new(name("range")), args: vec![name("n")], keywords: vec![] }),
                body: vec![s(StmtKind::Assign {
                    targets: vec![name("acc")],
                    value: e(ExprKind::BinOp {
                        op: BinOp::Add,
                        left: Box::new(name("acc")),
                        right: Box::new(e(ExprKind::BinOp {
                            op: BinOp::Mult,
                            left: Box::new(name("i")),
                            right: Box::new(e(ExprKind::Const(Constant::Float(0.5)))),
                        })),
                    }),
                })],
                orelse: vec![],
            }),
            s(StmtKind::Return(Some(name("acc")))),
        ];
        let f = SynFunction {
            name: "f".into(),
            params: vec![Param { name: "n".into(), default: None, span: Span::default() }],
            body,
            span: Span::default(),
        };
        let ir = rumbo_ir::lower_function(&f).unwrap();
        assert!(rumbo_ir::verify_function(&ir).is_empty(), "{:?}", rumbo_ir::verify_function(&ir));
        let globals = HashMap::from([("range".to_string(), GlobalValue::Function("range".into()))]);
        let typed = infer_types(&ir, &[I64], &globals, None, &HashMap::new(), &mut NoCalls).unwrap();
        assert_eq!(typed.ret, F64);
    }
}
