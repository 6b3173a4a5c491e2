//! Diagnostics as data, rendered rustc-style: message, location, the source line
//! with a caret under the culprit, notes on the types involved, and a hint.

use crate::Span;
use std::fmt::Write;

/// Which Python exception a diagnostic becomes (`rumbo.errors.<name>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Types that do not fit (`TypingError`).
    Typing,
    /// A construct rumbo does not compile (`UnsupportedError`).
    Unsupported,
}

impl ErrorKind {
    pub fn python_name(self) -> &'static str {
        match self {
            ErrorKind::Typing => "TypingError",
            ErrorKind::Unsupported => "UnsupportedError",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
    /// Short facts, e.g. "`x` is int64"; one line each.
    pub notes: Vec<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn typing(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { kind: ErrorKind::Typing, message: message.into(), span, notes: vec![], hint: None }
    }

    pub fn unsupported(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { kind: ErrorKind::Unsupported, message: message.into(), span, notes: vec![], hint: None }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the diagnostic against the file it points into. Kept short on
    /// purpose: the user's line is the fourth line of the text.
    pub fn render(&self, source: &SourceFile) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.message);
        let _ = writeln!(out, " --> {}:{}:{}", source.filename, self.span.line, self.span.col + 1);
        let text = source.line(self.span.line);
        let num = self.span.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, "{pad} |");
        match text {
            Some(text) => {
                let _ = writeln!(out, "{num} | {}", text.trim_end());
                let start = (self.span.col as usize).min(text.len());
                let end = if self.span.end_line == self.span.line && self.span.end_col > self.span.col {
                    (self.span.end_col as usize).min(text.trim_end().len().max(start + 1))
                } else {
                    text.trim_end().len().max(start + 1)
                };
                let lead: String = text[..start].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat((end - start).max(1)));
            }
            None => {
                let _ = writeln!(out, "{pad} | (source not available)");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} = note: {note}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{pad} = help: {hint}");
        }
        out.truncate(out.trim_end().len());
        out
    }
}

/// The file a function came from, for rendering diagnostics.
#[derive(Clone, Debug, Default)]
pub struct SourceFile {
    pub filename: String,
    /// Line `first_line` of the file is `lines[0]`.
    pub first_line: u32,
    pub lines: Vec<String>,
}

impl SourceFile {
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = line.checked_sub(self.first_line)? as usize;
        self.lines.get(idx).map(|s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let src = SourceFile {
            filename: "demo.py".into(),
            first_line: 3,
            lines: vec!["def f(x):".into(), "    return \"a\" + x".into()],
        };
        let span = Span { line: 4, col: 11, end_line: 4, end_col: 18 };
        let d = Diagnostic::typing(span, "cannot add `unicode_type` and `int64`")
            .with_note("`x` is int64")
            .with_hint("convert with str(x)");
        let text = d.render(&src);
        assert_eq!(
            text,
            "cannot add `unicode_type` and `int64`\n --> demo.py:4:12\n  |\n4 |     return \"a\" + x\n  |            ^^^^^^^\n  = note: `x` is int64\n  = help: convert with str(x)"
        );
        assert!(text.lines().count() <= 12);
    }
}
