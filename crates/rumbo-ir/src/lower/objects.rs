//! Lowering of the constructs only object mode compiles: `try`, `with`, `del`,
//! comprehensions. Exceptions reach an `except` handler through `Try`
//! terminators: inside a try body every statement (and loop header) starts a
//! new block entered by `Try { body, handler }`, whose handler arguments are
//! the variables as they are there, so the handler sees the values of the
//! statement that raised. `finally` code (and `__exit__` calls) is lowered
//! again at every return, break and continue that leaves it, as CPython does.

use super::{Finally, FinallyFrame, Lowerer};
use crate::data::*;
use rumbo_syntax::{CompKind, Constant, Diagnostic, ExceptHandler, Expr, ExprKind, FPart, Generator, Nested, Span, Stmt, WithItem};

impl Lowerer {
    /// Inside a try body: ends the current block with a `Try` into a fresh one,
    /// so an exception from here on sees the variables as they are now.
    pub(super) fn protect(&mut self, span: Span) {
        let Some(&handler) = self.handlers.last() else { return };
        let from = self.cur();
        let body = self.new_block();
        let term = Terminator::Try {
            body: BlockCall { block: body, args: vec![] },
            handler: BlockCall { block: handler, args: vec![] },
        };
        self.terminate(from, term, span);
        self.seal(body);
        self.current = Some(body);
    }

    /// Lowers the `finally` code of the frames above `depth`, innermost first,
    /// each under the handlers and frames outside it.
    pub(super) fn run_finally(&mut self, depth: usize, span: Span) -> Result<(), Diagnostic> {
        let mut i = self.finally.len();
        while i > depth {
            i -= 1;
            let saved_frames = self.finally.split_off(i);
            let saved_handlers = self.handlers.split_off(saved_frames[0].handler_depth);
            let result = match saved_frames[0].action.clone() {
                Finally::Stmts(stmts) => self.lower_body(&stmts),
                Finally::WithExit(exit) => {
                    self.protect(span);
                    self.emit(Inst::Obj(ObjInst::WithExit { exit, exc: None }), span);
                    Ok(())
                }
                Finally::RestoreHandled(prev) => {
                    self.emit(Inst::Obj(ObjInst::RestoreHandled(prev)), span);
                    Ok(())
                }
            };
            self.handlers.extend(saved_handlers);
            self.finally.extend(saved_frames);
            result?;
        }
        Ok(())
    }

    /// Lowers `body` with exceptions landing in a new handler block, which is
    /// returned sealed (its predecessors are the body's `Try` blocks).
    fn protected(&mut self, body: impl FnOnce(&mut Self) -> Result<(), Diagnostic>) -> Result<Block, Diagnostic> {
        let landing = self.new_block();
        self.handlers.push(landing);
        let result = body(self);
        self.handlers.pop();
        result?;
        self.seal(landing);
        Ok(landing)
    }

    /// Starts a handler block: takes the exception and protects what follows
    /// with the enclosing handler (if any).
    fn enter_handler(&mut self, landing: Block, span: Span) -> Value {
        self.current = Some(landing);
        let exc = self.emit(Inst::Obj(ObjInst::Caught), span);
        self.protect(span);
        exc
    }

    pub(super) fn lower_try(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        span: Span,
    ) -> Result<(), Diagnostic> {
        if finalbody.is_empty() {
            return self.lower_try_except(body, handlers, orelse, span);
        }
        // try/except/else inside a try whose handler runs `finally` and re-raises.
        self.finally.push(FinallyFrame { action: Finally::Stmts(finalbody.to_vec()), handler_depth: self.handlers.len() });
        let landing = self.protected(|lw| {
            lw.protect(span);
            if handlers.is_empty() {
                lw.lower_body(body)?;
                lw.lower_body(orelse)
            } else {
                lw.lower_try_except(body, handlers, orelse, span)
            }
        });
        self.finally.pop();
        let landing = landing?;
        let after = self.new_block();
        if self.current.is_some() {
            self.lower_body(finalbody)?;
            self.jump_from_current(after, span);
        }
        let exc = self.enter_handler(landing, span);
        self.lower_body(finalbody)?;
        if self.current.is_some() {
            let b = self.cur();
            self.terminate(b, Terminator::Raise { class: Some(exc), args: vec![] }, span);
        }
        self.seal(after);
        self.current = if self.preds[after.index()].is_empty() { None } else { Some(after) };
        Ok(())
    }

