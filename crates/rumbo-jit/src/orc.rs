//! Thin, safe-to-call wrappers over the ORC LLJIT C API (inkwell 0.11 has no LLJIT binding).
//!
//! Everything here is crate-private. The owner (`JitSession`) keeps the [`Lljit`] behind a
//! `Mutex`, so no two threads ever call into the same LLJIT instance at once.

use std::ffi::{c_char, c_void, CStr, CString};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr;
use std::sync::Mutex;

use inkwell::context::Context;
use llvm_sys::core::LLVMCreateMemoryBufferWithMemoryRangeCopy;
use llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use llvm_sys::orc2::lljit::{
    LLVMOrcCreateLLJIT, LLVMOrcCreateLLJITBuilder, LLVMOrcLLJITAddObjectFile, LLVMOrcDisposeLLJIT,
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder,
    LLVMOrcLLJITGetDataLayoutStr, LLVMOrcLLJITGetExecutionSession, LLVMOrcLLJITGetGlobalPrefix,
    LLVMOrcLLJITGetMainJITDylib, LLVMOrcLLJITGetTripleString, LLVMOrcLLJITLookup,
    LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
};
use llvm_sys::orc2::{
    LLVMJITEvaluatedSymbol, LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcAbsoluteSymbols,
    LLVMOrcCSymbolMapPair, LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess,
    LLVMOrcCreateNewThreadSafeContext,
    LLVMOrcDisposeMaterializationUnit, LLVMOrcDisposeThreadSafeContext,
    LLVMOrcExecutionSessionSetErrorReporter, LLVMOrcExecutorAddress, LLVMOrcJITDylibAddGenerator,
    LLVMOrcJITDylibDefine, LLVMOrcJITTargetMachineBuilderDetectHost,
    LLVMOrcThreadSafeContextGetContext, LLVMOrcThreadSafeContextRef,
};

/// Turns an `LLVMErrorRef` into `Ok(())` (null) or its message, consuming the error.
pub(crate) fn take_error(err: LLVMErrorRef) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: `err` is a non-null error just returned by LLVM and owned by us; GetErrorMessage consumes it.
    let raw = unsafe { LLVMGetErrorMessage(err) };
    // SAFETY: LLVM returns a valid NUL-terminated string that stays alive until we dispose it below.
    let message = unsafe { CStr::from_ptr(raw) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: `raw` came from LLVMGetErrorMessage and is disposed exactly once.
    unsafe { LLVMDisposeErrorMessage(raw) };
    Err(message)
}

/// Messages that ORC could not hand to a caller (e.g. which symbol the JIT linker could not
/// resolve); lookups append them to their own, less specific, error.
static REPORTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
const MAX_REPORTED: usize = 16;

extern "C" fn report_error(_ctx: *mut c_void, err: LLVMErrorRef) {
    if let Err(message) = take_error(err) {
        let mut reported = REPORTED.lock().unwrap_or_else(|e| e.into_inner());
        if reported.len() >= MAX_REPORTED {
            reported.remove(0);
        }
        reported.push(message);
    }
}

fn drain_reported() -> Vec<String> {
    std::mem::take(&mut *REPORTED.lock().unwrap_or_else(|e| e.into_inner()))
}

/// An `LLVMOrcThreadSafeContext` we hold one reference to (released on drop). Modules handed
/// to the JIT keep their own reference.
pub(crate) struct ThreadSafeContext(LLVMOrcThreadSafeContextRef);

impl ThreadSafeContext {
    pub(crate) fn new() -> Self {
        // SAFETY: plain constructor without preconditions; the result is owned by the new value.
        ThreadSafeContext(unsafe { LLVMOrcCreateNewThreadSafeContext() })
    }

