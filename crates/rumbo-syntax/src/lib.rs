//! The syntax tree rumbo compiles: a plain-Rust mirror of the subset of CPython's
//! `ast` that a jitted function may use, with every node's span kept for errors.
//!
//! Architecture invariant: this crate knows nothing of types, IR or PyO3. The
//! `rumbo-python` crate builds these trees from CPython's `ast` module.

mod ast;
mod diagnostic;

pub use ast::*;
pub use diagnostic::{Diagnostic, ErrorKind, SourceFile};
