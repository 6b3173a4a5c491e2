//! Line-table debug info for modules built without any, so that optimization remarks and the
//! assembly's `.loc` directives name source lines.
//!
//! Codegen does not emit debug locations yet. What it does keep is the rumbo IR block of each
//! LLVM block (blocks are named `b<N>`), so [`attach`] gives every instruction the line of its
//! block (blocks codegen adds inside an IR block inherit their predecessor's line) and marks each
//! loop with an `llvm.loop` ID holding the loop's line, which LLVM uses as the location of the
//! loop's remarks. Only [`JitSession::render`](crate::JitSession::render) does this; modules
//! given to the JIT stay as built.

use std::collections::HashMap;
use std::ffi::CString;
use std::path::Path;
use std::ptr;

use llvm_sys::core::{
    LLVMAddModuleFlag, LLVMConstInt, LLVMCountBasicBlocks, LLVMGetBasicBlockName,
    LLVMGetBasicBlockTerminator, LLVMGetFirstBasicBlock, LLVMGetFirstFunction,
    LLVMGetFirstInstruction, LLVMGetMDKindIDInContext, LLVMGetMetadata, LLVMGetModuleContext,
    LLVMGetNextBasicBlock, LLVMGetNextFunction, LLVMGetNextInstruction, LLVMGetNumSuccessors,
    LLVMGetSuccessor, LLVMGetValueName2, LLVMInt32TypeInContext, LLVMMDNodeInContext2,
    LLVMMetadataAsValue, LLVMSetMetadata, LLVMValueAsMetadata,
};
use llvm_sys::debuginfo::{
    LLVMCreateDIBuilder, LLVMDIBuilderCreateCompileUnit, LLVMDIBuilderCreateDebugLocation,
    LLVMDIBuilderCreateFile, LLVMDIBuilderCreateFunction, LLVMDIBuilderCreateSubroutineType,
    LLVMDIBuilderFinalize, LLVMDIFlags, LLVMDWARFEmissionKind, LLVMDWARFSourceLanguage,
    LLVMDisposeDIBuilder, LLVMInstructionSetDebugLoc, LLVMMetadataReplaceAllUsesWith,
    LLVMSetSubprogram, LLVMTemporaryMDNode,
};
use llvm_sys::prelude::{LLVMBasicBlockRef, LLVMContextRef, LLVMMetadataRef, LLVMModuleRef, LLVMValueRef};
use llvm_sys::LLVMModuleFlagBehavior;

