//! Lowering hand-built syntax trees: the verifier accepts the IR, and its text
//! is pinned against expected strings (printed without type annotations).

mod common;

use common::*;
use rumbo_ir::lower_function;
use rumbo_syntax::{BinOp, BoolOp, CmpOp, UnaryOp};

fn check(f: &rumbo_syntax::Function, expected: &str) {
    let ir = lower_ok(f);
    let got = text(&ir);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert_eq!(got, expected, "\n--- got ---\n{got}");
}

fn lowering_error(f: &rumbo_syntax::Function) -> rumbo_syntax::Diagnostic {
    match lower_function(f) {
        Ok(ir) => panic!("expected a lowering error, got\n{}", text(&ir)),
        Err(d) => d,
    }
}

/// def f(n):
///     i = 0
///     s = 0
///     while i < n:
///         i += 1
///         if i % 3 == 0:
///             continue
///         if s > 100:
///             break
///         s += i
///     else:
///         s = -s
///     return s
#[test]
fn while_with_break_continue_else() {
    let f = func(
        "f",
        &["n"],
        vec![
            assign(name("i"), int(0)),
            assign(name("s"), int(0)),
            while_(
                cmp(name("i"), CmpOp::Lt, name("n")),
                vec![
                    aug(name("i"), BinOp::Add, int(1)),
                    if_(cmp(bin(BinOp::Mod, name("i"), int(3)), CmpOp::Eq, int(0)), vec![cont()], vec![]),
                    if_(cmp(name("s"), CmpOp::Gt, int(100)), vec![brk()], vec![]),
                    aug(name("s"), BinOp::Add, name("i")),
                ],
                vec![assign(name("s"), unary(UnaryOp::Neg, name("s")))],
            ),
            ret(name("s")),
        ],
    );
    check(
        &f,
        r#"
function f(n) {
b0(v0):
    v1 = const 0  # i
    v2 = const 0  # s
    jump b1(v1, v2)
b1(v3, v14):
    v5 = compare < v3, v0
    v6 = truth v5
    branch v6, b2(), b3()
b2():
    v7 = const 1
    v8 = inplace += v3, v7  # i
    v9 = const 3
    v10 = binary % v8, v9
    v11 = const 0
    v12 = compare == v10, v11
    v13 = truth v12
    branch v13, b5(), b6()
b3():
    v19 = unary - v14  # s
    jump b4(v19)
b4(v20):
    return v20
b5():
    jump b1(v8, v14)
b6():
    jump b7()
b7():
    v15 = const 100
    v16 = compare > v14, v15
    v17 = truth v16
    branch v17, b8(), b9()
b8():
    jump b4(v14)
b9():
    jump b10()
b10():
    v18 = inplace += v14, v8  # s
    jump b1(v8, v18)
}
"#,
    );
}

/// def g(n, k):
///     total = 0
///     for i in range(n):
///         if i == k:
///             break
///         if i % 2:
///             continue
///         total += i
///     else:
///         total += 1000
///     return total
#[test]
fn for_with_break_continue_else() {
    let f = func(
        "g",
        &["n", "k"],
        vec![
            assign(name("total"), int(0)),
            for_(
                name("i"),
                call(name("range"), vec![name("n")]),
                vec![
                    if_(cmp(name("i"), CmpOp::Eq, name("k")), vec![brk()], vec![]),
                    if_(bin(BinOp::Mod, name("i"), int(2)), vec![cont()], vec![]),
                    aug(name("total"), BinOp::Add, name("i")),
                ],
                vec![aug(name("total"), BinOp::Add, int(1000))],
            ),
            ret(name("total")),
        ],
    );
    check(
        &f,
        r#"
function g(n, k) {
b0(v0, v1):
    v2 = const 0  # total
    v3 = global range
    v4 = call v3(v0)
    v5 = getiter v4
    jump b1(v2)
b1(v16):
    v6 = iternext v5
    v7 = tupleget v6.1
    v8 = truth v7
    branch v8, b2(), b3()
b2():
    v9 = tupleget v6.0  # i
    v11 = compare == v9, v1
    v12 = truth v11
    branch v12, b5(), b6()
b3():
    v18 = const 1000
    v19 = inplace += v16, v18  # total
    jump b4(v19)
b4(v20):
    return v20
b5():
    jump b4(v16)
b6():
    jump b7()
b7():
    v13 = const 2
    v14 = binary % v9, v13
    v15 = truth v14
    branch v15, b8(), b9()
b8():
    jump b1(v16)
b9():
    jump b10()
b10():
    v17 = inplace += v16, v9  # total
    jump b1(v17)
}
"#,
    );
}