    fn lower_try_except(&mut self, body: &[Stmt], handlers: &[ExceptHandler], orelse: &[Stmt], span: Span) -> Result<(), Diagnostic> {
        let landing = self.protected(|lw| {
            lw.protect(span);
            lw.lower_body(body)
        })?;
        let after = self.new_block();
        if self.current.is_some() {
            self.lower_body(orelse)?;
            self.jump_from_current(after, span);
        }
        let exc = self.enter_handler(landing, span);
        for h in handlers {
            let matched = self.new_block();
            let next = self.new_block();
            match &h.class {
                Some(class) => {
                    let class = self.lower_expr(class)?;
                    let m = self.emit(Inst::Obj(ObjInst::ExcMatch { exc, class }), h.span);
                    self.branch(m, matched, next, h.span);
                }
                None => self.jump_from_current(matched, h.span),
            }
            self.seal(matched);
            self.seal(next);
            self.current = Some(matched);
            if let Some(name) = &h.name {
                self.def_var(name, exc);
            }
            // The body runs with `exc` as the handled exception, put back however it is left.
            let prev = self.emit(Inst::Obj(ObjInst::SetHandled(exc)), h.span);
            self.finally.push(FinallyFrame { action: Finally::RestoreHandled(prev), handler_depth: self.handlers.len() });
            self.caught.push(exc);
            let inner = self.protected(|lw| {
                lw.protect(h.span);
                lw.lower_body(&h.body)
            });
            self.caught.pop();
            self.finally.pop();
            let inner = inner?;
            if self.current.is_some() {
                self.emit(Inst::Obj(ObjInst::RestoreHandled(prev)), h.span);
            }
            let resume = self.current.take();
            let exc2 = self.enter_handler(inner, h.span);
            self.emit(Inst::Obj(ObjInst::RestoreHandled(prev)), h.span);
            let b = self.cur();
            self.terminate(b, Terminator::Raise { class: Some(exc2), args: vec![] }, h.span);
            self.current = resume;
            if let (Some(name), Some(_)) = (&h.name, self.current) {
                // CPython deletes the name at the end of the handler.
                let undef = self.emit(Inst::Undef(name.clone()), h.span);
                self.def_var(name, undef);
            }
            self.jump_from_current(after, h.span);
            self.current = Some(next);
        }
        if self.current.is_some() {
            let b = self.cur();
            self.terminate(b, Terminator::Raise { class: Some(exc), args: vec![] }, span);
        }
        self.seal(after);
        self.current = if self.preds[after.index()].is_empty() { None } else { Some(after) };
        Ok(())
    }

    pub(super) fn lower_with(&mut self, items: &[WithItem], body: &[Stmt], span: Span) -> Result<(), Diagnostic> {
        let Some((item, rest)) = items.split_first() else { return self.lower_body(body) };
        let manager = self.lower_expr(&item.manager)?;
        let entered = self.emit(Inst::Obj(ObjInst::WithEnter(manager)), span);
        let exit = self.emit(Inst::TupleGet { value: entered, index: 0 }, span);
        let value = self.emit(Inst::TupleGet { value: entered, index: 1 }, span);
        self.finally.push(FinallyFrame { action: Finally::WithExit(exit), handler_depth: self.handlers.len() });
        let landing = self.protected(|lw| {
            lw.protect(span);
            if let Some(t) = &item.target {
                lw.assign(t, value)?;
            }
            lw.lower_with(rest, body, span)
        });
        self.finally.pop();
        let landing = landing?;
        let after = self.new_block();
        if self.current.is_some() {
            self.protect(span);
            self.emit(Inst::Obj(ObjInst::WithExit { exit, exc: None }), span);
            self.jump_from_current(after, span);
        }
        let exc = self.enter_handler(landing, span);
        let suppress = self.emit(Inst::Obj(ObjInst::WithExit { exit, exc: Some(exc) }), span);
        let reraise = self.new_block();
        self.branch(suppress, after, reraise, span);
        self.seal(reraise);
        self.terminate(reraise, Terminator::Raise { class: Some(exc), args: vec![] }, span);
        self.seal(after);
        self.current = Some(after);
        Ok(())
    }

