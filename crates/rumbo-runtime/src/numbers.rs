//! Number helpers with Python's semantics.

use crate::exc::{raise, ExcRecord, OVERFLOW_ERROR, VALUE_ERROR, ZERO_DIVISION_ERROR};

type Exc = *mut *const ExcRecord;

static NEG_POW: ExcRecord = ExcRecord::new(VALUE_ERROR, "Integers to negative integer powers are not allowed.");
static POWMOD_ZERO: ExcRecord = ExcRecord::new(VALUE_ERROR, "pow() 3rd argument cannot be 0");
static POWMOD_NEG: ExcRecord = ExcRecord::new(VALUE_ERROR, "pow() 2nd argument cannot be negative when 3rd argument specified");
static FACT_NEG: ExcRecord = ExcRecord::new(VALUE_ERROR, "factorial() not defined for negative values");
static ISQRT_NEG: ExcRecord = ExcRecord::new(VALUE_ERROR, "isqrt() argument must be nonnegative");
static COMB_NEG: ExcRecord = ExcRecord::new(VALUE_ERROR, "n must be a non-negative integer");
static COMB_K_NEG: ExcRecord = ExcRecord::new(VALUE_ERROR, "k must be a non-negative integer");
static TOO_BIG: ExcRecord = ExcRecord::new(OVERFLOW_ERROR, "integer result does not fit in 64 bits");
#[allow(dead_code)]
static DIV_ZERO: ExcRecord = ExcRecord::new(ZERO_DIVISION_ERROR, "integer division or modulo by zero");

/// `base ** exp` on int64, wrapping like Numba.
///
/// # Safety
/// Called by compiled code with valid `ret` and `exc` slots.
unsafe extern "C" fn rumbo_int_pow(ret: *mut i64, exc: Exc, base: i64, exp: i64) -> i32 {
    if exp < 0 {
        return match base {
            1 => {
                *ret = 1;
                0
            }
            -1 => {
                *ret = if exp % 2 == 0 { 1 } else { -1 };
                0
            }
            _ => raise(exc, &NEG_POW),
        };
    }
    *ret = base.wrapping_pow(exp.min(u32::MAX as i64) as u32);
    0
}

unsafe extern "C" fn rumbo_int_powmod(ret: *mut i64, exc: Exc, base: i64, exp: i64, m: i64) -> i32 {
    if m == 0 {
        return raise(exc, &POWMOD_ZERO);
    }
    if exp < 0 {
        return raise(exc, &POWMOD_NEG);
    }
    let m128 = m as i128;
    let mut result: i128 = 1;
    let mut b = (base as i128).rem_euclid(m128.abs());
    let mut e = exp;
    while e > 0 {
        if e & 1 == 1 {
            result = (result * b).rem_euclid(m128.abs());
        }
        b = (b * b).rem_euclid(m128.abs());
        e >>= 1;
    }
    // Python's result takes the sign of the modulus.
    if m < 0 && result != 0 {
        result += m128;
    }
    *ret = result as i64;
    0
}

/// Python's float `%`: the result has the divisor's sign (divisor is non-zero
/// unless error_model='numpy', where NaN comes out as NumPy gives).
extern "C" fn rumbo_float_mod(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        return f64::NAN;
    }
    let mut m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    m
}

/// Python's float `//` (CPython's float_floor_div algorithm).
extern "C" fn rumbo_float_floordiv(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        return x / y;
    }
    let m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 && ((y < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(x / y)
    }
}

/// (a+bi)/(c+di) by Smith's method, as CPython does. Writes re, im to `out`.
unsafe extern "C" fn rumbo_complex_div(a: f64, b: f64, c: f64, d: f64, out: *mut [f64; 2]) {
    let (re, im) = if c.abs() >= d.abs() {
        if c == 0.0 && d == 0.0 {
            // Only reached under NumPy's error model: each part over zero, as NumPy does.
            (a / c, b / c)
        } else {
            let ratio = d / c;
            let denom = c + d * ratio;
            ((a + b * ratio) / denom, (b - a * ratio) / denom)
        }
    } else if d.abs() >= c.abs() {
        let ratio = c / d;
        let denom = c * ratio + d;
        ((a * ratio + b) / denom, (b * ratio - a) / denom)
    } else {
        (f64::NAN, f64::NAN)
    };
    *out = [re, im];
}

/// (a+bi) ** (c+di), as CPython's complex power.
unsafe extern "C" fn rumbo_complex_pow(a: f64, b: f64, c: f64, d: f64, out: *mut [f64; 2]) {
    if c == 0.0 && d == 0.0 {
        *out = [1.0, 0.0];
        return;
    }
    if a == 0.0 && b == 0.0 {
        *out = [0.0, 0.0];
        return;
    }
    let vabs = a.hypot(b);
    let mut len = vabs.powf(c);
    let at = b.atan2(a);
    let mut phase = at * c;
    if d != 0.0 {
        len /= (at * d).exp();
        phase += d * vabs.ln();
    }
    *out = [len * phase.cos(), len * phase.sin()];
}