/// Where the code of a module comes from, for [`JitSession::render`](crate::JitSession::render).
#[derive(Clone, Debug, Default)]
pub struct SourceLines {
    /// The source file (shown in remarks and `.file` directives).
    pub file: String,
    /// The line of the function's `def`: the line of code not placed anywhere else.
    pub first_line: u32,
    /// The LLVM function whose blocks are named after rumbo IR blocks.
    pub function: String,
    /// Block name (`b3`) → the source line of that block's code.
    pub blocks: HashMap<String, u32>,
    /// Loop header block name → the line of the loop (its `for` or `while`).
    pub loops: HashMap<String, u32>,
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

/// Reads a value's or block's name.
unsafe fn value_name(v: LLVMValueRef) -> String {
    let mut len = 0usize;
    // SAFETY: `v` is live (caller); LLVM returns a pointer to `len` bytes it owns.
    let p = unsafe { LLVMGetValueName2(v, &mut len) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: as above.
    let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    String::from_utf8_lossy(bytes).into_owned()
}

unsafe fn block_name(b: LLVMBasicBlockRef) -> String {
    // SAFETY: `b` is live (caller); the name is NUL-terminated and owned by LLVM.
    let p = unsafe { LLVMGetBasicBlockName(b) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: as above.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The blocks of `f` in layout order, and each block's successors (indices into that order).
unsafe fn cfg(f: LLVMValueRef) -> (Vec<LLVMBasicBlockRef>, Vec<Vec<usize>>) {
    let mut blocks = vec![];
    // SAFETY: walking the block list of a live function.
    let mut b = unsafe { LLVMGetFirstBasicBlock(f) };
    while !b.is_null() {
        blocks.push(b);
        // SAFETY: `b` is a live block.
        b = unsafe { LLVMGetNextBasicBlock(b) };
    }
    let index: HashMap<LLVMBasicBlockRef, usize> =
        blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let succs = blocks
        .iter()
        .map(|&b| {
            // SAFETY: `b` is live; a verified module's blocks all end in a terminator.
            let term = unsafe { LLVMGetBasicBlockTerminator(b) };
            if term.is_null() {
                return vec![];
            }
            // SAFETY: `term` is a live terminator.
            let n = unsafe { LLVMGetNumSuccessors(term) };
            // SAFETY: `i < n`.
            (0..n)
                .filter_map(|i| index.get(&unsafe { LLVMGetSuccessor(term, i) }).copied())
                .collect()
        })
        .collect();
    (blocks, succs)
}

/// The line of each block: named blocks from `lines.blocks`, others inherit from a
/// predecessor (codegen splits IR blocks at checks and calls), the rest get `first_line`.
fn block_lines(names: &[String], succs: &[Vec<usize>], lines: &SourceLines) -> Vec<u32> {
    let mut line: Vec<Option<u32>> = names.iter().map(|n| lines.blocks.get(n).copied()).collect();
    let fixed: Vec<bool> = line.iter().map(Option::is_some).collect();
    loop {
        let mut changed = false;
        for b in 0..names.len() {
            let Some(l) = line[b] else { continue };
            for &s in &succs[b] {
                if !fixed[s] && line[s].is_none() {
                    line[s] = Some(l);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    line.into_iter().map(|l| l.unwrap_or(lines.first_line)).collect()
}

/// Back edges `(from, header)` found by a depth-first walk from the entry block.
fn back_edges(succs: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let n = succs.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut out = vec![];
    if n == 0 {
        return out;
    }
    let mut stack = vec![(0usize, 0usize)];
    state[0] = 1;
    while let Some(&mut (b, ref mut i)) = stack.last_mut() {
        if *i < succs[b].len() {
            let s = succs[b][*i];
            *i += 1;
            match state[s] {
                0 => {
                    state[s] = 1;
                    stack.push((s, 0));
                }
                1 => out.push((b, s)),
                _ => {}
            }
        } else {
            state[b] = 2;
            stack.pop();
        }
    }
    out
}

/// Gives every instruction of every defined function of `module` a source location (see the
/// module documentation) and each loop of `lines.function` an `llvm.loop` ID with its line.
///
/// # Safety
/// `module` must be a live, verified module without debug info, not used concurrently.
pub(crate) unsafe fn attach(module: LLVMModuleRef, lines: &SourceLines) {
    // SAFETY (whole function): every handle used comes from the live `module`, its context, or
    // the DIBuilder created on it and disposed at the end.
    unsafe {
        let ctx: LLVMContextRef = LLVMGetModuleContext(module);
        let dib = LLVMCreateDIBuilder(module);
        let path = Path::new(&lines.file);
        let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = path.parent().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file = LLVMDIBuilderCreateFile(dib, name.as_ptr().cast(), name.len(), dir.as_ptr().cast(), dir.len());
        let producer = "rumbo";
        LLVMDIBuilderCreateCompileUnit(
            dib,
            LLVMDWARFSourceLanguage::LLVMDWARFSourceLanguagePython,
            file,
            producer.as_ptr().cast(),
            producer.len(),
            1,
            ptr::null(),
            0,
            0,
            ptr::null(),
            0,
            LLVMDWARFEmissionKind::LLVMDWARFEmissionKindLineTablesOnly,
            0,
            0,
            0,
            ptr::null(),
            0,
            ptr::null(),
            0,
        );
        let fn_type = LLVMDIBuilderCreateSubroutineType(dib, file, ptr::null_mut(), 0, 0 as LLVMDIFlags);
        let loop_kind = LLVMGetMDKindIDInContext(ctx, c"llvm.loop".as_ptr(), "llvm.loop".len() as u32);

        let mut f = LLVMGetFirstFunction(module);
        while !f.is_null() {
            if LLVMCountBasicBlocks(f) > 0 {
                let fname = value_name(f);
                let sp = LLVMDIBuilderCreateFunction(
                    dib,
                    file,
                    fname.as_ptr().cast(),
                    fname.len(),
                    fname.as_ptr().cast(),
                    fname.len(),
                    file,
                    lines.first_line,
                    fn_type,
                    0,
                    1,
                    lines.first_line,
                    0 as LLVMDIFlags,
                    1,
                );
                LLVMSetSubprogram(f, sp);
                let mut locs: HashMap<u32, LLVMMetadataRef> = HashMap::new();
                let mut loc = |line: u32| {
                    *locs
                        .entry(line)
                        .or_insert_with(|| LLVMDIBuilderCreateDebugLocation(ctx, line, 0, sp, ptr::null_mut()))
                };
                let (blocks, succs) = cfg(f);
                let names: Vec<String> = blocks.iter().map(|&b| block_name(b)).collect();
                let per_block = if fname == lines.function {
                    block_lines(&names, &succs, lines)
                } else {
                    vec![lines.first_line; blocks.len()]
                };
                for (&b, &line) in blocks.iter().zip(&per_block) {
                    let l = loc(line);
                    let mut inst = LLVMGetFirstInstruction(b);
                    while !inst.is_null() {
                        LLVMInstructionSetDebugLoc(inst, l);
                        inst = LLVMGetNextInstruction(inst);
                    }
                }
                if fname == lines.function {
                    let mut ids: HashMap<usize, LLVMValueRef> = HashMap::new();
                    for (from, header) in back_edges(&succs) {
                        let Some(&line) = lines.loops.get(&names[header]) else { continue };
                        let term = LLVMGetBasicBlockTerminator(blocks[from]);
                        if term.is_null() || !LLVMGetMetadata(term, loop_kind).is_null() {
                            continue;
                        }
                        let id = *ids.entry(header).or_insert_with(|| {
                            // A self-referential node (`distinct !{!self, !DILocation}`): LLVM
                            // takes the loop's location from it.
                            let tmp = LLVMTemporaryMDNode(ctx, ptr::null_mut(), 0);
                            let mut ops = [tmp, loc(line)];
                            let node = LLVMMDNodeInContext2(ctx, ops.as_mut_ptr(), ops.len());
                            LLVMMetadataReplaceAllUsesWith(tmp, node);
                            LLVMMetadataAsValue(ctx, node)
                        });
                        LLVMSetMetadata(term, loop_kind, id);
                    }
                }
            }
            f = LLVMGetNextFunction(f);
        }
        LLVMDIBuilderFinalize(dib);
        LLVMDisposeDIBuilder(dib);
        let version = LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(ctx), 3, 0));
        let key = c_string("Debug Info Version");
        LLVMAddModuleFlag(
            module,
            LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorWarning,
            key.as_ptr(),
            key.as_bytes().len(),
            version,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_blocks_inherit_their_predecessors_line() {
        let names: Vec<String> = ["entry", "b0", "ok", "b1", "raise"].iter().map(|s| s.to_string()).collect();
        let succs = vec![vec![1], vec![2, 4], vec![3], vec![], vec![]];
        let lines = SourceLines {
            first_line: 1,
            blocks: [("b0".to_string(), 3), ("b1".to_string(), 7)].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(block_lines(&names, &succs, &lines), vec![1, 3, 3, 7, 3]);
    }

    #[test]
    fn back_edges_of_nested_loops() {
        // 0 -> 1 (outer header) -> 2 (inner header) -> 3 -> 2, 2 -> 4 -> 1, 1 -> 5
        let succs = vec![vec![1], vec![2, 5], vec![3, 4], vec![2], vec![1], vec![]];
        let mut e = back_edges(&succs);
        e.sort();
        assert_eq!(e, vec![(3, 2), (4, 1)]);
    }
}
