//! Complex functions for NumPy's ufuncs on complex numbers (`np.exp(1j * x)`), from the
//! C library's C99 `<complex.h>` functions, whose special values and branch cuts NumPy
//! follows. Compiled code calls `rumbo_c<name>(re, im, out)`.

/// C's `double _Complex`: two doubles, passed and returned in two SSE registers on
/// x86-64 System V and in two FP registers on AArch64, as this struct is.
#[repr(C)]
#[derive(Clone, Copy)]
struct Complex {
    re: f64,
    im: f64,
}

macro_rules! complex_functions {
    ($($c:ident => $ours:ident),* $(,)?) => {
        extern "C" {
            $(fn $c(z: Complex) -> Complex;)*
        }
        $(
            /// # Safety
            /// `out` points at two writable doubles.
            unsafe extern "C" fn $ours(re: f64, im: f64, out: *mut [f64; 2]) {
                let r = $c(Complex { re, im });
                *out = [r.re, r.im];
            }
        )*
        pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
            vec![$((stringify!($ours), $ours as *const () as usize)),*]
        }
    };
}

complex_functions! {
    cexp => rumbo_cexp,
    clog => rumbo_clog,
    csqrt => rumbo_csqrt,
    csin => rumbo_csin,
    ccos => rumbo_ccos,
    ctan => rumbo_ctan,
    csinh => rumbo_csinh,
    ccosh => rumbo_ccosh,
    ctanh => rumbo_ctanh,
    casin => rumbo_casin,
    cacos => rumbo_cacos,
    catan => rumbo_catan,
    casinh => rumbo_casinh,
    cacosh => rumbo_cacosh,
    catanh => rumbo_catanh,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: unsafe extern "C" fn(f64, f64, *mut [f64; 2]), re: f64, im: f64) -> [f64; 2] {
        let mut out = [0.0; 2];
        unsafe { f(re, im, &mut out) };
        out
    }

    #[test]
    fn euler_and_roots() {
        let [re, im] = call(rumbo_cexp, 0.0, std::f64::consts::PI);
        assert!((re + 1.0).abs() < 1e-15 && im.abs() < 1e-15);
        assert_eq!(call(rumbo_csqrt, -4.0, 0.0), [0.0, 2.0]);
        assert_eq!(call(rumbo_clog, 1.0, 0.0), [0.0, 0.0]);
    }
}
