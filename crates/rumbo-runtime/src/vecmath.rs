//! Scalar proxies `rumbo_vm_<libm name>` of libm functions that have libmvec
//! vector variants: compiled loops call these (see rumbo-codegen's vecmath),
//! and the vectorizer replaces them by the variants; the scalar remainder of
//! a loop lands here.

macro_rules! proxies {
    ($($name:ident / $proxy:ident ($($arg:ident),+) : $t:ty;)*) => {
        extern "C" {
            $(fn $name($($arg: $t),+) -> $t;)*
        }
        $(
            extern "C" fn $proxy($($arg: $t),+) -> $t {
                // SAFETY: a libm function of plain numbers.
                unsafe { $name($($arg),+) }
            }
        )*
        pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
            vec![$((concat!("rumbo_vm_", stringify!($name)), $proxy as *const () as usize)),*]
        }
    };
}

proxies! {
    exp / vm_exp(x): f64; exp2 / vm_exp2(x): f64; exp10 / vm_exp10(x): f64; expm1 / vm_expm1(x): f64;
    log / vm_log(x): f64; log2 / vm_log2(x): f64; log10 / vm_log10(x): f64; log1p / vm_log1p(x): f64;
    sin / vm_sin(x): f64; cos / vm_cos(x): f64; tan / vm_tan(x): f64; asin / vm_asin(x): f64;
    acos / vm_acos(x): f64; atan / vm_atan(x): f64; sinh / vm_sinh(x): f64; cosh / vm_cosh(x): f64;
    tanh / vm_tanh(x): f64; asinh / vm_asinh(x): f64; acosh / vm_acosh(x): f64; atanh / vm_atanh(x): f64;
    cbrt / vm_cbrt(x): f64; erf / vm_erf(x): f64; erfc / vm_erfc(x): f64;
    pow / vm_pow(x, y): f64; atan2 / vm_atan2(x, y): f64; hypot / vm_hypot(x, y): f64;
    expf / vm_expf(x): f32; exp2f / vm_exp2f(x): f32; exp10f / vm_exp10f(x): f32; expm1f / vm_expm1f(x): f32;
    logf / vm_logf(x): f32; log2f / vm_log2f(x): f32; log10f / vm_log10f(x): f32; log1pf / vm_log1pf(x): f32;
    sinf / vm_sinf(x): f32; cosf / vm_cosf(x): f32; tanf / vm_tanf(x): f32; asinf / vm_asinf(x): f32;
    acosf / vm_acosf(x): f32; atanf / vm_atanf(x): f32; sinhf / vm_sinhf(x): f32; coshf / vm_coshf(x): f32;
    tanhf / vm_tanhf(x): f32; asinhf / vm_asinhf(x): f32; acoshf / vm_acoshf(x): f32; atanhf / vm_atanhf(x): f32;
    cbrtf / vm_cbrtf(x): f32; erff / vm_erff(x): f32; erfcf / vm_erfcf(x): f32;
    powf / vm_powf(x, y): f32; atan2f / vm_atan2f(x, y): f32; hypotf / vm_hypotf(x, y): f32;
}
