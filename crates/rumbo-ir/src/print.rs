//! The text form of rumbo IR, for dumps (RUMBO_DUMP_IR) and snapshot tests.

use crate::data::*;
use rumbo_syntax::Constant;
use std::fmt::Write;

fn list(vals: &[Value]) -> String {
    vals.iter().map(|v| format!("v{}", v.0)).collect::<Vec<_>>().join(", ")
}

fn call(c: &BlockCall) -> String {
    format!("b{}({})", c.block.0, list(&c.args))
}

fn constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => format!("{f:?}"),
        Constant::Complex { re, im } => format!("complex({re:?}, {im:?})"),
        Constant::Str(s) => format!("{s:?}"),
        Constant::Ellipsis => "...".into(),
    }
}

pub(crate) fn inst_text(inst: &Inst) -> String {
    let v = |v: &Value| format!("v{}", v.0);
    match inst {
        Inst::Const(c) => format!("const {}", constant(c)),
        Inst::Global(n) => format!("global {n}"),
        Inst::Undef(n) => format!("undef {n}"),
        Inst::Binary { op, lhs, rhs } => format!("binary {} {}, {}", op.symbol(), v(lhs), v(rhs)),
        Inst::Inplace { op, target, rhs } => format!("inplace {}= {}, {}", op.symbol(), v(target), v(rhs)),
        Inst::Unary { op, operand } => format!("unary {} {}", op.symbol().trim(), v(operand)),
        Inst::Compare { op, lhs, rhs } => format!("compare {} {}, {}", op.symbol(), v(lhs), v(rhs)),
        Inst::Truth(x) => format!("truth {}", v(x)),
        Inst::Call { func, args, kwargs } => {
            let mut s = format!("call {}({}", v(func), list(args));
            for (k, x) in kwargs {
                let _ = write!(s, ", {k}={}", v(x));
            }
            s.push(')');
            s
        }
        Inst::GetAttr { value, attr } => format!("getattr {}.{attr}", v(value)),
        Inst::GetItem { value, index } => format!("getitem {}[{}]", v(value), v(index)),
        Inst::SetItem { value, index, item } => format!("setitem {}[{}] = {}", v(value), v(index), v(item)),
        Inst::Tuple(items) => format!("tuple ({})", list(items)),
        Inst::TupleGet { value, index } => format!("tupleget {}.{index}", v(value)),
        Inst::Unpack { value, count } => format!("unpack {} x{count}", v(value)),
        Inst::Slice { lower, upper, step } => {
            let o = |x: &Option<Value>| x.map(|x| format!("v{}", x.0)).unwrap_or_default();
            format!("slice {}:{}:{}", o(lower), o(upper), o(step))
        }
        Inst::GetIter(x) => format!("getiter {}", v(x)),
        Inst::IterNext(x) => format!("iternext {}", v(x)),
        Inst::Obj(o) => obj_text(o),
        Inst::ObjmodeBlock(b) => {
            let outs: Vec<String> = b.outputs.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            format!("objmode lines {}-{} ({}) -> ({})", b.lines.0, b.lines.1, list(&b.args), outs.join(", "))
        }
        Inst::ParallelFor { region, range, args } => format!("parallel_for region{region} over {} ({})", v(range), list(args)),
    }
}

