//! LLVM optimization remarks (what the loop vectorizer, the SLP vectorizer and the unroller
//! did to each loop), collected through the context's diagnostic handler.
//!
//! Remarks are switched on process-wide by the LLVM options in [`REMARK_OPTIONS`], parsed once
//! with the session's other options. Every context the session creates gets [`install`]ed
//! handler: contexts of ordinary compiles drop remarks (without a handler LLVM would print them
//! to stderr), [`JitSession::render`](crate::JitSession::render) collects them.

use std::ffi::{c_void, CStr};

use llvm_sys::core::{
    LLVMContextSetDiagnosticHandler, LLVMDisposeMessage, LLVMGetDiagInfoDescription,
    LLVMGetDiagInfoSeverity,
};
use llvm_sys::prelude::{LLVMContextRef, LLVMDiagnosticInfoRef};
use llvm_sys::LLVMDiagnosticSeverity;

/// The `LLVMParseCommandLineOptions` arguments that make the passes emit remarks: what was done
/// (`-pass-remarks`), what was not (`-missed`) and why (`-analysis`).
pub(crate) const REMARK_OPTIONS: [&CStr; 3] = [
    c"-pass-remarks=^(loop-vectorize|slp-vectorizer|loop-unroll)$",
    c"-pass-remarks-missed=^loop-vectorize$",
    c"-pass-remarks-analysis=^loop-vectorize$",
];

/// One optimization remark, e.g. `vectorized loop (vectorization width: 4, interleaved count: 2)`
/// or `loop not vectorized: could not determine number of loop iterations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remark {
    /// The source line of the remark's location (a loop's line for loop remarks), 0 when the
    /// code it is about has no location.
    pub line: u32,
    /// LLVM's message, without the location prefix.
    pub message: String,
}

/// Where a collecting handler puts the remarks; lives at least as long as the context.
#[derive(Default)]
pub(crate) struct Collector {
    pub(crate) remarks: Vec<Remark>,
}

/// Splits `file:line:col: message` (or `<unknown>:0:0: message`) into line and message.
/// File names may contain `:`, so the line and column are found from the first `: ` that
/// follows two numbers.
fn parse_description(text: &str) -> Remark {
    let mut search = 0;
    while let Some(at) = text[search..].find(": ") {
        let end = search + at;
        let head = &text[..end];
        let mut parts = head.rsplitn(3, ':');
        let col = parts.next().unwrap_or("");
        let line = parts.next().unwrap_or("");
        if !col.is_empty() && col.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(line) = line.parse::<u32>() {
                return Remark {
                    line,
                    message: text[end + 2..].to_string(),
                };
            }
        }
        search = end + 2;
    }
    Remark {
        line: 0,
        message: text.to_string(),
    }
}

extern "C" fn handle(info: LLVMDiagnosticInfoRef, ctx: *mut c_void) {
    // SAFETY: LLVM hands us a live diagnostic for the duration of the call.
    let severity = unsafe { LLVMGetDiagInfoSeverity(info) };
    if severity == LLVMDiagnosticSeverity::LLVMDSNote
        || (severity == LLVMDiagnosticSeverity::LLVMDSRemark && ctx.is_null())
    {
        return;
    }
    // SAFETY: as above; the description is an LLVM-allocated string we dispose of below.
    let raw = unsafe { LLVMGetDiagInfoDescription(info) };
    // SAFETY: `raw` is a valid NUL-terminated string until disposed.
    let text = unsafe { CStr::from_ptr(raw) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: `raw` came from LLVMGetDiagInfoDescription and is disposed exactly once.
    unsafe { LLVMDisposeMessage(raw) };
    match severity {
        LLVMDiagnosticSeverity::LLVMDSRemark => {
            // SAFETY: a non-null context is the `Collector` given to `install`, which outlives
            // the LLVM context; diagnostics arrive on the thread running the passes, one at a time.
            let collector = unsafe { &mut *(ctx as *mut Collector) };
            collector.remarks.push(parse_description(&text));
        }
        LLVMDiagnosticSeverity::LLVMDSError => eprintln!("rumbo: LLVM error: {text}"),
        _ => eprintln!("rumbo: LLVM warning: {text}"),
    }
}

/// Sets the diagnostic handler of `context`: remarks go to `collector` (or are dropped when it
/// is null), warnings and errors are printed to stderr (LLVM's default would exit the process
/// on an error).
///
/// # Safety
/// `context` must be a live context, and a non-null `collector` must stay valid, and not be
/// used elsewhere, for as long as the context can emit diagnostics.
pub(crate) unsafe fn install(context: LLVMContextRef, collector: *mut Collector) {
    // SAFETY: guaranteed by the caller.
    unsafe { LLVMContextSetDiagnosticHandler(context, Some(handle), collector as *mut c_void) };
}

#[cfg(test)]
mod tests {
    use super::parse_description;

    #[test]
    fn descriptions_split_into_line_and_message() {
        let r = parse_description("/tmp/a:b.py:12:0: loop not vectorized: x: y");
        assert_eq!((r.line, r.message.as_str()), (12, "loop not vectorized: x: y"));
        let r = parse_description("<unknown>:0:0: vectorized loop (vectorization width: 4, interleaved count: 2)");
        assert_eq!(r.line, 0);
        assert!(r.message.starts_with("vectorized loop"));
    }
}
