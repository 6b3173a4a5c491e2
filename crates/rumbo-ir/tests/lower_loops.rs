//! `for` loops over `enumerate(...)` and `zip(...)`: lowered to the loops they
//! stand for, with one iterator per iterable and a hidden counter.

mod common;

use common::*;
use rumbo_ir::{Function, Inst};
use rumbo_syntax::{BinOp, Stmt};

/// def f(a, b):
///     s = 0
///     for i, (x, y) in enumerate(zip(a, b), 1):
///         s += i * x + y
///     return s
fn enumerate_zip() -> Function {
    let body: Vec<Stmt> = vec![
        assign(name("s"), int(0)),
        for_(
            tuple(vec![name("i"), tuple(vec![name("x"), name("y")])]),
            call(name("enumerate"), vec![call(name("zip"), vec![name("a"), name("b")]), int(1)]),
            vec![aug(name("s"), BinOp::Add, bin(BinOp::Add, bin(BinOp::Mult, name("i"), name("x")), name("y")))],
            vec![],
        ),
        ret(name("s")),
    ];
    lower_ok(&func("f", &["a", "b"], body))
}

#[test]
fn enumerate_of_zip_is_two_iterators_and_a_counter() {
    let ir = enumerate_zip();
    let count = |pred: &dyn Fn(&Inst) -> bool| ir.values.iter().filter(|v| matches!(&v.kind, rumbo_ir::ValueKind::Inst(i) if pred(i))).count();
    assert_eq!(count(&|i| matches!(i, Inst::GetIter(_))), 2);
    assert_eq!(count(&|i| matches!(i, Inst::IterNext(_))), 2);
    assert_eq!(count(&|i| matches!(i, Inst::Global(_))), 0, "enumerate/zip are not looked up:\n{}", text(&ir));
    // The counter is incremented once per turn (the other `+` is `i * x + y`;
    // `s +=` is an in-place add).
    assert_eq!(count(&|i| matches!(i, Inst::Binary { op: BinOp::Add, .. })), 2);
}

/// Each exhausted iterator leaves through a block of its own: no edge from a
/// branch goes straight into a block with several predecessors, so codegen
/// can release what dies on the way out.
#[test]
fn loop_exits_have_no_critical_edges() {
    let ir = enumerate_zip();
    let preds = ir.predecessors();
    for b in ir.block_ids() {
        let succs = ir.block(b).term.successors();
        if succs.len() > 1 {
            for s in succs {
                assert!(preds[s.block.index()].len() == 1, "critical edge b{} -> b{}:\n{}", b.0, s.block.0, text(&ir));
            }
        }
    }
}

/// A local named `zip` is called, not treated as the builtin.
#[test]
fn a_local_named_zip_is_an_ordinary_iterable() {
    let body = vec![
        assign(name("zip"), name("a")),
        for_(name("x"), call(name("zip"), vec![name("a")]), vec![], vec![]),
        ret_none(),
    ];
    let ir = lower_ok(&func("f", &["a"], body));
    let calls = ir.values.iter().filter(|v| matches!(&v.kind, rumbo_ir::ValueKind::Inst(Inst::Call { .. }))).count();
    assert_eq!(calls, 1);
}
