//! Random numbers for compiled code, as Numba makes them: MT19937 generators
//! kept per thread (so `prange` bodies draw without locks or sharing), apart
//! from NumPy's and Python's own global generators. Each thread has two: one
//! for `np.random` ([`NP`]) and one for the `random` module ([`PY`]), both
//! seeded from OS entropy at first use and again in a forked child.
//!
//! With the same seed the streams equal NumPy's legacy `RandomState`: seeding
//! is `init_genrand(seed & 0xffffffff)`, doubles take 53 bits from two draws,
//! normals are the polar Box–Muller pairs with the second value kept
//! (`has_gauss`), bounded integers are NumPy's masked rejection sampling.
//! The `random` module's bounded integers take the top bits of a draw
//! (CPython's `getrandbits`), as Numba's do.

use std::cell::UnsafeCell;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER: u32 = 0x8000_0000;
const LOWER: u32 = 0x7fff_ffff;

/// The generator state selected by `which` in the C functions below.
pub(crate) const NP: i64 = 0;
pub(crate) const PY: i64 = 1;

/// One MT19937 generator with NumPy's cached second normal.
pub(crate) struct Mt {
    key: [u32; N],
    pos: usize,
    has_gauss: bool,
    gauss: f64,
    initialized: bool,
}

impl Mt {
    const fn new() -> Mt {
        Mt { key: [0; N], pos: N, has_gauss: false, gauss: 0.0, initialized: false }
    }

    /// Knuth's initialisation of the reference implementation (NumPy's `mt19937_seed`).
    pub(crate) fn seed(&mut self, seed: u32) {
        let mut s = seed;
        for (i, k) in self.key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32.wrapping_mul(s ^ (s >> 30)).wrapping_add(i as u32 + 1);
        }
        self.pos = N;
        self.has_gauss = false;
        self.gauss = 0.0;
        self.initialized = true;
    }

    /// `init_by_array` of the reference implementation (NumPy seeds with it from entropy).
    fn seed_by_array(&mut self, init: &[u32]) {
        self.seed(19_650_218);
        let mt = &mut self.key;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(init.len()) {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_664_525)).wrapping_add(init[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= init.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
    }

    fn seed_from_entropy(&mut self) {
        let mut words = [0u32; N];
        // SAFETY: getrandom writes at most the buffer's length into it.
        let got = unsafe { libc::getrandom(words.as_mut_ptr().cast(), std::mem::size_of_val(&words), 0) };
        if got < std::mem::size_of_val(&words) as isize {
            // No entropy source: the clock and this thread's address still differ per thread.
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            let here = &words as *const _ as usize as u128;
            for (i, w) in words.iter_mut().enumerate() {
                *w ^= ((t ^ (here << 17)) >> ((i % 4) * 32)) as u32 ^ i as u32;
            }
        }
        self.seed_by_array(&words);
    }

    fn twist(&mut self) {
        let mt = &mut self.key;
        for i in 0..N {
            let y = (mt[i] & UPPER) | (mt[(i + 1) % N] & LOWER);
            let mut v = mt[(i + M) % N] ^ (y >> 1);
            if y & 1 != 0 {
                v ^= MATRIX_A;
            }
            mt[i] = v;
        }
        self.pos = 0;
    }

    pub(crate) fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// NumPy's `next_uint64` of MT19937: the first draw is the high word.
    fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        (hi << 32) | self.next_u32() as u64
    }

    /// 53 random bits in [0, 1): `(a >> 5, b >> 6)` → `(a * 2**26 + b) / 2**53`.
    pub(crate) fn next_double(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// A standard normal: NumPy's legacy polar method, the pair's first value kept.
    pub(crate) fn gauss(&mut self) -> f64 {
        if self.has_gauss {
            self.has_gauss = false;
            let g = self.gauss;
            self.gauss = 0.0;
            return g;
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.next_double() - 1.0;
            let x2 = 2.0 * self.next_double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.gauss = f * x1;
        self.has_gauss = true;
        f * x2
    }

    /// An integer in `[0, n)` for `n >= 1` (`n = 0` stands for 2**64): NumPy's
    /// masked rejection sampling on `rng = n - 1` (`random_bounded_uint64_fill`
    /// with `use_masked`), 32-bit draws while `rng` fits in 32 bits.
    pub(crate) fn below_masked(&mut self, n: u64) -> u64 {
        let rng = n.wrapping_sub(1);
        if rng == 0 {
            return 0;
        }
        let mask = u64::MAX >> rng.leading_zeros();
        if rng <= 0xffff_ffff {
            loop {
                let v = self.next_u32() as u64 & mask;
                if v <= rng {
                    return v;
                }
            }
        }
        loop {
            let v = self.next_u64() & mask;
            if v <= rng {
                return v;
            }
        }
    }

    /// `getrandbits(k)` of CPython for `1 <= k <= 64`: the top `k` bits of a
    /// draw, the low word first when `k > 32`.
    pub(crate) fn bits(&mut self, k: u32) -> u64 {
        if k <= 32 {
            return (self.next_u32() >> (32 - k)) as u64;
        }
        let lo = self.next_u32() as u64;
        let hi = (self.next_u32() >> (64 - k)) as u64;
        (hi << 32) | lo
    }

    /// An integer in `[0, n)` for `n >= 1` as CPython's `_randbelow`: draws of
    /// `n.bit_length()` bits until one is below `n`.
    pub(crate) fn below_bits(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.bits(k);
            if r < n {
                return r;
            }
        }
    }
}

