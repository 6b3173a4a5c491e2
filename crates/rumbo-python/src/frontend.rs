//! CPython's `ast` to rumbo's syntax tree. Constructs rumbo does not compile
//! become `Unsupported` nodes that keep their span, so lowering can point at them.

use pyo3::prelude::*;
use pyo3::types::PyList;
use rumbo_syntax::*;

fn node_name(node: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(node.get_type().name()?.to_string())
}

thread_local! {
    /// Lines to add to the parser's line numbers (source parsed out of its file).
    static LINE_OFFSET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn span_of(node: &Bound<'_, PyAny>) -> PyResult<Span> {
    let get = |attr: &str| -> PyResult<u32> {
        let v = node.getattr(attr)?;
        if v.is_none() {
            Ok(0)
        } else {
            v.extract::<u32>()
        }
    };
    let line = get("lineno")?;
    let col = get("col_offset")?;
    let end_line = get("end_lineno")?;
    let end_col = get("end_col_offset")?;
    let off = LINE_OFFSET.with(|o| o.get());
    let end_line = if end_line == 0 { line } else { end_line };
    Ok(Span { line: line + off, col, end_line: end_line + off, end_col })
}

fn list<'py>(node: &Bound<'py, PyAny>, attr: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let v = node.getattr(attr)?;
    let l = v.cast::<PyList>().map_err(PyErr::from)?;
    Ok(l.iter().collect())
}

fn opt<'py>(node: &Bound<'py, PyAny>, attr: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let v = node.getattr(attr)?;
    Ok(if v.is_none() { None } else { Some(v) })
}

fn binop(node: &Bound<'_, PyAny>) -> PyResult<Option<BinOp>> {
    Ok(Some(match node_name(node)?.as_str() {
        "Add" => BinOp::Add,
        "Sub" => BinOp::Sub,
        "Mult" => BinOp::Mult,
        "Div" => BinOp::Div,
        "FloorDiv" => BinOp::FloorDiv,
        "Mod" => BinOp::Mod,
        "Pow" => BinOp::Pow,
        "MatMult" => BinOp::MatMult,
        "LShift" => BinOp::LShift,
        "RShift" => BinOp::RShift,
        "BitOr" => BinOp::BitOr,
        "BitXor" => BinOp::BitXor,
        "BitAnd" => BinOp::BitAnd,
        _ => return Ok(None),
    }))
}

fn constant(value: &Bound<'_, PyAny>) -> PyResult<Option<Constant>> {
    use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyString};
    Ok(Some(if value.is_none() {
        Constant::None
    } else if let Ok(b) = value.cast::<PyBool>() {
        Constant::Bool(b.is_true())
    } else if value.is_instance_of::<PyInt>() {
        match value.extract::<i128>() {
            Ok(i) => Constant::Int(i),
            Err(_) => return Ok(None),
        }
    } else if let Ok(f) = value.cast::<PyFloat>() {
        Constant::Float(f.value())
    } else if let Ok(c) = value.cast::<PyComplex>() {
        Constant::Complex { re: c.real(), im: c.imag() }
    } else if let Ok(s) = value.cast::<PyString>() {
        Constant::Str(s.to_string())
    } else if value.is(&value.py().Ellipsis()) {
        Constant::Ellipsis
    } else {
        return Ok(None);
    }))
}

fn boxed(node: &Bound<'_, PyAny>, attr: &str) -> PyResult<Box<Expr>> {
    Ok(Box::new(expr(&node.getattr(attr)?)?))
}

fn exprs(node: &Bound<'_, PyAny>, attr: &str) -> PyResult<Vec<Expr>> {
    list(node, attr)?.iter().map(expr).collect()
}