unsafe extern "C" fn rumbo_round_int(ret: *mut i64, _exc: Exc, x: i64, ndigits: i64) -> i32 {
    if ndigits >= 0 {
        *ret = x;
        return 0;
    }
    if ndigits < -18 {
        *ret = 0;
        return 0;
    }
    let p = 10i128.pow((-ndigits) as u32);
    let xi = x as i128;
    let q = xi.div_euclid(p);
    let r = xi.rem_euclid(p);
    // Round half to even, as Python does.
    let up = 2 * r > p || (2 * r == p && q % 2 != 0);
    *ret = ((q + up as i128) * p) as i64;
    0
}

/// `round(x, ndigits)` on floats, correctly rounded like CPython (which goes
/// through the shortest decimal string).
extern "C" fn rumbo_round_float(x: f64, ndigits: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if ndigits > 308 {
        return x;
    }
    if ndigits < -308 {
        return 0.0f64.copysign(x);
    }
    if ndigits >= 0 {
        let text = format!("{:.*}", ndigits as usize, x);
        let r: f64 = text.parse().unwrap_or(x);
        if r == 0.0 {
            return 0.0f64.copysign(x);
        }
        return r;
    }
    let p = 10f64.powi((-ndigits) as i32);
    let y = x / p;
    let z = y.round_ties_even();
    let r = z * p;
    if r.is_infinite() {
        return x;
    }
    if r == 0.0 {
        0.0f64.copysign(x)
    } else {
        r
    }
}

unsafe extern "C" fn rumbo_frexp(x: f64, exp: *mut f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        *exp = 0.0;
        return x;
    }
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    if raw_exp == 0 {
        // Subnormal: scale up first.
        let scaled = x * 2f64.powi(54);
        let m = rumbo_frexp(scaled, exp);
        *exp -= 54.0;
        return m;
    }
    *exp = (raw_exp - 1022) as f64;
    f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52))
}

unsafe extern "C" fn rumbo_modf(x: f64, int_part: *mut f64) -> f64 {
    if x.is_infinite() {
        *int_part = x;
        return 0.0f64.copysign(x);
    }
    let i = x.trunc();
    *int_part = i;
    (x - i).copysign(x)
}

