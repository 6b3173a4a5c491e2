//! `with objmode(x='float64[:]', ...):` blocks in nopython functions: the body
//! is not lowered; one `ObjmodeBlock` instruction takes the local variables the
//! body reads and gives back the declared outputs, which are assigned after it.
//! rumbo-python runs the body's source in the interpreter.

use super::Lowerer;
use crate::data::*;
use rumbo_syntax::{Constant, Diagnostic, Expr, ExprKind, Span, Stmt, StmtKind, WithItem};

/// The outputs of `with objmode(...)` / `with <module>.objmode(...)`, or `None`
/// for any other `with`.
pub(super) fn objmode_outputs(items: &[WithItem]) -> Result<Option<Vec<(String, String)>>, Diagnostic> {
    let [WithItem { manager, target: None }] = items else { return Ok(None) };
    let ExprKind::Call { func, args, keywords } = &manager.kind else { return Ok(None) };
    let is_objmode = match &func.kind {
        ExprKind::Name(n) => n == "objmode",
        ExprKind::Attribute { attr, .. } => attr == "objmode",
        _ => false,
    };
    if !is_objmode {
        return Ok(None);
    }
    if !args.is_empty() {
        return Err(Diagnostic::unsupported(manager.span, "objmode() takes the output types as keyword arguments only")
            .with_hint("write `with objmode(x='float64[:]'):`"));
    }
    let mut out = vec![];
    for k in keywords {
        let text = type_text(&k.value).ok_or_else(|| {
            Diagnostic::typing(k.value.span, format!("cannot read the type of objmode output `{}`", k.name))
                .with_hint("give the type as a string, e.g. x='float64[:]'")
        })?;
        out.push((k.name.clone(), text));
    }
    Ok(Some(out))
}

/// `'float64[:]'`, `float64`, `types.float64[:, ::1]` as signature text.
fn type_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Const(Constant::Str(s)) => Some(s.clone()),
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Attribute { attr, .. } => Some(attr.clone()),
        ExprKind::Subscript { value, index } => {
            let dims = match &index.kind {
                ExprKind::Tuple(items) => items.iter().map(slice_text).collect::<Option<Vec<_>>>()?,
                _ => vec![slice_text(index)?],
            };
            Some(format!("{}[{}]", type_text(value)?, dims.join(", ")))
        }
        _ => None,
    }
}

fn slice_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Slice { lower: None, upper: None, step: None } => Some(":".into()),
        ExprKind::Slice { lower: None, upper: None, step: Some(s) } => match &s.kind {
            ExprKind::Const(Constant::Int(1)) => Some("::1".into()),
            _ => None,
        },
        _ => None,
    }
}

impl Lowerer {
    pub(super) fn lower_objmode_block(&mut self, outputs: Vec<(String, String)>, body: &[Stmt], span: Span) -> Result<(), Diagnostic> {
        let mut names = vec![];
        for s in body {
            stmt_names(s, &mut names);
        }
        let mut inputs = vec![];
        let mut args = vec![];
        for n in names {
            let local = self.local_name(&n);
            if !self.locals.contains(&local) || inputs.contains(&n) {
                continue;
            }
            let b = self.cur();
            let v = self.read_var(&local, b, span);
            // A variable the body only assigns is not an input.
            if matches!(self.func.inst(v), Some(Inst::Undef(_))) {
                continue;
            }
            inputs.push(n);
            args.push(v);
        }
        let first = body.first().map_or(span.line, |s| s.span.line);
        let last = body.last().map_or(span.end_line, |s| s.span.end_line);
        let block = ObjmodeBlock { args, inputs, outputs: outputs.clone(), lines: (first, last) };
        let result = self.emit(Inst::ObjmodeBlock(Box::new(block)), span);
        for (i, (name, _)) in outputs.iter().enumerate() {
            if !self.locals.contains(name) {
                return Err(Diagnostic::unsupported(span, format!("objmode output `{name}` is not a local variable")));
            }
            let item = self.emit(Inst::TupleGet { value: result, index: i }, span);
            self.def_var(name, item);
        }
        Ok(())
    }
}

/// Prefix of walrus targets in the name lists (no identifier starts with it).
const WALRUS: char = '\u{0}';

/// Names bound by `:=` anywhere in the statements (they are locals).
pub(super) fn walrus_targets(stmts: &[Stmt]) -> Vec<String> {
    let mut names = vec![];
    stmts.iter().for_each(|s| stmt_names(s, &mut names));
    names.iter().filter_map(|n| n.strip_prefix(WALRUS).map(str::to_string)).collect()
}

/// What an assignment target reads (`a[i] = ...` reads `a` and `i`; a name is written only).
fn target_reads(t: &Expr, out: &mut Vec<String>) {
    match &t.kind {
        ExprKind::Name(_) => {}
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| target_reads(i, out)),
        ExprKind::Starred(inner) => target_reads(inner, out),
        _ => expr_names(t, out),
    }
}

