//! Known bugs, pinned so that a fix is noticed: each test asserts the current
//! wrong behaviour and says what the right one is (flip it when fixing), except
//! the stack overflow (now fixed, kept as a regression test).

mod common;

use common::*;
use rumbo_ir::*;
use rumbo_syntax::{BinOp, Span};

/// A loop that cannot be entered (it follows a `return`, `break`, `continue`,
/// `raise`, or a loop that always breaks out) has a header whose only
/// predecessor is its own back edge. Reading, after that loop, a variable the
/// loop never reads makes `read_var` walk exit -> else -> header -> body ->
/// header ... (sealed single-predecessor blocks, no marker) forever: the stack
/// overflows. Through `@njit` this kills the Python process (SIGSEGV):
///
///     @njit
///     def f(x, y):
///         return x
///         while x:
///             pass
///         return y
///
/// Expected: the function lowers (CPython and Numba accept it; the dead code
/// can be dropped) and the verifier accepts it.
#[test]
fn unreachable_loop_then_a_read_compiles() {
    let f = func("f", &["x", "y"], vec![ret(name("x")), while_(name("x"), vec![pass()], vec![]), ret(name("y"))]);
    lower_ok(&f);
}

/// def f(n):
///     for i in range(n):
///         break
///         while n:        # unreachable
///             n += 1
///     return n
///
/// Today the unreachable loop lowers to `v11 = binary + v11, v10` (an
/// instruction that uses itself: the header's parameter had only its own back
/// edge, so it was "trivial" and aliased to the value it is computed from),
/// and the dead block's jump back to the outer header keeps a parameter for
/// `n` there (`b1(v13)`) although every reachable path passes `v0`. The
/// verifier only checks reachable blocks, so it says nothing.
///
/// Expected: no ill-formed instructions anywhere (e.g. code after a
/// terminator is not lowered at all), and `return v0` with no parameter on
/// the outer loop's header.
#[test]
fn unreachable_code_lowers_to_ill_formed_ssa() {
    let f = func(
        "f",
        &["n"],
        vec![
            for_(
                name("i"),
                call(name("range"), vec![name("n")]),
                vec![brk(), while_(name("n"), vec![aug(name("n"), BinOp::Add, int(1))], vec![])],
                vec![],
            ),
            ret(name("n")),
        ],
    );
    let ir = lower_ok(&f);
    let self_uses: Vec<Value> = ir
        .blocks
        .iter()
        .flat_map(|b| b.insts.iter().copied())
        .filter(|&v| ir.inst(v).is_some_and(|i| i.operands().contains(&v)))
        .collect();
    let outer_header_params = ir.block(Block(1)).params.len();
    assert!(
        !self_uses.is_empty() && outer_header_params == 1,
        "fixed? (self uses {self_uses:?}, outer header params {outer_header_params}): \
         assert that no instruction uses itself and that b1 has no parameter\n{}",
        text(&ir)
    );
}

/// verify.rs has the message "b0 jumps to missing block b7", but
/// `Function::predecessors` (and `reverse_postorder`) index the missing block
/// first and panic. Expected: `verify_function` returns that message.
#[test]
fn verifier_panics_on_a_jump_to_a_missing_block() {
    let f = Function {
        name: "f".into(),
        param_names: vec![],
        blocks: vec![BlockData {
            params: vec![],
            insts: vec![],
            term: Terminator::Jump(BlockCall { block: Block(7), args: vec![] }),
            term_span: Span::default(),
            handler: None,
        }],
        values: vec![],
        globals: vec![],
        span: Span::default(),
    };
    let outcome = std::panic::catch_unwind(move || verify_function(&f));
    assert!(outcome.is_err(), "fixed? now returns {:?}: check for \"b0 jumps to missing block b7\"", outcome.unwrap());
}
