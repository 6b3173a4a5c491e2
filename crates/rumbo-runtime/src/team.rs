//! The worker team that runs parallel regions with the thread that starts them.
//!
//! Regions are short fork-joins (a Jacobi sweep of 160×160 points is ~7 µs of
//! work), so starting one must cost far less than a futex wake-up: after a
//! region the workers spin for a while on the team's generation counter (as
//! OpenMP runtimes do) and only then park. The starting thread runs chunks
//! from the first moment; a worker that comes late finds nothing to do. One
//! region uses the team at a time; a region started meanwhile (another Python
//! thread, or a nested one) runs on its own thread alone.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// What a participant runs: the region, as participant `id` (the starter is 0).
pub(crate) trait Work: Sync {
    fn run(&self, id: usize);
    /// Participants the region wants, the starter included.
    fn participants(&self) -> usize;
}

/// How long an idle worker keeps checking for the next region before parking.
const SPIN_ROUNDS: u32 = 1 << 16;

struct Team {
    pid: u32,
    /// Bumped for every region handed to the workers.
    generation: AtomicU64,
    /// The region being run (a `&dyn Work` behind a box pointer), or null.
    job: AtomicPtr<&'static dyn Work>,
    /// Workers that may be looking at `job`: the starter waits for none before returning.
    inside: AtomicUsize,
    /// Taken by the thread whose region uses the team.
    busy: AtomicBool,
    sleeping: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

static TEAM: AtomicPtr<Team> = AtomicPtr::new(std::ptr::null_mut());

/// This process's team of `workers` threads, built on first use (and again in a forked
/// child, whose parent's threads do not exist). Lock-free, so a lock held by another
/// thread at `fork()` cannot deadlock the child.
fn team(workers: usize) -> Option<&'static Team> {
    let pid = std::process::id();
    loop {
        let cur = TEAM.load(Ordering::Acquire);
        // SAFETY: teams are leaked, never freed, so a loaded pointer stays valid.
        if let Some(t) = unsafe { cur.as_ref() } {
            if t.pid == pid {
                return Some(t);
            }
        }
        let fresh: &'static Team = Box::leak(Box::new(Team {
            pid,
            generation: AtomicU64::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            inside: AtomicUsize::new(0),
            busy: AtomicBool::new(false),
            sleeping: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }));
        let ptr = fresh as *const Team as *mut Team;
        if TEAM.compare_exchange(cur, ptr, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            for k in 0..workers {
                let spawned = std::thread::Builder::new().name(format!("rumbo-worker-{k}")).spawn(move || fresh.serve(k + 1));
                if spawned.is_err() {
                    return None;
                }
            }
        }
        // Else another thread installed a team first; ours never started a thread (leaked).
    }
}

impl Team {
    fn serve(&'static self, id: usize) {
        let mut seen = self.generation.load(Ordering::Acquire);
        loop {
            let mut spins = 0;
            while self.generation.load(Ordering::Acquire) == seen {
                if spins < SPIN_ROUNDS {
                    std::hint::spin_loop();
                    spins += 1;
                    continue;
                }
                let mut guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
                self.sleeping.fetch_add(1, Ordering::SeqCst);
                while self.generation.load(Ordering::SeqCst) == seen {
                    guard = self.wake.wait(guard).unwrap_or_else(|p| p.into_inner());
                }
                self.sleeping.fetch_sub(1, Ordering::SeqCst);
            }
            seen = self.generation.load(Ordering::Acquire);
            self.inside.fetch_add(1, Ordering::SeqCst);
            let job = self.job.load(Ordering::SeqCst);
            // SAFETY: a non-null job stays alive until `inside` drops back to 0 (`run`).
            if let Some(work) = unsafe { job.as_ref() } {
                if id < work.participants() {
                    work.run(id);
                }
            }
            self.inside.fetch_sub(1, Ordering::Release);
        }
    }
}

/// Runs `work` on this thread (as participant 0) and, when the team is free, on up to
/// `participants() - 1` workers; returns once every participant is done with it.
pub(crate) fn run(work: &dyn Work, max_threads: usize) {
    let wanted = work.participants();
    let team = match wanted > 1 && max_threads > 1 {
        true => team(max_threads - 1),
        false => None,
    };
    let Some(team) = team.filter(|t| t.busy.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok()) else {
        work.run(0);
        return;
    };
    // SAFETY: the reference outlives every use: `job` is cleared and `inside` drained below
    // before this function returns (the 'static is what the slot's type needs).
    let erased: &'static dyn Work = unsafe { std::mem::transmute::<&dyn Work, &'static dyn Work>(work) };
    let slot = Box::into_raw(Box::new(erased));
    team.job.store(slot, Ordering::SeqCst);
    team.generation.fetch_add(1, Ordering::SeqCst);
    if team.sleeping.load(Ordering::SeqCst) > 0 {
        let _guard = team.lock.lock().unwrap_or_else(|p| p.into_inner());
        team.wake.notify_all();
    }
    work.run(0);
    team.job.store(std::ptr::null_mut(), Ordering::SeqCst);
    let mut spins = 0u32;
    while team.inside.load(Ordering::SeqCst) != 0 {
        if spins < 1 << 14 {
            std::hint::spin_loop();
            spins += 1;
        } else {
            std::thread::yield_now();
        }
    }
    // SAFETY: no worker holds the slot any more (`inside` is 0 and `job` is null).
    drop(unsafe { Box::from_raw(slot) });
    team.busy.store(false, Ordering::Release);
}