/// Every name the statements read, in order.
fn stmt_names(s: &Stmt, out: &mut Vec<String>) {
    let mut e = |x: &Expr| expr_names(x, out);
    match &s.kind {
        StmtKind::Assign { targets, value } => {
            e(value);
            targets.iter().for_each(|t| target_reads(t, out));
        }
        StmtKind::AugAssign { target, value, .. } => {
            e(target);
            e(value);
        }
        StmtKind::AnnAssign { target, value } => {
            value.iter().for_each(e);
            target_reads(target, out);
        }
        StmtKind::Return(v) | StmtKind::Raise(v) => v.iter().for_each(e),
        StmtKind::Expr(x) => e(x),
        StmtKind::Assert { test, msg } => {
            e(test);
            msg.iter().for_each(e);
        }
        StmtKind::Delete(ts) => ts.iter().for_each(e),
        StmtKind::RaiseFrom { exc, cause } => {
            e(exc);
            e(cause);
        }
        StmtKind::Import(_) | StmtKind::ImportFrom { .. } => {}
        StmtKind::Def(n) => out.extend(n.names.iter().cloned()),
        StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
            e(test);
            body.iter().chain(orelse).for_each(|s| stmt_names(s, out));
        }
        StmtKind::For { target, iter, body, orelse } => {
            e(iter);
            target_reads(target, out);
            body.iter().chain(orelse).for_each(|s| stmt_names(s, out));
        }
        StmtKind::Try { body, handlers, orelse, finalbody } => {
            body.iter().chain(orelse).chain(finalbody).for_each(|s| stmt_names(s, out));
            for h in handlers {
                h.class.iter().for_each(|x| expr_names(x, out));
                h.body.iter().for_each(|s| stmt_names(s, out));
            }
        }
        StmtKind::With { items, body } => {
            for i in items {
                expr_names(&i.manager, out);
                i.target.iter().for_each(|x| target_reads(x, out));
            }
            body.iter().for_each(|s| stmt_names(s, out));
        }
        StmtKind::Break | StmtKind::Continue | StmtKind::Pass | StmtKind::Global(_) | StmtKind::Unsupported { .. } | StmtKind::ObjOnly { .. } => {}
    }
}

fn expr_names(e: &Expr, out: &mut Vec<String>) {
    let mut r = |x: &Expr| expr_names(x, out);
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Const(_) | ExprKind::Unsupported { .. } => {}
        ExprKind::Lambda(n) => out.extend(n.names.iter().cloned()),
        ExprKind::Starred(x) => expr_names(x, out),
        ExprKind::NamedExpr { target, value } => {
            expr_names(value, out);
            // Marked: a target is written, not read (see `walrus_targets`).
            out.push(format!("{WALRUS}{target}"));
        }
        ExprKind::CallEx { func, args, keywords } => {
            expr_names(func, out);
            args.iter().for_each(|(_, a)| expr_names(a, out));
            keywords.iter().for_each(|(_, k)| expr_names(k, out));
        }
        ExprKind::FString(parts) => {
            for p in parts {
                if let rumbo_syntax::FPart::Value { value, spec, .. } = p {
                    expr_names(value, out);
                    spec.iter().for_each(|s| expr_names(s, out));
                }
            }
        }
        ExprKind::BinOp { left, right, .. } => {
            r(left);
            r(right);
        }
        ExprKind::UnaryOp { operand, .. } => r(operand),
        ExprKind::BoolOp { values, .. } | ExprKind::Tuple(values) | ExprKind::List(values) | ExprKind::Set(values) => values.iter().for_each(r),
        ExprKind::Compare { left, comparators, .. } => {
            r(left);
            comparators.iter().for_each(r);
        }
        ExprKind::Call { func, args, keywords } => {
            r(func);
            args.iter().for_each(&mut r);
            keywords.iter().for_each(|k| expr_names(&k.value, out));
        }
        ExprKind::Attribute { value, .. } => r(value),
        ExprKind::IfExp { test, body, orelse } => {
            r(test);
            r(body);
            r(orelse);
        }
        ExprKind::Dict { keys, values } => keys.iter().chain(values).for_each(r),
        ExprKind::Comprehension { elt, key, generators, .. } => {
            r(elt);
            key.iter().for_each(|k| expr_names(k, out));
            for g in generators {
                expr_names(&g.target, out);
                expr_names(&g.iter, out);
                g.ifs.iter().for_each(|x| expr_names(x, out));
            }
        }
        ExprKind::Subscript { value, index } => {
            r(value);
            r(index);
        }
        ExprKind::Slice { lower, upper, step } => [lower, upper, step].into_iter().flatten().for_each(|x| expr_names(x, out)),
    }
}