pub(crate) fn expr(node: &Bound<'_, PyAny>) -> PyResult<Expr> {
    let span = span_of(node)?;
    let name = node_name(node)?;
    let unsupported = |what: &str| Expr { kind: ExprKind::Unsupported { what: what.to_string() }, span };
    let kind = match name.as_str() {
        "Name" => ExprKind::Name(node.getattr("id")?.extract()?),
        "Constant" => match constant(&node.getattr("value")?)? {
            Some(c) => ExprKind::Const(c),
            None => return Ok(unsupported("this constant")),
        },
        "BinOp" => match binop(&node.getattr("op")?)? {
            Some(op) => ExprKind::BinOp { op, left: boxed(node, "left")?, right: boxed(node, "right")? },
            None => return Ok(unsupported("BinOp")),
        },
        "UnaryOp" => {
            let op = match node_name(&node.getattr("op")?)?.as_str() {
                "Not" => UnaryOp::Not,
                "USub" => UnaryOp::Neg,
                "UAdd" => UnaryOp::Pos,
                _ => UnaryOp::Invert,
            };
            ExprKind::UnaryOp { op, operand: boxed(node, "operand")? }
        }
        "BoolOp" => {
            let op = if node_name(&node.getattr("op")?)? == "And" { BoolOp::And } else { BoolOp::Or };
            ExprKind::BoolOp { op, values: exprs(node, "values")? }
        }
        "Compare" => {
            let mut ops = vec![];
            for o in list(node, "ops")? {
                ops.push(match node_name(&o)?.as_str() {
                    "Eq" => CmpOp::Eq,
                    "NotEq" => CmpOp::NotEq,
                    "Lt" => CmpOp::Lt,
                    "LtE" => CmpOp::LtE,
                    "Gt" => CmpOp::Gt,
                    "GtE" => CmpOp::GtE,
                    "Is" => CmpOp::Is,
                    "IsNot" => CmpOp::IsNot,
                    "In" => CmpOp::In,
                    _ => CmpOp::NotIn,
                });
            }
            ExprKind::Compare { left: boxed(node, "left")?, ops, comparators: exprs(node, "comparators")? }
        }
        "Call" => {
            let mut args = vec![];
            for a in list(node, "args")? {
                if node_name(&a)? == "Starred" {
                    args.push((true, expr(&a.getattr("value")?)?));
                } else {
                    args.push((false, expr(&a)?));
                }
            }
            let mut keywords = vec![];
            for k in list(node, "keywords")? {
                keywords.push((opt(&k, "arg")?.map(|n| n.extract()).transpose()?, expr(&k.getattr("value")?)?));
            }
            if args.iter().any(|(s, _)| *s) || keywords.iter().any(|(n, _)| n.is_none()) {
                ExprKind::CallEx { func: boxed(node, "func")?, args, keywords }
            } else {
                let args = args.into_iter().map(|(_, a)| a).collect();
                let keywords = keywords.into_iter().map(|(n, value)| Keyword { name: n.unwrap_or_default(), value }).collect();
                ExprKind::Call { func: boxed(node, "func")?, args, keywords }
            }
        }
        "Attribute" => ExprKind::Attribute { value: boxed(node, "value")?, attr: node.getattr("attr")?.extract()? },
        "IfExp" => ExprKind::IfExp { test: boxed(node, "test")?, body: boxed(node, "body")?, orelse: boxed(node, "orelse")? },
        "Tuple" => ExprKind::Tuple(exprs(node, "elts")?),
        "List" => ExprKind::List(exprs(node, "elts")?),
        "Set" => ExprKind::Set(exprs(node, "elts")?),
        "JoinedStr" => ExprKind::FString(fstring_parts(node)?),
        "NamedExpr" => {
            let target = node.getattr("target")?;
            if node_name(&target)? != "Name" {
                return Ok(unsupported("assignment expression (:=)"));
            }
            ExprKind::NamedExpr { target: target.getattr("id")?.extract()?, value: boxed(node, "value")? }
        }
        "Starred" => ExprKind::Starred(boxed(node, "value")?),
        "Lambda" => ExprKind::Lambda(Box::new(nested(node, "lambda", None)?)),
        "FormattedValue" => ExprKind::FString(vec![formatted(node)?]),
        "Dict" => {
            let keys = list(node, "keys")?;
            if keys.iter().any(|k| k.is_none()) {
                return Ok(unsupported("**mapping in a dict literal"));
            }
            ExprKind::Dict { keys: keys.iter().map(expr).collect::<PyResult<_>>()?, values: exprs(node, "values")? }
        }
        "ListComp" | "SetComp" | "DictComp" | "GeneratorExp" => {
            let mut generators = vec![];
            for g in list(node, "generators")? {
                if g.getattr("is_async")?.is_truthy()? {
                    return Ok(unsupported("async comprehension"));
                }
                generators.push(Generator { target: expr(&g.getattr("target")?)?, iter: expr(&g.getattr("iter")?)?, ifs: exprs(&g, "ifs")? });
            }
            let (kind, elt, key) = match name.as_str() {
                "ListComp" => (CompKind::List, boxed(node, "elt")?, None),
                "SetComp" => (CompKind::Set, boxed(node, "elt")?, None),
                "GeneratorExp" => (CompKind::Generator, boxed(node, "elt")?, None),
                _ => (CompKind::Dict, boxed(node, "value")?, Some(boxed(node, "key")?)),
            };
            ExprKind::Comprehension { kind, elt, key, generators }
        }
        "Subscript" => ExprKind::Subscript { value: boxed(node, "value")?, index: boxed(node, "slice")? },
        "Slice" => {
            let part = |a: &str| -> PyResult<Option<Box<Expr>>> { opt(node, a)?.map(|x| expr(&x).map(Box::new)).transpose() };
            ExprKind::Slice { lower: part("lower")?, upper: part("upper")?, step: part("step")? }
        }
        other => return Ok(unsupported(&describe(other))),
    };
    Ok(Expr { kind, span })
}

