//! `JitSession::render`: modules optimized for reports, with optimization remarks located at
//! source lines, and assembly from IR text.

use rumbo_jit::inkwell::context::Context;
use rumbo_jit::inkwell::memory_buffer::MemoryBuffer;
use rumbo_jit::inkwell::module::Module;
use rumbo_jit::{DumpRequest, JitSession, SourceLines};

/// Two loops, named as rumbo's codegen names blocks: `b1` sums an array (vectorizable with
/// fast-math reassociation, not without), `b4` is a loop whose trip count is unknowable.
const IR: &str = r#"
define double @rumbo_render_test(ptr noalias %a, i64 %n, ptr %p) {
entry:
  br label %b0
b0:
  %pos = icmp sgt i64 %n, 0
  br i1 %pos, label %b1, label %b3
b1:
  %i = phi i64 [ 0, %b0 ], [ %i1, %b1 ]
  %s = phi double [ 0.0, %b0 ], [ %s1, %b1 ]
  %ptr = getelementptr inbounds double, ptr %a, i64 %i
  %x = load double, ptr %ptr
  %y = fmul double %x, 2.0
  store double %y, ptr %ptr
  %s1 = fadd double %s, %x
  %i1 = add nsw i64 %i, 1
  %done = icmp eq i64 %i1, %n
  br i1 %done, label %b3, label %b1
b3:
  %r = phi double [ 0.0, %b0 ], [ %s1, %b1 ]
  br label %b4
b4:
  %q = phi ptr [ %p, %b3 ], [ %q1, %b4 ]
  %q1 = load ptr, ptr %q
  %end = icmp eq ptr %q1, null
  br i1 %end, label %b5, label %b4
b5:
  ret double %r
}
"#;

fn build(ctx: &Context) -> Result<Module<'_>, String> {
    let buffer = MemoryBuffer::create_from_memory_range_copy(IR.as_bytes(), "render-test");
    ctx.create_module_from_ir(buffer).map_err(|e| e.to_string())
}

fn lines() -> SourceLines {
    SourceLines {
        file: "/tmp/some dir/prog.py".into(),
        first_line: 10,
        function: "rumbo_render_test".into(),
        blocks: [("b0", 11), ("b1", 12), ("b3", 14), ("b4", 15), ("b5", 17)]
            .into_iter()
            .map(|(b, l)| (b.to_string(), l))
            .collect(),
        loops: [("b1", 12), ("b4", 15)]
            .into_iter()
            .map(|(b, l)| (b.to_string(), l))
            .collect(),
    }
}

#[test]
fn remarks_are_located_at_their_loops() {
    let request = DumpRequest { llvm: false, optimized: true, assembly: true };
    let out = JitSession::global()
        .render(3, request, Some(&lines()), build)
        .unwrap();
    let at = |line: u32| -> Vec<&str> {
        out.remarks.iter().filter(|r| r.line == line).map(|r| r.message.as_str()).collect()
    };
    // The reduction is not reassociable without fast-math: the first loop stays scalar.
    assert!(
        at(12).iter().any(|m| m.starts_with("loop not vectorized")),
        "remarks: {:?}",
        out.remarks
    );
    assert!(
        at(15).iter().any(|m| m.starts_with("loop not vectorized")),
        "remarks: {:?}",
        out.remarks
    );
    let optimized = out.dumps.optimized.unwrap();
    assert!(optimized.contains("!DILocation(line: 12"), "{optimized}");
    let asm = out.dumps.assembly.unwrap();
    assert!(asm.contains(".loc\t1 12 0") || asm.contains(".loc 1 12 0"), "{asm}");
    // The rendered module was not handed to the JIT.
    assert!(JitSession::global().lookup("rumbo_render_test").is_err());
}

#[test]
fn fast_math_reduction_is_vectorized_with_a_width() {
    let fast = IR.replace("fadd double", "fadd fast double").replace("fmul double", "fmul fast double");
    let request = DumpRequest::default();
    let out = JitSession::global()
        .render(3, request, Some(&lines()), |ctx| {
            let buffer = MemoryBuffer::create_from_memory_range_copy(fast.as_bytes(), "render-test");
            ctx.create_module_from_ir(buffer).map_err(|e| e.to_string())
        })
        .unwrap();
    assert!(
        out.remarks
            .iter()
            .any(|r| r.line == 12 && r.message.starts_with("vectorized loop (vectorization width: ")),
        "remarks: {:?}",
        out.remarks
    );
}

#[test]
fn render_without_lines_still_collects_remarks() {
    let out = JitSession::global()
        .render(3, DumpRequest::default(), None, build)
        .unwrap();
    assert!(out.remarks.iter().all(|r| r.line == 0));
    assert!(!out.remarks.is_empty());
}

#[test]
fn assembly_of_ir_text() {
    let asm = JitSession::global().assembly_of_ir(IR).unwrap();
    assert!(asm.contains("rumbo_render_test:"), "{asm}");
    assert!(JitSession::global().assembly_of_ir("not IR").is_err());
}
