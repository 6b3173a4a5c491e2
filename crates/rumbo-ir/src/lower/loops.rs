//! `for` loops. `enumerate(...)` and `zip(...)` as a loop's iterable are
//! lowered to the loops they stand for (no iterator objects): one iterator per
//! underlying iterable, advanced in order each turn, a hidden counter per
//! `enumerate`. The loop ends at the first exhausted iterator, as `zip` does.
//! `<module>.ndenumerate(a)` is `<module>.ndindex(a.shape)` with `a[index]` beside
//! each index (typing checks the module is NumPy).

use super::{LoopTargets, Lowerer};
use crate::data::*;
use rumbo_syntax::{BinOp, Constant, Diagnostic, Expr, ExprKind, Span, Stmt};

/// What a loop draws its items from.
enum Source {
    /// An iterator (`GetIter` of the iterable).
    Iter(Value),
    /// `enumerate(inner, start)`: the hidden counter variable's name.
    Enumerate { counter: String, inner: Box<Source> },
    Zip(Vec<Source>),
    /// `np.ndenumerate(array)`: the indices of `np.ndindex(array.shape)` with the items.
    NdEnumerate { array: Value, inner: Box<Source> },
}

impl Source {
    /// How many iterators the loop advances each turn.
    fn iterators(&self) -> usize {
        match self {
            Source::Iter(_) => 1,
            Source::Enumerate { inner, .. } | Source::NdEnumerate { inner, .. } => inner.iterators(),
            Source::Zip(parts) => parts.iter().map(Source::iterators).sum(),
        }
    }
}

impl Lowerer {
    pub(super) fn lower_for(&mut self, target: &Expr, iter: &Expr, body: &[Stmt], orelse: &[Stmt], span: Span) -> Result<(), Diagnostic> {
        let source = self.loop_source(iter)?;
        let header = self.new_block();
        // A plain loop numbers its blocks header, body, else, exit (as IR dumps show).
        let body_b = matches!(source, Source::Iter(_)).then(|| self.new_block());
        let else_b = self.new_block();
        let exit = self.new_block();
        self.jump_from_current(header, span);
        self.current = Some(header);
        self.protect(span);
        let land = source.iterators() > 1;
        let item = self.next_item(&source, else_b, land, iter.span, target.span, body_b)?;
        self.seal(else_b);
        self.finish_loop(header, else_b, exit, span, |l| {
            l.assign(target, item)?;
            l.lower_body(body)
        }, orelse)
    }

    /// The rest of a `while` or `for` loop once its header has branched: the body (`body`
    /// lowers it from the current block) with `break`/`continue` targets, the jump back, then
    /// the `else` clause and the exit.
    pub(super) fn finish_loop(
        &mut self,
        header: Block,
        else_b: Block,
        exit: Block,
        span: Span,
        body: impl FnOnce(&mut Self) -> Result<(), Diagnostic>,
        orelse: &[Stmt],
    ) -> Result<(), Diagnostic> {
        self.loops.push(LoopTargets { continue_to: header, break_to: exit, finally_depth: self.finally.len() });
        body(self)?;
        self.jump_from_current(header, span);
        self.loops.pop();
        self.seal(header);
        self.current = Some(else_b);
        self.lower_body(orelse)?;
        self.jump_from_current(exit, span);
        self.seal(exit);
        self.current = if self.preds[exit.index()].is_empty() { None } else { Some(exit) };
        Ok(())
    }

