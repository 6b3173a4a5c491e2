use rumbo_syntax::{BinOp, CmpOp, CompKind, Constant, Span, UnaryOp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(pub u32);

impl Value {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl Block {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    Const(Constant),
    /// A free name: a global, closure variable or builtin, resolved at typing.
    Global(String),
    /// A local read before any assignment on some path (typing rejects its use).
    Undef(String),
    Binary { op: BinOp, lhs: Value, rhs: Value },
    /// `target op= rhs` on a variable: in place for arrays (NumPy's `a += b`
    /// writes into `a`), the same as `Binary` for numbers.
    Inplace { op: BinOp, target: Value, rhs: Value },
    Unary { op: UnaryOp, operand: Value },
    Compare { op: CmpOp, lhs: Value, rhs: Value },
    /// `bool(x)`, as used by conditions.
    Truth(Value),
    Call { func: Value, args: Vec<Value>, kwargs: Vec<(String, Value)> },
    GetAttr { value: Value, attr: String },
    GetItem { value: Value, index: Value },
    SetItem { value: Value, index: Value, item: Value },
    Tuple(Vec<Value>),
    /// `tuple[index]` with a constant index (unpacking, iterator results).
    TupleGet { value: Value, index: usize },
    /// `a, b = value`: checks that `value` unpacks into `count` items.
    Unpack { value: Value, count: usize },
    Slice { lower: Option<Value>, upper: Option<Value>, step: Option<Value> },
    GetIter(Value),
    /// Advances an iterator; the value is a pair (item, is_valid).
    IterNext(Value),
    /// A `prange` loop run as a parallel region (added after typing by
    /// rumbo-passes): iterations of `range` on the thread pool, the loop body
    /// outlined as region `region` of the typed function. `args` are the
    /// region's live-in values, then the reductions' values before the loop;
    /// the result is the tuple of the reductions' values after it.
    ParallelFor { region: usize, range: Value, args: Vec<Value> },
    /// Constructs only object mode compiles (nopython typing rejects them).
    Obj(ObjInst),
    /// `with objmode(x='float64[:]'): body` in nopython code: the body runs in
    /// the interpreter; the value is the tuple of the declared outputs.
    ObjmodeBlock(Box<ObjmodeBlock>),
}

/// An `objmode` block, cut out of the function by lowering.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjmodeBlock {
    /// Values of `inputs` at the start of the block.
    pub args: Vec<Value>,
    /// Local variables the body reads.
    pub inputs: Vec<String>,
    /// (variable, declared type as written) for each output.
    pub outputs: Vec<(String, String)>,
    /// Source lines of the body (first and last).
    pub lines: (u32, u32),
}

/// Instructions on Python objects that have no nopython meaning.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjInst {
    /// The empty container a comprehension fills.
    Empty(CompKind),
    List(Vec<Value>),
    Set(Vec<Value>),
    /// `{k: v, ...}`: keys and values in pairs.
    Dict(Vec<(Value, Value)>),
    /// The exception an `except` handler is handling (first instruction of a
    /// handler block; the pending error is taken, it is no longer raised).
    Caught,
    /// True when `exc` matches the `except` clause's class (or tuple of classes).
    ExcMatch { exc: Value, class: Value },
    /// `with manager`: calls `type(manager).__enter__`; the value is the pair
    /// (bound `__exit__`, what `__enter__` returned).
    WithEnter(Value),
    /// Calls a bound `__exit__` with `(None, None, None)`, or with the class,
    /// the exception and its traceback; the value is what `__exit__` returned.
    WithExit { exit: Value, exc: Option<Value> },
    /// `container.append(item)` / `.add(item)` / `[key] = item` of comprehensions.
    Append { container: Value, item: Value },
    DictSet { container: Value, key: Value, item: Value },
    DelItem { value: Value, index: Value },
    /// `del name`: reads the variable (an unbound one raises); it is unbound after.
    Unbind(Value),
    DelAttr { value: Value, attr: String },
    SetAttr { value: Value, attr: String, item: Value },
    /// Runs lifted loop `index` (rumbo-passes' looplift) compiled for the
    /// types of `args`: the tuple of its results, or None when it does not
    /// compile in nopython mode for them (the loop then runs here).
    Lifted { index: usize, args: Vec<Value> },
    /// `format(value, spec)` after `!s`/`!r`/`!a` of an f-string part.
    Format { value: Value, conversion: Option<char>, spec: Option<Value> },
    /// The concatenation of an f-string's parts.
    JoinStr(Vec<Value>),
    /// `__import__(module, globals, None, fromlist, level)`.
    Import { module: String, fromlist: Vec<String>, level: u32 },
    /// `raise exc from cause`: the exception (instantiated) with its cause set.
    WithCause { exc: Value, cause: Value },
    /// Makes `exc` the exception being handled (`sys.exc_info()`, implicit
    /// chaining) while an `except` body runs; the value is the previous one.
    SetHandled(Value),
    /// Puts back what `SetHandled` returned, when the `except` body is left.
    RestoreHandled(Value),
    /// `a, *b, c = value`: a tuple of `before` items, a list of the middle,
    /// and `after` items.
    UnpackEx { value: Value, before: usize, after: usize },
    /// A list (`kind` 1), tuple (0) or set (2) display with `*` items (flag set).
    BuildUnpack { kind: u8, items: Vec<(bool, Value)> },
    /// Marks a construct nopython typing reports and object mode just accepts.
    Marker(String),
    /// Assignment to a `global` (module dict) or `nonlocal` (closure cell) name.
    StoreGlobal { name: String, value: Value },
    /// `func(*a, b, **k)`: `args` (starred ones unpacked), `kwargs` (`None`
    /// names are `**` mappings).
    CallEx { func: Value, args: Vec<(bool, Value)>, kwargs: Vec<(Option<String>, Value)> },
    /// A lambda, nested def or class made from its source (`span`), with the
    /// enclosing variables it reads (`captured`, values `args`) as they are now.
    MakeFunction { what: String, name: Option<String>, span: Span, captured: Vec<String>, args: Vec<Value> },
}