fn gcd_u(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

unsafe extern "C" fn rumbo_gcd(ret: *mut i64, _exc: Exc, a: i64, b: i64) -> i32 {
    *ret = gcd_u(a.unsigned_abs(), b.unsigned_abs()) as i64;
    0
}

unsafe extern "C" fn rumbo_lcm(ret: *mut i64, exc: Exc, a: i64, b: i64) -> i32 {
    if a == 0 || b == 0 {
        *ret = 0;
        return 0;
    }
    let g = gcd_u(a.unsigned_abs(), b.unsigned_abs());
    match ((a.unsigned_abs() / g) as i64).checked_mul(b.unsigned_abs() as i64) {
        Some(v) => {
            *ret = v;
            0
        }
        None => raise(exc, &TOO_BIG),
    }
}

unsafe extern "C" fn rumbo_factorial(ret: *mut i64, exc: Exc, n: i64) -> i32 {
    if n < 0 {
        return raise(exc, &FACT_NEG);
    }
    let mut acc: i64 = 1;
    for k in 2..=n {
        match acc.checked_mul(k) {
            Some(v) => acc = v,
            None => return raise(exc, &TOO_BIG),
        }
    }
    *ret = acc;
    0
}

unsafe extern "C" fn rumbo_isqrt(ret: *mut i64, exc: Exc, n: i64) -> i32 {
    if n < 0 {
        return raise(exc, &ISQRT_NEG);
    }
    let mut r = (n as f64).sqrt() as i64;
    while r * r > n {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).is_some_and(|s| s <= n) {
        r += 1;
    }
    *ret = r;
    0
}

/// n! / (n-k)!, or that divided by k! for comb; errors as Python's.
unsafe fn comb_perm(ret: *mut i64, exc: Exc, n: i64, k: i64, comb: bool) -> i32 {
    if n < 0 {
        return raise(exc, &COMB_NEG);
    }
    if k < 0 {
        return raise(exc, &COMB_K_NEG);
    }
    if k > n {
        *ret = 0;
        return 0;
    }
    let k = if comb { k.min(n - k) } else { k };
    let mut acc: i128 = 1;
    for i in 0..k {
        acc *= (n - i) as i128;
        if comb {
            acc /= (i + 1) as i128;
        }
        if acc > i64::MAX as i128 {
            return raise(exc, &TOO_BIG);
        }
    }
    *ret = acc as i64;
    0
}

unsafe extern "C" fn rumbo_comb(ret: *mut i64, exc: Exc, n: i64, k: i64) -> i32 {
    comb_perm(ret, exc, n, k, true)
}

unsafe extern "C" fn rumbo_perm(ret: *mut i64, exc: Exc, n: i64, k: i64) -> i32 {
    comb_perm(ret, exc, n, k, false)
}

extern "C" fn rumbo_isclose(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> bool {
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    let diff = (b - a).abs();
    diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol
}

/// `math.hypot(*xs)` for three or more values: scaled by a power of two of
/// the largest magnitude (exact), squares summed with compensation.
unsafe extern "C" fn rumbo_hypot_n(xs: *const f64, n: i64) -> f64 {
    let xs = std::slice::from_raw_parts(xs, n.max(0) as usize);
    let mut max = 0.0f64;
    let mut nan = false;
    for x in xs {
        let a = x.abs();
        if a.is_infinite() {
            return f64::INFINITY;
        }
        nan |= a.is_nan();
        if a > max {
            max = a;
        }
    }
    if nan {
        return f64::NAN;
    }
    if max == 0.0 {
        return 0.0;
    }
    let mut exp_f = 0.0f64;
    rumbo_frexp(max, &mut exp_f);
    let e = exp_f as i32;
    let scale = |x: f64, k: i32| -> f64 {
        // x * 2^k in two steps so that neither overflows nor loses subnormal bits needlessly.
        let half = k / 2;
        x * 2f64.powi(half) * 2f64.powi(k - half)
    };
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    for x in xs {
        let y = scale(x.abs(), -e);
        let sq = y * y;
        let t = sum + sq;
        comp += if sum.abs() >= sq.abs() { (sum - t) + sq } else { (sq - t) + sum };
        sum = t;
    }
    scale((sum + comp).sqrt(), e)
}

pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_hypot_n", rumbo_hypot_n as *const () as usize),
        ("rumbo_int_pow", rumbo_int_pow as *const () as usize),
        ("rumbo_int_powmod", rumbo_int_powmod as *const () as usize),
        ("rumbo_float_mod", rumbo_float_mod as *const () as usize),
        ("rumbo_float_floordiv", rumbo_float_floordiv as *const () as usize),
        ("rumbo_complex_div", rumbo_complex_div as *const () as usize),
        ("rumbo_complex_pow", rumbo_complex_pow as *const () as usize),
        ("rumbo_round_int", rumbo_round_int as *const () as usize),
        ("rumbo_round_float", rumbo_round_float as *const () as usize),
        ("rumbo_frexp", rumbo_frexp as *const () as usize),
        ("rumbo_modf", rumbo_modf as *const () as usize),
        ("rumbo_gcd", rumbo_gcd as *const () as usize),
        ("rumbo_lcm", rumbo_lcm as *const () as usize),
        ("rumbo_factorial", rumbo_factorial as *const () as usize),
        ("rumbo_isqrt", rumbo_isqrt as *const () as usize),
        ("rumbo_comb", rumbo_comb as *const () as usize),
        ("rumbo_perm", rumbo_perm as *const () as usize),
        ("rumbo_isclose", rumbo_isclose as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_floor_division_and_modulo_follow_python() {
        assert_eq!(rumbo_float_mod(-7.0, 2.0), 1.0);
        assert_eq!(rumbo_float_mod(7.0, -2.0), -1.0);
        assert!(rumbo_float_mod(-0.0, 2.0).is_sign_positive());
        assert_eq!(rumbo_float_floordiv(-7.0, 2.0), -4.0);
        assert_eq!(rumbo_float_floordiv(7.5, 2.0), 3.0);
    }

    #[test]
    fn round_to_ndigits_is_half_even_on_the_decimal_value() {
        assert_eq!(rumbo_round_float(2.675, 2), 2.67);
        assert_eq!(rumbo_round_float(1234.5, -2), 1200.0);
        let mut r = 0;
        let mut exc = std::ptr::null();
        unsafe { rumbo_round_int(&mut r, &mut exc, 1250, -2) };
        assert_eq!(r, 1200);
    }

    #[test]
    fn integer_helpers_raise_like_python() {
        let mut r = 0;
        let mut exc: *const ExcRecord = std::ptr::null();
        assert_eq!(unsafe { rumbo_factorial(&mut r, &mut exc, 20) }, 0);
        assert_eq!(r, 2432902008176640000);
        assert_eq!(unsafe { rumbo_factorial(&mut r, &mut exc, -1) }, 1);
        assert_eq!(unsafe { rumbo_comb(&mut r, &mut exc, 10, 3) }, 0);
        assert_eq!(r, 120);
        assert_eq!(unsafe { rumbo_isqrt(&mut r, &mut exc, i64::MAX) }, 0);
        assert_eq!(r, 3037000499);
        assert_eq!(unsafe { rumbo_int_powmod(&mut r, &mut exc, 3, 4, -5) }, 0);
        assert_eq!(r, -4);
    }
}