    /// A lambda/def/class: captures the bound locals it names (their values now).
    pub(super) fn lower_nested(&mut self, n: &Nested) -> Result<Value, Diagnostic> {
        let mut captured = vec![];
        let mut args = vec![];
        for name in &n.names {
            let local = self.local_name(name);
            if !self.locals.contains(&local) || captured.contains(name) {
                continue;
            }
            let b = self.cur();
            let v = self.read_var(&local, b, n.span);
            if matches!(self.func.inst(v), Some(Inst::Undef(_))) {
                continue;
            }
            captured.push(name.clone());
            args.push(v);
        }
        let inst = ObjInst::MakeFunction { what: n.what.clone(), name: n.name.clone(), span: n.span, captured, args };
        Ok(self.emit(Inst::Obj(inst), n.span))
    }

    pub(super) fn lower_fstring(&mut self, parts: &[FPart], span: Span) -> Result<Value, Diagnostic> {
        let mut vals = vec![];
        for p in parts {
            vals.push(match p {
                FPart::Lit(s) => self.emit(Inst::Const(Constant::Str(s.clone())), span),
                FPart::Value { value, conversion, spec } => {
                    let value = self.lower_expr(value)?;
                    let spec = spec.as_ref().map(|s| self.lower_expr(s)).transpose()?;
                    self.emit(Inst::Obj(ObjInst::Format { value, conversion: *conversion, spec }), span)
                }
            });
        }
        Ok(self.emit(Inst::Obj(ObjInst::JoinStr(vals)), span))
    }

    fn bind(&mut self, name: &str, v: Value, span: Span) -> Result<(), Diagnostic> {
        let target = Expr { kind: ExprKind::Name(name.to_string()), span };
        self.assign(&target, v)
    }

