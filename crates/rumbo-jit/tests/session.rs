//! End-to-end tests of the process-wide JIT session. All tests share one session (one process),
//! so every test gives its functions unique names.

use rumbo_jit::inkwell::attributes::{Attribute, AttributeLoc};
use rumbo_jit::inkwell::context::Context;
use rumbo_jit::inkwell::intrinsics::Intrinsic;
use rumbo_jit::inkwell::module::{Linkage, Module};
use rumbo_jit::inkwell::IntPredicate;
use rumbo_jit::{DumpRequest, JitError, JitSession};

fn session() -> &'static JitSession {
    JitSession::global()
}

fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// `double name(double a, double b) { return a + b; }`
fn build_add<'ctx>(ctx: &'ctx Context, name: &str) -> Result<Module<'ctx>, String> {
    let module = ctx.create_module(name);
    let f64t = ctx.f64_type();
    let f = module.add_function(name, f64t.fn_type(&[f64t.into(), f64t.into()], false), None);
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(f, "entry"));
    let x = f.get_nth_param(0).ok_or("no param 0")?.into_float_value();
    let y = f.get_nth_param(1).ok_or("no param 1")?.into_float_value();
    let sum = b.build_float_add(x, y, "sum").map_err(s)?;
    b.build_return(Some(&sum)).map_err(s)?;
    Ok(module)
}

type BinaryF64 = unsafe extern "C" fn(f64, f64) -> f64;
type UnaryF64 = unsafe extern "C" fn(f64) -> f64;

#[test]
fn session_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<JitSession>();
    let host = session().host_info();
    assert!(!host.triple.is_empty());
    assert!(!host.cpu.is_empty());
    assert!(std::ptr::eq(session(), JitSession::global()));
}

#[test]
fn compiles_and_calls_add() {
    let dumps = session()
        .compile(2, DumpRequest::default(), |ctx| {
            build_add(ctx, "rumbo_test_add")
        })
        .unwrap();
    assert!(dumps.llvm.is_none() && dumps.optimized.is_none() && dumps.assembly.is_none());
    let address = session().lookup("rumbo_test_add").unwrap();
    assert_ne!(address, 0);
    // SAFETY: the symbol is the function built above, with exactly this signature.
    let add: BinaryF64 = unsafe { std::mem::transmute::<usize, BinaryF64>(address) };
    // SAFETY: calling JIT code of the matching signature.
    assert_eq!(unsafe { add(1.5, 2.25) }, 3.75);
    // A second lookup returns the same code.
    assert_eq!(session().lookup("rumbo_test_add").unwrap(), address);
}

#[test]
fn dumps_as_requested() {
    let all = DumpRequest {
        llvm: true,
        optimized: true,
        assembly: true,
    };
    let dumps = session()
        .compile(0, all, |ctx| build_add(ctx, "rumbo_test_dumps_o0"))
        .unwrap();
    let llvm = dumps.llvm.unwrap();
    assert!(
        llvm.contains("define double @rumbo_test_dumps_o0"),
        "{llvm}"
    );
    assert!(llvm.contains("target triple"), "{llvm}");
    assert!(dumps.optimized.unwrap().contains("fadd double"));
    let asm = dumps.assembly.unwrap();
    assert!(asm.contains("rumbo_test_dumps_o0:"), "{asm}");

    let only_asm = DumpRequest {
        assembly: true,
        ..DumpRequest::default()
    };
    let dumps = session()
        .compile(3, only_asm, |ctx| build_add(ctx, "rumbo_test_dumps_o3"))
        .unwrap();
    assert!(dumps.llvm.is_none() && dumps.optimized.is_none());
    assert!(dumps.assembly.unwrap().contains("rumbo_test_dumps_o3:"));
    // Emitting assembly from a clone leaves the module itself usable.
    // SAFETY: the function built above has this signature.
    let f: BinaryF64 =
        unsafe { std::mem::transmute(session().lookup("rumbo_test_dumps_o3").unwrap()) };
    // SAFETY: calling JIT code of the matching signature.
    assert_eq!(unsafe { f(2.0, 3.0) }, 5.0);
}