/// A lambda, def or class: its span (decorators included) and the names it mentions.
fn nested(node: &Bound<'_, PyAny>, what: &str, name: Option<String>) -> PyResult<Nested> {
    let mut span = span_of(node)?;
    if let Ok(decorators) = list(node, "decorator_list") {
        for d in decorators {
            let ds = span_of(&d)?;
            if ds.line < span.line {
                span.line = ds.line;
                span.col = ds.col.saturating_sub(1);
            }
        }
    }
    let mut names = vec![];
    let walk = node.py().import("ast")?.getattr("walk")?;
    for n in walk.call1((node,))?.try_iter()? {
        let n = n?;
        if node_name(&n)? == "Name" {
            let id: String = n.getattr("id")?.extract()?;
            if !names.contains(&id) {
                names.push(id);
            }
        }
    }
    Ok(Nested { what: what.to_string(), name, names, span })
}

fn formatted(node: &Bound<'_, PyAny>) -> PyResult<FPart> {
    let conversion: i64 = node.getattr("conversion")?.extract()?;
    Ok(FPart::Value {
        value: expr(&node.getattr("value")?)?,
        conversion: (conversion >= 0).then(|| char::from_u32(conversion as u32).unwrap_or('s')),
        spec: opt(node, "format_spec")?.map(|s| expr(&s).map(Box::new)).transpose()?,
    })
}

fn fstring_parts(node: &Bound<'_, PyAny>) -> PyResult<Vec<FPart>> {
    let mut out = vec![];
    for v in list(node, "values")? {
        if node_name(&v)? == "FormattedValue" {
            out.push(formatted(&v)?);
        } else {
            out.push(FPart::Lit(v.getattr("value")?.extract()?));
        }
    }
    Ok(out)
}

fn aliases(node: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Option<String>)>> {
    list(node, "names")?.iter().map(|a| Ok((a.getattr("name")?.extract()?, opt(a, "asname")?.map(|n| n.extract()).transpose()?))).collect()
}

/// Users read these names in errors: say what the construct is.
fn describe(node: &str) -> String {
    match node {
        "Lambda" => "lambda".into(),
        "ListComp" => "list comprehension".into(),
        "SetComp" => "set comprehension".into(),
        "DictComp" => "dict comprehension".into(),
        "GeneratorExp" => "generator expression".into(),
        "JoinedStr" | "FormattedValue" => "f-string".into(),
        "Dict" => "dict literal".into(),
        "Set" => "set literal".into(),
        "Yield" | "YieldFrom" => "yield (generators)".into(),
        "Await" => "await".into(),
        "NamedExpr" => "assignment expression (:=)".into(),
        "Starred" => "starred expression".into(),
        "With" | "AsyncWith" => "with statement".into(),
        "Try" | "TryStar" => "try statement".into(),
        "ClassDef" => "class definition".into(),
        "FunctionDef" | "AsyncFunctionDef" => "nested function definition".into(),
        "Import" | "ImportFrom" => "import statement".into(),
        "Delete" => "del statement".into(),
        "AsyncFor" => "async for".into(),
        "Match" => "match statement".into(),
        other => other.to_string(),
    }
}

fn body(node: &Bound<'_, PyAny>, attr: &str) -> PyResult<Vec<Stmt>> {
    list(node, attr)?.iter().map(stmt).collect()
}

