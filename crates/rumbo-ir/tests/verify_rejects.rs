//! The verifier on hand-built and hand-broken IR: valid IR gives no message,
//! each broken invariant gives one message naming the values and blocks.

mod common;

use common::*;
use rumbo_ir::*;
use rumbo_syntax::{BinOp, CmpOp, Constant, Span};

/// A tiny IR builder: blocks and values are appended in order.
struct Builder {
    f: Function,
}

impl Builder {
    /// A function whose entry block b0 has one parameter per argument.
    fn new(params: &[&str]) -> Self {
        let mut b = Builder {
            f: Function {
                name: "f".into(),
                param_names: params.iter().map(|p| p.to_string()).collect(),
                blocks: vec![],
                values: vec![],
                globals: vec![],
                span: Span::default(),
            },
        };
        let entry = b.block();
        for _ in params {
            b.param(entry);
        }
        b
    }

    fn block(&mut self) -> Block {
        self.f.blocks.push(BlockData {
            params: vec![],
            insts: vec![],
            term: Terminator::Unreachable,
            term_span: Span::default(),
            handler: None,
        });
        Block(self.f.blocks.len() as u32 - 1)
    }

    fn value(&mut self, kind: ValueKind) -> Value {
        self.f.values.push(ValueData { kind, span: Span::default(), var: None });
        Value(self.f.values.len() as u32 - 1)
    }

    fn param(&mut self, b: Block) -> Value {
        let index = self.f.blocks[b.index()].params.len();
        let v = self.value(ValueKind::Param { block: b, index });
        self.f.blocks[b.index()].params.push(v);
        v
    }

    fn inst(&mut self, b: Block, inst: Inst) -> Value {
        let v = self.value(ValueKind::Inst(inst));
        self.f.blocks[b.index()].insts.push(v);
        v
    }

    fn int(&mut self, b: Block, i: i128) -> Value {
        self.inst(b, Inst::Const(Constant::Int(i)))
    }

    fn term(&mut self, b: Block, t: Terminator) {
        self.f.blocks[b.index()].term = t;
    }
}

fn to(block: Block, args: Vec<Value>) -> BlockCall {
    BlockCall { block, args }
}

/// def f(x):
///     if x: y = 1
///     else: y = 2
///     return y + x
/// as b0 -> b1 | b2 -> b3(y).
fn diamond() -> (Builder, [Block; 4], Value) {
    let mut b = Builder::new(&["x"]);
    let x = b.f.blocks[0].params[0];
    let [b0, b1, b2, b3] = [Block(0), b.block(), b.block(), b.block()];
    let c = b.inst(b0, Inst::Truth(x));
    b.term(b0, Terminator::Branch { cond: c, then_to: to(b1, vec![]), else_to: to(b2, vec![]) });
    let one = b.int(b1, 1);
    b.term(b1, Terminator::Jump(to(b3, vec![one])));
    let two = b.int(b2, 2);
    b.term(b2, Terminator::Jump(to(b3, vec![two])));
    let y = b.param(b3);
    let sum = b.inst(b3, Inst::Binary { op: BinOp::Add, lhs: y, rhs: x });
    b.term(b3, Terminator::Return(sum));
    (b, [b0, b1, b2, b3], one)
}

#[test]
fn accepts_valid_hand_built_ir() {
    let (b, _, _) = diamond();
    assert_eq!(verify_function(&b.f), Vec::<String>::new());
    assert_eq!(
        text(&b.f),
        "function f(x) {\nb0(v0):\n    v1 = truth v0\n    branch v1, b1(), b2()\nb1():\n    v2 = const 1\n    jump b3(v2)\n\
         b2():\n    v3 = const 2\n    jump b3(v3)\nb3(v4):\n    v5 = binary + v4, v0\n    return v5\n}\n"
    );
}

#[test]
fn rejects_a_jump_with_too_few_arguments() {
    let (mut b, [_, b1, _, b3], _) = diamond();
    b.term(b1, Terminator::Jump(to(b3, vec![])));
    assert_eq!(verify_function(&b.f), vec!["b1 passes 0 arguments to b3, which has 1 parameters"]);
}

#[test]
fn rejects_a_branch_with_too_many_arguments() {
    let (mut b, [b0, b1, b2, _], _) = diamond();
    let x = b.f.blocks[0].params[0];
    let c = b.f.blocks[0].insts[0];
    b.term(b0, Terminator::Branch { cond: c, then_to: to(b1, vec![]), else_to: to(b2, vec![x, x]) });
    assert_eq!(verify_function(&b.f), vec!["b0 passes 2 arguments to b2, which has 0 parameters"]);
}

#[test]
fn rejects_a_use_of_a_value_that_does_not_exist() {
    let (mut b, [_, _, _, b3], _) = diamond();
    b.term(b3, Terminator::Return(Value(99)));
    assert_eq!(verify_function(&b.f), vec!["v99 is used in b3 but never defined"]);
}