impl ObjInst {
    /// Values this instruction reads, in order.
    pub fn operands(&self) -> Vec<Value> {
        match self {
            ObjInst::List(items) | ObjInst::Set(items) => items.clone(),
            ObjInst::Dict(pairs) => pairs.iter().flat_map(|(k, v)| [*k, *v]).collect(),
            ObjInst::Caught | ObjInst::Empty(_) => vec![],
            ObjInst::ExcMatch { exc, class } => vec![*exc, *class],
            ObjInst::WithEnter(m) => vec![*m],
            ObjInst::WithExit { exit, exc } => std::iter::once(*exit).chain(*exc).collect(),
            ObjInst::Append { container, item } => vec![*container, *item],
            ObjInst::DictSet { container, key, item } => vec![*container, *key, *item],
            ObjInst::DelItem { value, index } => vec![*value, *index],
            ObjInst::DelAttr { value, .. } | ObjInst::Unbind(value) => vec![*value],
            ObjInst::SetAttr { value, item, .. } => vec![*value, *item],
            ObjInst::Lifted { args, .. } | ObjInst::JoinStr(args) | ObjInst::MakeFunction { args, .. } => args.clone(),
            ObjInst::Format { value, spec, .. } => std::iter::once(*value).chain(*spec).collect(),
            ObjInst::CallEx { func, args, kwargs } => std::iter::once(*func).chain(args.iter().map(|a| a.1)).chain(kwargs.iter().map(|k| k.1)).collect(),
            ObjInst::Import { .. } | ObjInst::Marker(_) => vec![],
            ObjInst::UnpackEx { value, .. } => vec![*value],
            ObjInst::BuildUnpack { items, .. } => items.iter().map(|i| i.1).collect(),
            ObjInst::WithCause { exc, cause } => vec![*exc, *cause],
            ObjInst::SetHandled(x) | ObjInst::RestoreHandled(x) | ObjInst::StoreGlobal { value: x, .. } => vec![*x],
        }
    }

