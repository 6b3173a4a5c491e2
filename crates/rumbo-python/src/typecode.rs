//! Types as cache entries spell them: a compact prefix code that round-trips every type a
//! specialization's signature can hold (`class(float32)` arguments, string literals,
//! functions), unlike Numba's signature strings. Dispatcher ids are process-local: a
//! signature holding one cannot be written.

use rumbo_types::{Layout, Type};

/// The code of `t`, or `None` when it names something only this process knows.
pub(crate) fn encode(t: &Type) -> Option<String> {
    let mut out = String::new();
    put(t, &mut out)?;
    Some(out)
}

/// The type `encode` gave `text`; `None` for anything else.
pub(crate) fn decode(text: &str) -> Option<Type> {
    let mut r = text.as_bytes();
    let t = get(&mut r)?;
    r.is_empty().then_some(t)
}

fn put_str(s: &str, out: &mut String) {
    out.push_str(&s.len().to_string());
    out.push(':');
    out.push_str(s);
}

fn put(t: &Type, out: &mut String) -> Option<()> {
    match t {
        Type::Bool => out.push('b'),
        Type::Int { bits, signed } => out.push_str(&format!("{}{bits};", if *signed { 'i' } else { 'u' })),
        Type::Float { bits } => out.push_str(&format!("f{bits};")),
        Type::Complex { bits } => out.push_str(&format!("c{bits};")),
        Type::NoneType => out.push('n'),
        Type::Void => out.push('v'),
        Type::Range => out.push('r'),
        Type::RangeIter => out.push('R'),
        Type::NdIndex(n) => out.push_str(&format!("D{n};")),
        Type::NdIndexIter(n) => out.push_str(&format!("Q{n};")),
        Type::Slice => out.push('s'),
        Type::Ellipsis => out.push('e'),
        Type::Tuple(items) => {
            out.push_str(&format!("T{};", items.len()));
            for i in items {
                put(i, out)?;
            }
        }
        Type::Array { dtype, ndim, layout, readonly } => {
            let l = match layout {
                Layout::C => 'C',
                Layout::F => 'F',
                Layout::A => 'A',
            };
            out.push_str(&format!("a{ndim};{l}{}", if *readonly { 'r' } else { 'w' }));
            put(dtype, out)?;
        }
        Type::ArrayIter(x) => {
            out.push('I');
            put(x, out)?;
        }
        Type::TupleIter(x) => {
            out.push('J');
            put(x, out)?;
        }
        Type::Flat(x) => {
            out.push('L');
            put(x, out)?;
        }
        Type::FlatIter(x) => {
            out.push('K');
            put(x, out)?;
        }
        Type::NumberClass(x) => {
            out.push('N');
            put(x, out)?;
        }
        Type::StrLiteral(s) => {
            out.push('S');
            put_str(s, out);
        }
        Type::Module(s) => {
            out.push('M');
            put_str(s, out);
        }
        Type::Function(s) => {
            out.push('F');
            put_str(s, out);
        }
        Type::ExceptionClass(id) => out.push_str(&format!("E{id};")),
        Type::Method { recv, name } => {
            out.push('m');
            put_str(name, out);
            put(recv, out)?;
        }
        Type::Dispatcher(_) => return None,
    }
    Some(())
}

fn byte(r: &mut &[u8]) -> Option<u8> {
    let (b, rest) = r.split_first()?;
    *r = rest;
    Some(*b)
}

/// Digits up to `end`.
fn number(r: &mut &[u8], end: u8) -> Option<usize> {
    let at = r.iter().position(|b| *b == end)?;
    let n = std::str::from_utf8(&r[..at]).ok()?.parse().ok()?;
    *r = &r[at + 1..];
    Some(n)
}

fn string(r: &mut &[u8]) -> Option<String> {
    let n = number(r, b':')?;
    if r.len() < n {
        return None;
    }
    let s = String::from_utf8(r[..n].to_vec()).ok()?;
    *r = &r[n..];
    Some(s)
}

