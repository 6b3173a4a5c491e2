//! Liveness of SSA values per block (backward dataflow). A block's parameters
//! are defined at its start; the arguments a terminator passes are used there.

use crate::data::*;
use std::collections::HashSet;

/// Live-in and live-out sets of every block, indexed by block number.
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    pub live_in: Vec<HashSet<Value>>,
    pub live_out: Vec<HashSet<Value>>,
}

/// Computes liveness over the edges `successors` allows (e.g. only the live
/// side of a branch on a constant); blocks never reached have empty sets.
pub fn liveness(func: &Function, successors: &dyn Fn(Block) -> Vec<Block>) -> Liveness {
    let n = func.blocks.len();
    let mut live_in: Vec<HashSet<Value>> = vec![HashSet::new(); n];
    let mut live_out: Vec<HashSet<Value>> = vec![HashSet::new(); n];
    // uses before definition, and definitions, of each block
    let mut uses: Vec<HashSet<Value>> = vec![HashSet::new(); n];
    let mut defs: Vec<HashSet<Value>> = vec![HashSet::new(); n];
    for b in func.block_ids() {
        let data = func.block(b);
        let (u, d) = (&mut uses[b.index()], &mut defs[b.index()]);
        d.extend(data.params.iter().copied());
        for &v in &data.insts {
            if let Some(inst) = func.inst(v) {
                for op in inst.operands() {
                    if !d.contains(&op) {
                        u.insert(op);
                    }
                }
            }
            d.insert(v);
        }
        for op in data.term.operands() {
            if !d.contains(&op) {
                u.insert(op);
            }
        }
    }
    let order = func.reverse_postorder();
    let mut changed = true;
    while changed {
        changed = false;
        for &b in order.iter().rev() {
            let mut out = HashSet::new();
            for s in successors(b) {
                out.extend(live_in[s.index()].iter().copied());
            }
            // Parameters of a successor are defined on the edge, not live out of b.
            for s in successors(b) {
                for p in &func.block(s).params {
                    out.remove(p);
                }
            }
            let mut inn: HashSet<Value> = uses[b.index()].clone();
            inn.extend(out.iter().filter(|v| !defs[b.index()].contains(v)).copied());
            if inn != live_in[b.index()] || out != live_out[b.index()] {
                live_in[b.index()] = inn;
                live_out[b.index()] = out;
                changed = true;
            }
        }
    }
    Liveness { live_in, live_out }
}