    pub(crate) fn operands_mut(&mut self) -> Vec<&mut Value> {
        match self {
            ObjInst::List(items) | ObjInst::Set(items) => items.iter_mut().collect(),
            ObjInst::Dict(pairs) => pairs.iter_mut().flat_map(|(k, v)| [k, v]).collect(),
            ObjInst::Caught | ObjInst::Empty(_) => vec![],
            ObjInst::ExcMatch { exc, class } => vec![exc, class],
            ObjInst::WithEnter(m) => vec![m],
            ObjInst::WithExit { exit, exc } => std::iter::once(exit).chain(exc.as_mut()).collect(),
            ObjInst::Append { container, item } => vec![container, item],
            ObjInst::DictSet { container, key, item } => vec![container, key, item],
            ObjInst::DelItem { value, index } => vec![value, index],
            ObjInst::DelAttr { value, .. } | ObjInst::Unbind(value) => vec![value],
            ObjInst::SetAttr { value, item, .. } => vec![value, item],
            ObjInst::Lifted { args, .. } | ObjInst::JoinStr(args) | ObjInst::MakeFunction { args, .. } => args.iter_mut().collect(),
            ObjInst::Format { value, spec, .. } => std::iter::once(value).chain(spec.as_mut()).collect(),
            ObjInst::CallEx { func, args, kwargs } => std::iter::once(func).chain(args.iter_mut().map(|a| &mut a.1)).chain(kwargs.iter_mut().map(|k| &mut k.1)).collect(),
            ObjInst::Import { .. } | ObjInst::Marker(_) => vec![],
            ObjInst::UnpackEx { value, .. } => vec![value],
            ObjInst::BuildUnpack { items, .. } => items.iter_mut().map(|i| &mut i.1).collect(),
            ObjInst::WithCause { exc, cause } => vec![exc, cause],
            ObjInst::SetHandled(x) | ObjInst::RestoreHandled(x) | ObjInst::StoreGlobal { value: x, .. } => vec![x],
        }
    }

    /// What the construct is called in errors of nopython typing, and a hint.
    pub fn construct(&self) -> (&'static str, &'static str) {
        match self {
            ObjInst::List(_) => ("list literals", "use a tuple, or a NumPy array"),
            ObjInst::Set(_) => ("`set literal`", "use a tuple, or a NumPy array"),
            ObjInst::Dict(_) => ("`dict literal`", "use a tuple, or a NumPy array"),
            ObjInst::Caught | ObjInst::ExcMatch { .. } => ("`try statement`", "move this part out of the compiled function"),
            ObjInst::WithEnter(_) | ObjInst::WithExit { .. } => ("`with statement`", "move this part out of the compiled function"),
            ObjInst::Empty(_) | ObjInst::Append { .. } | ObjInst::DictSet { .. } => ("comprehensions", "write the loop out explicitly"),
            ObjInst::DelItem { .. } | ObjInst::DelAttr { .. } | ObjInst::Unbind(_) => ("`del statement`", "see rumbo's supported-features table"),
            ObjInst::SetAttr { .. } => ("assigning attributes", "return the value instead"),
            ObjInst::Lifted { .. } => ("lifted loops", "this is a bug in rumbo"),
            ObjInst::Format { .. } | ObjInst::JoinStr(_) => ("`f-string`", "build strings outside compiled code"),
            ObjInst::Import { .. } => ("`import statement`", "import at module level; compiled code reads module globals"),
            ObjInst::WithCause { .. } => ("`raise ... from ...`", "raise the exception without `from`"),
            ObjInst::SetHandled(_) | ObjInst::RestoreHandled(_) => ("`try statement`", "move this part out of the compiled function"),
            ObjInst::CallEx { args, .. } if args.iter().any(|a| a.0) => ("`*args in a call`", "see rumbo's supported-features table"),
            ObjInst::CallEx { .. } => ("`**kwargs in a call`", "see rumbo's supported-features table"),
            ObjInst::MakeFunction { what, .. } => match what.as_str() {
                "lambda" => ("`lambda`", "define the helper at module level and decorate it with @njit"),
                "class definition" => ("`class definition`", "define the class at module level"),
                _ => ("`nested function definition`", "define the helper at module level and decorate it with @njit"),
            },
            ObjInst::Marker(_) => ("this construct", "see rumbo's supported-features table"),
            ObjInst::UnpackEx { .. } | ObjInst::BuildUnpack { .. } => ("`starred expression`", "see rumbo's supported-features table"),
            ObjInst::StoreGlobal { .. } => ("assigning global variables", "globals are frozen as constants when the function compiles; return the value instead"),
        }
    }
}