fn bits(r: &mut &[u8]) -> Option<u8> {
    u8::try_from(number(r, b';')?).ok()
}

fn boxed(r: &mut &[u8]) -> Option<Box<Type>> {
    Some(Box::new(get(r)?))
}

fn get(r: &mut &[u8]) -> Option<Type> {
    Some(match byte(r)? {
        b'b' => Type::Bool,
        b'i' => Type::Int { bits: bits(r)?, signed: true },
        b'u' => Type::Int { bits: bits(r)?, signed: false },
        b'f' => Type::Float { bits: bits(r)? },
        b'c' => Type::Complex { bits: bits(r)? },
        b'n' => Type::NoneType,
        b'v' => Type::Void,
        b'r' => Type::Range,
        b'R' => Type::RangeIter,
        b'D' => Type::NdIndex(u8::try_from(number(r, b';')?).ok()?),
        b'Q' => Type::NdIndexIter(u8::try_from(number(r, b';')?).ok()?),
        b's' => Type::Slice,
        b'e' => Type::Ellipsis,
        b'T' => {
            let n = number(r, b';')?;
            Type::Tuple((0..n).map(|_| get(r)).collect::<Option<Vec<_>>>()?)
        }
        b'a' => {
            let ndim = bits(r)?;
            let layout = match byte(r)? {
                b'C' => Layout::C,
                b'F' => Layout::F,
                b'A' => Layout::A,
                _ => return None,
            };
            let readonly = match byte(r)? {
                b'r' => true,
                b'w' => false,
                _ => return None,
            };
            Type::Array { dtype: boxed(r)?, ndim, layout, readonly }
        }
        b'I' => Type::ArrayIter(boxed(r)?),
        b'J' => Type::TupleIter(boxed(r)?),
        b'L' => Type::Flat(boxed(r)?),
        b'K' => Type::FlatIter(boxed(r)?),
        b'N' => Type::NumberClass(boxed(r)?),
        b'S' => Type::StrLiteral(string(r)?),
        b'M' => Type::Module(string(r)?),
        b'F' => Type::Function(string(r)?),
        b'E' => Type::ExceptionClass(u32::try_from(number(r, b';')?).ok()?),
        b'm' => {
            let name = string(r)?;
            Type::Method { recv: boxed(r)?, name }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_type_round_trips() {
        let f32a = Type::Array { dtype: Box::new(rumbo_types::F32), ndim: 2, layout: Layout::F, readonly: true };
        let types = vec![
            Type::Bool,
            rumbo_types::I8,
            rumbo_types::U64,
            rumbo_types::F64,
            rumbo_types::C64,
            Type::NoneType,
            Type::Void,
            Type::Range,
            Type::RangeIter,
            Type::NdIndex(3),
            Type::NdIndexIter(2),
            Type::Slice,
            Type::Ellipsis,
            Type::Tuple(vec![]),
            Type::Tuple(vec![rumbo_types::I64, f32a.clone(), Type::Tuple(vec![Type::Bool])]),
            f32a.clone(),
            Type::ArrayIter(Box::new(f32a.clone())),
            Type::TupleIter(Box::new(rumbo_types::I64)),
            Type::Flat(Box::new(f32a.clone())),
            Type::FlatIter(Box::new(f32a.clone())),
            Type::NumberClass(Box::new(rumbo_types::F32)),
            Type::StrLiteral("a: é \"quoted\" 12:;".into()),
            Type::Module("numpy.linalg".into()),
            Type::Function("math.sqrt".into()),
            Type::ExceptionClass(70_000),
            Type::Method { recv: Box::new(f32a), name: "sum".into() },
        ];
        for t in types {
            let code = encode(&t).unwrap();
            assert_eq!(decode(&code), Some(t.clone()), "{code}");
            assert_eq!(decode(&format!("{code}x")), None);
            assert_eq!(decode(&code[..code.len() - 1]), None, "{code}");
        }
        assert_eq!(encode(&Type::Dispatcher(3)), None);
        assert_eq!(decode("q"), None);
        assert_eq!(decode("T99999999999999999999;"), None);
    }
}