extern "C" fn rumbo_test_host_fn(x: f64) -> f64 {
    3.0 * x + 1.0
}

extern "C" fn rumbo_test_other_fn(x: f64) -> f64 {
    -x
}

#[test]
fn calls_a_defined_rust_symbol() {
    let host_fn = rumbo_test_host_fn as extern "C" fn(f64) -> f64 as usize;
    let other_fn = rumbo_test_other_fn as extern "C" fn(f64) -> f64 as usize;
    session()
        .define_symbols(&[("rumbo_test_host_fn", host_fn)])
        .unwrap();
    // Defining the same name again (even with another address, or twice in one call) is a no-op.
    session()
        .define_symbols(&[
            ("rumbo_test_host_fn", other_fn),
            ("rumbo_test_host_fn", host_fn),
        ])
        .unwrap();
    session().define_symbols(&[]).unwrap();

    session()
        .compile(2, DumpRequest::default(), |ctx| {
            let module = ctx.create_module("calls_host");
            let f64t = ctx.f64_type();
            let unary = f64t.fn_type(&[f64t.into()], false);
            let callee = module.add_function("rumbo_test_host_fn", unary, Some(Linkage::External));
            let f = module.add_function("rumbo_test_calls_host", unary, None);
            let b = ctx.create_builder();
            b.position_at_end(ctx.append_basic_block(f, "entry"));
            let x = f.get_nth_param(0).unwrap();
            let call = b.build_call(callee, &[x.into()], "y").map_err(s)?;
            let y = call
                .try_as_basic_value()
                .basic()
                .ok_or("void call")?
                .into_float_value();
            let r = b
                .build_float_add(y, f64t.const_float(0.5), "r")
                .map_err(s)?;
            b.build_return(Some(&r)).map_err(s)?;
            Ok(module)
        })
        .unwrap();
    // The defined symbol itself resolves to the Rust function.
    assert_eq!(session().lookup("rumbo_test_host_fn").unwrap(), host_fn);
    // SAFETY: the function built above has this signature.
    let f: UnaryF64 =
        unsafe { std::mem::transmute(session().lookup("rumbo_test_calls_host").unwrap()) };
    // SAFETY: calling JIT code of the matching signature.
    assert_eq!(unsafe { f(2.0) }, 7.5);
}

/// `void name(double* noalias in, double* noalias out, i64 n) { out[i] = llvm.exp(in[i]) }`
fn build_exp_map<'ctx>(ctx: &'ctx Context, name: &str) -> Result<Module<'ctx>, String> {
    let module = ctx.create_module(name);
    let f64t = ctx.f64_type();
    let i64t = ctx.i64_type();
    let ptrt = ctx.ptr_type(Default::default());
    let fn_type = ctx
        .void_type()
        .fn_type(&[ptrt.into(), ptrt.into(), i64t.into()], false);
    let f = module.add_function(name, fn_type, None);
    let noalias = ctx.create_enum_attribute(Attribute::get_named_enum_kind_id("noalias"), 0);
    f.add_attribute(AttributeLoc::Param(0), noalias);
    f.add_attribute(AttributeLoc::Param(1), noalias);
    let exp = Intrinsic::find("llvm.exp")
        .and_then(|i| i.get_declaration(&module, &[f64t.into()]))
        .ok_or("no llvm.exp.f64")?;
    let entry = ctx.append_basic_block(f, "entry");
    let body = ctx.append_basic_block(f, "loop");
    let exit = ctx.append_basic_block(f, "exit");
    let b = ctx.create_builder();
    let input = f.get_nth_param(0).unwrap().into_pointer_value();
    let output = f.get_nth_param(1).unwrap().into_pointer_value();
    let n = f.get_nth_param(2).unwrap().into_int_value();
    b.position_at_end(entry);
    let any = b
        .build_int_compare(IntPredicate::SGT, n, i64t.const_zero(), "any")
        .map_err(s)?;
    b.build_conditional_branch(any, body, exit).map_err(s)?;
    b.position_at_end(body);
    let i = b.build_phi(i64t, "i").map_err(s)?;
    let iv = i.as_basic_value().into_int_value();
    // SAFETY: in-bounds for 0 <= i < n, which the loop guarantees.
    let src = unsafe { b.build_in_bounds_gep(f64t, input, &[iv], "src") }.map_err(s)?;
    let x = b.build_load(f64t, src, "x").map_err(s)?;
    let y = b
        .build_call(exp, &[x.into()], "y")
        .map_err(s)?
        .try_as_basic_value()
        .basic()
        .ok_or("void exp")?;
    // SAFETY: as above.
    let dst = unsafe { b.build_in_bounds_gep(f64t, output, &[iv], "dst") }.map_err(s)?;
    b.build_store(dst, y).map_err(s)?;
    let next = b
        .build_int_nsw_add(iv, i64t.const_int(1, false), "next")
        .map_err(s)?;
    let done = b
        .build_int_compare(IntPredicate::EQ, next, n, "done")
        .map_err(s)?;
    b.build_conditional_branch(done, exit, body).map_err(s)?;
    i.add_incoming(&[(&i64t.const_zero(), entry), (&next, body)]);
    b.position_at_end(exit);
    b.build_return(None).map_err(s)?;
    Ok(module)
}

