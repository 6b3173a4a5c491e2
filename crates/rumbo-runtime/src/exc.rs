//! Exception records: what compiled code stores at `*exc` before returning 1.

/// `{ u32 class_id, u32 has_message, ptr message, u64 message_len }`, the layout
/// codegen emits for its own records.
#[repr(C)]
pub struct ExcRecord {
    pub class_id: u32,
    pub has_message: u32,
    pub message: *const u8,
    pub message_len: u64,
}

// SAFETY: records are immutable and point at 'static string data.
unsafe impl Sync for ExcRecord {}

impl ExcRecord {
    pub const fn new(class_id: u32, message: &'static str) -> Self {
        ExcRecord { class_id, has_message: 1, message: message.as_ptr(), message_len: message.len() as u64 }
    }
}

// Class ids of rumbo_types::BuiltinExc (kept in step; this crate has no deps).
pub(crate) const VALUE_ERROR: u32 = 2;
pub(crate) const OVERFLOW_ERROR: u32 = 1;
pub(crate) const ZERO_DIVISION_ERROR: u32 = 0;

/// Stores `rec` as the pending exception and returns the failure status.
///
/// # Safety
/// `exc` must be the exception slot compiled code passed in.
pub(crate) unsafe fn raise(exc: *mut *const ExcRecord, rec: &'static ExcRecord) -> i32 {
    *exc = rec as *const ExcRecord;
    1
}