fn obj_text(o: &ObjInst) -> String {
    let v = |v: &Value| format!("v{}", v.0);
    match o {
        ObjInst::List(items) => format!("list [{}]", list(items)),
        ObjInst::Set(items) => format!("set {{{}}}", list(items)),
        ObjInst::Dict(pairs) => {
            let items: Vec<String> = pairs.iter().map(|(k, x)| format!("{}: {}", v(k), v(x))).collect();
            format!("dict {{{}}}", items.join(", "))
        }
        ObjInst::Caught => "caught".into(),
        ObjInst::Empty(k) => format!("empty {k:?}"),
        ObjInst::ExcMatch { exc, class } => format!("excmatch {}, {}", v(exc), v(class)),
        ObjInst::WithEnter(m) => format!("with_enter {}", v(m)),
        ObjInst::WithExit { exit, exc } => format!("with_exit {}({})", v(exit), exc.map(|e| v(&e)).unwrap_or_default()),
        ObjInst::Append { container, item } => format!("append {}, {}", v(container), v(item)),
        ObjInst::DictSet { container, key, item } => format!("dictset {}[{}] = {}", v(container), v(key), v(item)),
        ObjInst::DelItem { value, index } => format!("delitem {}[{}]", v(value), v(index)),
        ObjInst::Unbind(x) => format!("unbind {}", v(x)),
        ObjInst::Lifted { index, args } => format!("lifted_loop{index}({})", list(args)),
        ObjInst::Format { value, conversion, spec } => {
            let c = conversion.map(|c| format!("!{c}")).unwrap_or_default();
            format!("format {}{c}:{}", v(value), spec.map(|s| v(&s)).unwrap_or_default())
        }
        ObjInst::JoinStr(parts) => format!("joinstr ({})", list(parts)),
        ObjInst::Import { module, fromlist, level } => format!("import {}{module} ({})", ".".repeat(*level as usize), fromlist.join(", ")),
        ObjInst::WithCause { exc, cause } => format!("withcause {} from {}", v(exc), v(cause)),
        ObjInst::SetHandled(x) => format!("set_handled {}", v(x)),
        ObjInst::MakeFunction { what, span, args, .. } => format!("make {what} at line {} ({})", span.line, list(args)),
        ObjInst::CallEx { func, args, kwargs } => {
            let mut parts: Vec<String> = args.iter().map(|(s, a)| format!("{}{}", if *s { "*" } else { "" }, v(a))).collect();
            parts.extend(kwargs.iter().map(|(n, a)| match n {
                Some(n) => format!("{n}={}", v(a)),
                None => format!("**{}", v(a)),
            }));
            format!("call_ex {}({})", v(func), parts.join(", "))
        }
        ObjInst::Marker(what) => format!("marker {what:?}"),
        ObjInst::UnpackEx { value, before, after } => format!("unpack_ex {} {before}+*+{after}", v(value)),
        ObjInst::BuildUnpack { kind, items } => {
            let parts: Vec<String> = items.iter().map(|(s, a)| format!("{}{}", if *s { "*" } else { "" }, v(a))).collect();
            format!("build_unpack{kind} ({})", parts.join(", "))
        }
        ObjInst::StoreGlobal { name, value } => format!("store_global {name} = {}", v(value)),
        ObjInst::RestoreHandled(x) => format!("restore_handled {}", v(x)),
        ObjInst::DelAttr { value, attr } => format!("delattr {}.{attr}", v(value)),
        ObjInst::SetAttr { value, attr, item } => format!("setattr {}.{attr} = {}", v(value), v(item)),
    }
}

/// Prints the function; `annotate` may add a suffix per value (e.g. its type).
pub fn print_function(func: &Function, annotate: &dyn Fn(Value) -> Option<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "function {}({}) {{", func.name, func.param_names.join(", "));
    let suffix = |v: Value| annotate(v).map(|s| format!(" : {s}")).unwrap_or_default();
    for b in func.block_ids() {
        let data = func.block(b);
        let params: Vec<String> = data.params.iter().map(|p| format!("v{}{}", p.0, suffix(*p))).collect();
        let handler = data.handler.map(|h| format!("  # except b{}", h.0)).unwrap_or_default();
        let _ = writeln!(out, "b{}({}):{handler}", b.0, params.join(", "));
        for &v in &data.insts {
            let vd = func.value(v);
            let text = match &vd.kind {
                ValueKind::Inst(i) => inst_text(i),
                ValueKind::Param { .. } => "param".into(),
            };
            let var = vd.var.as_ref().map(|n| format!("  # {n}")).unwrap_or_default();
            let _ = writeln!(out, "    v{}{} = {text}{var}", v.0, suffix(v));
        }
        let term = match &data.term {
            Terminator::Jump(c) => format!("jump {}", call(c)),
            Terminator::Branch { cond, then_to, else_to } => {
                format!("branch v{}, {}, {}", cond.0, call(then_to), call(else_to))
            }
            Terminator::Try { body, handler } => format!("try {} except {}", call(body), call(handler)),
            Terminator::Return(v) => format!("return v{}", v.0),
            Terminator::Raise { class, args } => {
                format!("raise {}({})", class.map(|c| format!("v{}", c.0)).unwrap_or_default(), list(args))
            }
            Terminator::Unreachable => "unreachable".into(),
        };
        let _ = writeln!(out, "    {term}");
    }
    out.push_str("}\n");
    out
}