/// def h(x):
///     if x < 0:
///         r = -1
///     elif x == 0:
///         r = 0
///     else:
///         r = 1
///     return r
#[test]
fn if_elif_else_joins_take_the_variable() {
    let f = func(
        "h",
        &["x"],
        vec![
            if_(
                cmp(name("x"), CmpOp::Lt, int(0)),
                vec![assign(name("r"), int(-1))],
                vec![if_(
                    cmp(name("x"), CmpOp::Eq, int(0)),
                    vec![assign(name("r"), int(0))],
                    vec![assign(name("r"), int(1))],
                )],
            ),
            ret(name("r")),
        ],
    );
    check(
        &f,
        r#"
function h(x) {
b0(v0):
    v1 = const 0
    v2 = compare < v0, v1
    v3 = truth v2
    branch v3, b1(), b2()
b1():
    v4 = const -1  # r
    jump b3(v4)
b2():
    v5 = const 0
    v6 = compare == v0, v5
    v7 = truth v6
    branch v7, b4(), b5()
b3(v10):
    return v10
b4():
    v8 = const 0  # r
    jump b6(v8)
b5():
    v9 = const 1  # r
    jump b6(v9)
b6(v11):
    jump b3(v11)
}
"#,
    );
}

/// def v(a, b, c):
///     return (a and b or c, a < b <= c, b if a else c)
#[test]
fn value_producing_expressions_pass_results_as_block_params() {
    let f = func(
        "v",
        &["a", "b", "c"],
        vec![ret(tuple(vec![
            boolop(BoolOp::Or, vec![boolop(BoolOp::And, vec![name("a"), name("b")]), name("c")]),
            chain(name("a"), vec![(CmpOp::Lt, name("b")), (CmpOp::LtE, name("c"))]),
            ifexp(name("a"), name("b"), name("c")),
        ]))],
    );
    check(
        &f,
        r#"
function v(a, b, c) {
b0(v0, v1, v2):
    v3 = truth v0
    branch v3, b3(), b2(v0)
b1(v7):
    v12 = compare < v0, v1
    v13 = truth v12
    branch v13, b6(), b5(v12)
b2(v4):
    v5 = truth v4
    branch v5, b1(v4), b4()
b3():
    jump b2(v1)
b4():
    jump b1(v2)
b5(v16):
    v18 = truth v0
    branch v18, b7(), b8()
b6():
    v15 = compare <= v1, v2
    jump b5(v15)
b7():
    jump b9(v1)
b8():
    jump b9(v2)
b9(v21):
    v22 = tuple (v7, v16, v21)
    return v22
}
"#,
    );
}

/// def t(a, b):
///     a, b = b, a
///     (p, q), r = (a, b), 3
///     return p + q * r
#[test]
fn tuple_unpacking_checks_then_takes_items() {
    let f = func(
        "t",
        &["a", "b"],
        vec![
            assign(tuple(vec![name("a"), name("b")]), tuple(vec![name("b"), name("a")])),
            assign(
                tuple(vec![tuple(vec![name("p"), name("q")]), name("r")]),
                tuple(vec![tuple(vec![name("a"), name("b")]), int(3)]),
            ),
            ret(bin(BinOp::Add, name("p"), bin(BinOp::Mult, name("q"), name("r")))),
        ],
    );
    check(
        &f,
        r#"
function t(a, b) {
b0(v0, v1):
    v2 = tuple (v1, v0)
    v3 = unpack v2 x2
    v4 = tupleget v3.0  # a
    v5 = tupleget v3.1  # b
    v6 = tuple (v4, v5)
    v7 = const 3
    v8 = tuple (v6, v7)
    v9 = unpack v8 x2
    v10 = tupleget v9.0
    v11 = unpack v10 x2
    v12 = tupleget v11.0  # p
    v13 = tupleget v11.1  # q
    v14 = tupleget v9.1  # r
    v15 = binary * v13, v14
    v16 = binary + v12, v15
    return v16
}
"#,
    );
}