    /// The LLVM context inside, as a non-owning inkwell `Context` that cannot outlive `self`.
    pub(crate) fn context(&self) -> BorrowedContext<'_> {
        // SAFETY: the context is owned by the ThreadSafeContext, which the returned value borrows;
        // ManuallyDrop keeps inkwell from disposing a context it does not own.
        let ctx = unsafe { Context::new(LLVMOrcThreadSafeContextGetContext(self.0)) };
        BorrowedContext {
            ctx: ManuallyDrop::new(ctx),
            _tsc: PhantomData,
        }
    }
}

impl Drop for ThreadSafeContext {
    fn drop(&mut self) {
        // SAFETY: we own exactly one reference, released once; modules still using the context
        // (inkwell `Module`s borrow the `BorrowedContext`, which borrows `self`) are gone by now.
        unsafe { LLVMOrcDisposeThreadSafeContext(self.0) };
    }
}

/// Non-owning view of a [`ThreadSafeContext`]'s LLVM context.
pub(crate) struct BorrowedContext<'tsc> {
    ctx: ManuallyDrop<Context>,
    _tsc: PhantomData<&'tsc ThreadSafeContext>,
}

impl Deref for BorrowedContext<'_> {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.ctx
    }
}

/// One ORC LLJIT instance for the host, with a process symbol search generator on its main
/// JITDylib. Never disposed (no `Drop`): it lives in a process-wide static, and addresses handed
/// out by [`Lljit::lookup`] must stay callable for the life of the process.
pub(crate) struct Lljit {
    jit: LLVMOrcLLJITRef,
}