thread_local! {
    /// This thread's generators: `[NP, PY]`.
    static STATES: UnsafeCell<[Mt; 2]> = const { UnsafeCell::new([Mt::new(), Mt::new()]) };
}

/// Runs `f` on this thread's generator `which`, seeding it from entropy first if needed.
fn with_state<T>(which: i64, f: impl FnOnce(&mut Mt) -> T) -> T {
    STATES.with(|s| {
        // SAFETY: the state is this thread's own and `f` never reenters `with_state`.
        let st = unsafe { &mut (*s.get())[if which == NP { 0 } else { 1 }] };
        if !st.initialized {
            register_fork_handler();
            st.seed_from_entropy();
        }
        f(st)
    })
}

/// A forked child draws fresh streams, as in Numba: only the forking thread
/// exists there, and its generators start again from entropy.
fn register_fork_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    extern "C" fn child() {
        let _ = STATES.try_with(|s| {
            // SAFETY: single-threaded at this point of the child, and no state is borrowed.
            for st in unsafe { &mut *s.get() } {
                st.initialized = false;
            }
        });
    }
    // SAFETY: registers a plain function with no prepare/parent handlers.
    ONCE.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(child));
    });
}

extern "C" fn rumbo_random_seed(which: i64, seed: i64) {
    with_state(which, |s| s.seed(seed as u32));
}

extern "C" fn rumbo_random_double(which: i64) -> f64 {
    with_state(which, |s| s.next_double())
}

extern "C" fn rumbo_random_gauss(which: i64) -> f64 {
    with_state(which, |s| s.gauss())
}

/// An integer in `[0, n)`, `n` read as unsigned (`n >= 1`; 0 means 2**64):
/// NumPy's masked sampling for `NP`, CPython's for `PY`.
extern "C" fn rumbo_random_below(which: i64, n: i64) -> i64 {
    with_state(which, |s| if which == PY { s.below_bits(n as u64) } else { s.below_masked(n as u64) } as i64)
}

/// An integer in `[lo, hi)` for `lo < hi` (the width may exceed 2**63):
/// `lo + below(hi - lo)` in wrapping arithmetic.
extern "C" fn rumbo_random_between(which: i64, lo: i64, hi: i64) -> i64 {
    lo.wrapping_add(rumbo_random_below(which, hi.wrapping_sub(lo)))
}

/// CPython's `getrandbits(k)` for `1 <= k <= 64`.
extern "C" fn rumbo_random_bits(which: i64, k: i64) -> i64 {
    with_state(which, |s| s.bits(k.clamp(1, 64) as u32) as i64)
}

pub(crate) fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("rumbo_random_seed", rumbo_random_seed as *const () as usize),
        ("rumbo_random_double", rumbo_random_double as *const () as usize),
        ("rumbo_random_gauss", rumbo_random_gauss as *const () as usize),
        ("rumbo_random_below", rumbo_random_below as *const () as usize),
        ("rumbo_random_between", rumbo_random_between as *const () as usize),
        ("rumbo_random_bits", rumbo_random_bits as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_5489_gives_the_reference_stream() {
        // The first output of the reference mt19937ar with init_genrand(5489).
        let mut mt = Mt::new();
        mt.seed(5489);
        assert_eq!(mt.next_u32(), 3_499_211_612);
        assert_eq!(mt.next_u32(), 581_869_302);
    }

    #[test]
    fn init_by_array_matches_the_reference() {
        // mt19937ar.c's test: init_by_array({0x123, 0x234, 0x345, 0x456}).
        let mut mt = Mt::new();
        mt.seed_by_array(&[0x123, 0x234, 0x345, 0x456]);
        assert_eq!(mt.next_u32(), 1_067_595_299);
        assert_eq!(mt.next_u32(), 955_945_823);
    }

    #[test]
    fn numpy_random_state_42() {
        // np.random.RandomState(42).random_sample()
        let mut mt = Mt::new();
        mt.seed(42);
        assert_eq!(mt.next_double(), 0.3745401188473625);
    }

    #[test]
    fn bounded_draws_stay_in_range() {
        let mut mt = Mt::new();
        mt.seed(1);
        for n in [1u64, 2, 3, 7, 1 << 32, (1 << 32) + 1, u64::MAX] {
            for _ in 0..100 {
                assert!(mt.below_masked(n) < n);
                assert!(mt.below_bits(n) < n);
            }
        }
        assert_eq!(mt.below_masked(1), 0);
    }

    #[test]
    fn threads_draw_different_streams() {
        let draw = || std::thread::spawn(|| rumbo_random_double(NP)).join().unwrap();
        let (a, b, c) = (draw(), draw(), draw());
        assert!(a != b || b != c);
    }
}
