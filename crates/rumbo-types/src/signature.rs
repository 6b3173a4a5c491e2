//! Numba signature strings: `"float64(int32, float64[:, ::1])"`, `"(int64, int64)"`,
//! `"void(array(float64, 1d, C))"`.
//!
//! Numba evaluates a signature string as Python in the namespace of `numba.types`.
//! This module parses the same strings without Python: every name that
//! `numba.types` binds to a type rumbo supports (long names, NumPy short codes,
//! C names such as `intc`, the `np_`/`c_`/`py_` aliases), slicing a dtype to make
//! an array, the constructor forms `Array(float64, 2, 'C')`, `UniTuple(int64, 3)`,
//! `Tuple((int64, float64))`, and the printed forms Numba (and [`Type`]'s
//! `Display`) produce: `array(float64, 2d, C)`, `readonly array(...)`,
//! `UniTuple(int64 x 3)`, `Tuple(int64, float64)`. A parenthesised list of types
//! in type position is a tuple type. `(args) -> ret`, the shape of Numba's
//! printed signatures, is accepted too.
//!
//! Platform-sized names (`intp`, `intc`, `long_`, `size_t`...) take the size of
//! the machine the compiler runs on, as in Numba.

use std::ffi::{c_int, c_long, c_longlong, c_short, c_uint, c_ulong, c_ulonglong, c_ushort};
use std::fmt;
use std::mem::size_of;

use crate::ty::{Layout, Signature, Type, BOOL, C128, C64, F32, F64, I16, I32, I64, I8, U16, U32, U64, U8};

/// A signature string that does not parse: the byte offset of the bad token and what was expected.
///
/// `message`'s first line says what is wrong; further lines, when present, start
/// with `help: ` (for instance a "did you mean" for a misspelt type name).
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureError {
    pub offset: usize,
    pub message: String,
}

impl SignatureError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        SignatureError { offset, message: message.into() }
    }

    fn with_help(mut self, help: Option<String>) -> Self {
        if let Some(help) = help {
            self.message.push_str("\nhelp: ");
            self.message.push_str(&help);
        }
        self
    }

    /// The first line of the message: what is wrong.
    pub fn headline(&self) -> &str {
        self.message.lines().next().unwrap_or("")
    }

    /// The `help: ` text, when the error has one.
    pub fn help(&self) -> Option<&str> {
        self.message.lines().find_map(|l| l.strip_prefix("help: "))
    }

    /// Renders the message, the string, and a caret under offset, e.g.
    /// "bad signature: unknown type name 'flaot64'\n  flaot64(int32)\n  ^^^^^^^\n  help: did you mean 'float64'?"
    pub fn render(&self, text: &str) -> String {
        let offset = floor_char_boundary(text, self.offset);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        // Tabs and other control characters would shift the caret: show them as spaces.
        let shown: String = text[line_start..line_end].chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let column = text[line_start..offset].chars().count();
        let width = token_width(&text[offset..line_end]);
        let mut out =
            format!("bad signature: {}\n  {}\n  {}{}", self.headline(), shown, " ".repeat(column), "^".repeat(width));
        for line in self.message.lines().skip(1) {
            out.push_str("\n  ");
            out.push_str(line);
        }
        out
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad signature at offset {}: {}", self.offset, self.headline())?;
        if let Some(help) = self.help() {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SignatureError {}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How many columns of carets to put under the token starting `rest`.
fn token_width(rest: &str) -> usize {
    let mut chars = rest.chars();
    match chars.next() {
        None => 1,
        Some(c) if is_word_char(c) => rest.chars().take_while(|&c| is_word_char(c)).count(),
        Some(q @ ('\'' | '"')) => match chars.position(|c| c == q) {
            Some(i) => i + 2,
            None => rest.chars().count(),
        },
        Some('-') if rest.starts_with("->") => 2,
        Some(_) => 1,
    }
}

/// Parses a Numba signature string: `ret(args)`, `(args)` (no return type:
/// `ret` is `None`) or `(args) -> ret`. A return type of `none`/`void` gives
/// [`Type::Void`].
pub fn parse_signature(text: &str) -> Result<Signature, SignatureError> {
    let mut p = Parser::new(text)?;
    let sig = p.signature()?;
    p.expect_end("the end of the signature")?;
    Ok(sig)
}

/// Parses one type: `float64`, `f8[:, ::1]`, `array(float64, 2d, C)`,
/// `UniTuple(int64 x 3)`, `Tuple(int64, float64)`, `(int64, float64)`...
/// `none` and `void` give [`Type::NoneType`].
pub fn parse_type(text: &str) -> Result<Type, SignatureError> {
    let mut p = Parser::new(text)?;
    let ty = p.ty()?;
    if p.peek_is(Tok::Punct('(')) {
        return Err(p
            .error_here("expected the end of the type, found '('")
            .with_help(Some("this looks like a signature: use parse_signature".into())));
    }
    p.expect_end("the end of the type")?;
    Ok(ty)
}

// ---------------------------------------------------------------------------
// Names

const fn int(size_bytes: usize, signed: bool) -> Type {
    Type::Int { bits: (size_bytes * 8) as u8, signed }
}

const F16: Type = Type::Float { bits: 16 };
const INTP: Type = int(size_of::<isize>(), true);
const UINTP: Type = int(size_of::<usize>(), false);

/// Every name `numba.types` binds to a scalar type rumbo supports, canonical names
/// first (suggestions prefer earlier entries). Sizes of the C names come from
/// this machine, as Numba takes them from ctypes.
static SCALARS: &[(&str, Type)] = &[
    ("boolean", BOOL),
    ("int8", I8),
    ("int16", I16),
    ("int32", I32),
    ("int64", I64),
    ("uint8", U8),
    ("uint16", U16),
    ("uint32", U32),
    ("uint64", U64),
    ("float32", F32),
    ("float64", F64),
    ("complex64", C64),
    ("complex128", C128),
    // After float64 so that "float46" suggests float64.
    ("float16", F16),
    ("none", Type::NoneType),
    ("void", Type::NoneType),
    ("bool_", BOOL),
    ("bool", BOOL),
    ("intp", INTP),
    ("uintp", UINTP),
    ("b1", BOOL),
    ("i1", I8),
    ("i2", I16),
    ("i4", I32),
    ("i8", I64),
    ("u1", U8),
    ("u2", U16),
    ("u4", U32),
    ("u8", U64),
    ("f2", F16),
    ("f4", F32),
    ("f8", F64),
    ("c8", C64),
    ("c16", C128),
    ("double", F64),
    // C names, sized as on this machine.
    ("byte", U8),
    ("char", int(1, true)),
    ("uchar", int(1, false)),
    ("short", int(size_of::<c_short>(), true)),
    ("ushort", int(size_of::<c_ushort>(), false)),
    ("intc", int(size_of::<c_int>(), true)),
    ("uintc", int(size_of::<c_uint>(), false)),
    ("int_", INTP),
    ("uint", UINTP),
    ("long_", int(size_of::<c_long>(), true)),
    ("ulong", int(size_of::<c_ulong>(), false)),
    ("longlong", int(size_of::<c_longlong>(), true)),
    ("ulonglong", int(size_of::<c_ulonglong>(), false)),
    ("ssize_t", int(size_of::<isize>(), true)),
    ("size_t", int(size_of::<usize>(), false)),
    // numba.types' NumPy-, C- and Python-flavoured aliases.
    ("np_bool_", BOOL),
    ("c_bool", BOOL),
    ("py_bool", BOOL),
    ("np_int8", I8),
    ("np_int16", I16),
    ("np_int32", I32),
    ("np_int64", I64),
    ("np_intp", INTP),
    ("np_uint8", U8),
    ("np_uint16", U16),
    ("np_uint32", U32),
    ("np_uint64", U64),
    ("np_uintp", UINTP),
    ("c_int8", I8),
    ("c_int16", I16),
    ("c_int32", I32),
    ("c_int64", I64),
    ("c_intp", INTP),
    ("c_uint8", U8),
    ("c_uint16", U16),
    ("c_uint32", U32),
    ("c_uint64", U64),
    ("c_uintp", UINTP),
    ("py_int", INTP),
    ("np_char", int(1, true)),
    ("np_uchar", int(1, false)),
    ("np_short", int(size_of::<c_short>(), true)),
    ("np_ushort", int(size_of::<c_ushort>(), false)),
    ("np_intc", int(size_of::<c_int>(), true)),
    ("np_uintc", int(size_of::<c_uint>(), false)),
    ("np_int_", INTP),
    ("np_uint", UINTP),
    ("np_long", int(size_of::<c_long>(), true)),
    ("np_ulong", int(size_of::<c_ulong>(), false)),
    ("np_longlong", int(size_of::<c_longlong>(), true)),
    ("np_ulonglong", int(size_of::<c_ulonglong>(), false)),
    ("np_float16", F16),
    ("c_float16", F16),
    ("np_float32", F32),
    ("c_float32", F32),
    // NumPy's C `float`, which numba.types keeps as float32.
    ("np_float_", F32),
    ("np_float64", F64),
    ("c_float64", F64),
    ("py_float", F64),
    ("np_double", F64),
    ("np_complex64", C64),
    ("np_complex128", C128),
    ("py_complex", C128),
];

/// Names that build types rather than name them; suggested like the scalars.
const CONSTRUCTORS: &[&str] = &["array", "Array", "readonly", "UniTuple", "Tuple"];

/// Names `numba.types` has that rumbo does not compile.
const UNSUPPORTED: &[&str] = &[
    "optional",
    "Optional",
    "unicode_type",
    "string",
    "pyobject",
    "voidptr",
    "ffi",
    "ffi_forced_object",
    "deferred_type",
    "Any",
    "undefined",
    "ellipsis",
    "slice2_type",
    "slice3_type",
    "List",
    "ListType",
    "DictType",
    "Set",
    "Record",
    "NestedArray",
    "NPDatetime",
    "NPTimedelta",
    "NamedTuple",
    "NamedUniTuple",
    "Literal",
    "IntegerLiteral",
    "CPointer",
    "EnumMember",
    "IntEnumMember",
    "range_state64_type",
    "range_iter64_type",
    "range_state32_type",
    "range_iter32_type",
    "float_",
    "unaligned",
];

fn scalar(name: &str) -> Option<&'static Type> {
    SCALARS.iter().find(|(n, _)| *n == name).map(|(_, t)| t)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The known name closest to `word`: same name up to case, else edit distance at most 2.
fn suggest(word: &str) -> Option<&'static str> {
    let candidates = SCALARS.iter().map(|(n, _)| *n).chain(CONSTRUCTORS.iter().copied());
    if let Some(n) = candidates.clone().find(|n| n.eq_ignore_ascii_case(word)) {
        return Some(n);
    }
    // Up to two edits, but only one for short words (everything is two edits from "foo").
    let limit = match word.chars().count() {
        0 | 1 => 0,
        2..=4 => 1,
        _ => 2,
    };
    // Ties go to a name with the same letters (a transposition: int46 -> int64,
    // not int16), then to the name listed first.
    let mut sorted_word: Vec<char> = word.chars().collect();
    sorted_word.sort_unstable();
    let mut best: Option<((usize, bool), &'static str)> = None;
    for n in candidates {
        let d = edit_distance(word, n);
        if d > limit {
            continue;
        }
        let mut sorted_n: Vec<char> = n.chars().collect();
        sorted_n.sort_unstable();
        let score = (d, sorted_n != sorted_word);
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, n));
        }
    }
    best.map(|(_, n)| n)
}

