//! Lowers many small generated programs (loops, branches, break/continue,
//! early returns, value-producing expressions, nested in every way) and checks
//! the SSA invariants: the verifier accepts the IR, and no parameter of a
//! reachable block is trivial (all its incoming arguments the same value, or
//! the parameter itself). Code after a statement that never completes is not
//! generated: unreachable loops crash lowering (see known_bugs.rs).

mod common;

use common::*;
use rumbo_ir::{lower_function, verify_function, Function, Value};
use rumbo_syntax::{BinOp, BoolOp, CmpOp, Constant, Expr, ExprKind, Stmt, StmtKind};
use std::collections::HashSet;

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const VARS: [&str; 4] = ["a", "b", "c", "d"];

fn var(r: &mut Rng) -> Expr {
    name(VARS[r.below(VARS.len() as u64) as usize])
}

fn expr(r: &mut Rng, depth: u32) -> Expr {
    if depth == 0 {
        return if r.below(3) == 0 { int(r.below(5) as i128) } else { var(r) };
    }
    match r.below(7) {
        0 => bin(BinOp::Add, expr(r, depth - 1), expr(r, depth - 1)),
        1 => cmp(expr(r, depth - 1), CmpOp::Lt, expr(r, depth - 1)),
        2 => chain(var(r), vec![(CmpOp::Lt, expr(r, depth - 1)), (CmpOp::LtE, var(r))]),
        3 => boolop(
            if r.below(2) == 0 { BoolOp::And } else { BoolOp::Or },
            vec![expr(r, depth - 1), expr(r, depth - 1), expr(r, depth - 1)],
        ),
        4 => ifexp(expr(r, depth - 1), expr(r, depth - 1), expr(r, depth - 1)),
        _ => expr(r, 0),
    }
}

/// A statement list; statements after one that never completes normally are
/// left out (unreachable loops crash lowering: see known_bugs.rs).
fn block(r: &mut Rng, depth: u32, in_loop: bool) -> Vec<Stmt> {
    let n = 1 + r.below(3);
    let mut out = vec![];
    for _ in 0..n {
        let s = stmt(r, depth, in_loop);
        let done = !completes(&s);
        out.push(s);
        if done {
            break;
        }
    }
    out
}

/// Whether control can reach the end of `s` (no constant folding, as lowering).
fn completes(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Raise(_) | StmtKind::Break | StmtKind::Continue => false,
        StmtKind::If { body, orelse, .. } => all_complete(body) || all_complete(orelse),
        StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
            breaks_out(body) || all_complete(orelse)
        }
        _ => true,
    }
}

fn all_complete(body: &[Stmt]) -> bool {
    body.iter().all(completes)
}

/// Whether `body` (a loop's body) has a `break` for that loop.
fn breaks_out(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        StmtKind::If { body, orelse, .. } => breaks_out(body) || breaks_out(orelse),
        // an inner loop's `else` belongs to the enclosing loop
        StmtKind::While { orelse, .. } | StmtKind::For { orelse, .. } => breaks_out(orelse),
        _ => false,
    })
}

fn stmt(r: &mut Rng, depth: u32, in_loop: bool) -> Stmt {
    let choice = if depth == 0 { r.below(4) } else { r.below(11) };
    match choice {
        0 | 1 => assign(var(r), expr(r, 2)),
        2 => aug(var(r), BinOp::Add, expr(r, 1)),
        3 => {
            if in_loop {
                if r.below(2) == 0 {
                    brk()
                } else {
                    cont()
                }
            } else {
                pass()
            }
        }
        4 => if_(expr(r, 1), block(r, depth - 1, in_loop), block(r, depth - 1, in_loop)),
        5 => if_(expr(r, 1), block(r, depth - 1, in_loop), vec![]),
        6 => {
            let orelse = if r.below(2) == 0 { block(r, depth - 1, in_loop) } else { vec![] };
            while_(expr(r, 1), block(r, depth - 1, true), orelse)
        }
        7 => {
            let orelse = if r.below(2) == 0 { block(r, depth - 1, in_loop) } else { vec![] };
            for_(var(r), call(name("range"), vec![expr(r, 0)]), block(r, depth - 1, true), orelse)
        }
        8 => ret(expr(r, 1)),
        9 => assert_(expr(r, 1), None),
        _ => raise(Some(call(name("ValueError"), vec![]))),
    }
}

