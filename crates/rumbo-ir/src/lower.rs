//! Lowering from the syntax tree to SSA IR. Locals become SSA values as they are
//! assigned (Braun et al.'s on-the-fly construction: `def_var` / `read_var`, block
//! parameters created on demand, loop headers sealed once their back edges exist);
//! a final sweep removes block parameters that turned out trivial.

use crate::data::*;
use rumbo_syntax::{
    BoolOp, CmpOp, Constant, Diagnostic, Expr, ExprKind, Function as SynFunction, Span, Stmt, StmtKind,
};
use std::collections::{HashMap, HashSet};

mod loops;
mod objblock;
mod objects;

/// Lowers one function; the first unsupported construct ends lowering with its diagnostic.
pub fn lower_function(func: &SynFunction) -> Result<Function, Diagnostic> {
    let mut lw = Lowerer::new(func);
    lw.lower_body(&func.body)?;
    if let Some(cur) = lw.current {
        let none = lw.emit(Inst::Const(Constant::None), func.span);
        lw.terminate(cur, Terminator::Return(none), func.span);
    }
    let mut out = lw.func;
    remove_trivial_params(&mut out);
    Ok(out)
}

struct LoopTargets {
    continue_to: Block,
    break_to: Block,
    /// `finally` frames open when the loop started (inner ones run on break/continue).
    finally_depth: usize,
}

/// Code that must run when control leaves a `try ... finally` or a `with` body
/// by return, break or continue (lowered again at each such exit).
#[derive(Clone)]
enum Finally {
    Stmts(Vec<Stmt>),
    /// The bound `__exit__` of a `with` item.
    WithExit(Value),
    /// The handled exception before an `except` body (see `ObjInst::SetHandled`).
    RestoreHandled(Value),
}

struct FinallyFrame {
    action: Finally,
    /// Handlers open outside the frame (its code runs under those only).
    handler_depth: usize,
}

struct Lowerer {
    func: Function,
    /// The block being filled; `None` right after a terminator.
    current: Option<Block>,
    defs: HashMap<(Block, String), Value>,
    sealed: Vec<bool>,
    /// Parameters of unsealed blocks whose incoming arguments are still owed.
    pending: HashMap<Block, Vec<(String, Value)>>,
    preds: Vec<Vec<Block>>,
    locals: HashSet<String>,
    loops: Vec<LoopTargets>,
    /// Blocks on the current single-predecessor walk of `read_var`.
    single_pred_chain: HashSet<Block>,
    /// Landing blocks of the enclosing `try` bodies, innermost last.
    handlers: Vec<Block>,
    finally: Vec<FinallyFrame>,
    /// Exceptions of the enclosing `except` handlers (for a bare `raise`).
    caught: Vec<Value>,
    /// Comprehension variables: source name -> hidden local, innermost last.
    renames: Vec<(String, String)>,
}

fn collect_assigned(stmts: &[Stmt], out: &mut HashSet<String>, globals: &mut HashSet<String>) {
    fn targets(e: &Expr, out: &mut HashSet<String>) {
        match &e.kind {
            ExprKind::Name(n) => {
                out.insert(n.clone());
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| targets(i, out)),
            ExprKind::Starred(inner) => targets(inner, out),
            _ => {}
        }
    }
    for s in stmts {
        match &s.kind {
            StmtKind::Assign { targets: ts, .. } => ts.iter().for_each(|t| targets(t, out)),
            StmtKind::AugAssign { target, .. } | StmtKind::AnnAssign { target, .. } => targets(target, out),
            StmtKind::For { target, body, orelse, .. } => {
                targets(target, out);
                collect_assigned(body, out, globals);
                collect_assigned(orelse, out, globals);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                collect_assigned(body, out, globals);
                collect_assigned(orelse, out, globals);
            }
            StmtKind::Global(names) => globals.extend(names.iter().cloned()),
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                collect_assigned(body, out, globals);
                for h in handlers {
                    out.extend(h.name.iter().cloned());
                    collect_assigned(&h.body, out, globals);
                }
                collect_assigned(orelse, out, globals);
                collect_assigned(finalbody, out, globals);
            }
            StmtKind::With { items, body } => {
                items.iter().filter_map(|i| i.target.as_ref()).for_each(|t| targets(t, out));
                collect_assigned(body, out, globals);
            }
            StmtKind::Delete(ts) => ts.iter().for_each(|t| targets(t, out)),
            StmtKind::Import(names) => {
                for (n, alias) in names {
                    out.insert(alias.clone().unwrap_or_else(|| n.split('.').next().unwrap_or(n).to_string()));
                }
            }
            StmtKind::Def(n) => out.extend(n.name.iter().cloned()),
            StmtKind::ImportFrom { names, .. } => out.extend(names.iter().map(|(n, a)| a.clone().unwrap_or_else(|| n.clone()))),
            _ => {}
        }
    }
}