#[test]
fn rejects_a_use_of_a_value_placed_in_no_block() {
    let (mut b, [_, b1, _, _], _) = diamond();
    // v6 is in the value table but no block lists it.
    let orphan = b.value(ValueKind::Inst(Inst::Const(Constant::Int(7))));
    let v = b.inst(b1, Inst::Unary { op: rumbo_syntax::UnaryOp::Neg, operand: orphan });
    assert_eq!((orphan, v), (Value(6), Value(7)));
    assert_eq!(verify_function(&b.f), vec!["v6 is used in b1 but never defined"]);
}

#[test]
fn rejects_a_use_not_dominated_by_its_definition() {
    // b3 returns `one`, defined in b1: the path through b2 never defines it.
    let (mut b, [_, _, _, b3], one) = diamond();
    b.term(b3, Terminator::Return(one));
    assert_eq!(verify_function(&b.f), vec!["v2 is used in b3 where its definition does not dominate"]);
}

#[test]
fn rejects_a_use_before_its_definition_in_the_same_block() {
    let mut b = Builder::new(&[]);
    let b0 = Block(0);
    // v0 = binary + v1, v1 ; v1 = const 1
    let sum = b.inst(b0, Inst::Binary { op: BinOp::Add, lhs: Value(1), rhs: Value(1) });
    let one = b.int(b0, 1);
    assert_eq!(one, Value(1));
    b.term(b0, Terminator::Return(sum));
    assert_eq!(
        verify_function(&b.f),
        vec![
            "v1 is used in b0 where its definition does not dominate",
            "v1 is used in b0 where its definition does not dominate",
        ]
    );
}

#[test]
fn rejects_a_use_of_a_sibling_blocks_parameter() {
    // b2 reads b1's parameter: neither block dominates the other.
    let mut b = Builder::new(&["x"]);
    let x = b.f.blocks[0].params[0];
    let [b0, b1, b2] = [Block(0), b.block(), b.block()];
    b.term(b0, Terminator::Branch { cond: x, then_to: to(b1, vec![x]), else_to: to(b2, vec![]) });
    let p = b.param(b1);
    b.term(b1, Terminator::Return(p));
    b.term(b2, Terminator::Return(p));
    assert_eq!(verify_function(&b.f), vec!["v1 is used in b2 where its definition does not dominate"]);
}

#[test]
fn rejects_an_entry_block_with_predecessors() {
    // b0 -> b1 -> b0: a loop through the entry.
    let mut b = Builder::new(&[]);
    let b1 = b.block();
    b.term(Block(0), Terminator::Jump(to(b1, vec![])));
    b.term(b1, Terminator::Jump(to(Block(0), vec![])));
    assert_eq!(verify_function(&b.f), vec!["entry block has predecessors"]);
}

#[test]
fn rejects_an_entry_block_whose_parameters_are_not_the_arguments() {
    let (mut b, _, _) = diamond();
    b.f.param_names.push("extra".into());
    assert_eq!(verify_function(&b.f), vec!["entry block parameters do not match the function's arguments"]);
}

#[test]
fn rejects_a_parameter_that_records_another_position() {
    let (mut b, [_, _, _, b3], _) = diamond();
    let y = b.f.blocks[b3.index()].params[0];
    b.f.values[y.index()].kind = ValueKind::Param { block: b3, index: 1 };
    assert_eq!(verify_function(&b.f), vec!["v4 is listed as parameter 0 of b3 but says otherwise"]);
}

#[test]
fn rejects_an_instruction_listed_twice() {
    let (mut b, [_, b1, _, _], one) = diamond();
    b.f.blocks[b1.index()].insts.push(one);
    assert_eq!(verify_function(&b.f), vec!["v2 is defined twice"]);
}

#[test]
fn rejects_a_parameter_listed_as_an_instruction() {
    let (mut b, [_, _, b2, _], _) = diamond();
    let x = b.f.blocks[0].params[0];
    b.f.blocks[b2.index()].insts.push(x);
    let errors = verify_function(&b.f);
    assert!(errors.contains(&"v0 is listed as an instruction of b2 but is a parameter".to_string()), "{errors:?}");
}

#[test]
fn ignores_unreachable_blocks() {
    let (mut b, _, _) = diamond();
    let dead = b.block();
    b.term(dead, Terminator::Return(Value(99)));
    assert_eq!(verify_function(&b.f), Vec::<String>::new());
}

/// Lowered IR, then broken by hand: drop the loop's back-edge arguments.
#[test]
fn rejects_lowered_loop_with_a_broken_back_edge() {
    // def f(n):
    //     i = 0
    //     while i < n:
    //         i += 1
    //     return i
    let f = func(
        "f",
        &["n"],
        vec![
            assign(name("i"), int(0)),
            while_(cmp(name("i"), CmpOp::Lt, name("n")), vec![aug(name("i"), BinOp::Add, int(1))], vec![]),
            ret(name("i")),
        ],
    );
    let mut ir = lower_ok(&f);
    let header = Block(1);
    assert_eq!(ir.block(header).params.len(), 1, "{}", text(&ir));
    let back = ir
        .block_ids()
        .find(|&b| b != Function::ENTRY && ir.block(b).term.successors().iter().any(|c| c.block == header))
        .expect("a back edge");
    for call in ir.blocks[back.index()].term.successors_mut() {
        call.args.clear();
    }
    assert_eq!(verify_function(&ir), vec![format!("b{} passes 0 arguments to b1, which has 1 parameters", back.0)]);
}