/// Parameters of reachable blocks whose incoming arguments (over every jump
/// into the block) are all one value or the parameter itself. (Unreachable
/// blocks are left out: see `unreachable_code_lowers_to_ill_formed_ssa` in
/// known_bugs.rs.)
fn trivial_params(f: &Function) -> Vec<Value> {
    let preds = f.predecessors();
    let mut out = vec![];
    for b in f.reverse_postorder().into_iter().skip(1) {
        for (i, &p) in f.block(b).params.iter().enumerate() {
            let mut incoming = HashSet::new();
            let mut seen = HashSet::new();
            for &pb in preds[b.index()].iter().filter(|pb| seen.insert(**pb)) {
                for call in f.block(pb).term.successors() {
                    if call.block == b && call.args[i] != p {
                        incoming.insert(call.args[i]);
                    }
                }
            }
            if incoming.len() <= 1 {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn generated_programs_lower_to_valid_ssa() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..2000 {
        let mut body = block(&mut r, 3, false);
        body.push(ret(tuple(VARS.iter().map(|v| name(v)).collect())));
        let f = func(&format!("case{case}"), &["a", "b"], body);
        let ir = lower_function(&f).unwrap();
        let errors = verify_function(&ir);
        assert!(errors.is_empty(), "case {case}: {errors:?}\n{}\n{}", text(&ir), source(&f.body));
        let trivial = trivial_params(&ir);
        assert!(
            trivial.is_empty(),
            "case {case}: trivial parameters {trivial:?} remain:\n{}\n{}",
            text(&ir),
            source(&f.body)
        );
    }
}

/// The generated program as Python source, for failure messages.
fn source(body: &[Stmt]) -> String {
    let mut out = String::new();
    for s in body {
        write_stmt(s, 1, &mut out);
    }
    out
}

fn src(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Const(Constant::Int(i)) => i.to_string(),
        ExprKind::BinOp { op, left, right } => format!("({} {} {})", src(left), op.symbol(), src(right)),
        ExprKind::BoolOp { op, values } => {
            let sep = if *op == BoolOp::And { " and " } else { " or " };
            format!("({})", values.iter().map(src).collect::<Vec<_>>().join(sep))
        }
        ExprKind::Compare { left, ops, comparators } => {
            let mut s = format!("({}", src(left));
            for (op, c) in ops.iter().zip(comparators) {
                s += &format!(" {} {}", op.symbol(), src(c));
            }
            s + ")"
        }
        ExprKind::IfExp { test, body, orelse } => format!("({} if {} else {})", src(body), src(test), src(orelse)),
        ExprKind::Call { func, args, .. } => {
            format!("{}({})", src(func), args.iter().map(src).collect::<Vec<_>>().join(", "))
        }
        ExprKind::Tuple(items) => format!("({})", items.iter().map(src).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

fn write_stmt(s: &Stmt, indent: usize, out: &mut String) {
    let pad = "    ".repeat(indent);
    let block = |body: &[Stmt], out: &mut String| {
        if body.is_empty() {
            out.push_str(&format!("{pad}    pass\n"));
        }
        for s in body {
            write_stmt(s, indent + 1, out);
        }
    };
    match &s.kind {
        StmtKind::Assign { targets, value } => out.push_str(&format!("{pad}{} = {}\n", src(&targets[0]), src(value))),
        StmtKind::AugAssign { target, op, value } => {
            out.push_str(&format!("{pad}{} {}= {}\n", src(target), op.symbol(), src(value)))
        }
        StmtKind::Return(v) => out.push_str(&format!("{pad}return {}\n", v.as_ref().map(src).unwrap_or_default())),
        StmtKind::If { test, body, orelse } => {
            out.push_str(&format!("{pad}if {}:\n", src(test)));
            block(body, out);
            if !orelse.is_empty() {
                out.push_str(&format!("{pad}else:\n"));
                block(orelse, out);
            }
        }
        StmtKind::While { test, body, orelse } => {
            out.push_str(&format!("{pad}while {}:\n", src(test)));
            block(body, out);
            if !orelse.is_empty() {
                out.push_str(&format!("{pad}else:\n"));
                block(orelse, out);
            }
        }
        StmtKind::For { target, iter, body, orelse } => {
            out.push_str(&format!("{pad}for {} in {}:\n", src(target), src(iter)));
            block(body, out);
            if !orelse.is_empty() {
                out.push_str(&format!("{pad}else:\n"));
                block(orelse, out);
            }
        }
        StmtKind::Break => out.push_str(&format!("{pad}break\n")),
        StmtKind::Continue => out.push_str(&format!("{pad}continue\n")),
        StmtKind::Pass => out.push_str(&format!("{pad}pass\n")),
        StmtKind::Raise(e) => out.push_str(&format!("{pad}raise {}\n", e.as_ref().map(src).unwrap_or_default())),
        StmtKind::Assert { test, .. } => out.push_str(&format!("{pad}assert {}\n", src(test))),
        other => out.push_str(&format!("{pad}{other:?}\n")),
    }
}