fn host_has_avx2() -> bool {
    std::fs::read_to_string("/proc/cpuinfo")
        .map(|info| {
            info.lines()
                .any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "avx2"))
        })
        .unwrap_or(false)
}

#[test]
fn exp_loop_vectorizes_with_libmvec() {
    let request = DumpRequest {
        llvm: true,
        optimized: true,
        assembly: true,
    };
    let dumps = session()
        .compile(3, request, |ctx| build_exp_map(ctx, "rumbo_test_exp_map"))
        .unwrap();
    let optimized = dumps.optimized.unwrap();
    let host = session().host_info();
    if host.vector_library.is_some() && host_has_avx2() {
        assert!(
            optimized.contains("_ZGV"),
            "expected a libmvec call in:\n{optimized}"
        );
        assert!(
            optimized.contains("_ZGVdN4v_exp"),
            "expected the AVX2 4-lane exp in:\n{optimized}"
        );
    } else {
        eprintln!(
            "no libmvec or no AVX2 here ({:?}): only checking results",
            host.vector_library
        );
    }
    assert!(!dumps.llvm.unwrap().contains("_ZGV"));

    type ExpMap = unsafe extern "C" fn(*const f64, *mut f64, i64);
    // SAFETY: the function built above has this signature.
    let f: ExpMap = unsafe { std::mem::transmute(session().lookup("rumbo_test_exp_map").unwrap()) };
    let n = 1003; // not a multiple of the vector width: the scalar remainder runs too
    let xs: Vec<f64> = (0..n).map(|k| -20.0 + 40.0 * k as f64 / n as f64).collect();
    let mut out = vec![0.0; n];
    // SAFETY: both buffers hold n doubles and do not overlap (the noalias promise).
    unsafe { f(xs.as_ptr(), out.as_mut_ptr(), n as i64) };
    for (x, got) in xs.iter().zip(&out) {
        let want = x.exp();
        let rel = ((got - want) / want).abs();
        assert!(
            rel <= 1e-15,
            "exp({x}) = {got}, want {want} (relative error {rel:e})"
        );
    }
}

#[test]
fn invalid_module_is_an_error() {
    let result = session().compile(2, DumpRequest::default(), |ctx| {
        let module = ctx.create_module("broken");
        let f64t = ctx.f64_type();
        let f = module.add_function("rumbo_test_broken", f64t.fn_type(&[], false), None);
        // A block without a terminator.
        ctx.append_basic_block(f, "entry");
        Ok(module)
    });
    match result {
        Err(JitError::InvalidModule(message)) => {
            assert!(
                message.contains("rumbo_test_broken"),
                "message should include the IR: {message}"
            );
        }
        other => panic!("expected InvalidModule, got {other:?}"),
    }
    // The session is still usable, and the broken function never reached the JIT.
    assert!(session().lookup("rumbo_test_broken").is_err());
    session()
        .compile(1, DumpRequest::default(), |ctx| {
            build_add(ctx, "rumbo_test_after_broken")
        })
        .unwrap();
    assert!(session().lookup("rumbo_test_after_broken").is_ok());
}

