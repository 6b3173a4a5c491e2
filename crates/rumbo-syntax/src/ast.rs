/// A region of the user's file: 1-based lines, 0-based columns (as CPython's `ast`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    None,
    Bool(bool),
    /// Python ints are unbounded; rumbo keeps what fits in 128 bits and reports the rest.
    Int(i128),
    Float(f64),
    Complex { re: f64, im: f64 },
    Str(String),
    Ellipsis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mult,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMult,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mult => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::MatMult => "@",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    Invert,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Not => "not ",
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOp {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    pub name: String,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    Const(Constant),
    BinOp { op: BinOp, left: Box<Expr>, right: Box<Expr> },
    UnaryOp { op: UnaryOp, operand: Box<Expr> },
    BoolOp { op: BoolOp, values: Vec<Expr> },
    Compare { left: Box<Expr>, ops: Vec<CmpOp>, comparators: Vec<Expr> },
    Call { func: Box<Expr>, args: Vec<Expr>, keywords: Vec<Keyword> },
    Attribute { value: Box<Expr>, attr: String },
    IfExp { test: Box<Expr>, body: Box<Expr>, orelse: Box<Expr> },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    /// `{a, b}`; compiled in object mode only.
    Set(Vec<Expr>),
    /// `{k: v}` (no `**` unpacking); compiled in object mode only.
    Dict { keys: Vec<Expr>, values: Vec<Expr> },
    /// `[elt for ...]`, `{elt for ...}`, `{key: elt for ...}`; object mode only.
    Comprehension { kind: CompKind, elt: Box<Expr>, key: Option<Box<Expr>>, generators: Vec<Generator> },
    /// A call with `*iterable` or `**mapping` arguments (flag: starred); object mode only.
    CallEx { func: Box<Expr>, args: Vec<(bool, Expr)>, keywords: Vec<(Option<String>, Expr)> },
    /// `(name := value)`.
    NamedExpr { target: String, value: Box<Expr> },
    /// `*x` in an assignment target or a display (`[*a, b]`); object mode only.
    Starred(Box<Expr>),
    /// A lambda; object mode only (made from its source at run time).
    Lambda(Box<Nested>),
    /// An f-string: literal parts and formatted values; object mode only.
    FString(Vec<FPart>),
    Subscript { value: Box<Expr>, index: Box<Expr> },
    Slice { lower: Option<Box<Expr>>, upper: Option<Box<Expr>>, step: Option<Box<Expr>> },
    /// A construct the frontend does not compile (lambda, f-string, comprehension,
    /// ...): kept so that the error can point at it. `what` is CPython's node name.
    Unsupported { what: String },
}

/// A lambda, nested `def` or `class` inside a function: object mode makes it
/// from its source, with the enclosing variables it names as they are then.
#[derive(Clone, Debug, PartialEq)]
pub struct Nested {
    /// What it is: "lambda", "nested function definition", "class definition".
    pub what: String,
    /// The name a `def`/`class` binds.
    pub name: Option<String>,
    /// Every name the code mentions (candidates for capture).
    pub names: Vec<String>,
    /// From the first decorator (or the keyword) to the end.
    pub span: Span,
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    Lit(String),
    /// `{value!conversion:spec}`; the spec is an f-string itself.
    Value { value: Expr, conversion: Option<char>, spec: Option<Box<Expr>> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    /// A generator expression, evaluated eagerly into a list it iterates.
    Generator,
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

/// `except class as name: body` (`class` absent for a bare `except:`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    pub class: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// One `manager as target` of a `with` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    pub manager: Expr,
    pub target: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Assign { targets: Vec<Expr>, value: Expr },
    AugAssign { target: Expr, op: BinOp, value: Expr },
    /// `x: T = v`; the annotation is not used for typing (Numba ignores it too).
    AnnAssign { target: Expr, value: Option<Expr> },
    Return(Option<Expr>),
    If { test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt> },
    While { test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt> },
    For { target: Expr, iter: Expr, body: Vec<Stmt>, orelse: Vec<Stmt> },
    Break,
    Continue,
    Pass,
    Expr(Expr),
    Raise(Option<Expr>),
    /// A nested `def` or `class`; object mode only.
    Def(Box<Nested>),
    /// `raise exc from cause`; object mode only.
    RaiseFrom { exc: Expr, cause: Expr },
    /// `import a.b as c` (name, alias) pairs; object mode only.
    Import(Vec<(String, Option<String>)>),
    /// `from ..module import name as alias`; object mode only.
    ImportFrom { module: String, names: Vec<(String, Option<String>)>, level: u32 },
    Assert { test: Expr, msg: Option<Expr> },
    /// `global x` / `nonlocal x` declarations: names that must not become locals.
    Global(Vec<String>),
    /// `try`/`except`/`else`/`finally`; compiled in object mode only.
    Try { body: Vec<Stmt>, handlers: Vec<ExceptHandler>, orelse: Vec<Stmt>, finalbody: Vec<Stmt> },
    /// `with a as x, b: body`; compiled in object mode only.
    With { items: Vec<WithItem>, body: Vec<Stmt> },
    /// `del x`, `del a[i]`, `del a.b`; object mode only (except nothing).
    Delete(Vec<Expr>),
    /// A construct only object mode compiles, with nothing to run: `*args`,
    /// keyword-only and `**kwargs` parameters (which follow the positional ones).
    ObjOnly { what: String },
    /// A statement the frontend does not compile (class, import, ...).
    Unsupported { what: String },
}

/// One function as written by the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    /// Constant default value, if any (used when a call omits the argument).
    pub default: Option<Constant>,
    pub span: Span,
}