impl Inst {
    /// Values this instruction reads, in order.
    pub fn operands(&self) -> Vec<Value> {
        match self {
            Inst::Const(_) | Inst::Global(_) | Inst::Undef(_) => vec![],
            Inst::Binary { lhs, rhs, .. } | Inst::Compare { lhs, rhs, .. } => vec![*lhs, *rhs],
            Inst::Inplace { target, rhs, .. } => vec![*target, *rhs],
            Inst::Unary { operand, .. } => vec![*operand],
            Inst::Truth(v) | Inst::GetIter(v) | Inst::IterNext(v) => vec![*v],
            Inst::Call { func, args, kwargs } => {
                let mut out = vec![*func];
                out.extend(args);
                out.extend(kwargs.iter().map(|(_, v)| *v));
                out
            }
            Inst::GetAttr { value, .. } | Inst::TupleGet { value, .. } | Inst::Unpack { value, .. } => vec![*value],
            Inst::GetItem { value, index } => vec![*value, *index],
            Inst::SetItem { value, index, item } => vec![*value, *index, *item],
            Inst::Tuple(items) => items.clone(),
            Inst::Slice { lower, upper, step } => [lower, upper, step].into_iter().flatten().copied().collect(),
            Inst::Obj(o) => o.operands(),
            Inst::ObjmodeBlock(b) => b.args.clone(),
            Inst::ParallelFor { range, args, .. } => std::iter::once(*range).chain(args.iter().copied()).collect(),
        }
    }