impl Lowerer {
    fn new(func: &SynFunction) -> Self {
        let mut locals: HashSet<String> = func.params.iter().map(|p| p.name.clone()).collect();
        let mut declared_global = HashSet::new();
        collect_assigned(&func.body, &mut locals, &mut declared_global);
        locals.extend(objblock::walrus_targets(&func.body));
        for g in &declared_global {
            locals.remove(g);
        }
        let mut lw = Lowerer {
            func: Function {
                name: func.name.clone(),
                param_names: func.params.iter().map(|p| p.name.clone()).collect(),
                blocks: vec![],
                values: vec![],
                globals: vec![],
                span: func.span,
            },
            current: None,
            defs: HashMap::new(),
            sealed: vec![],
            pending: HashMap::new(),
            preds: vec![],
            locals,
            loops: vec![],
            single_pred_chain: HashSet::new(),
            handlers: vec![],
            finally: vec![],
            caught: vec![],
            renames: vec![],
        };
        let entry = lw.new_block();
        lw.seal(entry);
        for (i, p) in func.params.iter().enumerate() {
            let v = lw.new_value(ValueKind::Param { block: entry, index: i }, p.span, Some(p.name.clone()));
            lw.func.blocks[0].params.push(v);
            lw.defs.insert((entry, p.name.clone()), v);
        }
        lw.current = Some(entry);
        lw
    }

    // ---- building blocks -------------------------------------------------

    fn new_block(&mut self) -> Block {
        let b = Block(self.func.blocks.len() as u32);
        self.func.blocks.push(BlockData {
            params: vec![],
            insts: vec![],
            term: Terminator::Unreachable,
            term_span: Span::default(),
            handler: None,
        });
        self.sealed.push(false);
        self.preds.push(vec![]);
        b
    }

    fn new_value(&mut self, kind: ValueKind, span: Span, var: Option<String>) -> Value {
        let v = Value(self.func.values.len() as u32);
        self.func.values.push(ValueData { kind, span, var });
        v
    }

    /// The block to emit into; after a terminator, a fresh unreachable block.
    fn cur(&mut self) -> Block {
        match self.current {
            Some(b) => b,
            None => {
                let b = self.new_block();
                self.seal(b);
                self.current = Some(b);
                b
            }
        }
    }

    fn emit(&mut self, inst: Inst, span: Span) -> Value {
        let b = self.cur();
        let v = self.new_value(ValueKind::Inst(inst), span, None);
        self.func.blocks[b.index()].insts.push(v);
        self.func.blocks[b.index()].handler = self.handlers.last().copied();
        v
    }

    fn terminate(&mut self, b: Block, term: Terminator, span: Span) {
        for s in term.successors() {
            self.preds[s.block.index()].push(b);
        }
        let data = &mut self.func.blocks[b.index()];
        // A return can raise too (an unbound variable), a raise always does.
        if matches!(term, Terminator::Raise { .. } | Terminator::Return(_)) {
            data.handler = self.handlers.last().copied();
        }
        data.term = term;
        data.term_span = span;
        if self.current == Some(b) {
            self.current = None;
        }
    }

    fn jump_from_current(&mut self, to: Block, span: Span) {
        if let Some(b) = self.current {
            self.terminate(b, Terminator::Jump(BlockCall { block: to, args: vec![] }), span);
        }
    }

    fn branch(&mut self, cond: Value, then_to: Block, else_to: Block, span: Span) {
        let b = self.cur();
        let truth = self.emit(Inst::Truth(cond), span);
        self.terminate(
            b,
            Terminator::Branch {
                cond: truth,
                then_to: BlockCall { block: then_to, args: vec![] },
                else_to: BlockCall { block: else_to, args: vec![] },
            },
            span,
        );
    }

    // ---- SSA variables ---------------------------------------------------

