//! BLAS for np.dot / @ / np.linalg.norm: the CBLAS routines of the BLAS NumPy
//! itself uses (its bundled OpenBLAS, ILP64 names, or a system CBLAS, LP64),
//! found from Python and registered here by address. Strided or unregistered
//! cases use plain loops, so results never depend on what was found.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const ROW_MAJOR: i32 = 101;
const NO_TRANS: i32 = 111;

static ILP64: AtomicBool = AtomicBool::new(true);
static DGEMM: AtomicUsize = AtomicUsize::new(0);
static SGEMM: AtomicUsize = AtomicUsize::new(0);
static DGEMV: AtomicUsize = AtomicUsize::new(0);
static SGEMV: AtomicUsize = AtomicUsize::new(0);
static DDOT: AtomicUsize = AtomicUsize::new(0);
static SDOT: AtomicUsize = AtomicUsize::new(0);

/// Registers CBLAS routines by name (`dgemm`, `sgemm`, `dgemv`, `sgemv`, `ddot`,
/// `sdot`); `ilp64` says whether their integer arguments are 64-bit.
pub fn set_blas(routines: &[(&str, usize)], ilp64: bool) {
    ILP64.store(ilp64, Ordering::Relaxed);
    for (name, addr) in routines {
        let slot = match *name {
            "dgemm" => &DGEMM,
            "sgemm" => &SGEMM,
            "dgemv" => &DGEMV,
            "sgemv" => &SGEMV,
            "ddot" => &DDOT,
            "sdot" => &SDOT,
            _ => continue,
        };
        slot.store(*addr, Ordering::Relaxed);
    }
}

/// Which BLAS routines are registered, for the system report.
pub fn blas_status() -> (bool, bool) {
    (DGEMM.load(Ordering::Relaxed) != 0, ILP64.load(Ordering::Relaxed))
}

type Gemm64<T> = unsafe extern "C" fn(i32, i32, i32, i64, i64, i64, T, *const T, i64, *const T, i64, T, *mut T, i64);
type Gemm32<T> = unsafe extern "C" fn(i32, i32, i32, i32, i32, i32, T, *const T, i32, *const T, i32, T, *mut T, i32);
type Gemv64<T> = unsafe extern "C" fn(i32, i32, i64, i64, T, *const T, i64, *const T, i64, T, *mut T, i64);
type Gemv32<T> = unsafe extern "C" fn(i32, i32, i32, i32, T, *const T, i32, *const T, i32, T, *mut T, i32);
type Dot64<T> = unsafe extern "C" fn(i64, *const T, i64, *const T, i64) -> T;
type Dot32<T> = unsafe extern "C" fn(i32, *const T, i32, *const T, i32) -> T;

trait Real: Copy + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self> + Default {
    const ONE: Self;
}
impl Real for f64 {
    const ONE: f64 = 1.0;
}
impl Real for f32 {
    const ONE: f32 = 1.0;
}

/// C[m×n] = A[m×k]·B[k×n]; strides in elements (row, column).
#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: Real>(
    blas: &AtomicUsize,
    m: i64, n: i64, k: i64,
    a: *const T, a_rs: i64, a_cs: i64,
    b: *const T, b_rs: i64, b_cs: i64,
    c: *mut T, c_rs: i64, c_cs: i64,
) {
    let f = blas.load(Ordering::Relaxed);
    let fits = |x: i64| ILP64.load(Ordering::Relaxed) || x <= i32::MAX as i64;
    // BLAS needs row-major operands with unit column stride and leading dimensions
    // at least the row length; anything else (reversed or broadcast rows) loops.
    let blas_ok = a_cs == 1 && b_cs == 1 && c_cs == 1 && a_rs >= k && b_rs >= n && c_rs >= n;
    if f != 0 && blas_ok && m > 0 && n > 0 && k > 0 && [m, n, k, a_rs, b_rs, c_rs].iter().all(|x| fits(*x)) {
        let (lda, ldb, ldc) = (a_rs, b_rs, c_rs);
        if ILP64.load(Ordering::Relaxed) {
            let g: Gemm64<T> = std::mem::transmute(f);
            g(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, T::ONE, a, lda, b, ldb, T::default(), c, ldc);
        } else {
            let g: Gemm32<T> = std::mem::transmute(f);
            g(ROW_MAJOR, NO_TRANS, NO_TRANS, m as i32, n as i32, k as i32, T::ONE, a, lda as i32, b, ldb as i32, T::default(), c, ldc as i32);
        }
        return;
    }
    for i in 0..m {
        for j in 0..n {
            let mut s = T::default();
            for p in 0..k {
                s = s + *a.offset((i * a_rs + p * a_cs) as isize) * *b.offset((p * b_rs + j * b_cs) as isize);
            }
            *c.offset((i * c_rs + j * c_cs) as isize) = s;
        }
    }
}