#[test]
fn missing_symbol_is_an_error() {
    match session().lookup("rumbo_test_no_such_symbol") {
        Err(JitError::Lookup { name, message }) => {
            assert_eq!(name, "rumbo_test_no_such_symbol");
            assert!(!message.is_empty());
        }
        other => panic!("expected Lookup error, got {other:?}"),
    }
    assert!(session().lookup("bad\0name").is_err());
}

#[test]
fn unresolved_callee_is_an_error_not_a_crash() {
    session()
        .compile(2, DumpRequest::default(), |ctx| {
            let module = ctx.create_module("calls_nothing");
            let f64t = ctx.f64_type();
            let unary = f64t.fn_type(&[f64t.into()], false);
            let callee = module.add_function(
                "rumbo_test_undefined_callee",
                unary,
                Some(Linkage::External),
            );
            let f = module.add_function("rumbo_test_calls_undefined", unary, None);
            let b = ctx.create_builder();
            b.position_at_end(ctx.append_basic_block(f, "entry"));
            let x = f.get_nth_param(0).unwrap();
            let call = b.build_call(callee, &[x.into()], "y").map_err(s)?;
            b.build_return(Some(&call.try_as_basic_value().basic().unwrap()))
                .map_err(s)?;
            Ok(module)
        })
        .unwrap();
    let err = session().lookup("rumbo_test_calls_undefined").unwrap_err();
    assert!(matches!(err, JitError::Lookup { .. }), "{err:?}");
    assert!(
        err.to_string().contains("rumbo_test_undefined_callee"),
        "{err}"
    );
}

#[test]
fn build_errors_and_bad_levels_are_errors() {
    let err = session()
        .compile(2, DumpRequest::default(), |_ctx| Err("nope".to_string()))
        .unwrap_err();
    assert!(matches!(&err, JitError::Build(m) if m == "nope"), "{err:?}");
    let err = session()
        .compile(4, DumpRequest::default(), |ctx| {
            build_add(ctx, "rumbo_test_o4")
        })
        .unwrap_err();
    assert!(matches!(err, JitError::OptLevel(4)), "{err:?}");
    // A module from some other context is refused rather than handed to the JIT.
    let err = session()
        .compile(2, DumpRequest::default(), |_ctx| {
            let foreign: &'static Context = Box::leak(Box::new(Context::create()));
            build_add(foreign, "rumbo_test_foreign")
        })
        .unwrap_err();
    assert!(matches!(err, JitError::Build(_)), "{err:?}");
}

#[test]
fn duplicate_definition_is_an_error() {
    session()
        .compile(1, DumpRequest::default(), |ctx| {
            build_add(ctx, "rumbo_test_twice")
        })
        .unwrap();
    let err = session()
        .compile(1, DumpRequest::default(), |ctx| {
            build_add(ctx, "rumbo_test_twice")
        })
        .unwrap_err();
    assert!(matches!(err, JitError::AddModule(_)), "{err:?}");
    // The first definition still works.
    // SAFETY: the function built above has this signature.
    let f: BinaryF64 =
        unsafe { std::mem::transmute(session().lookup("rumbo_test_twice").unwrap()) };
    // SAFETY: calling JIT code of the matching signature.
    assert_eq!(unsafe { f(1.0, 1.0) }, 2.0);
}

#[test]
fn compiles_from_several_threads() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for k in 0..5 {
                    let name = format!("rumbo_test_thread_{t}_{k}");
                    let level = ((t + k) % 4) as u8;
                    session()
                        .compile(level, DumpRequest::default(), |ctx| build_add(ctx, &name))
                        .unwrap();
                    // SAFETY: the function built above has this signature.
                    let f: BinaryF64 =
                        unsafe { std::mem::transmute(session().lookup(&name).unwrap()) };
                    // SAFETY: calling JIT code of the matching signature.
                    assert_eq!(unsafe { f(t as f64, k as f64) }, (t + k) as f64);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}