impl Lljit {
    /// Creates the LLJIT. The native target must already be initialised.
    pub(crate) fn new() -> Result<Self, String> {
        let mut jtmb = ptr::null_mut();
        // SAFETY: out-pointer to a local; on success we own the builder and pass it on below.
        take_error(unsafe { LLVMOrcJITTargetMachineBuilderDetectHost(&mut jtmb) })?;
        // SAFETY: constructor without preconditions; ownership passes to LLVMOrcCreateLLJIT.
        let builder = unsafe { LLVMOrcCreateLLJITBuilder() };
        // SAFETY: both handles are valid and owned by us; the builder takes ownership of `jtmb`.
        unsafe { LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb) };
        let mut jit = ptr::null_mut();
        // SAFETY: CreateLLJIT consumes `builder` whether or not it succeeds.
        let created = take_error(unsafe { LLVMOrcCreateLLJIT(&mut jit, builder) });
        if let Err(message) = created {
            return Err(format!("creating the ORC LLJIT failed: {message}"));
        }
        // SAFETY: `jit` is a live LLJIT; the ExecutionSession it returns lives as long as it.
        let session = unsafe { LLVMOrcLLJITGetExecutionSession(jit) };
        // SAFETY: `report_error` is a plain function that consumes each error; no context pointer is used.
        unsafe { LLVMOrcExecutionSessionSetErrorReporter(session, report_error, ptr::null_mut()) };
        let mut generator = ptr::null_mut();
        // SAFETY: `jit` is live; a null filter means "every symbol of the process"; out-pointer to a local.
        let made = take_error(unsafe {
            LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
                &mut generator,
                LLVMOrcLLJITGetGlobalPrefix(jit),
                None,
                ptr::null_mut(),
            )
        });
        if let Err(message) = made {
            // SAFETY: nothing has been compiled or handed out yet, so the instance can go.
            unsafe { LLVMOrcDisposeLLJIT(jit) };
            return Err(format!(
                "creating the process symbol generator failed: {message}"
            ));
        }
        // SAFETY: the JITDylib takes ownership of the freshly created generator.
        unsafe { LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(jit), generator) };
        Ok(Lljit { jit })
    }

    /// Target triple the JIT compiles for.
    pub(crate) fn triple(&self) -> String {
        // SAFETY: the string is owned by the live LLJIT and NUL-terminated; we copy it at once.
        unsafe { CStr::from_ptr(LLVMOrcLLJITGetTripleString(self.jit)) }
            .to_string_lossy()
            .into_owned()
    }

    /// Data layout the JIT expects of added modules.
    pub(crate) fn data_layout(&self) -> String {
        // SAFETY: as for `triple`.
        unsafe { CStr::from_ptr(LLVMOrcLLJITGetDataLayoutStr(self.jit)) }
            .to_string_lossy()
            .into_owned()
    }

    /// Defines absolute symbols (name → address) in the main JITDylib, all or none.
    pub(crate) fn define_absolute(&mut self, symbols: &[(&str, usize)]) -> Result<(), String> {
        if symbols.is_empty() {
            return Ok(());
        }
        let mut names = Vec::with_capacity(symbols.len());
        for (name, _) in symbols {
            names.push(
                CString::new(*name)
                    .map_err(|_| format!("symbol name {name:?} contains a NUL byte"))?,
            );
        }
        let flags = LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
            | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8;
        let mut pairs: Vec<LLVMOrcCSymbolMapPair> = names
            .iter()
            .zip(symbols)
            .map(|(cname, (_, address))| LLVMOrcCSymbolMapPair {
                // SAFETY: live LLJIT and a NUL-terminated name; the returned entry is retained for us
                // and its ownership passes to LLVMOrcAbsoluteSymbols below.
                Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, cname.as_ptr()) },
                Sym: LLVMJITEvaluatedSymbol {
                    Address: *address as LLVMOrcExecutorAddress,
                    Flags: LLVMJITSymbolFlags {
                        GenericFlags: flags,
                        TargetFlags: 0,
                    },
                },
            })
            .collect();
        // SAFETY: `pairs` is a valid array of `len` elements; the call takes the name entries and
        // copies the rest, we keep (and later free) the array itself.
        let unit = unsafe { LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len()) };
        // SAFETY: live LLJIT; on success the JITDylib owns `unit`.
        let defined = take_error(unsafe {
            LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(self.jit), unit)
        });
        if defined.is_err() {
            // SAFETY: on failure ownership of `unit` stays with us; it is disposed exactly once.
            unsafe { LLVMOrcDisposeMaterializationUnit(unit) };
        }
        defined
    }

    /// Hands a relocatable object file (a copy of `object`) to the main JITDylib. Its symbols
    /// are defined now, linked on the first lookup of one of them.
    pub(crate) fn add_object(&mut self, object: &[u8]) -> Result<(), String> {
        // SAFETY: the range is valid for the call; LLVM copies it into a buffer it owns.
        let buffer = unsafe {
            LLVMCreateMemoryBufferWithMemoryRangeCopy(
                object.as_ptr() as *const c_char,
                object.len(),
                c"rumbo-object".as_ptr(),
            )
        };
        // SAFETY: live LLJIT and main JITDylib; AddObjectFile takes ownership of the buffer even
        // on failure.
        take_error(unsafe {
            LLVMOrcLLJITAddObjectFile(self.jit, LLVMOrcLLJITGetMainJITDylib(self.jit), buffer)
        })
    }

    /// Address of `name` in the main JITDylib, materializing (compiling) it if needed.
    pub(crate) fn lookup(&mut self, name: &str) -> Result<usize, String> {
        let cname = CString::new(name).map_err(|_| "the name contains a NUL byte".to_string())?;
        drop(drain_reported()); // forget failures that belong to nobody in particular
        let mut address: LLVMOrcExecutorAddress = 0;
        // SAFETY: live LLJIT, NUL-terminated name, out-pointer to a local.
        let found =
            take_error(unsafe { LLVMOrcLLJITLookup(self.jit, &mut address, cname.as_ptr()) });
        match found {
            Ok(()) => Ok(address as usize),
            Err(message) => {
                let reported = drain_reported();
                if reported.is_empty() {
                    Err(message)
                } else {
                    Err(format!("{message} ({})", reported.join("; ")))
                }
            }
        }
    }
}
