//! Helpers that build rumbo_syntax trees by hand (every span is the default
//! one) and lower them, for the rumbo-ir integration tests.
#![allow(dead_code)]

use rumbo_ir::{lower_function, print_function, verify_function, Function};
use rumbo_syntax::{
    BinOp, BoolOp, CmpOp, Constant, Expr, ExprKind, Function as SynFunction, Keyword, Param, Span, Stmt, StmtKind,
    UnaryOp,
};

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn s(kind: StmtKind) -> Stmt {
    Stmt { kind, span: Span::default() }
}

pub(crate) fn name(n: &str) -> Expr {
    e(ExprKind::Name(n.into()))
}

pub(crate) fn int(i: i128) -> Expr {
    e(ExprKind::Const(Constant::Int(i)))
}

pub(crate) fn float(f: f64) -> Expr {
    e(ExprKind::Const(Constant::Float(f)))
}

pub(crate) fn string(text: &str) -> Expr {
    e(ExprKind::Const(Constant::Str(text.into())))
}

pub(crate) fn bin(op: BinOp, left: Expr, right: Expr) -> Expr {
    e(ExprKind::BinOp { op, left: Box::new(left), right: Box::new(right) })
}

pub(crate) fn unary(op: UnaryOp, operand: Expr) -> Expr {
    e(ExprKind::UnaryOp { op, operand: Box::new(operand) })
}

pub(crate) fn boolop(op: BoolOp, values: Vec<Expr>) -> Expr {
    e(ExprKind::BoolOp { op, values })
}

pub(crate) fn cmp(left: Expr, op: CmpOp, right: Expr) -> Expr {
    chain(left, vec![(op, right)])
}

/// `left op1 c1 op2 c2 ...`
pub(crate) fn chain(left: Expr, rest: Vec<(CmpOp, Expr)>) -> Expr {
    let (ops, comparators) = rest.into_iter().unzip();
    e(ExprKind::Compare { left: Box::new(left), ops, comparators })
}

pub(crate) fn call(func: Expr, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call { func: Box::new(func), args, keywords: vec![] })
}

pub(crate) fn call_kw(func: Expr, args: Vec<Expr>, keywords: Vec<(&str, Expr)>) -> Expr {
    let keywords = keywords.into_iter().map(|(n, value)| Keyword { name: n.into(), value }).collect();
    e(ExprKind::Call { func: Box::new(func), args, keywords })
}

pub(crate) fn attr(value: Expr, attr: &str) -> Expr {
    e(ExprKind::Attribute { value: Box::new(value), attr: attr.into() })
}

pub(crate) fn ifexp(test: Expr, body: Expr, orelse: Expr) -> Expr {
    e(ExprKind::IfExp { test: Box::new(test), body: Box::new(body), orelse: Box::new(orelse) })
}

pub(crate) fn tuple(items: Vec<Expr>) -> Expr {
    e(ExprKind::Tuple(items))
}

pub(crate) fn subscript(value: Expr, index: Expr) -> Expr {
    e(ExprKind::Subscript { value: Box::new(value), index: Box::new(index) })
}

pub(crate) fn unsupported_expr(what: &str) -> Expr {
    e(ExprKind::Unsupported { what: what.into() })
}

pub(crate) fn assign(target: Expr, value: Expr) -> Stmt {
    s(StmtKind::Assign { targets: vec![target], value })
}

pub(crate) fn aug(target: Expr, op: BinOp, value: Expr) -> Stmt {
    s(StmtKind::AugAssign { target, op, value })
}

pub(crate) fn ret(value: Expr) -> Stmt {
    s(StmtKind::Return(Some(value)))
}

pub(crate) fn ret_none() -> Stmt {
    s(StmtKind::Return(None))
}

pub(crate) fn if_(test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>) -> Stmt {
    s(StmtKind::If { test, body, orelse })
}

pub(crate) fn while_(test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>) -> Stmt {
    s(StmtKind::While { test, body, orelse })
}

pub(crate) fn for_(target: Expr, iter: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>) -> Stmt {
    s(StmtKind::For { target, iter, body, orelse })
}

pub(crate) fn brk() -> Stmt {
    s(StmtKind::Break)
}

pub(crate) fn cont() -> Stmt {
    s(StmtKind::Continue)
}

pub(crate) fn pass() -> Stmt {
    s(StmtKind::Pass)
}

pub(crate) fn expr_stmt(value: Expr) -> Stmt {
    s(StmtKind::Expr(value))
}

pub(crate) fn raise(exc: Option<Expr>) -> Stmt {
    s(StmtKind::Raise(exc))
}

pub(crate) fn assert_(test: Expr, msg: Option<Expr>) -> Stmt {
    s(StmtKind::Assert { test, msg })
}

pub(crate) fn global(names: &[&str]) -> Stmt {
    s(StmtKind::Global(names.iter().map(|n| n.to_string()).collect()))
}

pub(crate) fn unsupported_stmt(what: &str) -> Stmt {
    s(StmtKind::Unsupported { what: what.into() })
}

pub(crate) fn func(name: &str, params: &[&str], body: Vec<Stmt>) -> SynFunction {
    SynFunction {
        name: name.into(),
        params: params.iter().map(|p| Param { name: p.to_string(), default: None, span: Span::default() }).collect(),
        body,
        span: Span::default(),
    }
}

/// The IR text without annotations.
pub(crate) fn text(f: &Function) -> String {
    print_function(f, &|_| None)
}

/// Lowers `f`, requiring the verifier to accept the result.
pub(crate) fn lower_ok(f: &SynFunction) -> Function {
    let ir = lower_function(f).unwrap_or_else(|d| panic!("lowering {} failed: {}", f.name, d.message));
    let errors = verify_function(&ir);
    assert!(errors.is_empty(), "verifier rejected the lowered {}:\n{}\n{}", f.name, errors.join("\n"), text(&ir));
    ir
}