    /// The builtin `enumerate`/`zip` called with plain arguments (no `*args`),
    /// when the name is not a local variable.
    fn builtin_call<'e>(&self, e: &'e Expr, name: &str) -> Option<(&'e [Expr], &'e [rumbo_syntax::Keyword])> {
        let ExprKind::Call { func, args, keywords } = &e.kind else { return None };
        let ExprKind::Name(n) = &func.kind else { return None };
        let plain = !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)));
        (n == name && plain && !self.locals.contains(&self.local_name(n))).then_some((args.as_slice(), keywords.as_slice()))
    }

    fn loop_source(&mut self, iter: &Expr) -> Result<Source, Diagnostic> {
        if let Some((args, keywords)) = self.builtin_call(iter, "enumerate") {
            let start_kw = keywords.iter().find(|k| k.name == "start");
            let shape_ok = keywords.iter().all(|k| k.name == "start") && matches!((args.len(), start_kw), (1, _) | (2, None));
            if !shape_ok {
                return Err(Diagnostic::typing(iter.span, "enumerate() takes an iterable and an optional start"));
            }
            let inner = self.loop_source(&args[0])?;
            let start = match (args.get(1), start_kw) {
                (Some(s), _) => self.lower_expr(s)?,
                (None, Some(k)) => self.lower_expr(&k.value)?,
                (None, None) => self.emit(Inst::Const(Constant::Int(0)), iter.span),
            };
            let counter = format!(".enumerate{}", self.func.values.len());
            self.locals.insert(counter.clone());
            self.def_var(&counter, start);
            return Ok(Source::Enumerate { counter, inner: Box::new(inner) });
        }
        if let Some((args, keywords)) = self.builtin_call(iter, "zip") {
            if !keywords.is_empty() {
                return Err(Diagnostic::unsupported(iter.span, "keyword arguments of zip() are not supported in compiled code"));
            }
            let parts = args.iter().map(|a| self.loop_source(a)).collect::<Result<Vec<_>, _>>()?;
            return Ok(Source::Zip(parts));
        }
        if let ExprKind::Call { func, args, keywords } = &iter.kind {
            if let (ExprKind::Attribute { value: module, attr }, [array], []) = (&func.kind, args.as_slice(), keywords.as_slice()) {
                if attr == "ndenumerate" {
                    let m = self.lower_expr(module)?;
                    let a = self.lower_expr(array)?;
                    let ndindex = self.emit(Inst::GetAttr { value: m, attr: "ndindex".into() }, func.span);
                    let shape = self.emit(Inst::GetAttr { value: a, attr: "shape".into() }, array.span);
                    let indices = self.emit(Inst::Call { func: ndindex, args: vec![shape], kwargs: vec![] }, iter.span);
                    let it = self.emit(Inst::GetIter(indices), iter.span);
                    return Ok(Source::NdEnumerate { array: a, inner: Box::new(Source::Iter(it)) });
                }
            }
        }
        let iterable = self.lower_expr(iter)?;
        Ok(Source::Iter(self.emit(Inst::GetIter(iterable), iter.span)))
    }

    /// Advances `source` from the current block: branches to `done` when an
    /// iterator is exhausted, and leaves the current block where the item
    /// (returned) is available.
    /// `into`: the block to continue in after a plain iterator (a new one if `None`).
    /// `land`: reach `done` through a block of its own from each iterator, so
    /// that every exit edge has one predecessor (where codegen releases the
    /// references that die on it: the other iterators, the items so far).
    fn next_item(&mut self, source: &Source, done: Block, land: bool, span: Span, item_span: Span, into: Option<Block>) -> Result<Value, Diagnostic> {
        Ok(match source {
            Source::Iter(it) => {
                let next = self.emit(Inst::IterNext(*it), span);
                let valid = self.emit(Inst::TupleGet { value: next, index: 1 }, span);
                let more = into.unwrap_or_else(|| self.new_block());
                let exit = if land { self.new_block() } else { done };
                self.branch(valid, more, exit, span);
                self.seal(more);
                if land {
                    self.seal(exit);
                    self.current = Some(exit);
                    self.jump_from_current(done, span);
                }
                self.current = Some(more);
                self.emit(Inst::TupleGet { value: next, index: 0 }, item_span)
            }
            Source::Enumerate { counter, inner } => {
                let item = self.next_item(inner, done, land, span, item_span, None)?;
                let b = self.cur();
                let index = self.read_var(counter, b, span);
                let one = self.emit(Inst::Const(Constant::Int(1)), span);
                let next = self.emit(Inst::Binary { op: BinOp::Add, lhs: index, rhs: one }, span);
                self.def_var(counter, next);
                self.emit(Inst::Tuple(vec![index, item]), span)
            }
            Source::NdEnumerate { array, inner } => {
                let index = self.next_item(inner, done, land, span, item_span, None)?;
                let item = self.emit(Inst::GetItem { value: *array, index }, span);
                self.emit(Inst::Tuple(vec![index, item]), span)
            }
            Source::Zip(parts) if parts.is_empty() => {
                // `zip()` yields nothing: the body is never entered.
                let no = self.emit(Inst::Const(Constant::Bool(false)), span);
                let more = self.new_block();
                self.branch(no, more, done, span);
                self.seal(more);
                self.current = Some(more);
                self.emit(Inst::Tuple(vec![]), span)
            }
            Source::Zip(parts) => {
                let mut items = vec![];
                for p in parts {
                    items.push(self.next_item(p, done, land, span, item_span, None)?);
                }
                self.emit(Inst::Tuple(items), span)
            }
        })
    }
}