    pub(super) fn lower_import(&mut self, names: &[(String, Option<String>)], span: Span) -> Result<(), Diagnostic> {
        for (name, alias) in names {
            let top = self.emit(Inst::Obj(ObjInst::Import { module: name.clone(), fromlist: vec![], level: 0 }), span);
            match alias {
                None => self.bind(name.split('.').next().unwrap_or(name), top, span)?,
                Some(a) => {
                    // `import a.b.c as x` binds the submodule: walk down from the package.
                    let mut v = top;
                    for part in name.split('.').skip(1) {
                        v = self.emit(Inst::GetAttr { value: v, attr: part.to_string() }, span);
                    }
                    self.bind(a, v, span)?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn lower_import_from(&mut self, module: &str, names: &[(String, Option<String>)], level: u32, span: Span) -> Result<(), Diagnostic> {
        let fromlist = names.iter().map(|(n, _)| n.clone()).collect();
        let m = self.emit(Inst::Obj(ObjInst::Import { module: module.to_string(), fromlist, level }), span);
        for (n, a) in names {
            let v = self.emit(Inst::GetAttr { value: m, attr: n.clone() }, span);
            self.bind(a.as_deref().unwrap_or(n), v, span)?;
        }
        Ok(())
    }

    pub(super) fn delete(&mut self, target: &Expr) -> Result<(), Diagnostic> {
        match &target.kind {
            ExprKind::Name(name) => {
                let name = self.local_name(name);
                let current = self.lower_expr(target)?;
                self.emit(Inst::Obj(ObjInst::Unbind(current)), target.span);
                let undef = self.emit(Inst::Undef(name.clone()), target.span);
                self.def_var(&name, undef);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete(i)?;
                }
            }
            ExprKind::Subscript { value, index } => {
                let value = self.lower_expr(value)?;
                let index = self.lower_expr(index)?;
                self.emit(Inst::Obj(ObjInst::DelItem { value, index }), target.span);
            }
            ExprKind::Attribute { value, attr } => {
                let value = self.lower_expr(value)?;
                self.emit(Inst::Obj(ObjInst::DelAttr { value, attr: attr.clone() }), target.span);
            }
            _ => return Err(Diagnostic::unsupported(target.span, "cannot delete this expression")),
        }
        Ok(())
    }

    /// The local a source name reads inside the current comprehensions.
    pub(super) fn local_name(&self, name: &str) -> String {
        match self.renames.iter().rev().find(|(n, _)| n == name) {
            Some((_, hidden)) => hidden.clone(),
            None => name.to_string(),
        }
    }

    /// A comprehension as the loops it stands for, its variables renamed so
    /// that they do not leak into the function (Python 3 scoping).
    pub(super) fn lower_comprehension(
        &mut self,
        kind: CompKind,
        elt: &Expr,
        key: Option<&Expr>,
        generators: &[Generator],
        span: Span,
    ) -> Result<Value, Diagnostic> {
        let hidden = format!(".comp{}", self.func.values.len());
        let container = self.emit(Inst::Obj(ObjInst::Empty(kind)), span);
        self.locals.insert(hidden.clone());
        self.def_var(&hidden, container);
        let renames_before = self.renames.len();
        let result = self.comprehension_loops(kind, elt, key, generators, &hidden, span);
        self.renames.truncate(renames_before);
        result?;
        let b = self.cur();
        let filled = self.read_var(&hidden, b, span);
        Ok(match kind {
            CompKind::Generator => self.emit(Inst::GetIter(filled), span),
            _ => filled,
        })
    }

    fn comprehension_loops(
        &mut self,
        kind: CompKind,
        elt: &Expr,
        key: Option<&Expr>,
        generators: &[Generator],
        hidden: &str,
        span: Span,
    ) -> Result<(), Diagnostic> {
        let Some((g, rest)) = generators.split_first() else {
            let b = self.cur();
            let container = self.read_var(hidden, b, span);
            let item = self.lower_expr(elt)?;
            let inst = match (kind, key) {
                (CompKind::Dict, Some(k)) => {
                    let k = self.lower_expr(k)?;
                    ObjInst::DictSet { container, key: k, item }
                }
                _ => ObjInst::Append { container, item },
            };
            self.emit(Inst::Obj(inst), span);
            return Ok(());
        };
        // The first iterable is evaluated outside the comprehension's scope.
        let iterable = self.lower_expr(&g.iter)?;
        let mut names = vec![];
        target_names(&g.target, &mut names);
        for n in names {
            let h = format!("{hidden}.{n}");
            self.locals.insert(h.clone());
            self.renames.push((n, h));
        }
        let it = self.emit(Inst::GetIter(iterable), g.iter.span);
        let header = self.new_block();
        let body_b = self.new_block();
        let exit = self.new_block();
        self.jump_from_current(header, span);
        self.current = Some(header);
        self.protect(span);
        let next = self.emit(Inst::IterNext(it), g.iter.span);
        let valid = self.emit(Inst::TupleGet { value: next, index: 1 }, g.iter.span);
        self.branch(valid, body_b, exit, g.iter.span);
        self.seal(body_b);
        self.current = Some(body_b);
        let item = self.emit(Inst::TupleGet { value: next, index: 0 }, g.target.span);
        self.assign(&g.target, item)?;
        for cond in &g.ifs {
            let c = self.lower_expr(cond)?;
            let pass = self.new_block();
            self.branch(c, pass, header, cond.span);
            self.seal(pass);
            self.current = Some(pass);
        }
        self.comprehension_loops(kind, elt, key, rest, hidden, span)?;
        self.jump_from_current(header, span);
        self.seal(header);
        self.seal(exit);
        self.current = Some(exit);
        Ok(())
    }
}

fn target_names(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| target_names(i, out)),
        _ => {}
    }
}