    /// True when the instruction has an effect beyond its value.
    pub fn has_side_effects(&self) -> bool {
        matches!(self, Inst::Call { .. } | Inst::SetItem { .. } | Inst::IterNext(_) | Inst::Unpack { .. } | Inst::Inplace { .. } | Inst::ParallelFor { .. } | Inst::Obj(_) | Inst::ObjmodeBlock(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// The `index`-th parameter of `block` (the entry block's are the arguments).
    Param { block: Block, index: usize },
    Inst(Inst),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValueData {
    pub kind: ValueKind,
    pub span: Span,
    /// The source variable this value was assigned to, if any (for annotations).
    pub var: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockCall {
    pub block: Block,
    pub args: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Terminator {
    Jump(BlockCall),
    Branch { cond: Value, then_to: BlockCall, else_to: BlockCall },
    Return(Value),
    /// `raise cls(args...)` or `raise cls`; `None` re-raises (unsupported by typing).
    /// Raising the value of `ObjInst::Caught` re-raises the handled exception.
    Raise { class: Option<Value>, args: Vec<Value> },
    /// Inside a `try` body (object mode only): continues in `body`; an exception
    /// raised in a block whose `handler` is `handler.block`, before the next
    /// `Try` of that handler runs, lands there with these arguments (the
    /// variables as they were here: every statement of a try body starts with one).
    Try { body: BlockCall, handler: BlockCall },
    Unreachable,
}

impl Terminator {
    pub fn successors(&self) -> Vec<&BlockCall> {
        match self {
            Terminator::Jump(c) => vec![c],
            Terminator::Branch { then_to, else_to, .. } => vec![then_to, else_to],
            Terminator::Try { body, handler } => vec![body, handler],
            _ => vec![],
        }
    }

    pub fn successors_mut(&mut self) -> Vec<&mut BlockCall> {
        match self {
            Terminator::Jump(c) => vec![c],
            Terminator::Branch { then_to, else_to, .. } => vec![then_to, else_to],
            Terminator::Try { body, handler } => vec![body, handler],
            _ => vec![],
        }
    }

    /// Values the terminator reads (block arguments included).
    pub fn operands(&self) -> Vec<Value> {
        match self {
            Terminator::Jump(c) => c.args.clone(),
            Terminator::Branch { cond, then_to, else_to } => {
                let mut out = vec![*cond];
                out.extend(&then_to.args);
                out.extend(&else_to.args);
                out
            }
            Terminator::Try { body, handler } => body.args.iter().chain(&handler.args).copied().collect(),
            Terminator::Return(v) => vec![*v],
            Terminator::Raise { class, args } => class.iter().chain(args).copied().collect(),
            Terminator::Unreachable => vec![],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockData {
    pub params: Vec<Value>,
    pub insts: Vec<Value>,
    pub term: Terminator,
    pub term_span: Span,
    /// Where exceptions raised here go (object mode `try`); `None`: to the caller.
    pub handler: Option<Block>,
}

/// A whole function in rumbo IR. Block 0 is the entry; its parameters are the
/// function's arguments, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub param_names: Vec<String>,
    pub blocks: Vec<BlockData>,
    pub values: Vec<ValueData>,
    /// Free names the function reads, in order of first use.
    pub globals: Vec<String>,
    pub span: Span,
}

impl Function {
    pub const ENTRY: Block = Block(0);

    pub fn value(&self, v: Value) -> &ValueData {
        &self.values[v.index()]
    }

    pub fn block(&self, b: Block) -> &BlockData {
        &self.blocks[b.index()]
    }

    pub fn inst(&self, v: Value) -> Option<&Inst> {
        match &self.values[v.index()].kind {
            ValueKind::Inst(i) => Some(i),
            ValueKind::Param { .. } => None,
        }
    }

    pub fn block_ids(&self) -> impl Iterator<Item = Block> {
        (0..self.blocks.len() as u32).map(Block)
    }

    /// Values that may be an unbound variable: `Undef`s and the block
    /// parameters they can flow into.
    pub fn maybe_undefined(&self) -> std::collections::HashSet<Value> {
        let mut set: std::collections::HashSet<Value> =
            (0..self.values.len() as u32).map(Value).filter(|v| matches!(self.inst(*v), Some(Inst::Undef(_)))).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for b in self.block_ids() {
                for call in self.block(b).term.successors() {
                    for (p, a) in self.block(call.block).params.iter().zip(&call.args) {
                        if set.contains(a) && set.insert(*p) {
                            changed = true;
                        }
                    }
                }
            }
        }
        set
    }

    /// Predecessors of every block, in block order.
    pub fn predecessors(&self) -> Vec<Vec<Block>> {
        let mut preds = vec![vec![]; self.blocks.len()];
        for b in self.block_ids() {
            for s in self.block(b).term.successors() {
                preds[s.block.index()].push(b);
            }
        }
        preds
    }

    /// Blocks in reverse post-order from the entry (unreachable blocks omitted).
    pub fn reverse_postorder(&self) -> Vec<Block> {
        let mut seen = vec![false; self.blocks.len()];
        let mut order = vec![];
        let mut stack = vec![(Self::ENTRY, 0usize)];
        seen[0] = true;
        while let Some((b, i)) = stack.pop() {
            let succs = self.block(b).term.successors();
            if i < succs.len() {
                stack.push((b, i + 1));
                let s = succs[i].block;
                if !seen[s.index()] {
                    seen[s.index()] = true;
                    stack.push((s, 0));
                }
            } else {
                order.push(b);
            }
        }
        order.reverse();
        order
    }
}