fn unknown_name_help(word: &str) -> Option<String> {
    let builtin = match word {
        "int" => Some("Python's int is 'int64' (or 'intp') in signatures"),
        "float" => Some("Python's float is 'float64' in signatures"),
        "complex" => Some("Python's complex is 'complex128' in signatures"),
        "str" => Some("strings are not supported in rumbo signatures"),
        "single" => Some("NumPy's single is 'float32' in Numba's names"),
        "half" => Some("NumPy's half is 'float16' in Numba's names"),
        "csingle" => Some("NumPy's csingle is 'complex64' in Numba's names"),
        "cdouble" => Some("NumPy's cdouble is 'complex128' in Numba's names"),
        "None" => Some("the None type is written 'none' (or 'void' for a return type)"),
        _ => None,
    };
    if let Some(b) = builtin {
        return Some(b.to_string());
    }
    suggest(word).map(|s| format!("did you mean '{s}'?"))
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A run of letters, digits and underscores: names, numbers, `1d`.
    Word(String),
    /// A quoted string (`'C'`), without its quotes.
    Str(String),
    Punct(char),
    Arrow,
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(s) => format!("the string '{s}'"),
        Tok::Punct(c) => format!("'{c}'"),
        Tok::Arrow => "'->'".into(),
        Tok::End => "the end of the input".into(),
    }
}

fn lex(text: &str) -> Result<Vec<Token>, SignatureError> {
    let mut toks = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if is_word_char(c) {
            let mut end = i;
            while let Some(&(j, d)) = it.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            toks.push(Token { tok: Tok::Word(text[i..end].to_string()), start: i });
        } else if c == '\'' || c == '"' {
            it.next();
            let body_start = i + 1;
            let close = text[body_start..].find(c).map(|k| body_start + k);
            let Some(close) = close.filter(|&k| !text[body_start..k].contains('\n')) else {
                return Err(SignatureError::new(i, "unterminated string"));
            };
            toks.push(Token { tok: Tok::Str(text[body_start..close].to_string()), start: i });
            while it.peek().is_some_and(|&(j, _)| j <= close) {
                it.next();
            }
        } else if c == '-' && text[i..].starts_with("->") {
            it.next();
            it.next();
            toks.push(Token { tok: Tok::Arrow, start: i });
        } else if "()[],:=.".contains(c) {
            it.next();
            toks.push(Token { tok: Tok::Punct(c), start: i });
        } else {
            return Err(SignatureError::new(i, format!("unexpected character '{c}'")));
        }
    }
    toks.push(Token { tok: Tok::End, start: text.len() });
    Ok(toks)
}

// ---------------------------------------------------------------------------
// Parser

/// The most dimensions a NumPy array may have.
const MAX_NDIM: usize = 64;
/// A bound on tuple lengths, so a typo cannot ask for a huge allocation.
const MAX_TUPLE_LEN: usize = 10_000;