    fn def_var(&mut self, name: &str, v: Value) {
        let b = self.cur();
        self.defs.insert((b, name.to_string()), v);
        let data = &mut self.func.values[v.index()];
        if data.var.is_none() {
            data.var = Some(name.to_string());
        }
    }

    fn read_var(&mut self, name: &str, b: Block, span: Span) -> Value {
        if let Some(v) = self.defs.get(&(b, name.to_string())) {
            return *v;
        }
        let v = if !self.sealed[b.index()] {
            let p = self.add_param(b, name, span);
            self.pending.entry(b).or_default().push((name.to_string(), p));
            p
        } else if self.preds[b.index()].is_empty() {
            let v = self.new_value(ValueKind::Inst(Inst::Undef(name.to_string())), span, None);
            self.func.blocks[b.index()].insts.insert(0, v);
            v
        } else if self.preds[b.index()].len() == 1 {
            // A chain of single predecessors can only loop in unreachable code
            // (a reachable cycle has an entry edge): the variable is undefined there.
            if !self.single_pred_chain.insert(b) {
                let v = self.new_value(ValueKind::Inst(Inst::Undef(name.to_string())), span, None);
                self.func.blocks[b.index()].insts.insert(0, v);
                return v;
            }
            let p = self.preds[b.index()][0];
            let v = self.read_var(name, p, span);
            self.single_pred_chain.remove(&b);
            v
        } else {
            let p = self.add_param(b, name, span);
            self.defs.insert((b, name.to_string()), p);
            // The walks from here start afresh: they end at this parameter at the latest.
            let outer = std::mem::take(&mut self.single_pred_chain);
            self.add_incoming(b, name, span);
            self.single_pred_chain = outer;
            p
        };
        self.defs.insert((b, name.to_string()), v);
        v
    }

    fn add_param(&mut self, b: Block, name: &str, span: Span) -> Value {
        let index = self.func.blocks[b.index()].params.len();
        let p = self.new_value(ValueKind::Param { block: b, index }, span, Some(name.to_string()));
        self.func.blocks[b.index()].params.push(p);
        p
    }

    /// Appends the value of `name` at the end of each predecessor to its jump into `b`.
    fn add_incoming(&mut self, b: Block, name: &str, span: Span) {
        let preds = self.preds[b.index()].clone();
        let mut done = HashSet::new();
        for p in preds {
            if !done.insert(p) {
                continue;
            }
            let v = self.read_var(name, p, span);
            for call in self.func.blocks[p.index()].term.successors_mut() {
                if call.block == b {
                    call.args.push(v);
                }
            }
        }
    }

    fn seal(&mut self, b: Block) {
        if let Some(pending) = self.pending.remove(&b) {
            for (name, _) in pending {
                self.add_incoming(b, &name, Span::default());
            }
        }
        self.sealed[b.index()] = true;
    }

    // ---- statements --------------------------------------------------------

    fn lower_body(&mut self, stmts: &[Stmt]) -> Result<(), Diagnostic> {
        for s in stmts {
            self.lower_stmt(s)?;
        }
        Ok(())
    }