/// y[m] = A[m×n]·x[n].
#[allow(clippy::too_many_arguments)]
unsafe fn gemv<T: Real>(blas: &AtomicUsize, m: i64, n: i64, a: *const T, a_rs: i64, a_cs: i64, x: *const T, incx: i64, y: *mut T, incy: i64) {
    let f = blas.load(Ordering::Relaxed);
    let fits = |v: i64| ILP64.load(Ordering::Relaxed) || v.abs() <= i32::MAX as i64;
    if f != 0 && a_cs == 1 && a_rs >= n && incx > 0 && incy > 0 && m > 0 && n > 0 && [m, n, a_rs, incx, incy].iter().all(|v| fits(*v)) {
        let lda = a_rs;
        if ILP64.load(Ordering::Relaxed) {
            let g: Gemv64<T> = std::mem::transmute(f);
            g(ROW_MAJOR, NO_TRANS, m, n, T::ONE, a, lda, x, incx, T::default(), y, incy);
        } else {
            let g: Gemv32<T> = std::mem::transmute(f);
            g(ROW_MAJOR, NO_TRANS, m as i32, n as i32, T::ONE, a, lda as i32, x, incx as i32, T::default(), y, incy as i32);
        }
        return;
    }
    for i in 0..m {
        let mut s = T::default();
        for j in 0..n {
            s = s + *a.offset((i * a_rs + j * a_cs) as isize) * *x.offset((j * incx) as isize);
        }
        *y.offset((i * incy) as isize) = s;
    }
}

unsafe fn dot<T: Real>(blas: &AtomicUsize, n: i64, x: *const T, incx: i64, y: *const T, incy: i64) -> T {
    let f = blas.load(Ordering::Relaxed);
    if f != 0 && incx > 0 && incy > 0 && n > 0 && (ILP64.load(Ordering::Relaxed) || n <= i32::MAX as i64) {
        if ILP64.load(Ordering::Relaxed) {
            let g: Dot64<T> = std::mem::transmute(f);
            return g(n, x, incx, y, incy);
        }
        let g: Dot32<T> = std::mem::transmute(f);
        return g(n as i32, x, incx as i32, y, incy as i32);
    }
    let mut s = T::default();
    for i in 0..n {
        s = s + *x.offset((i * incx) as isize) * *y.offset((i * incy) as isize);
    }
    s
}

// Entry points for compiled code: `kind` 0 is float64, 1 is float32.

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn rumbo_blas_gemm(
    kind: i32, m: i64, n: i64, k: i64,
    a: *const u8, a_rs: i64, a_cs: i64,
    b: *const u8, b_rs: i64, b_cs: i64,
    c: *mut u8, c_rs: i64, c_cs: i64,
) {
    if kind == 0 {
        gemm::<f64>(&DGEMM, m, n, k, a.cast(), a_rs, a_cs, b.cast(), b_rs, b_cs, c.cast(), c_rs, c_cs)
    } else {
        gemm::<f32>(&SGEMM, m, n, k, a.cast(), a_rs, a_cs, b.cast(), b_rs, b_cs, c.cast(), c_rs, c_cs)
    }
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn rumbo_blas_gemv(kind: i32, m: i64, n: i64, a: *const u8, a_rs: i64, a_cs: i64, x: *const u8, incx: i64, y: *mut u8, incy: i64) {
    if kind == 0 {
        gemv::<f64>(&DGEMV, m, n, a.cast(), a_rs, a_cs, x.cast(), incx, y.cast(), incy)
    } else {
        gemv::<f32>(&SGEMV, m, n, a.cast(), a_rs, a_cs, x.cast(), incx, y.cast(), incy)
    }
}

unsafe extern "C" fn rumbo_blas_dot(kind: i32, n: i64, x: *const u8, incx: i64, y: *const u8, incy: i64) -> f64 {
    if kind == 0 {
        dot::<f64>(&DDOT, n, x.cast(), incx, y.cast(), incy)
    } else {
        dot::<f32>(&SDOT, n, x.cast(), incx, y.cast(), incy) as f64
    }
}

pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_blas_gemm", rumbo_blas_gemm as *const () as usize),
        ("rumbo_blas_gemv", rumbo_blas_gemv as *const () as usize),
        ("rumbo_blas_dot", rumbo_blas_dot as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_loops_multiply() {
        let a = [1.0f64, 2.0, 3.0, 4.0];
        let b = [5.0f64, 6.0, 7.0, 8.0];
        let mut c = [0.0f64; 4];
        unsafe { gemm::<f64>(&AtomicUsize::new(0), 2, 2, 2, a.as_ptr(), 2, 1, b.as_ptr(), 2, 1, c.as_mut_ptr(), 2, 1) };
        assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
        let d = unsafe { dot::<f64>(&AtomicUsize::new(0), 2, a.as_ptr(), 2, b.as_ptr(), 1) };
        assert_eq!(d, 1.0 * 5.0 + 3.0 * 6.0);
    }
}
