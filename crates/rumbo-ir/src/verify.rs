//! The IR verifier. It checks, for every block reachable from the entry:
//! - each instruction value is listed in exactly one block, once;
//! - every jump passes as many arguments as its target block has parameters;
//! - every block parameter records its own block and index;
//! - every operand is defined: a parameter of a dominating block, or an
//!   instruction earlier in the same block or in a dominating block;
//! - the entry block has one parameter per function argument and no predecessors.

use crate::data::*;
use std::collections::HashMap;

/// Immediate dominators of the blocks in `rpo` (the function's reverse post-order from the
/// entry); the entry is its own.
pub fn dominators(func: &Function, rpo: &[Block]) -> HashMap<Block, Block> {
    let preds = func.predecessors();
    let order: HashMap<Block, usize> = rpo.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let mut idom: HashMap<Block, Block> = HashMap::new();
    idom.insert(Function::ENTRY, Function::ENTRY);
    let intersect = |idom: &HashMap<Block, Block>, mut a: Block, mut b: Block| {
        while a != b {
            while order[&a] > order[&b] {
                a = idom[&a];
            }
            while order[&b] > order[&a] {
                b = idom[&b];
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new: Option<Block> = None;
            for &p in &preds[b.index()] {
                if !idom.contains_key(&p) {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(n) => intersect(&idom, p, n),
                });
            }
            if let Some(n) = new {
                if idom.get(&b) != Some(&n) {
                    idom.insert(b, n);
                    changed = true;
                }
            }
        }
    }
    idom
}

/// Returns every violated invariant, one message each (empty when the IR is valid).
pub fn verify_function(func: &Function) -> Vec<String> {
    let mut errors = vec![];
    let rpo = func.reverse_postorder();
    let idom = dominators(func, &rpo);
    let dominates = |a: Block, mut b: Block| loop {
        if a == b {
            return true;
        }
        let up = idom[&b];
        if up == b {
            return false;
        }
        b = up;
    };
    if func.block(Function::ENTRY).params.len() != func.param_names.len() {
        errors.push("entry block parameters do not match the function's arguments".into());
    }
    if !func.predecessors()[0].is_empty() {
        errors.push("entry block has predecessors".into());
    }
    // Where each value is defined: (block, position; params at -1).
    let mut def_at: HashMap<Value, (Block, i64)> = HashMap::new();
    for b in func.block_ids() {
        let data = func.block(b);
        for (i, p) in data.params.iter().enumerate() {
            if func.value(*p).kind != (ValueKind::Param { block: b, index: i }) {
                errors.push(format!("v{} is listed as parameter {i} of b{} but says otherwise", p.0, b.0));
            }
            def_at.insert(*p, (b, -1));
        }
        for (i, v) in data.insts.iter().enumerate() {
            if def_at.insert(*v, (b, i as i64)).is_some() {
                errors.push(format!("v{} is defined twice", v.0));
            }
            if func.inst(*v).is_none() {
                errors.push(format!("v{} is listed as an instruction of b{} but is a parameter", v.0, b.0));
            }
        }
    }
    for &b in &rpo {
        let data = func.block(b);
        let check = |v: Value, pos: i64, errors: &mut Vec<String>| match def_at.get(&v) {
            None => errors.push(format!("v{} is used in b{} but never defined", v.0, b.0)),
            Some(&(db, dpos)) => {
                let ok = if db == b { dpos < pos } else { idom.contains_key(&db) && dominates(db, b) };
                if !ok {
                    errors.push(format!("v{} is used in b{} where its definition does not dominate", v.0, b.0));
                }
            }
        };
        for (i, v) in data.insts.iter().enumerate() {
            if let Some(inst) = func.inst(*v) {
                for op in inst.operands() {
                    check(op, i as i64, &mut errors);
                }
            }
        }
        let end = data.insts.len() as i64;
        for op in data.term.operands() {
            check(op, end, &mut errors);
        }
        for c in data.term.successors() {
            if c.block.index() >= func.blocks.len() {
                errors.push(format!("b{} jumps to missing block b{}", b.0, c.block.0));
            } else if c.args.len() != func.block(c.block).params.len() {
                errors.push(format!(
                    "b{} passes {} arguments to b{}, which has {} parameters",
                    b.0,
                    c.args.len(),
                    c.block.0,
                    func.block(c.block).params.len()
                ));
            }
        }
    }
    errors
}
