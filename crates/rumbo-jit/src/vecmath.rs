//! Which libmvec vector variants of libm functions this process can call.
//! LLVM 19's built-in libmvec table stops at AVX2 widths and a few functions;
//! codegen names the variants found here on each math call (VFABI attribute
//! `vector-function-abi-variant`), so the loop vectorizer can use AVX-512
//! widths and functions such as tanh or atan too.

use llvm_sys::support::LLVMSearchForAddressOfSymbol;
use std::ffi::CString;

/// libm functions with libmvec variants, and how many vector arguments they take.
const FUNCTIONS: &[(&str, usize)] = &[
    ("exp", 1), ("exp2", 1), ("exp10", 1), ("expm1", 1), ("log", 1), ("log2", 1), ("log10", 1), ("log1p", 1),
    ("sin", 1), ("cos", 1), ("tan", 1), ("asin", 1), ("acos", 1), ("atan", 1), ("sinh", 1), ("cosh", 1),
    ("tanh", 1), ("asinh", 1), ("acosh", 1), ("atanh", 1), ("cbrt", 1), ("erf", 1), ("erfc", 1),
    ("pow", 2), ("atan2", 2), ("hypot", 2),
];

/// Mangled names (`_ZGVeN8v_exp`, `_ZGVdN8v_expf`, ...) of the variants that
/// resolve in this process, for the ISAs the host has: `e` (AVX-512) when
/// `avx512`, `d` (AVX2) when `avx2`.
pub(crate) fn available(avx2: bool, avx512: bool) -> Vec<String> {
    let mut out = vec![];
    for (name, nargs) in FUNCTIONS {
        let params = "v".repeat(*nargs);
        for (isa, on, f64_lanes) in [('e', avx512, 8), ('d', avx2, 4)] {
            if !on {
                continue;
            }
            for (suffix, lanes) in [("", f64_lanes), ("f", f64_lanes * 2)] {
                let mangled = format!("_ZGV{isa}N{lanes}{params}_{name}{suffix}");
                let c = CString::new(mangled.clone()).expect("no NUL in a symbol name");
                // SAFETY: a NUL-terminated name; only looked up, never called here.
                if !unsafe { LLVMSearchForAddressOfSymbol(c.as_ptr()) }.is_null() {
                    out.push(mangled);
                }
            }
        }
    }
    out
}