    fn lower_stmt(&mut self, s: &Stmt) -> Result<(), Diagnostic> {
        let span = s.span;
        self.protect(span);
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                let v = self.lower_expr(value)?;
                for t in targets {
                    self.assign(t, v)?;
                }
            }
            StmtKind::AnnAssign { target, value } => {
                if let Some(value) = value {
                    let v = self.lower_expr(value)?;
                    self.assign(target, v)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => match &target.kind {
                ExprKind::Name(_) => {
                    let old = self.lower_expr(target)?;
                    let rhs = self.lower_expr(value)?;
                    let new = self.emit(Inst::Inplace { op: *op, target: old, rhs }, span);
                    self.assign(target, new)?;
                }
                ExprKind::Attribute { value: obj, attr } => {
                    let obj = self.lower_expr(obj)?;
                    let old = self.emit(Inst::GetAttr { value: obj, attr: attr.clone() }, target.span);
                    let rhs = self.lower_expr(value)?;
                    let new = self.emit(Inst::Inplace { op: *op, target: old, rhs }, span);
                    self.emit(Inst::Obj(ObjInst::SetAttr { value: obj, attr: attr.clone(), item: new }), span);
                }
                ExprKind::Subscript { value: obj, index } => {
                    let obj = self.lower_expr(obj)?;
                    let idx = self.lower_expr(index)?;
                    let old = self.emit(Inst::GetItem { value: obj, index: idx }, target.span);
                    let rhs = self.lower_expr(value)?;
                    let new = self.emit(Inst::Binary { op: *op, lhs: old, rhs }, span);
                    self.emit(Inst::SetItem { value: obj, index: idx, item: new }, span);
                }
                _ => return Err(Diagnostic::unsupported(target.span, "cannot assign to this expression")),
            },
            StmtKind::Return(value) => {
                let v = match value {
                    Some(e) => self.lower_expr(e)?,
                    None => self.emit(Inst::Const(Constant::None), span),
                };
                self.run_finally(0, span)?;
                let b = self.cur();
                self.terminate(b, Terminator::Return(v), span);
            }
            StmtKind::If { test, body, orelse } => {
                let cond = self.lower_expr(test)?;
                let then_b = self.new_block();
                let else_b = self.new_block();
                let join = self.new_block();
                self.branch(cond, then_b, else_b, test.span);
                self.seal(then_b);
                self.seal(else_b);
                self.current = Some(then_b);
                self.lower_body(body)?;
                self.jump_from_current(join, span);
                self.current = Some(else_b);
                self.lower_body(orelse)?;
                self.jump_from_current(join, span);
                self.seal(join);
                self.current = if self.preds[join.index()].is_empty() { None } else { Some(join) };
            }
            StmtKind::While { test, body, orelse } => {
                let header = self.new_block();
                let body_b = self.new_block();
                let else_b = self.new_block();
                let exit = self.new_block();
                self.jump_from_current(header, span);
                self.current = Some(header);
                self.protect(span);
                let cond = self.lower_expr(test)?;
                self.branch(cond, body_b, else_b, test.span);
                self.seal(body_b);
                self.seal(else_b);
                self.current = Some(body_b);
                self.finish_loop(header, else_b, exit, span, |l| l.lower_body(body), orelse)?;
            }
            StmtKind::For { target, iter, body, orelse } => self.lower_for(target, iter, body, orelse, span)?,
            StmtKind::Break | StmtKind::Continue => {
                let Some(targets) = self.loops.last() else {
                    return Err(Diagnostic::unsupported(span, "`break`/`continue` outside a loop"));
                };
                let to = if s.kind == StmtKind::Break { targets.break_to } else { targets.continue_to };
                let depth = targets.finally_depth;
                self.run_finally(depth, span)?;
                self.cur();
                self.jump_from_current(to, span);
            }
            StmtKind::Pass | StmtKind::Global(_) => {}
            StmtKind::Expr(e) => {
                self.lower_expr(e)?;
            }
            StmtKind::Raise(exc) => {
                let (class, args) = match exc {
                    None => (self.caught.last().copied(), vec![]),
                    Some(Expr { kind: ExprKind::Call { func, args, keywords }, span: call_span }) => {
                        if !keywords.is_empty() {
                            return Err(Diagnostic::unsupported(*call_span, "keyword arguments to an exception"));
                        }
                        let class = self.lower_expr(func)?;
                        let args = args.iter().map(|a| self.lower_expr(a)).collect::<Result<Vec<_>, _>>()?;
                        (Some(class), args)
                    }
                    Some(e) => (Some(self.lower_expr(e)?), vec![]),
                };
                let b = self.cur();
                self.terminate(b, Terminator::Raise { class, args }, span);
            }
            StmtKind::Assert { test, msg } => {
                let cond = self.lower_expr(test)?;
                let ok = self.new_block();
                let fail = self.new_block();
                self.branch(cond, ok, fail, test.span);
                self.seal(ok);
                self.seal(fail);
                self.current = Some(fail);
                let class = self.global("AssertionError", span);
                let args = match msg {
                    Some(m) => vec![self.lower_expr(m)?],
                    None => vec![],
                };
                self.terminate(fail, Terminator::Raise { class: Some(class), args }, span);
                self.current = Some(ok);
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => self.lower_try(body, handlers, orelse, finalbody, span)?,
            StmtKind::With { items, body } => match objblock::objmode_outputs(items)? {
                Some(outputs) => self.lower_objmode_block(outputs, body, span)?,
                None => self.lower_with(items, body, span)?,
            },
            StmtKind::RaiseFrom { exc, cause } => {
                let exc = self.lower_expr(exc)?;
                let cause = self.lower_expr(cause)?;
                let e = self.emit(Inst::Obj(ObjInst::WithCause { exc, cause }), span);
                let b = self.cur();
                self.terminate(b, Terminator::Raise { class: Some(e), args: vec![] }, span);
            }
            StmtKind::Import(names) => self.lower_import(names, span)?,
            StmtKind::ObjOnly { what } => {
                self.emit(Inst::Obj(ObjInst::Marker(what.clone())), span);
            }
            StmtKind::Def(n) => {
                let f = self.lower_nested(n)?;
                let name = n.name.clone().unwrap_or_default();
                let target = Expr { kind: ExprKind::Name(name), span };
                self.assign(&target, f)?;
            }
            StmtKind::ImportFrom { module, names, level } => self.lower_import_from(module, names, *level, span)?,
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Unsupported { what } => {
                return Err(Diagnostic::unsupported(span, format!("`{what}` is not supported in compiled code"))
                    .with_hint(unsupported_hint(what)));
            }
        }
        Ok(())
    }

    fn assign(&mut self, target: &Expr, v: Value) -> Result<(), Diagnostic> {
        match &target.kind {
            ExprKind::Name(name) => {
                let name = &self.local_name(name);
                if !self.locals.contains(name) {
                    // `global`/`nonlocal` names: object mode stores them (nopython typing refuses).
                    self.emit(Inst::Obj(ObjInst::StoreGlobal { name: name.clone(), value: v }), target.span);
                    return Ok(());
                }
                self.def_var(name, v);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) => {
                let star = items.iter().position(|i| matches!(i.kind, ExprKind::Starred(_))).unwrap_or(0);
                let inst = ObjInst::UnpackEx { value: v, before: star, after: items.len() - star - 1 };
                let parts = self.emit(Inst::Obj(inst), target.span);
                for (i, item) in items.iter().enumerate() {
                    let part = self.emit(Inst::TupleGet { value: parts, index: i }, item.span);
                    let item = match &item.kind {
                        ExprKind::Starred(inner) => inner,
                        _ => item,
                    };
                    self.assign(item, part)?;
                }
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let checked = self.emit(Inst::Unpack { value: v, count: items.len() }, target.span);
                for (i, item) in items.iter().enumerate() {
                    let part = self.emit(Inst::TupleGet { value: checked, index: i }, item.span);
                    self.assign(item, part)?;
                }
            }
            ExprKind::Subscript { value, index } => {
                let obj = self.lower_expr(value)?;
                let idx = self.lower_expr(index)?;
                self.emit(Inst::SetItem { value: obj, index: idx, item: v }, target.span);
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.lower_expr(value)?;
                self.emit(Inst::Obj(ObjInst::SetAttr { value: obj, attr: attr.clone(), item: v }), target.span);
            }
            _ => return Err(Diagnostic::unsupported(target.span, "cannot assign to this expression")),
        }
        Ok(())
    }

    // ---- expressions -------------------------------------------------------

    fn global(&mut self, name: &str, span: Span) -> Value {
        if !self.func.globals.iter().any(|g| g == name) {
            self.func.globals.push(name.to_string());
        }
        self.emit(Inst::Global(name.to_string()), span)
    }

    fn lower_expr(&mut self, e: &Expr) -> Result<Value, Diagnostic> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Name(name) => {
                let name = &self.local_name(name);
                if self.locals.contains(name) {
                    let b = self.cur();
                    self.read_var(name, b, span)
                } else {
                    self.global(name, span)
                }
            }
            ExprKind::Const(c) => self.emit(Inst::Const(c.clone()), span),
            ExprKind::BinOp { op, left, right } => {
                let lhs = self.lower_expr(left)?;
                let rhs = self.lower_expr(right)?;
                self.emit(Inst::Binary { op: *op, lhs, rhs }, span)
            }
            ExprKind::UnaryOp { op, operand } => {
                let operand = self.lower_expr(operand)?;
                self.emit(Inst::Unary { op: *op, operand }, span)
            }
            ExprKind::BoolOp { op, values } => self.lower_boolop(*op, values, span)?,
            ExprKind::Compare { left, ops, comparators } => self.lower_compare(left, ops, comparators, span)?,
            ExprKind::Call { func, args, keywords } => {
                let func = self.lower_expr(func)?;
                let args = args.iter().map(|a| self.lower_expr(a)).collect::<Result<Vec<_>, _>>()?;
                let mut kwargs = vec![];
                for k in keywords {
                    kwargs.push((k.name.clone(), self.lower_expr(&k.value)?));
                }
                self.emit(Inst::Call { func, args, kwargs }, span)
            }
            ExprKind::Attribute { value, attr } => {
                let value = self.lower_expr(value)?;
                self.emit(Inst::GetAttr { value, attr: attr.clone() }, span)
            }
            ExprKind::IfExp { test, body, orelse } => {
                let cond = self.lower_expr(test)?;
                let then_b = self.new_block();
                let else_b = self.new_block();
                let join = self.new_block();
                self.branch(cond, then_b, else_b, test.span);
                self.seal(then_b);
                self.seal(else_b);
                self.current = Some(then_b);
                let a = self.lower_expr(body)?;
                self.jump_with(join, a, span);
                self.current = Some(else_b);
                let b = self.lower_expr(orelse)?;
                self.jump_with(join, b, span);
                self.finish_join(join, span)
            }
            ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) => {
                let kind = match &e.kind {
                    ExprKind::Tuple(_) => 0,
                    ExprKind::List(_) => 1,
                    _ => 2,
                };
                let mut vals = vec![];
                for i in items {
                    vals.push(match &i.kind {
                        ExprKind::Starred(inner) => (true, self.lower_expr(inner)?),
                        _ => (false, self.lower_expr(i)?),
                    });
                }
                self.emit(Inst::Obj(ObjInst::BuildUnpack { kind, items: vals }), span)
            }
            ExprKind::Tuple(items) => {
                let vals = items.iter().map(|a| self.lower_expr(a)).collect::<Result<Vec<_>, _>>()?;
                self.emit(Inst::Tuple(vals), span)
            }
            ExprKind::List(items) => {
                let vals = items.iter().map(|a| self.lower_expr(a)).collect::<Result<Vec<_>, _>>()?;
                self.emit(Inst::Obj(ObjInst::List(vals)), span)
            }
            ExprKind::Starred(_) => {
                return Err(Diagnostic::unsupported(span, "`starred expression` is not supported here")
                    .with_hint("unpack with * in calls, displays and assignment targets"))
            }
            ExprKind::NamedExpr { target, value } => {
                let v = self.lower_expr(value)?;
                let t = Expr { kind: ExprKind::Name(target.clone()), span };
                self.assign(&t, v)?;
                v
            }
            ExprKind::Set(items) => {
                let vals = items.iter().map(|a| self.lower_expr(a)).collect::<Result<Vec<_>, _>>()?;
                self.emit(Inst::Obj(ObjInst::Set(vals)), span)
            }
            ExprKind::Dict { keys, values } => {
                let mut pairs = vec![];
                for (k, v) in keys.iter().zip(values) {
                    pairs.push((self.lower_expr(k)?, self.lower_expr(v)?));
                }
                self.emit(Inst::Obj(ObjInst::Dict(pairs)), span)
            }
            ExprKind::FString(parts) => self.lower_fstring(parts, span)?,
            ExprKind::Lambda(n) => self.lower_nested(n)?,
            ExprKind::CallEx { func, args, keywords } => {
                let func = self.lower_expr(func)?;
                let mut a = vec![];
                for (starred, x) in args {
                    a.push((*starred, self.lower_expr(x)?));
                }
                let mut k = vec![];
                for (name, x) in keywords {
                    k.push((name.clone(), self.lower_expr(x)?));
                }
                self.emit(Inst::Obj(ObjInst::CallEx { func, args: a, kwargs: k }), span)
            }
            ExprKind::Comprehension { kind, elt, key, generators } => {
                self.lower_comprehension(*kind, elt, key.as_deref(), generators, span)?
            }
            ExprKind::Subscript { value, index } => {
                let value = self.lower_expr(value)?;
                let index = self.lower_expr(index)?;
                self.emit(Inst::GetItem { value, index }, span)
            }
            ExprKind::Slice { lower, upper, step } => {
                let mut part = |x: &Option<Box<Expr>>| -> Result<Option<Value>, Diagnostic> {
                    x.as_ref().map(|e| self.lower_expr(e)).transpose()
                };
                let (lower, upper, step) = (part(lower)?, part(upper)?, part(step)?);
                self.emit(Inst::Slice { lower, upper, step }, span)
            }
            ExprKind::Unsupported { what } => {
                return Err(Diagnostic::unsupported(span, format!("`{what}` is not supported in compiled code"))
                    .with_hint(unsupported_hint(what)))
            }
        })
    }

    /// Jumps from the current block into `join`, passing `v` as its result parameter.
    fn jump_with(&mut self, join: Block, v: Value, span: Span) {
        if let Some(b) = self.current {
            self.terminate(b, Terminator::Jump(BlockCall { block: join, args: vec![v] }), span);
        }
    }

    /// Gives `join` its result parameter (first in order, as every jump passes it
    /// first), seals it and continues there.
    fn finish_join(&mut self, join: Block, span: Span) -> Value {
        let result = self.new_value(ValueKind::Param { block: join, index: 0 }, span, None);
        self.func.blocks[join.index()].params.insert(0, result);
        self.seal(join);
        self.current = Some(join);
        result
    }

    /// `a and b and c`: the first falsy operand, else the last (Python's value rule).
    fn lower_boolop(&mut self, op: BoolOp, values: &[Expr], span: Span) -> Result<Value, Diagnostic> {
        let join = self.new_block();
        for (i, e) in values.iter().enumerate() {
            let v = self.lower_expr(e)?;
            if i + 1 == values.len() {
                self.jump_with(join, v, span);
                break;
            }
            let next = self.new_block();
            let b = self.cur();
            let truth = self.emit(Inst::Truth(v), e.span);
            let (then_to, else_to) = match op {
                BoolOp::And => (BlockCall { block: next, args: vec![] }, BlockCall { block: join, args: vec![v] }),
                BoolOp::Or => (BlockCall { block: join, args: vec![v] }, BlockCall { block: next, args: vec![] }),
            };
            self.terminate(b, Terminator::Branch { cond: truth, then_to, else_to }, e.span);
            self.seal(next);
            self.current = Some(next);
        }
        Ok(self.finish_join(join, span))
    }

    /// `a < b < c` is `a < b and b < c` with `b` evaluated once.
    fn lower_compare(&mut self, left: &Expr, ops: &[CmpOp], rhs: &[Expr], span: Span) -> Result<Value, Diagnostic> {
        let mut lhs = self.lower_expr(left)?;
        if ops.len() == 1 {
            let r = self.lower_expr(&rhs[0])?;
            return Ok(self.emit(Inst::Compare { op: ops[0], lhs, rhs: r }, span));
        }
        let join = self.new_block();
        for (i, (op, e)) in ops.iter().zip(rhs).enumerate() {
            let r = self.lower_expr(e)?;
            let c = self.emit(Inst::Compare { op: *op, lhs, rhs: r }, span);
            if i + 1 == ops.len() {
                self.jump_with(join, c, span);
                break;
            }
            let next = self.new_block();
            let b = self.cur();
            let truth = self.emit(Inst::Truth(c), span);
            self.terminate(
                b,
                Terminator::Branch {
                    cond: truth,
                    then_to: BlockCall { block: next, args: vec![] },
                    else_to: BlockCall { block: join, args: vec![c] },
                },
                span,
            );
            self.seal(next);
            self.current = Some(next);
            lhs = r;
        }
        Ok(self.finish_join(join, span))
    }
}