/// def r(x):
///     assert x > 0, "positive"
///     if x > 10:
///         raise ValueError("big")
///     return x
///     x = 5          # unreachable
#[test]
fn assert_raise_and_unreachable_code() {
    let f = func(
        "r",
        &["x"],
        vec![
            assert_(cmp(name("x"), CmpOp::Gt, int(0)), Some(string("positive"))),
            if_(
                cmp(name("x"), CmpOp::Gt, int(10)),
                vec![raise(Some(call(name("ValueError"), vec![string("big")])))],
                vec![],
            ),
            ret(name("x")),
            assign(name("x"), int(5)),
        ],
    );
    check(
        &f,
        r#"
function r(x) {
b0(v0):
    v1 = const 0
    v2 = compare > v0, v1
    v3 = truth v2
    branch v3, b1(), b2()
b1():
    v6 = const 10
    v7 = compare > v0, v6
    v8 = truth v7
    branch v8, b3(), b4()
b2():
    v4 = global AssertionError
    v5 = const "positive"
    raise v4(v5)
b3():
    v9 = global ValueError
    v10 = const "big"
    raise v9(v10)
b4():
    jump b5()
b5():
    return v0
b6():
    v11 = const 5  # x
    v12 = const None
    return v12
}
"#,
    );
}

/// def m(n):
///     c = 0
///     for a in range(n):
///         for b in range(a):
///             if b > 2:
///                 break
///             c += n
///     return c
#[test]
fn nested_loops_break_only_the_inner_one() {
    let f = func(
        "m",
        &["n"],
        vec![
            assign(name("c"), int(0)),
            for_(
                name("a"),
                call(name("range"), vec![name("n")]),
                vec![for_(
                    name("b"),
                    call(name("range"), vec![name("a")]),
                    vec![
                        if_(cmp(name("b"), CmpOp::Gt, int(2)), vec![brk()], vec![]),
                        aug(name("c"), BinOp::Add, name("n")),
                    ],
                    vec![],
                )],
                vec![],
            ),
            ret(name("c")),
        ],
    );
    check(
        &f,
        r#"
function m(n) {
b0(v0):
    v1 = const 0  # c
    v2 = global range
    v3 = call v2(v0)
    v4 = getiter v3
    jump b1(v1)
b1(v22):
    v5 = iternext v4
    v6 = tupleget v5.1
    v7 = truth v6
    branch v7, b2(), b3()
b2():
    v8 = tupleget v5.0  # a
    v9 = global range
    v10 = call v9(v8)
    v11 = getiter v10
    jump b5(v22)
b3():
    jump b4()
b4():
    return v22
b5(v19):
    v12 = iternext v11
    v13 = tupleget v12.1
    v14 = truth v13
    branch v14, b6(), b7()
b6():
    v15 = tupleget v12.0  # b
    v16 = const 2
    v17 = compare > v15, v16
    v18 = truth v17
    branch v18, b9(), b10()
b7():
    jump b8()
b8():
    jump b1(v19)
b9():
    jump b8()
b10():
    jump b11()
b11():
    v21 = inplace += v19, v0  # c
    jump b5(v21)
}
"#,
    );
}

/// def u(x):
///     if x:
///         y = 1
///     return y + z      # y: assigned on one path only; z: never assigned
///     z = 0
#[test]
fn reads_before_assignment_become_undef() {
    let f = func(
        "u",
        &["x"],
        vec![
            if_(name("x"), vec![assign(name("y"), int(1))], vec![]),
            ret(bin(BinOp::Add, name("y"), name("z"))),
            assign(name("z"), int(0)),
        ],
    );
    check(
        &f,
        r#"
function u(x) {
b0(v0):
    v6 = undef z
    v4 = undef y
    v1 = truth v0
    branch v1, b1(), b2()
b1():
    v2 = const 1  # y
    jump b3(v2)
b2():
    jump b3(v4)
b3(v3):
    v7 = binary + v3, v6
    return v7
b4():
    v8 = const 0  # z
    v9 = const None
    return v9
}
"#,
    );
}

#[test]
fn break_outside_a_loop_is_reported() {
    let d = lowering_error(&func("b", &[], vec![brk()]));
    assert_eq!(d.message, "`break`/`continue` outside a loop");
}

#[test]
fn assigning_a_declared_global_lowers_to_a_store() {
    // Object mode stores it; nopython typing reports it (tests/test_error_corpus.py).
    let f = rumbo_ir::lower_function(&func("g", &[], vec![global(&["G"]), assign(name("G"), int(1))])).unwrap();
    let text = rumbo_ir::print_function(&f, &|_| None);
    assert!(text.contains("store_global G = "), "{text}");
}

#[test]
fn unsupported_constructs_are_reported_with_a_hint() {
    let d = lowering_error(&func("w", &[], vec![unsupported_stmt("with statement")]));
    assert_eq!(d.message, "`with statement` is not supported in compiled code");
    assert!(d.hint.is_some());
    let d = lowering_error(&func("l", &[], vec![ret(unsupported_expr("lambda"))]));
    assert_eq!(d.message, "`lambda` is not supported in compiled code");
}