fn stmt(node: &Bound<'_, PyAny>) -> PyResult<Stmt> {
    let span = span_of(node)?;
    let name = node_name(node)?;
    let kind = match name.as_str() {
        "Return" => StmtKind::Return(opt(node, "value")?.map(|v| expr(&v)).transpose()?),
        "Assign" => StmtKind::Assign { targets: exprs(node, "targets")?, value: expr(&node.getattr("value")?)? },
        "AugAssign" => match binop(&node.getattr("op")?)? {
            Some(op) => StmtKind::AugAssign { target: expr(&node.getattr("target")?)?, op, value: expr(&node.getattr("value")?)? },
            None => StmtKind::Unsupported { what: "augmented assignment".into() },
        },
        "AnnAssign" => StmtKind::AnnAssign {
            target: expr(&node.getattr("target")?)?,
            value: opt(node, "value")?.map(|v| expr(&v)).transpose()?,
        },
        "For" => StmtKind::For {
            target: expr(&node.getattr("target")?)?,
            iter: expr(&node.getattr("iter")?)?,
            body: body(node, "body")?,
            orelse: body(node, "orelse")?,
        },
        "While" => StmtKind::While { test: expr(&node.getattr("test")?)?, body: body(node, "body")?, orelse: body(node, "orelse")? },
        "If" => StmtKind::If { test: expr(&node.getattr("test")?)?, body: body(node, "body")?, orelse: body(node, "orelse")? },
        "Expr" => StmtKind::Expr(expr(&node.getattr("value")?)?),
        "Pass" => StmtKind::Pass,
        "Break" => StmtKind::Break,
        "Continue" => StmtKind::Continue,
        "Raise" => match (opt(node, "exc")?, opt(node, "cause")?) {
            (Some(exc), Some(cause)) => StmtKind::RaiseFrom { exc: expr(&exc)?, cause: expr(&cause)? },
            (exc, _) => StmtKind::Raise(exc.map(|v| expr(&v)).transpose()?),
        },
        "Import" => StmtKind::Import(aliases(node)?),
        "FunctionDef" => StmtKind::Def(Box::new(nested(node, "nested function definition", Some(node.getattr("name")?.extract()?))?)),
        "ClassDef" => StmtKind::Def(Box::new(nested(node, "class definition", Some(node.getattr("name")?.extract()?))?)),
        "ImportFrom" => {
            let names = aliases(node)?;
            if names.iter().any(|(n, _)| n == "*") {
                StmtKind::Unsupported { what: "`from ... import *`".into() }
            } else {
                StmtKind::ImportFrom {
                    module: opt(node, "module")?.map(|m| m.extract()).transpose()?.unwrap_or_default(),
                    names,
                    level: node.getattr("level")?.extract::<Option<u32>>()?.unwrap_or(0),
                }
            }
        }
        "Assert" => StmtKind::Assert {
            test: expr(&node.getattr("test")?)?,
            msg: opt(node, "msg")?.map(|v| expr(&v)).transpose()?,
        },
        "Global" | "Nonlocal" => StmtKind::Global(node.getattr("names")?.extract()?),
        "Try" => {
            let mut handlers = vec![];
            for h in list(node, "handlers")? {
                handlers.push(ExceptHandler {
                    class: opt(&h, "type")?.map(|t| expr(&t)).transpose()?,
                    name: opt(&h, "name")?.map(|n| n.extract()).transpose()?,
                    body: body(&h, "body")?,
                    span: span_of(&h)?,
                });
            }
            StmtKind::Try { body: body(node, "body")?, handlers, orelse: body(node, "orelse")?, finalbody: body(node, "finalbody")? }
        }
        "With" => {
            let mut items = vec![];
            for it in list(node, "items")? {
                items.push(WithItem {
                    manager: expr(&it.getattr("context_expr")?)?,
                    target: opt(&it, "optional_vars")?.map(|t| expr(&t)).transpose()?,
                });
            }
            StmtKind::With { items, body: body(node, "body")? }
        }
        "Delete" => StmtKind::Delete(exprs(node, "targets")?),
        other => StmtKind::Unsupported { what: describe(other) },
    };
    Ok(Stmt { kind, span })
}

/// Converts an `ast.FunctionDef`. Unsupported parameter kinds are reported as a
/// statement at the def, so the error points there.
pub(crate) fn function(node: &Bound<'_, PyAny>, line_offset: u32) -> PyResult<Function> {
    LINE_OFFSET.with(|o| o.set(line_offset));
    let result = function_at(node);
    LINE_OFFSET.with(|o| o.set(0));
    result
}

fn function_at(node: &Bound<'_, PyAny>) -> PyResult<Function> {
    let span = span_of(node)?;
    let name: String = node.getattr("name")?.extract()?;
    let args = node.getattr("args")?;
    let mut params = vec![];
    for a in list(&args, "posonlyargs")?.into_iter().chain(list(&args, "args")?) {
        params.push(Param { name: a.getattr("arg")?.extract()?, default: None, span: span_of(&a)? });
    }
    let mut body = body(node, "body")?;
    // Object mode takes these parameters, in Python's order (nopython reports them).
    let mut special = vec![];
    if let Some(a) = opt(&args, "vararg")? {
        special.push((a, "*args parameters"));
    }
    for a in list(&args, "kwonlyargs")? {
        special.push((a, "keyword-only parameters"));
    }
    if let Some(a) = opt(&args, "kwarg")? {
        special.push((a, "**kwargs parameters"));
    }
    for (a, _) in &special {
        params.push(Param { name: a.getattr("arg")?.extract()?, default: None, span: span_of(a)? });
    }
    for (a, what) in special.iter().rev() {
        body.insert(0, Stmt { kind: StmtKind::ObjOnly { what: (*what).into() }, span: span_of(a)? });
    }
    if matches!(node_name(node)?.as_str(), "AsyncFunctionDef") {
        body.insert(0, Stmt { kind: StmtKind::Unsupported { what: "async functions".into() }, span });
    }
    Ok(Function { name, params, body, span })
}