/// Hints by the construct's name as the frontend describes it.
fn unsupported_hint(what: &str) -> String {
    match what {
        "lambda" | "nested function definition" => "define the helper at module level and decorate it with @njit".into(),
        "list comprehension" | "set comprehension" | "dict comprehension" | "generator expression" => {
            "write the loop out explicitly".into()
        }
        "try statement" | "with statement" => "move this part out of the compiled function".into(),
        "f-string" => "build strings outside compiled code".into(),
        _ => "see rumbo's supported-features table".into(),
    }
}

/// Removes block parameters whose incoming arguments are all the same value (or
/// the parameter itself), rewriting every use; repeats until nothing changes.
fn remove_trivial_params(func: &mut Function) {
    let mut alias: HashMap<Value, Value> = HashMap::new();
    fn resolve(alias: &HashMap<Value, Value>, mut v: Value) -> Value {
        while let Some(&n) = alias.get(&v) {
            v = n;
        }
        v
    }
    loop {
        let preds = func.predecessors();
        let mut changed = false;
        for b in 1..func.blocks.len() {
            let mut i = 0;
            while i < func.blocks[b].params.len() {
                let p = func.blocks[b].params[i];
                let mut same: Option<Value> = None;
                let mut trivial = true;
                for &pb in &preds[b] {
                    for call in func.blocks[pb.index()].term.successors() {
                        if call.block.index() != b {
                            continue;
                        }
                        let a = resolve(&alias, call.args[i]);
                        if a == p || Some(a) == same {
                            continue;
                        }
                        if same.is_some() {
                            trivial = false;
                        }
                        same = Some(a);
                    }
                }
                match (trivial, same) {
                    (true, Some(v)) => {
                        alias.insert(p, v);
                        func.blocks[b].params.remove(i);
                        let mut seen = HashSet::new();
                        for &pb in preds[b].iter().filter(|pb| seen.insert(**pb)) {
                            for call in func.blocks[pb.index()].term.successors_mut() {
                                if call.block.index() == b && call.args.len() > i {
                                    call.args.remove(i);
                                }
                            }
                        }
                        changed = true;
                    }
                    _ => i += 1,
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Renumber parameter indices and rewrite operands through the alias map.
    for b in 0..func.blocks.len() {
        for (i, p) in func.blocks[b].params.clone().into_iter().enumerate() {
            func.values[p.index()].kind = ValueKind::Param { block: Block(b as u32), index: i };
        }
    }
    let r = |v: &mut Value| *v = resolve(&alias, *v);
    for vd in &mut func.values {
        if let ValueKind::Inst(inst) = &mut vd.kind {
            rewrite_inst(inst, &r);
        }
    }
    for bd in &mut func.blocks {
        rewrite_term(&mut bd.term, &r);
    }
}

/// Applies `r` to every value `inst` reads.
pub fn rewrite_inst(inst: &mut Inst, r: &impl Fn(&mut Value)) {
    match inst {
        Inst::Const(_) | Inst::Global(_) | Inst::Undef(_) => {}
        Inst::Binary { lhs, rhs, .. } | Inst::Compare { lhs, rhs, .. } | Inst::Inplace { target: lhs, rhs, .. } => {
            r(lhs);
            r(rhs);
        }
        Inst::Unary { operand: v, .. }
        | Inst::Truth(v)
        | Inst::GetIter(v)
        | Inst::IterNext(v)
        | Inst::GetAttr { value: v, .. }
        | Inst::TupleGet { value: v, .. }
        | Inst::Unpack { value: v, .. } => r(v),
        Inst::Call { func, args, kwargs } => {
            r(func);
            args.iter_mut().for_each(r);
            kwargs.iter_mut().for_each(|(_, v)| r(v));
        }
        Inst::GetItem { value, index } => {
            r(value);
            r(index);
        }
        Inst::SetItem { value, index, item } => {
            r(value);
            r(index);
            r(item);
        }
        Inst::Tuple(items) => items.iter_mut().for_each(r),
        Inst::Slice { lower, upper, step } => {
            for v in [lower, upper, step].into_iter().flatten() {
                r(v);
            }
        }
        Inst::Obj(o) => o.operands_mut().into_iter().for_each(r),
        Inst::ObjmodeBlock(b) => b.args.iter_mut().for_each(r),
        Inst::ParallelFor { range, args, .. } => {
            r(range);
            args.iter_mut().for_each(r);
        }
    }
}

/// Applies `r` to every value `term` reads (block arguments included).
pub fn rewrite_term(term: &mut Terminator, r: &impl Fn(&mut Value)) {
    match term {
        Terminator::Jump(c) => c.args.iter_mut().for_each(r),
        Terminator::Branch { cond, then_to, else_to } => {
            r(cond);
            then_to.args.iter_mut().for_each(r);
            else_to.args.iter_mut().for_each(r);
        }
        Terminator::Try { body, handler } => {
            body.args.iter_mut().for_each(r);
            handler.args.iter_mut().for_each(r);
        }
        Terminator::Return(v) => r(v),
        Terminator::Raise { class, args } => {
            class.iter_mut().for_each(r);
            args.iter_mut().for_each(r);
        }
        Terminator::Unreachable => {}
    }
}