/// How deeply types may nest (so that a pathological string cannot overflow the stack).
const MAX_DEPTH: usize = 100;

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// An argument of a constructor call: positional, or `name=`.
enum ArgSlot {
    Positional(usize),
    Keyword(String, usize),
}

impl Parser {
    fn new(text: &str) -> Result<Self, SignatureError> {
        Ok(Parser { toks: lex(text)?, pos: 0, depth: 0 })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn peek_is(&self, tok: Tok) -> bool {
        *self.peek() == tok
    }

    fn here(&self) -> usize {
        self.toks[self.pos].start
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek_is(Tok::Punct(c)) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn error_here(&self, message: impl Into<String>) -> SignatureError {
        SignatureError::new(self.here(), message)
    }

    fn expected(&self, what: &str) -> SignatureError {
        self.error_here(format!("expected {what}, found {}", describe(self.peek())))
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), SignatureError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    fn expect_end(&self, what: &str) -> Result<(), SignatureError> {
        if self.peek_is(Tok::End) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    fn signature(&mut self) -> Result<Signature, SignatureError> {
        if self.peek_is(Tok::Punct('(')) {
            let args = self.arg_list()?;
            let ret = if self.peek_is(Tok::Arrow) {
                self.bump();
                Some(return_type(self.ty()?))
            } else {
                None
            };
            return Ok(Signature { args, ret });
        }
        let ret_start = self.here();
        let ret = self.ty()?;
        if !self.peek_is(Tok::Punct('(')) {
            let found = describe(self.peek());
            let help = format!("a signature is 'ret(args)' or '(args)', e.g. '{ret}(int64)'");
            let err = if self.peek_is(Tok::End) {
                SignatureError::new(
                    ret_start,
                    format!("'{ret}' is a type, not a signature: expected '(' and the argument types after it"),
                )
            } else {
                self.error_here(format!("expected '(' and the argument types after the return type, found {found}"))
            };
            return Err(err.with_help(Some(help)));
        }
        let args = self.arg_list()?;
        Ok(Signature { args, ret: Some(return_type(ret)) })
    }

    /// `( type, ... )` — the argument list of a signature.
    fn arg_list(&mut self) -> Result<Vec<Type>, SignatureError> {
        self.expect('(', "'('")?;
        let (items, _) = self.type_list(')')?;
        Ok(items.into_iter().map(|(t, _)| t).collect())
    }

    /// Types separated by commas up to `close` (consumed). Each comes with
    /// whether it was written as a parenthesised tuple literal; the bool says
    /// whether the list had a comma.
    #[allow(clippy::type_complexity)]
    fn type_list(&mut self, close: char) -> Result<(Vec<(Type, bool)>, bool), SignatureError> {
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            if self.eat(close) {
                return Ok((items, comma));
            }
            items.push(self.ty_marked()?);
            if self.eat(',') {
                comma = true;
                continue;
            }
            if self.eat(close) {
                return Ok((items, comma));
            }
            return Err(self.expected(&format!("',' or '{close}'")));
        }
    }

    fn ty(&mut self) -> Result<Type, SignatureError> {
        Ok(self.ty_marked()?.0)
    }

    /// A type, and whether it was a tuple literal `(a, b)` (not merely parenthesised).
    fn ty_marked(&mut self) -> Result<(Type, bool), SignatureError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(format!("types nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let result = self.ty_marked_inner();
        self.depth -= 1;
        result
    }

    fn ty_marked_inner(&mut self) -> Result<(Type, bool), SignatureError> {
        let start = self.here();
        let (base, literal) = self.atom()?;
        if self.peek_is(Tok::Punct('[')) {
            let (ndim, layout) = self.dims(&base, start)?;
            let array = Type::Array { dtype: Box::new(base), ndim, layout, readonly: false };
            if self.peek_is(Tok::Punct('[')) {
                return Err(self.error_here("an array's dtype cannot itself be an array"));
            }
            return Ok((array, false));
        }
        Ok((base, literal))
    }

    fn atom(&mut self) -> Result<(Type, bool), SignatureError> {
        let start = self.here();
        match self.peek().clone() {
            Tok::Punct('(') => {
                self.bump();
                let (mut items, comma) = self.type_list(')')?;
                if items.len() == 1 && !comma {
                    return Ok(items.pop().expect("one item"));
                }
                Ok((Type::Tuple(items.into_iter().map(|(t, _)| t).collect()), true))
            }
            Tok::Word(w) => {
                if w.starts_with(|c: char| c.is_ascii_digit()) {
                    return Err(self.expected("a type name"));
                }
                if self.peek_at(1) == &Tok::Punct('.') {
                    return Err(self.qualified_name());
                }
                match w.as_str() {
                    "readonly" => {
                        self.bump();
                        match self.peek() {
                            Tok::Word(a) if a == "array" || a == "Array" => Ok((self.array_call(true)?, false)),
                            _ => Err(self.expected("'array(...)' after 'readonly'")),
                        }
                    }
                    "array" | "Array" => Ok((self.array_call(false)?, false)),
                    "UniTuple" => Ok((self.unituple()?, false)),
                    "Tuple" => Ok((self.tuple()?, false)),
                    _ => {
                        if let Some(t) = scalar(&w) {
                            self.bump();
                            return Ok((t.clone(), false));
                        }
                        if UNSUPPORTED.contains(&w.as_str()) {
                            let help = (w == "float_").then(|| {
                                "float_ is float32 in Numba (NumPy 1 only): write 'float32' or 'float64'".into()
                            });
                            return Err(SignatureError::new(
                                start,
                                format!("'{w}' is a Numba type that rumbo does not support"),
                            )
                            .with_help(help));
                        }
                        Err(SignatureError::new(start, format!("unknown type name '{w}'"))
                            .with_help(unknown_name_help(&w)))
                    }
                }
            }
            _ => Err(self.expected("a type")),
        }
    }

    /// `np.float64`, `types.int32`: signature strings use bare names.
    fn qualified_name(&mut self) -> SignatureError {
        let start = self.here();
        let mut parts = Vec::new();
        while let Tok::Word(w) = self.peek().clone() {
            parts.push(w);
            self.bump();
            if !self.eat('.') {
                break;
            }
        }
        let last = parts.last().cloned().unwrap_or_default();
        let help = if scalar(&last).is_some() || CONSTRUCTORS.contains(&last.as_str()) {
            Some(format!("write the bare name '{last}': signature strings are read in the namespace of numba.types"))
        } else {
            Some("signature strings use bare names from numba.types, such as 'float64'".to_string())
        };
        SignatureError::new(start, format!("qualified name '{}' in a signature", parts.join("."))).with_help(help)
    }

    /// `[:]`, `[::1]`, `[:, :, ::1]`, `[::1, :]`... after a dtype starting at `dtype_start`.
    fn dims(&mut self, dtype: &Type, dtype_start: usize) -> Result<(u8, Layout), SignatureError> {
        check_dtype(dtype, dtype_start)?;
        self.expect('[', "'['")?;
        let mut contiguous = Vec::new();
        let mut tuple = false;
        loop {
            contiguous.push(self.dim()?);
            if self.eat(',') {
                tuple = true;
                if self.eat(']') {
                    break;
                }
                continue;
            }
            if self.eat(']') {
                break;
            }
            return Err(self.expected("',' or ']'"));
        }
        if contiguous.len() > MAX_NDIM {
            return Err(SignatureError::new(dtype_start, format!("arrays have at most {MAX_NDIM} dimensions")));
        }
        // Numba's rule: a lone `::1` is C; in a tuple of slices `::1` first is F,
        // else `::1` last is C; anything else is A.
        let layout = if !tuple {
            if contiguous[0] {
                Layout::C
            } else {
                Layout::A
            }
        } else if contiguous[0] {
            Layout::F
        } else if *contiguous.last().expect("at least one") {
            Layout::C
        } else {
            Layout::A
        };
        Ok((contiguous.len() as u8, layout))
    }

    /// One dimension: `:`, `::` or `::1`. Returns whether it was `::1`.
    fn dim(&mut self) -> Result<bool, SignatureError> {
        const HELP: &str = "each dimension is ':' (any layout) or '::1' (contiguous)";
        if matches!(self.peek(), Tok::Word(_)) {
            return Err(self
                .error_here(format!("array dimensions have no start or stop, found {}", describe(self.peek())))
                .with_help(Some(HELP.into())));
        }
        if !self.eat(':') {
            return Err(self.expected("':'").with_help(Some(HELP.into())));
        }
        if matches!(self.peek(), Tok::Word(_)) {
            return Err(self
                .error_here(format!("array dimensions have no start or stop, found {}", describe(self.peek())))
                .with_help(Some(HELP.into())));
        }
        if !self.eat(':') {
            return Ok(false);
        }
        match self.peek().clone() {
            Tok::Word(w) if w == "1" => {
                self.bump();
                Ok(true)
            }
            Tok::Word(w) => Err(self
                .error_here(format!("the only step allowed is '::1' (contiguous), found '{w}'"))
                .with_help(Some(HELP.into()))),
            _ => Ok(false),
        }
    }

    /// Which argument comes next: `name=` or the next positional one.
    fn arg_slot(&mut self, positional: &mut usize) -> ArgSlot {
        if let (Tok::Word(name), Tok::Punct('=')) = (self.peek().clone(), self.peek_at(1)) {
            let at = self.here();
            self.bump();
            self.bump();
            return ArgSlot::Keyword(name, at);
        }
        *positional += 1;
        ArgSlot::Positional(*positional - 1)
    }

    /// After an argument: `,` (possibly trailing) or `)`. Returns true at `)`.
    fn arg_end(&mut self) -> Result<bool, SignatureError> {
        if self.eat(')') {
            return Ok(true);
        }
        self.expect(',', "',' or ')'")?;
        Ok(self.eat(')'))
    }

    /// `array(float64, 2d, C)`, `Array(float64, 2, 'C', readonly=True)`, after
    /// an optional `readonly` (already consumed, `readonly_prefix`).
    fn array_call(&mut self, readonly_prefix: bool) -> Result<Type, SignatureError> {
        let name_at = self.here();
        self.bump();
        self.expect('(', "'(' after 'array'")?;
        let (mut dtype, mut ndim, mut layout, mut readonly) = (None, None, None, None);
        let mut positional = 0;
        if !self.eat(')') {
            loop {
                let (param, at) = match self.arg_slot(&mut positional) {
                    ArgSlot::Positional(i) => match i {
                        0 => ("dtype".to_string(), self.here()),
                        1 => ("ndim".to_string(), self.here()),
                        2 => ("layout".to_string(), self.here()),
                        3 => ("readonly".to_string(), self.here()),
                        _ => return Err(self.error_here("array(...) takes at most dtype, ndim, layout and readonly")),
                    },
                    ArgSlot::Keyword(name, at) => (name, at),
                };
                let duplicate = |set: bool| {
                    if set {
                        Err(SignatureError::new(at, format!("array(...) got '{param}' twice")))
                    } else {
                        Ok(())
                    }
                };
                match param.as_str() {
                    "dtype" => {
                        duplicate(dtype.is_some())?;
                        let start = self.here();
                        let t = self.ty()?;
                        check_dtype(&t, start)?;
                        dtype = Some(t);
                    }
                    "ndim" => {
                        duplicate(ndim.is_some())?;
                        ndim = Some(self.ndim()?);
                    }
                    "layout" => {
                        duplicate(layout.is_some())?;
                        layout = Some(self.layout()?);
                    }
                    "readonly" => {
                        duplicate(readonly.is_some())?;
                        readonly = Some(self.boolean()?);
                    }
                    "aligned" => {
                        let value_at = self.here();
                        if !self.boolean()? {
                            return Err(SignatureError::new(value_at, "unaligned arrays are not supported"));
                        }
                    }
                    other => {
                        return Err(SignatureError::new(at, format!("array(...) has no parameter '{other}'"))
                            .with_help(Some("the parameters are dtype, ndim, layout, readonly".into())));
                    }
                }
                if self.arg_end()? {
                    break;
                }
            }
        }
        let missing: Vec<&str> = [("dtype", dtype.is_none()), ("ndim", ndim.is_none()), ("layout", layout.is_none())]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            return Err(SignatureError::new(name_at, format!("array(...) is missing {}", missing.join(", ")))
                .with_help(Some("write e.g. 'array(float64, 2d, C)'".into())));
        }
        Ok(Type::Array {
            dtype: Box::new(dtype.expect("checked")),
            ndim: ndim.expect("checked"),
            layout: layout.expect("checked"),
            readonly: readonly_prefix || readonly.unwrap_or(false),
        })
    }

    /// `2d` or `2`.
    fn ndim(&mut self) -> Result<u8, SignatureError> {
        if let Tok::Word(w) = self.peek().clone() {
            let digits = w.strip_suffix('d').unwrap_or(&w);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                return match digits.parse::<usize>() {
                    Ok(n) if n <= MAX_NDIM => {
                        self.bump();
                        Ok(n as u8)
                    }
                    _ => Err(self.error_here(format!("arrays have at most {MAX_NDIM} dimensions"))),
                };
            }
        }
        Err(self.expected("a number of dimensions such as '2d'"))
    }

    /// `C`, `F`, `A`, quoted or not.
    fn layout(&mut self) -> Result<Layout, SignatureError> {
        let l = match self.peek() {
            Tok::Word(w) | Tok::Str(w) => match w.as_str() {
                "C" => Some(Layout::C),
                "F" => Some(Layout::F),
                "A" => Some(Layout::A),
                _ => None,
            },
            _ => None,
        };
        match l {
            Some(l) => {
                self.bump();
                Ok(l)
            }
            None => Err(self.expected("a layout: C, F or A")),
        }
    }

    fn boolean(&mut self) -> Result<bool, SignatureError> {
        let b = match self.peek() {
            Tok::Word(w) if w == "True" => Some(true),
            Tok::Word(w) if w == "False" => Some(false),
            _ => None,
        };
        match b {
            Some(b) => {
                self.bump();
                Ok(b)
            }
            None => Err(self.expected("True or False")),
        }
    }

    fn count(&mut self) -> Result<usize, SignatureError> {
        if let Tok::Word(w) = self.peek() {
            if w.bytes().all(|b| b.is_ascii_digit()) {
                return match w.parse::<usize>() {
                    Ok(n) if n <= MAX_TUPLE_LEN => {
                        self.bump();
                        Ok(n)
                    }
                    _ => Err(self.error_here(format!("tuples have at most {MAX_TUPLE_LEN} items"))),
                };
            }
        }
        Err(self.expected("a count"))
    }

    /// `UniTuple(int64 x 3)` or `UniTuple(int64, 3)` (also with `dtype=`, `count=`).
    fn unituple(&mut self) -> Result<Type, SignatureError> {
        let name_at = self.here();
        self.bump();
        self.expect('(', "'(' after 'UniTuple'")?;
        let (mut dtype, mut count) = (None, None);
        let mut positional = 0;
        if !self.eat(')') {
            loop {
                match self.arg_slot(&mut positional) {
                    ArgSlot::Positional(0) => {
                        dtype = Some(self.ty()?);
                        // The printed form: `int64 x 3`.
                        if matches!(self.peek(), Tok::Word(w) if w == "x") {
                            self.bump();
                            count = Some(self.count()?);
                            positional += 1;
                        }
                    }
                    ArgSlot::Positional(1) => count = Some(self.count()?),
                    ArgSlot::Keyword(k, _) if k == "dtype" && dtype.is_none() => dtype = Some(self.ty()?),
                    ArgSlot::Keyword(k, _) if k == "count" && count.is_none() => count = Some(self.count()?),
                    ArgSlot::Keyword(k, at) => {
                        return Err(SignatureError::new(at, format!("unexpected argument '{k}' to UniTuple(...)")));
                    }
                    ArgSlot::Positional(_) => {
                        return Err(self.error_here("UniTuple(...) takes a type and a count"));
                    }
                }
                if self.arg_end()? {
                    break;
                }
            }
        }
        match (dtype, count) {
            (Some(t), Some(n)) => Ok(Type::Tuple(vec![t; n])),
            _ => Err(SignatureError::new(name_at, "UniTuple(...) needs a type and a count")
                .with_help(Some("write e.g. 'UniTuple(int64 x 3)' or 'UniTuple(int64, 3)'".into()))),
        }
    }

    /// `Tuple(int64, float64)`, `Tuple((int64, float64))`, `Tuple([int64, float64])`, `Tuple()`.
    fn tuple(&mut self) -> Result<Type, SignatureError> {
        self.bump();
        self.expect('(', "'(' after 'Tuple'")?;
        if self.eat('[') {
            let (items, _) = self.type_list(']')?;
            self.eat(',');
            self.expect(')', "')'")?;
            return Ok(Type::Tuple(items.into_iter().map(|(t, _)| t).collect()));
        }
        let (mut items, _) = self.type_list(')')?;
        // Numba's constructor takes one iterable of types: `Tuple((a, b))`.
        if items.len() == 1 && items[0].1 {
            if let (Type::Tuple(inner), _) = items.pop().expect("one item") {
                return Ok(Type::Tuple(inner));
            }
        }
        Ok(Type::Tuple(items.into_iter().map(|(t, _)| t).collect()))
    }
}

/// In return position, `none`/`void` mean "returns nothing".
fn return_type(t: Type) -> Type {
    if t == Type::NoneType {
        Type::Void
    } else {
        t
    }
}

fn check_dtype(t: &Type, at: usize) -> Result<(), SignatureError> {
    match t {
        Type::Bool | Type::Int { .. } | Type::Float { .. } | Type::Complex { .. } => Ok(()),
        Type::Array { .. } => Err(SignatureError::new(at, "an array's dtype cannot itself be an array")),
        other => Err(SignatureError::new(
            at,
            format!("arrays of '{other}' are not supported: the dtype must be a number or bool"),
        )),
    }
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Type {
        parse_type(s).unwrap_or_else(|e| panic!("{}", e.render(s)))
    }

    fn sig(s: &str) -> Signature {
        parse_signature(s).unwrap_or_else(|e| panic!("{}", e.render(s)))
    }

    fn arr(dtype: Type, ndim: u8, layout: Layout) -> Type {
        Type::Array { dtype: Box::new(dtype), ndim, layout, readonly: false }
    }

    fn err(s: &str) -> SignatureError {
        match parse_signature(s) {
            Ok(sig) => panic!("{s:?} parsed as {sig}"),
            Err(e) => e,
        }
    }

    fn type_err(s: &str) -> SignatureError {
        match parse_type(s) {
            Ok(t) => panic!("{s:?} parsed as {t}"),
            Err(e) => e,
        }
    }

    #[test]
    fn signature_every_alias() {
        let b = [("boolean", BOOL), ("bool_", BOOL), ("bool", BOOL), ("b1", BOOL)];
        let u = [
            ("uint8", U8),
            ("u1", U8),
            ("byte", U8),
            ("uchar", U8),
            ("uint16", U16),
            ("u2", U16),
            ("ushort", U16),
            ("uint32", U32),
            ("u4", U32),
            ("uintc", U32),
            ("uint64", U64),
            ("u8", U64),
            ("uintp", U64),
            ("uint", U64),
            ("size_t", U64),
            ("ulonglong", U64),
        ];
        let i = [
            ("int8", I8),
            ("i1", I8),
            ("char", I8),
            ("int16", I16),
            ("i2", I16),
            ("short", I16),
            ("int32", I32),
            ("i4", I32),
            ("intc", I32),
            ("int64", I64),
            ("i8", I64),
            ("intp", I64),
            ("int_", I64),
            ("ssize_t", I64),
            ("longlong", I64),
        ];
        let f = [
            ("float16", F16),
            ("f2", F16),
            ("float32", F32),
            ("f4", F32),
            ("float64", F64),
            ("f8", F64),
            ("double", F64),
            ("complex64", C64),
            ("c8", C64),
            ("complex128", C128),
            ("c16", C128),
        ];
        let n = [("none", Type::NoneType), ("void", Type::NoneType)];
        for (name, want) in b.iter().chain(&u).chain(&i).chain(&f).chain(&n) {
            assert_eq!(&ty(name), want, "{name}");
            assert_eq!(sig(&format!("(int8, {name})")).args[1], *want, "{name}");
        }
        // C long follows the platform (8 bytes on 64-bit Unix, 4 on Windows).
        let long_bits = c_long::BITS as u8;
        assert_eq!(ty("long_"), Type::Int { bits: long_bits, signed: true });
        assert_eq!(ty("ulong"), Type::Int { bits: long_bits, signed: false });
        // The np_/c_/py_ aliases of numba.types.
        assert_eq!(ty("np_float_"), F32);
        assert_eq!(ty("py_int"), I64);
        assert_eq!(ty("py_float"), F64);
        assert_eq!(ty("py_complex"), C128);
        assert_eq!(ty("c_uint8"), U8);
        assert_eq!(ty("np_intp"), I64);
        assert_eq!(ty("np_bool_"), BOOL);
        assert_eq!(ty("np_double"), F64);
        // Every table entry parses to itself.
        for (name, want) in SCALARS {
            assert_eq!(&ty(name), want, "{name}");
        }
    }

    #[test]
    fn signature_basic_forms() {
        assert_eq!(sig("float64(int32, float64)"), Signature { args: vec![I32, F64], ret: Some(F64) });
        assert_eq!(sig("(int64, float64)"), Signature { args: vec![I64, F64], ret: None });
        assert_eq!(sig("()"), Signature { args: vec![], ret: None });
        assert_eq!(sig("int64()"), Signature { args: vec![], ret: Some(I64) });
        assert_eq!(sig("(int64,)"), Signature { args: vec![I64], ret: None });
        assert_eq!(sig("f8(i8,)"), Signature { args: vec![I64], ret: Some(F64) });
        assert_eq!(sig("void(f8[:])"), Signature { args: vec![arr(F64, 1, Layout::A)], ret: Some(Type::Void) });
        assert_eq!(sig("none(f8)"), Signature { args: vec![F64], ret: Some(Type::Void) });
        assert_eq!(sig("void()").ret, Some(Type::Void));
        // `none` as an argument is the None type, not Void.
        assert_eq!(sig("(none)").args, vec![Type::NoneType]);
        assert_eq!(sig("(int64, void)").args, vec![I64, Type::NoneType]);
        // Whitespace anywhere.
        assert_eq!(sig("  float64 ( int32 ,float64[ : , : : 1 ] )  "), sig("float64(int32,float64[:,::1])"));
        assert_eq!(sig("\tf8\n(\ni4\n)\n"), Signature { args: vec![I32], ret: Some(F64) });
        // Numba's printed form.
        assert_eq!(sig("(int64, float64) -> float64"), Signature { args: vec![I64, F64], ret: Some(F64) });
        assert_eq!(sig("(int64,) -> none"), Signature { args: vec![I64], ret: Some(Type::Void) });
        // Arrays and tuples as return types.
        assert_eq!(sig("f8[:](f8[:])").ret, Some(arr(F64, 1, Layout::A)));
        assert_eq!(sig("array(float64, 2d, C)(int64)").ret, Some(arr(F64, 2, Layout::C)));
        assert_eq!(sig("UniTuple(int64 x 2)(int64)").ret, Some(Type::Tuple(vec![I64, I64])));
    }

    #[test]
    fn signature_array_slices() {
        use Layout::*;
        let cases: &[(&str, u8, Layout)] = &[
            ("f8[:]", 1, A),
            ("f8[::]", 1, A),
            ("f8[::1]", 1, C),
            ("f8[:,]", 1, A),
            ("f8[::1,]", 1, F), // a tuple of one slice, `::1` first: Numba says F
            ("f8[:, :]", 2, A),
            ("f8[:,:]", 2, A),
            ("f8[:, ::1]", 2, C),
            ("f8[::1, :]", 2, F),
            ("f8[::1, ::1]", 2, F),
            ("f8[:,:,:]", 3, A),
            ("f8[:, :, ::1]", 3, C),
            ("f8[::1, :, :]", 3, F),
            ("f8[:, ::1, :]", 3, A),
            ("f8[:,:,:,:,::1]", 5, C),
        ];
        for (s, ndim, layout) in cases {
            assert_eq!(ty(s), arr(F64, *ndim, *layout), "{s}");
        }
        let many = format!("i4[{}::1]", ":, ".repeat(63));
        assert_eq!(ty(&many), arr(I32, 64, C));
        assert_eq!(ty("b1[:]"), arr(BOOL, 1, A));
        assert_eq!(ty("complex128[:, ::1]"), arr(C128, 2, C));
        assert_eq!(ty("intp[::1]"), arr(I64, 1, C));
    }

    #[test]
    fn signature_array_long_forms() {
        use Layout::*;
        assert_eq!(ty("array(float64, 1d, C)"), arr(F64, 1, C));
        assert_eq!(ty("array(float64, 2d, F)"), arr(F64, 2, F));
        assert_eq!(ty("array(int32, 3d, A)"), arr(I32, 3, A));
        assert_eq!(ty("array(float64, 0d, C)"), arr(F64, 0, C));
        assert_eq!(ty(" array ( f8 , 2d , A ) "), arr(F64, 2, A));
        assert_eq!(
            ty("readonly array(float64, 2d, C)"),
            Type::Array { dtype: Box::new(F64), ndim: 2, layout: C, readonly: true }
        );
        // Numba's repr / constructor forms.
        assert_eq!(ty("Array(float64, 1, 'A', False, aligned=True)"), arr(F64, 1, A));
        assert_eq!(ty("Array(float64, 2, \"C\")"), arr(F64, 2, C));
        assert_eq!(
            ty("Array(float64, 1, 'C', True, aligned=True)"),
            Type::Array { dtype: Box::new(F64), ndim: 1, layout: C, readonly: true }
        );
        assert_eq!(
            ty("Array(dtype=int64, ndim=2, layout='F', readonly=True)"),
            Type::Array { dtype: Box::new(I64), ndim: 2, layout: F, readonly: true }
        );
        assert_eq!(ty("Array(f4, 1, 'C',)"), arr(F32, 1, C));
    }

    #[test]
    fn signature_tuples() {
        let t = |v: Vec<Type>| Type::Tuple(v);
        assert_eq!(ty("UniTuple(int64 x 3)"), t(vec![I64; 3]));
        assert_eq!(ty("UniTuple(int64, 3)"), t(vec![I64; 3]));
        assert_eq!(ty("UniTuple(dtype=f8, count=2)"), t(vec![F64; 2]));
        assert_eq!(ty("UniTuple(float64[:] x 2)"), t(vec![arr(F64, 1, Layout::A); 2]));
        assert_eq!(ty("Tuple(int64, float64)"), t(vec![I64, F64]));
        assert_eq!(ty("Tuple((int64, float64))"), t(vec![I64, F64]));
        assert_eq!(ty("Tuple([int64, float64])"), t(vec![I64, F64]));
        assert_eq!(ty("Tuple()"), t(vec![]));
        assert_eq!(ty("Tuple(())"), t(vec![]));
        assert_eq!(ty("Tuple((int64, float64), int8)"), t(vec![t(vec![I64, F64]), I8]));
        assert_eq!(ty("(int64, float64)"), t(vec![I64, F64]));
        assert_eq!(ty("(int64,)"), t(vec![I64]));
        assert_eq!(ty("(int64)"), I64);
        assert_eq!(ty("()"), t(vec![]));
        assert_eq!(ty("Tuple(UniTuple(int8 x 2), f8[::1])"), t(vec![t(vec![I8, I8]), arr(F64, 1, Layout::C)]));
        // A tuple literal as an argument.
        assert_eq!(sig("f8((i8, f8), i8)").args, vec![t(vec![I64, F64]), I64]);
        assert_eq!(sig("((i8, f8),)").args, vec![t(vec![I64, F64])]);
    }

    #[test]
    fn signature_round_trips_display() {
        let mut all: Vec<Type> = SCALARS.iter().map(|(_, t)| t.clone()).filter(|t| *t != Type::NoneType).collect();
        all.push(Type::NoneType);
        let dtypes: Vec<Type> = SCALARS.iter().map(|(_, t)| t.clone()).filter(Type::is_number).collect();
        for d in &dtypes {
            for ndim in 0..=4u8 {
                for layout in [Layout::C, Layout::F, Layout::A] {
                    for readonly in [false, true] {
                        all.push(Type::Array { dtype: Box::new(d.clone()), ndim, layout, readonly });
                    }
                }
            }
        }
        all.push(Type::Tuple(vec![]));
        all.push(Type::Tuple(vec![I64]));
        all.push(Type::Tuple(vec![I64; 3]));
        all.push(Type::Tuple(vec![I64, F64]));
        all.push(Type::Tuple(vec![arr(F64, 2, Layout::C), Type::Tuple(vec![BOOL, C64]), Type::Tuple(vec![U8; 2])]));
        all.push(Type::Tuple(vec![Type::Tuple(vec![I32; 2]); 2]));
        for t in &all {
            let s = t.to_string();
            assert_eq!(&ty(&s), t, "{s}");
        }
        // And as signatures.
        let s = Signature { args: vec![I32, arr(F64, 1, Layout::A), Type::Tuple(vec![I64, F64])], ret: Some(F64) };
        assert_eq!(s.to_string(), "float64(int32, array(float64, 1d, A), Tuple(int64, float64))");
        assert_eq!(sig(&s.to_string()), s);
        let s = Signature { args: vec![], ret: None };
        assert_eq!(sig(&s.to_string()), s);
        let s = Signature { args: vec![arr(I64, 2, Layout::F)], ret: Some(Type::Void) };
        assert_eq!(s.to_string(), "none(array(int64, 2d, F))");
        assert_eq!(sig(&s.to_string()), s);
    }

    /// The `str()` and `repr()` strings of rumbo.types (and Numba's reprs) parse.
    #[test]
    fn signature_python_strings() {
        use Layout::*;
        let ro = |d: Type, n: u8, l: Layout| Type::Array { dtype: Box::new(d), ndim: n, layout: l, readonly: true };
        let nested = Type::Tuple(vec![arr(F64, 1, C), Type::Tuple(vec![I8; 2]), Type::Tuple(vec![I64, F64])]);
        let types: &[(&str, &str, Type)] = &[
            ("array(float64, 1d, A)", "Array(float64, 1, 'A', False, aligned=True)", arr(F64, 1, A)),
            ("array(int32, 2d, C)", "Array(int32, 2, 'C', False, aligned=True)", arr(I32, 2, C)),
            ("array(complex128, 2d, F)", "Array(complex128, 2, 'F', False, aligned=True)", arr(C128, 2, F)),
            ("readonly array(float32, 3d, A)", "Array(float32, 3, 'A', True, aligned=True)", ro(F32, 3, A)),
            (
                "UniTuple(array(float64, 1d, A) x 2)",
                "UniTuple(Array(float64, 1, 'A', False, aligned=True), 2)",
                Type::Tuple(vec![arr(F64, 1, A); 2]),
            ),
            (
                "Tuple(array(float64, 1d, C), UniTuple(int8 x 2), Tuple(int64, float64))",
                "Tuple((Array(float64, 1, 'C', False, aligned=True), UniTuple(int8, 2), Tuple((int64, float64))))",
                nested,
            ),
            ("Tuple()", "Tuple(())", Type::Tuple(vec![])),
            ("UniTuple(bool x 1)", "UniTuple(bool, 1)", Type::Tuple(vec![BOOL])),
        ];
        for (s, r, want) in types {
            assert_eq!(&ty(s), want, "{s}");
            assert_eq!(&ty(r), want, "{r}");
        }
        let sigs: &[(&str, &str, Signature)] = &[
            (
                "float64(int32, array(float64, 1d, A))",
                "(int32, Array(float64, 1, 'A', False, aligned=True)) -> float64",
                Signature { args: vec![I32, arr(F64, 1, A)], ret: Some(F64) },
            ),
            (
                "none(array(int64, 2d, A))",
                "(Array(int64, 2, 'A', False, aligned=True),) -> none",
                Signature { args: vec![arr(I64, 2, A)], ret: Some(Type::Void) },
            ),
            ("none()", "() -> none", Signature { args: vec![], ret: Some(Type::Void) }),
            (
                "array(float64, 1d, C)(array(float64, 1d, C))",
                "(Array(float64, 1, 'C', False, aligned=True),) -> array(float64, 1d, C)",
                Signature { args: vec![arr(F64, 1, C)], ret: Some(arr(F64, 1, C)) },
            ),
        ];
        for (s, r, want) in sigs {
            assert_eq!(&sig(s), want, "{s}");
            assert_eq!(&sig(r), want, "{r}");
        }
        assert_eq!(sig("(int64, Tuple(int64, float64))").args, vec![I64, Type::Tuple(vec![I64, F64])]);
    }

    #[test]
    fn signature_error_unknown_name() {
        let text = "flaot64(int32)";
        let e = err(text);
        assert_eq!(e.offset, 0);
        assert_eq!(e.headline(), "unknown type name 'flaot64'");
        assert_eq!(e.help(), Some("did you mean 'float64'?"));
        assert_eq!(
            e.render(text),
            "bad signature: unknown type name 'flaot64'\n  flaot64(int32)\n  ^^^^^^^\n  help: did you mean 'float64'?"
        );
        let e = err("float64(int32, flot32[:])");
        assert_eq!((e.offset, e.help()), (15, Some("did you mean 'float32'?")));
        let e = err("f8(i8, unit64)");
        assert_eq!((e.offset, e.help()), (7, Some("did you mean 'uint64'?")));
        let e = err("f8(Int64)");
        assert_eq!((e.offset, e.help()), (3, Some("did you mean 'int64'?")));
        let e = err("f8(INT64)");
        assert_eq!(e.help(), Some("did you mean 'int64'?"));
        let e = err("f8(arry(f8, 1d, C))");
        assert_eq!((e.offset, e.help()), (3, Some("did you mean 'array'?")));
        let e = err("f8(UniTupel(f8 x 2))");
        assert_eq!(e.help(), Some("did you mean 'UniTuple'?"));
        // Far from everything: no suggestion.
        let e = err("f8(banana)");
        assert_eq!((e.offset, e.help()), (3, None));
        assert_eq!(e.render("f8(banana)"), "bad signature: unknown type name 'banana'\n  f8(banana)\n     ^^^^^^");
        let e = err("f8(xy)");
        assert_eq!(e.help(), None);
        // Python builtins get a specific hint.
        let e = err("float(int)");
        assert_eq!((e.offset, e.help()), (0, Some("Python's float is 'float64' in signatures")));
        let e = err("f8(int)");
        assert_eq!((e.offset, e.help()), (3, Some("Python's int is 'int64' (or 'intp') in signatures")));
        // `single` is NumPy's name, not Numba's.
        let e = err("single(f8)");
        assert_eq!(e.headline(), "unknown type name 'single'");
        assert_eq!(e.help(), Some("NumPy's single is 'float32' in Numba's names"));
        let e = err("None(f8)");
        assert_eq!(e.help(), Some("the None type is written 'none' (or 'void' for a return type)"));
        let e = err("f8(float_)");
        assert_eq!(e.headline(), "'float_' is a Numba type that rumbo does not support");
        assert_eq!(e.help(), Some("float_ is float32 in Numba (NumPy 1 only): write 'float32' or 'float64'"));
    }

    #[test]
    fn signature_error_offsets() {
        // (text, offset, headline)
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "expected a type, found the end of the input"),
            ("   ", 3, "expected a type, found the end of the input"),
            ("float64", 0, "'float64' is a type, not a signature: expected '(' and the argument types after it"),
            (
                "f8[:]",
                0,
                "'array(float64, 1d, A)' is a type, not a signature: expected '(' and the argument types after it",
            ),
            ("f8 i8", 3, "expected '(' and the argument types after the return type, found 'i8'"),
            ("f8(i8", 5, "expected ',' or ')', found the end of the input"),
            ("f8(i8 i4)", 6, "expected ',' or ')', found 'i4'"),
            ("f8(i8,,)", 6, "expected a type, found ','"),
            ("f8(i8))", 6, "expected the end of the signature, found ')'"),
            ("f8(i8) junk", 7, "expected the end of the signature, found 'junk'"),
            ("f8(i8) -> f8", 7, "expected the end of the signature, found '->'"),
            ("(i8) -> ", 8, "expected a type, found the end of the input"),
            ("f8(i8 @ i4)", 6, "unexpected character '@'"),
            ("f8(1)", 3, "expected a type name, found '1'"),
            ("f8(f8[])", 6, "expected ':', found ']'"),
            ("f8(f8[1:])", 6, "array dimensions have no start or stop, found '1'"),
            ("f8(f8[:3])", 7, "array dimensions have no start or stop, found '3'"),
            ("f8(f8[::2])", 8, "the only step allowed is '::1' (contiguous), found '2'"),
            ("f8(f8[:, :)", 10, "expected ',' or ']', found ')'"),
            ("f8(f8[:][:])", 8, "an array's dtype cannot itself be an array"),
            ("f8(none[:])", 3, "arrays of 'none' are not supported: the dtype must be a number or bool"),
            (
                "f8(UniTuple(i8 x 2)[:])",
                3,
                "arrays of 'UniTuple(int64 x 2)' are not supported: the dtype must be a number or bool",
            ),
            ("f8(array(f8, 1d))", 3, "array(...) is missing layout"),
            ("f8(array(f8, 1d, X))", 17, "expected a layout: C, F or A, found 'X'"),
            ("f8(array(f8, xd, C))", 13, "expected a number of dimensions such as '2d', found 'xd'"),
            ("f8(array(f8, 65d, C))", 13, "arrays have at most 64 dimensions"),
            ("f8(array(f8[:], 1d, C))", 9, "an array's dtype cannot itself be an array"),
            ("f8(array(f8, 1d, C, readonly=maybe))", 29, "expected True or False, found 'maybe'"),
            ("f8(array(f8, 1d, C, aligned=False))", 28, "unaligned arrays are not supported"),
            ("f8(array(f8, 1d, C, order=C))", 20, "array(...) has no parameter 'order'"),
            ("f8(array(f8, 1d, C, ndim=2))", 20, "array(...) got 'ndim' twice"),
            ("f8(readonly f8)", 12, "expected 'array(...)' after 'readonly', found 'f8'"),
            ("f8(unaligned array(f8, 1d, C))", 3, "'unaligned' is a Numba type that rumbo does not support"),
            ("f8(UniTuple(i8))", 3, "UniTuple(...) needs a type and a count"),
            ("f8(UniTuple(i8 x y))", 17, "expected a count, found 'y'"),
            ("f8(UniTuple(i8 x 99999999))", 17, "tuples have at most 10000 items"),
            ("f8(Tuple(i8, f8)", 16, "expected ',' or ')', found the end of the input"),
            ("f8(optional(i8))", 3, "'optional' is a Numba type that rumbo does not support"),
            ("unicode_type(i8)", 0, "'unicode_type' is a Numba type that rumbo does not support"),
            ("f8(np.float64)", 3, "qualified name 'np.float64' in a signature"),
            ("f8('C')", 3, "expected a type, found the string 'C'"),
            ("f8('C)", 3, "unterminated string"),
            ("(i8)(i8)", 4, "expected the end of the signature, found '('"),
        ];
        for (text, offset, headline) in cases {
            let e = err(text);
            assert_eq!((e.offset, e.headline()), (*offset, *headline), "{text:?}\n{}", e.render(text));
        }
        let e = err("f8(types.float64)");
        assert_eq!(
            e.help(),
            Some("write the bare name 'float64': signature strings are read in the namespace of numba.types")
        );
    }

    #[test]
    fn signature_parse_type_errors() {
        let e = type_err("float64(int32)");
        assert_eq!((e.offset, e.headline()), (7, "expected the end of the type, found '('"));
        let e = type_err("f8 f8");
        assert_eq!((e.offset, e.headline()), (3, "expected the end of the type, found 'f8'"));
        let e = type_err("");
        assert_eq!(e.offset, 0);
        let deep = format!("{}int64{}", "(".repeat(100_000), ")".repeat(100_000));
        let e = type_err(&deep);
        assert_eq!((e.offset, e.headline()), (100, "types nested more than 100 deep"));
        let ok = format!("{}int64,{}", "(".repeat(50), ")".repeat(50));
        assert!(parse_type(&ok).is_ok());
    }

    #[test]
    fn signature_render() {
        let text = "f8(i8, f8[:, ::2])";
        let e = err(text);
        assert_eq!(
            e.render(text),
            "bad signature: the only step allowed is '::1' (contiguous), found '2'\n  f8(i8, f8[:, ::2])\n                 ^\n  help: each dimension is ':' (any layout) or '::1' (contiguous)"
        );
        // At the end of the input the caret sits just past the text.
        let text = "f8(i8";
        assert_eq!(
            err(text).render(text),
            "bad signature: expected ',' or ')', found the end of the input\n  f8(i8\n       ^"
        );
        // Strings, arrows and non-ASCII text keep the caret aligned.
        let text = "f8('C')";
        assert_eq!(err(text).render(text), "bad signature: expected a type, found the string 'C'\n  f8('C')\n     ^^^");
        let text = "f8(é)";
        let e = err(text);
        assert_eq!(e.offset, 3);
        assert_eq!(e.render(text), "bad signature: unexpected character 'é'\n  f8(é)\n     ^");
        let text = "(i8) -> -> f8";
        assert_eq!(err(text).render(text), "bad signature: expected a type, found '->'\n  (i8) -> -> f8\n          ^^");
        let text = "f8(\tin32)";
        assert_eq!(
            err(text).render(text),
            "bad signature: unknown type name 'in32'\n  f8( in32)\n      ^^^^\n  help: did you mean 'int32'?"
        );
        let text = "f8(\tfoo)";
        assert_eq!(err(text).render(text), "bad signature: unknown type name 'foo'\n  f8( foo)\n      ^^^");
        // An out-of-range offset does not panic.
        let e = SignatureError { offset: 99, message: "x".into() };
        assert_eq!(e.render("ab"), "bad signature: x\n  ab\n    ^");
        // Display carries the help.
        assert_eq!(
            err("flaot64(i8)").to_string(),
            "bad signature at offset 0: unknown type name 'flaot64' (did you mean 'float64'?)"
        );
    }

    #[test]
    fn signature_suggestions() {
        assert_eq!(suggest("flaot64"), Some("float64"));
        assert_eq!(suggest("float46"), Some("float64"));
        assert_eq!(suggest("int46"), Some("int64"));
        assert_eq!(suggest("unit8"), Some("uint8"));
        assert_eq!(suggest("foo"), None);
        assert_eq!(suggest("boolen"), Some("boolean"));
        assert_eq!(suggest("complex182"), Some("complex128"));
        assert_eq!(suggest("uint63"), Some("uint64"));
        assert_eq!(suggest("f9"), Some("f2"));
        assert_eq!(suggest("zzzzzz"), None);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
