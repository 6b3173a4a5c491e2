//! NumPy arrays in Numba's data model: element addresses from strides, integer
//! and slice indexing (views share the data), attributes, and iteration.

use crate::func::{e, Emitter, R};
use crate::types::{array_struct, llvm_type, memory_type};
use inkwell::values::{BasicValueEnum, IntValue, PointerValue, StructValue};
use inkwell::IntPredicate;
use rumbo_ir::Value;
use rumbo_types::{array_getitem, dtype_size, BuiltinExc, IndexKind, Layout, Type, I64};

pub(crate) const F_MEMINFO: u32 = 0;
pub(crate) const F_NITEMS: u32 = 2;
pub(crate) const F_ITEMSIZE: u32 = 3;
pub(crate) const F_DATA: u32 = 4;
pub(crate) const F_SHAPE: u32 = 5;
pub(crate) const F_STRIDES: u32 = 6;

/// Where an index expression leaves one dimension.
pub(crate) enum Dim<'ctx> {
    /// Fixed at an integer: contributes an offset.
    Fixed,
    /// Kept, with a new extent and stride.
    Kept { len: IntValue<'ctx>, stride: IntValue<'ctx> },
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    pub(crate) fn field(&self, arr: StructValue<'ctx>, f: u32, name: &str) -> R<BasicValueEnum<'ctx>> {
        self.b.build_extract_value(arr, f, name).map_err(e)
    }

    pub(crate) fn shape_at(&self, arr: StructValue<'ctx>, k: u32) -> R<IntValue<'ctx>> {
        let dims = self.field(arr, F_SHAPE, "shape")?.into_array_value();
        Ok(self.b.build_extract_value(dims, k, "dim").map_err(e)?.into_int_value())
    }

    /// The byte stride of axis `k`; a constant for the contiguous axis of C/F
    /// arrays, so that loops over them vectorize.
    pub(crate) fn stride_at(&self, arr: StructValue<'ctx>, t: &Type, k: u32) -> R<IntValue<'ctx>> {
        let Type::Array { dtype, ndim, layout, .. } = t else { return Err("internal: stride of non-array".into()) };
        let contiguous_axis = match layout {
            Layout::C => Some(*ndim as u32 - 1),
            Layout::F => Some(0),
            Layout::A => None,
        };
        if contiguous_axis == Some(k) {
            return Ok(self.ctx.i64_type().const_int(dtype_size(dtype), false));
        }
        let strides = self.field(arr, F_STRIDES, "strides")?.into_array_value();
        Ok(self.b.build_extract_value(strides, k, "stride").map_err(e)?.into_int_value())
    }

    /// The stride stored in the array (what NumPy reports), for attributes and views.
    pub(crate) fn stored_stride(&self, arr: StructValue<'ctx>, k: u32) -> R<IntValue<'ctx>> {
        let strides = self.field(arr, F_STRIDES, "strides")?.into_array_value();
        Ok(self.b.build_extract_value(strides, k, "stride").map_err(e)?.into_int_value())
    }

    /// Wraps a negative index and checks it against the extent (IndexError).
    /// `never_negative`: a non-negative constant or an unsigned index.
    /// `proven`: the enclosing loop's stop keeps it within `-len..len` (only the wrap is left).
    pub(crate) fn normalize_index(&mut self, i: IntValue<'ctx>, len: IntValue<'ctx>, never_negative: bool, proven: bool) -> R<IntValue<'ctx>> {
        let zero = self.ctx.i64_type().const_zero();
        if !self.opts.boundscheck || never_negative || proven {
            let i = if never_negative {
                i
            } else {
                let neg = self.b.build_int_compare(IntPredicate::SLT, i, zero, "neg").map_err(e)?;
                let wrapped = self.b.build_int_add(i, len, "wrapped").map_err(e)?;
                self.b.build_select(neg, wrapped, i, "idx").map_err(e)?.into_int_value()
            };
            if self.opts.boundscheck && !proven {
                let oob = self.b.build_int_compare(IntPredicate::UGE, i, len, "oob").map_err(e)?;
                self.raise_if(oob, BuiltinExc::IndexError, "index out of bounds")?;
            }
            return Ok(i);
        }
        // Checked: one unsigned compare accepts every index in [0, len) (the usual case);
        // negative indices are wrapped and checked again off the hot path.
        let inside = self.b.build_int_compare(IntPredicate::ULT, i, len, "inside").map_err(e)?;
        let from = self.b.get_insert_block().unwrap();
        let wrap_bb = self.ctx.append_basic_block(self.llfn, "index.wrap");
        let done_bb = self.ctx.append_basic_block(self.llfn, "index.ok");
        let likely = self.expect(inside, true)?;
        self.b.build_conditional_branch(likely, done_bb, wrap_bb).map_err(e)?;
        self.b.position_at_end(wrap_bb);
        let wrapped = self.b.build_int_add(i, len, "wrapped").map_err(e)?;
        // i < 0 and i + len >= 0, i.e. i + len in [0, len) for a negative i.
        let neg = self.b.build_int_compare(IntPredicate::SLT, i, zero, "neg").map_err(e)?;
        let back = self.b.build_int_compare(IntPredicate::ULT, wrapped, len, "back").map_err(e)?;
        let ok = self.b.build_and(neg, back, "wrap.ok").map_err(e)?;
        let oob = self.b.build_not(ok, "oob").map_err(e)?;
        self.raise_if(oob, BuiltinExc::IndexError, "index out of bounds")?;
        let wrap_end = self.b.get_insert_block().unwrap();
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        let phi = self.b.build_phi(i.get_type(), "idx").map_err(e)?;
        phi.add_incoming(&[(&i, from), (&wrapped, wrap_end)]);
        Ok(phi.as_basic_value().into_int_value())
    }

    /// Python's slice.indices(len): (start, count, step) of a slice on an axis.
    fn slice_on_axis(&mut self, sl: StructValue<'ctx>, len: IntValue<'ctx>) -> R<(IntValue<'ctx>, IntValue<'ctx>, IntValue<'ctx>)> {
        let i64t = self.ctx.i64_type();
        let (zero, one) = (i64t.const_zero(), i64t.const_int(1, false));
        let b = &self.b;
        let get = |k: u32, n: &str| -> R<IntValue<'ctx>> { Ok(b.build_extract_value(sl, k, n).map_err(e)?.into_int_value()) };
        let (s, t, step, flags) = (get(0, "s")?, get(1, "t")?, get(2, "step")?, get(3, "flags")?);
        let has_start = b.build_int_compare(IntPredicate::NE, b.build_and(flags, one, "f").map_err(e)?, zero, "hs").map_err(e)?;
        let has_stop = b
            .build_int_compare(IntPredicate::NE, b.build_and(flags, i64t.const_int(2, false), "f").map_err(e)?, zero, "ht")
            .map_err(e)?;
        let up = b.build_int_compare(IntPredicate::SGT, step, zero, "up").map_err(e)?;
        let lower = b.build_select(up, zero, i64t.const_all_ones(), "lower").map_err(e)?.into_int_value();
        let len_m1 = b.build_int_sub(len, one, "lenm1").map_err(e)?;
        let upper = b.build_select(up, len, len_m1, "upper").map_err(e)?.into_int_value();
        let clamp = |x: IntValue<'ctx>, n: &str| -> R<IntValue<'ctx>> {
            let neg = b.build_int_compare(IntPredicate::SLT, x, zero, "neg").map_err(e)?;
            let plus = b.build_int_add(x, len, "plus").map_err(e)?;
            let lo_c = b.build_int_compare(IntPredicate::SLT, plus, lower, "loc").map_err(e)?;
            let neg_v = b.build_select(lo_c, lower, plus, "negv").map_err(e)?.into_int_value();
            let hi_c = b.build_int_compare(IntPredicate::SGT, x, upper, "hic").map_err(e)?;
            let pos_v = b.build_select(hi_c, upper, x, "posv").map_err(e)?.into_int_value();
            Ok(b.build_select(neg, neg_v, pos_v, n).map_err(e)?.into_int_value())
        };
        let start_given = clamp(s, "start")?;
        let stop_given = clamp(t, "stop")?;
        let start_default = b.build_select(up, lower, upper, "sd").map_err(e)?.into_int_value();
        let stop_default = b.build_select(up, upper, lower, "td").map_err(e)?.into_int_value();
        let start = b.build_select(has_start, start_given, start_default, "start").map_err(e)?.into_int_value();
        let stop = b.build_select(has_stop, stop_given, stop_default, "stop").map_err(e)?.into_int_value();
        // count = up ? (stop > start ? (stop-start-1)/step + 1 : 0) : (start > stop ? (start-stop-1)/(-step) + 1 : 0)
        let (hi, lo) = (b.build_select(up, stop, start, "hi").map_err(e)?.into_int_value(), b.build_select(up, start, stop, "lo").map_err(e)?.into_int_value());
        let nonempty = b.build_int_compare(IntPredicate::SGT, hi, lo, "ne").map_err(e)?;
        let abs_step = b.build_select(up, step, b.build_int_neg(step, "ns").map_err(e)?, "as").map_err(e)?.into_int_value();
        let span = b.build_int_sub(b.build_int_sub(hi, lo, "d").map_err(e)?, one, "d1").map_err(e)?;
        let q = b.build_int_signed_div(span, abs_step, "q").map_err(e)?;
        let n = b.build_int_add(q, one, "n").map_err(e)?;
        let count = b.build_select(nonempty, n, zero, "count").map_err(e)?.into_int_value();
        Ok((start, count, step))
    }

    /// Offset (bytes) and the kept dimensions of `arr[index]`.
    pub(crate) fn index_array(&mut self, arr_v: Value, index_v: Value) -> R<(PointerValue<'ctx>, Vec<Dim<'ctx>>, Type)> {
        let at = self.ty(arr_v).clone();
        let it = self.ty(index_v).clone();
        let (result_t, kinds) = array_getitem(&at, &it)?;
        let Type::Array { ndim, .. } = &at else { return Err("internal: index non-array".into()) };
        let arr = self.val(arr_v).into_struct_value();
        let idx_val = self.val(index_v);
        let parts: Vec<(BasicValueEnum<'ctx>, Type)> = match &it {
            Type::Tuple(items) => {
                let agg = idx_val.into_struct_value();
                let mut out = vec![];
                for (k, t) in items.iter().enumerate() {
                    out.push((self.b.build_extract_value(agg, k as u32, "ix").map_err(e)?, t.clone()));
                }
                out
            }
            _ => vec![(idx_val, it.clone())],
        };
        let const_index = self.const_int_of(index_v).filter(|c| *c >= 0).is_some();
        let unsigned = |t: &Type| matches!(t, Type::Int { signed: false, .. });
        let i64t = self.ctx.i64_type();
        let flagged = self.flagged_offset(arr_v, index_v, arr, &at, &kinds, &parts, const_index)?;
        let mut offset = flagged.unwrap_or(i64t.const_zero());
        let mut dims = vec![];
        // Index parts consume array axes in order, except new axes (`None`).
        let mut k = 0u32;
        for (part, kind) in kinds.iter().enumerate() {
            if flagged.is_some() {
                dims.push(Dim::Fixed);
                k += 1;
                continue;
            }
            if *kind == IndexKind::NewAxis {
                dims.push(Dim::Kept { len: i64t.const_int(1, false), stride: i64t.const_zero() });
                continue;
            }
            if let IndexKind::Ellipsis(n) = kind {
                for _ in 0..*n {
                    let len = self.shape_at(arr, k)?;
                    dims.push(Dim::Kept { len, stride: self.stored_stride(arr, k)? });
                    k += 1;
                }
                continue;
            }
            let len = self.shape_at(arr, k)?;
            let stride = self.stride_at(arr, &at, k)?;
            match kind {
                IndexKind::Int => {
                    let (v, t) = &parts[part];
                    let i = self.cast(*v, t, &I64)?.into_int_value();
                    let part_v = match self.func.inst(index_v) {
                        Some(rumbo_ir::Inst::Tuple(items)) if matches!(it, Type::Tuple(_)) => items[part],
                        _ => index_v,
                    };
                    let proven = self.index_proven(arr_v, part_v, k);
                    let never_negative = const_index || unsigned(t) || self.index_exact(arr_v, part_v, k);
                    let flag = if proven || !self.opts.boundscheck { None } else { self.index_flag(arr_v, part_v, k) };
                    let key = (arr_v, part_v, k);
                    let i = match (flag, self.index_cache.get(&key).filter(|_| self.index_cache_on)) {
                        (Some(flag), _) => self.index_under_flag(i, len, flag, never_negative)?,
                        (None, Some(&done)) => done,
                        (None, None) => {
                            let i = self.normalize_index(i, len, never_negative, proven)?;
                            if self.index_cache_on {
                                self.index_cache.insert(key, i);
                            }
                            i
                        }
                    };
                    let off = self.b.build_int_mul(i, stride, "off").map_err(e)?;
                    offset = self.b.build_int_add(offset, off, "offset").map_err(e)?;
                    dims.push(Dim::Fixed);
                }
                IndexKind::Slice => {
                    let sl = parts[part].0.into_struct_value();
                    let (start, count, step) = self.slice_on_axis(sl, len)?;
                    let off = self.b.build_int_mul(start, stride, "off").map_err(e)?;
                    offset = self.b.build_int_add(offset, off, "offset").map_err(e)?;
                    let stored = self.stored_stride(arr, k)?;
                    let new_stride = self.b.build_int_mul(stored, step, "stride").map_err(e)?;
                    dims.push(Dim::Kept { len: count, stride: new_stride });
                }
                IndexKind::NewAxis | IndexKind::Ellipsis(_) => unreachable!("handled above"),
            }
            k += 1;
        }
        for k in k..*ndim as u32 {
            let len = self.shape_at(arr, k)?;
            dims.push(Dim::Kept { len, stride: self.stored_stride(arr, k)? });
        }
        let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
        // SAFETY of the GEP: offsets stay inside the array (checked above when boundscheck).
        let p = unsafe { self.b.build_gep(self.ctx.i8_type(), data, &[offset], "p") }.map_err(e)?;
        Ok((p, dims, result_t))
    }

    pub(crate) fn load_element(&self, p: PointerValue<'ctx>, dtype: &Type) -> R<BasicValueEnum<'ctx>> {
        let v = self.b.build_load(memory_type(self.ctx, dtype), p, "elem").map_err(e)?;
        if *dtype == Type::Bool {
            let nz = self.b.build_int_compare(IntPredicate::NE, v.into_int_value(), self.ctx.i8_type().const_zero(), "b").map_err(e)?;
            return Ok(nz.into());
        }
        Ok(v)
    }

    pub(crate) fn array_getitem(&mut self, arr_v: Value, index_v: Value) -> R<BasicValueEnum<'ctx>> {
        let (p, dims, result_t) = self.index_array(arr_v, index_v)?;
        if !result_t.is_array() {
            return self.load_element(p, &result_t);
        }
        let arr = self.val(arr_v).into_struct_value();
        let kept: Vec<(IntValue<'ctx>, IntValue<'ctx>)> = dims
            .into_iter()
            .filter_map(|d| match d {
                Dim::Kept { len, stride } => Some((len, stride)),
                Dim::Fixed => None,
            })
            .collect();
        self.make_view(arr, &result_t, p, &kept)
    }

    /// A view of `arr`'s memory: same owner, new data pointer, shape and strides.
    pub(crate) fn make_view(
        &self,
        arr: StructValue<'ctx>,
        t: &Type,
        data: PointerValue<'ctx>,
        dims: &[(IntValue<'ctx>, IntValue<'ctx>)],
    ) -> R<BasicValueEnum<'ctx>> {
        let st = array_struct(self.ctx, dims.len() as u32);
        let i64t = self.ctx.i64_type();
        let mut shape = i64t.array_type(dims.len() as u32).get_undef();
        let mut strides = i64t.array_type(dims.len() as u32).get_undef();
        let mut nitems = i64t.const_int(1, false);
        for (k, (len, stride)) in dims.iter().enumerate() {
            shape = self.b.build_insert_value(shape, *len, k as u32, "shape").map_err(e)?.into_array_value();
            strides = self.b.build_insert_value(strides, *stride, k as u32, "strides").map_err(e)?.into_array_value();
            nitems = self.b.build_int_mul(nitems, *len, "nitems").map_err(e)?;
        }
        let mut v = st.get_undef();
        for f in [F_MEMINFO, 1, F_ITEMSIZE] {
            let x = self.field(arr, f, "f")?;
            v = self.b.build_insert_value(v, x, f, "view").map_err(e)?.into_struct_value();
        }
        let _ = t;
        v = self.b.build_insert_value(v, nitems, F_NITEMS, "view").map_err(e)?.into_struct_value();
        v = self.b.build_insert_value(v, data, F_DATA, "view").map_err(e)?.into_struct_value();
        v = self.b.build_insert_value(v, shape, F_SHAPE, "view").map_err(e)?.into_struct_value();
        v = self.b.build_insert_value(v, strides, F_STRIDES, "view").map_err(e)?.into_struct_value();
        Ok(v.into())
    }

    pub(crate) fn array_setitem(&mut self, arr_v: Value, index_v: Value, item: Value) -> R<()> {
        let (p, dims, target_t) = self.index_array(arr_v, index_v)?;
        let Type::Array { dtype, .. } = self.ty(arr_v).clone() else { return Err("internal: setitem".into()) };
        let item_t = self.ty(item).clone();
        if !target_t.is_array() {
            let v = self.cast(self.val(item), &item_t, &dtype)?;
            return self.store_element(p, v, &dtype);
        }
        // A selection: store the scalar, or the broadcast source array, into every element.
        let kept: Vec<(IntValue<'ctx>, IntValue<'ctx>)> = dims
            .into_iter()
            .filter_map(|d| match d {
                Dim::Kept { len, stride } => Some((len, stride)),
                Dim::Fixed => None,
            })
            .collect();
        let n = kept.len();
        let i64t = self.ctx.i64_type();
        // NumPy reads the whole source before writing: when its memory overlaps
        // the selection (`a[1:] = a[:-1]`), copy it first.
        let mut copied_meminfo = None;
        let source = match &item_t {
            Type::Array { dtype: sd, ndim, .. } => {
                let sn = *ndim as usize;
                let original = self.val(item).into_struct_value();
                let (src, mi) = self.unaliased_source(original, &item_t, p, &kept, dtype_size(&dtype))?;
                copied_meminfo = Some(mi);
                let one = i64t.const_int(1, false);
                let mut eff = vec![i64t.const_zero(); n];
                let mut bad = self.ctx.bool_type().const_zero();
                for d in 0..sn {
                    let od = n - sn + d;
                    let dim = self.shape_at(src, d as u32)?;
                    let st = self.stored_stride(src, d as u32)?;
                    let is1 = self.b.build_int_compare(IntPredicate::EQ, dim, one, "is1").map_err(e)?;
                    let eq = self.b.build_int_compare(IntPredicate::EQ, dim, kept[od].0, "eq").map_err(e)?;
                    let ok = self.b.build_or(is1, eq, "ok").map_err(e)?;
                    bad = self.b.build_or(bad, self.b.build_not(ok, "bad").map_err(e)?, "bad").map_err(e)?;
                    eff[od] = self.b.build_select(is1, i64t.const_zero(), st, "eff").map_err(e)?.into_int_value();
                }
                self.raise_if(bad, BuiltinExc::ValueError, "could not broadcast input array into the selection's shape")?;
                Some((self.field(src, F_DATA, "src")?.into_pointer_value(), eff, (**sd).clone()))
            }
            _ => None,
        };
        let scalar = match &source {
            None => Some(self.cast(self.val(item), &item_t, &dtype)?),
            Some(_) => None,
        };
        let dims_only: Vec<IntValue<'ctx>> = kept.iter().map(|(l, _)| *l).collect();
        let mut idx = vec![];
        self.nest_indices(0, &dims_only, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
            let mut off = i64t.const_zero();
            for (d, i) in idx.iter().enumerate() {
                let part = em.b.build_int_mul(*i, kept[d].1, "part").map_err(e)?;
                off = em.b.build_int_add(off, part, "off").map_err(e)?;
            }
            // SAFETY of the GEP: inside the selection.
            let dst = unsafe { em.b.build_gep(em.ctx.i8_type(), p, &[off], "dst") }.map_err(e)?;
            let v = match (&source, scalar) {
                (_, Some(s)) => s,
                (Some((data, eff, sd)), None) => {
                    let mut soff = i64t.const_zero();
                    for (d, i) in idx.iter().enumerate() {
                        let part = em.b.build_int_mul(*i, eff[d], "spart").map_err(e)?;
                        soff = em.b.build_int_add(soff, part, "soff").map_err(e)?;
                    }
                    // SAFETY of the GEP: inside the broadcast source.
                    let sp = unsafe { em.b.build_gep(em.ctx.i8_type(), *data, &[soff], "sp") }.map_err(e)?;
                    let x = em.load_element(sp, sd)?;
                    em.cast(x, sd, &dtype)?
                }
                _ => unreachable!(),
            };
            em.store_element(dst, v, &dtype)
        })?;
        if let Some(mi) = copied_meminfo {
            // Null unless the source was copied.
            let ptr = self.ctx.ptr_type(inkwell::AddressSpace::default());
            let f = self.declare("rumbo_nrt_decref", self.ctx.void_type().fn_type(&[ptr.into()], false));
            self.b.build_call(f, &[mi.into()], "").map_err(e)?;
        }
        Ok(())
    }

    /// Byte range `[lo, hi)` an array's elements occupy (empty when a length is 0).
    pub(crate) fn byte_range(&self, data: PointerValue<'ctx>, dims: &[(IntValue<'ctx>, IntValue<'ctx>)], itemsize: u64) -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
        let i64t = self.ctx.i64_type();
        let b = &self.b;
        let base = b.build_ptr_to_int(data, i64t, "base").map_err(e)?;
        let (mut lo, mut hi) = (base, b.build_int_add(base, i64t.const_int(itemsize, false), "hi").map_err(e)?);
        let mut empty = self.ctx.bool_type().const_zero();
        for (len, stride) in dims {
            let last = b.build_int_sub(*len, i64t.const_int(1, false), "last").map_err(e)?;
            let reach = b.build_int_mul(last, *stride, "reach").map_err(e)?;
            let neg = b.build_int_compare(IntPredicate::SLT, reach, i64t.const_zero(), "neg").map_err(e)?;
            let down = b.build_select(neg, reach, i64t.const_zero(), "down").map_err(e)?.into_int_value();
            let up = b.build_select(neg, i64t.const_zero(), reach, "up").map_err(e)?.into_int_value();
            lo = b.build_int_add(lo, down, "lo").map_err(e)?;
            hi = b.build_int_add(hi, up, "hi").map_err(e)?;
            let z = b.build_int_compare(IntPredicate::SLE, *len, i64t.const_zero(), "z").map_err(e)?;
            empty = b.build_or(empty, z, "empty").map_err(e)?;
        }
        // An empty array occupies nothing: [0, 0).
        let lo = b.build_select(empty, i64t.const_zero(), lo, "lo").map_err(e)?.into_int_value();
        let hi = b.build_select(empty, i64t.const_zero(), hi, "hi").map_err(e)?.into_int_value();
        Ok((lo, hi))
    }

    /// `(extent, byte stride)` of each of an array's `ndim` axes.
    pub(crate) fn extents_and_strides(&self, arr: StructValue<'ctx>, ndim: usize) -> R<Vec<(IntValue<'ctx>, IntValue<'ctx>)>> {
        (0..ndim as u32).map(|d| Ok((self.shape_at(arr, d)?, self.stored_stride(arr, d)?))).collect()
    }

    /// Whether two `[lo, hi)` byte ranges share a byte.
    pub(crate) fn ranges_overlap(&self, a: (IntValue<'ctx>, IntValue<'ctx>), b: (IntValue<'ctx>, IntValue<'ctx>)) -> R<IntValue<'ctx>> {
        let x = self.b.build_int_compare(IntPredicate::ULT, a.0, b.1, "a.lo.lt.b.hi").map_err(e)?;
        let y = self.b.build_int_compare(IntPredicate::ULT, b.0, a.1, "b.lo.lt.a.hi").map_err(e)?;
        self.b.build_and(x, y, "overlap").map_err(e)
    }

    /// `src` itself, or a C-contiguous copy of it when its memory overlaps the
    /// destination selection (`dst` data, `dims`); also the copy's MemInfo
    /// (null when not copied) for the caller to release after the store.
    fn unaliased_source(
        &mut self,
        src: StructValue<'ctx>,
        src_t: &Type,
        dst: PointerValue<'ctx>,
        dims: &[(IntValue<'ctx>, IntValue<'ctx>)],
        dst_itemsize: u64,
    ) -> R<(StructValue<'ctx>, PointerValue<'ctx>)> {
        let Type::Array { dtype, ndim, readonly, .. } = src_t else { return Err("internal: unaliased source".into()) };
        let n = *ndim as usize;
        let src_dims = self.extents_and_strides(src, n)?;
        let src_data = self.field(src, F_DATA, "src.data")?.into_pointer_value();
        let src_range = self.byte_range(src_data, &src_dims, dtype_size(dtype))?;
        let dst_range = self.byte_range(dst, dims, dst_itemsize)?;
        let overlap = self.ranges_overlap(src_range, dst_range)?;
        let from = self.b.get_insert_block().unwrap();
        let copy_bb = self.ctx.append_basic_block(self.llfn, "alias.copy");
        let done_bb = self.ctx.append_basic_block(self.llfn, "alias.done");
        self.b.build_conditional_branch(overlap, copy_bb, done_bb).map_err(e)?;
        self.b.position_at_end(copy_bb);
        let copy_t = Type::Array { dtype: dtype.clone(), ndim: *ndim, layout: Layout::C, readonly: *readonly };
        let lens: Vec<IntValue<'ctx>> = src_dims.iter().map(|d| d.0).collect();
        let copy = self.allocate_array(&copy_t, &lens)?.into_struct_value();
        let copy_data = self.field(copy, F_DATA, "copy.data")?.into_pointer_value();
        let i64t = self.ctx.i64_type();
        let mut c_strides = vec![i64t.const_int(dtype_size(dtype), false); n];
        for k in (0..n.saturating_sub(1)).rev() {
            c_strides[k] = self.b.build_int_mul(c_strides[k + 1], lens[k + 1], "cst").map_err(e)?;
        }
        let dtype = (**dtype).clone();
        let mut idx = vec![];
        self.nest_indices(0, &lens, &mut idx, &mut |em: &mut Self, idx: &[IntValue<'ctx>]| {
            let (mut so, mut co) = (i64t.const_zero(), i64t.const_zero());
            for (d, i) in idx.iter().enumerate() {
                so = em.b.build_int_add(so, em.b.build_int_mul(*i, src_dims[d].1, "sp").map_err(e)?, "so").map_err(e)?;
                co = em.b.build_int_add(co, em.b.build_int_mul(*i, c_strides[d], "cp").map_err(e)?, "co").map_err(e)?;
            }
            // SAFETY of the GEPs: both arrays have the shape `lens`.
            let sp = unsafe { em.b.build_gep(em.ctx.i8_type(), src_data, &[so], "s") }.map_err(e)?;
            let cp = unsafe { em.b.build_gep(em.ctx.i8_type(), copy_data, &[co], "c") }.map_err(e)?;
            let x = em.load_element(sp, &dtype)?;
            em.store_element(cp, x, &dtype)
        })?;
        let copy_mi = self.field(copy, F_MEMINFO, "copy.mi")?;
        let copy_end = self.b.get_insert_block().unwrap();
        self.b.build_unconditional_branch(done_bb).map_err(e)?;
        self.b.position_at_end(done_bb);
        let st = self.b.build_phi(src.get_type(), "source").map_err(e)?;
        st.add_incoming(&[(&src, from), (&copy, copy_end)]);
        let ptr = self.ctx.ptr_type(inkwell::AddressSpace::default());
        let mi = self.b.build_phi(ptr, "copy.mi").map_err(e)?;
        mi.add_incoming(&[(&ptr.const_null(), from), (&copy_mi, copy_end)]);
        Ok((st.as_basic_value().into_struct_value(), mi.as_basic_value().into_pointer_value()))
    }

    pub(crate) fn array_attr(&mut self, arr_v: Value, attr: &str, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let at = self.ty(arr_v).clone();
        let Type::Array { ndim, dtype, .. } = &at else { return Err("internal: attr of non-array".into()) };
        let arr = self.val(arr_v).into_struct_value();
        match attr {
            "shape" | "strides" => {
                let mut items = vec![];
                for k in 0..*ndim as u32 {
                    items.push(if attr == "shape" { self.shape_at(arr, k)? } else { self.stored_stride(arr, k)? }.into());
                }
                self.build_struct(t, &items)
            }
            "size" => self.field(arr, F_NITEMS, "size"),
            "nbytes" => {
                let n = self.field(arr, F_NITEMS, "size")?.into_int_value();
                let k = self.ctx.i64_type().const_int(dtype_size(dtype), false);
                Ok(self.b.build_int_mul(n, k, "nbytes").map_err(e)?.into())
            }
            "T" => {
                let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
                let mut dims = vec![];
                for k in (0..*ndim as u32).rev() {
                    dims.push((self.shape_at(arr, k)?, self.stored_stride(arr, k)?));
                }
                self.make_view(arr, t, data, &dims)
            }
            "flat" => Ok(arr.into()),
            "real" if !dtype.is_complex() => Ok(arr.into()),
            "real" | "imag" => {
                let Type::Array { dtype: part, .. } = t else { return Err("internal: real/imag type".into()) };
                let i64t = self.ctx.i64_type();
                let mut dims = vec![];
                for k in 0..*ndim as u32 {
                    let stride = if dtype.is_complex() { self.stored_stride(arr, k)? } else { i64t.const_zero() };
                    dims.push((self.shape_at(arr, k)?, stride));
                }
                let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
                let data = match (dtype.is_complex(), attr) {
                    (true, "real") => data,
                    (true, _) => {
                        let half = i64t.const_int(dtype_size(part), false);
                        // SAFETY (of the generated code): the imaginary part is inside each item.
                        unsafe { self.b.build_in_bounds_gep(self.ctx.i8_type(), data, &[half], "imag") }.map_err(e)?
                    }
                    // A real array's `imag`: one zero item, every stride 0, read-only.
                    _ => self.zero_item(),
                };
                let v = self.make_view(arr, t, data, &dims)?.into_struct_value();
                let size = i64t.const_int(dtype_size(part), false);
                Ok(self.b.build_insert_value(v, size, F_ITEMSIZE, "view").map_err(e)?.into_struct_value().into())
            }
            _ => Ok(llvm_type(self.ctx, t).const_zero()),
        }
    }

    /// A constant zero item (16 zero bytes, enough for any dtype), for read-only views of zeros.
    fn zero_item(&self) -> PointerValue<'ctx> {
        let name = "rumbo.zero_item";
        let g = self.module.get_global(name).unwrap_or_else(|| {
            let t = self.ctx.i8_type().array_type(16);
            let g = self.module.add_global(t, None, name);
            g.set_initializer(&t.const_zero());
            g.set_constant(true);
            g.set_linkage(inkwell::module::Linkage::Private);
            g.set_alignment(16);
            g
        });
        g.as_pointer_value()
    }

    /// `a.flat` iteration: `{array, linear index}` on the stack.
    pub(crate) fn flat_iter(&mut self, flat_v: Value) -> R<BasicValueEnum<'ctx>> {
        let Type::Flat(at) = self.ty(flat_v) else { return Err("internal: flat iter".into()) };
        let Type::Array { ndim, .. } = &**at else { return Err("internal: flat iter".into()) };
        self.new_array_iter(self.val(flat_v), *ndim, "flat.iter")
    }

    /// An array iterator's state on the stack: `{array, i64 index = 0}`.
    fn new_array_iter(&mut self, arr: BasicValueEnum<'ctx>, ndim: u8, name: &str) -> R<BasicValueEnum<'ctx>> {
        let st = self.ctx.struct_type(&[array_struct(self.ctx, ndim as u32).into(), self.ctx.i64_type().into()], false);
        let slot = self.alloca(st.into(), name)?;
        let mut v = st.get_undef();
        v = self.b.build_insert_value(v, arr, 0, "it").map_err(e)?.into_struct_value();
        v = self.b.build_insert_value(v, self.ctx.i64_type().const_zero(), 1, "it").map_err(e)?.into_struct_value();
        self.b.build_store(slot, v).map_err(e)?;
        Ok(slot.into())
    }

    /// The array, current index and index slot of an iterator made by `new_array_iter`.
    fn array_iter_state(&self, it_v: Value, ndim: u8) -> R<(StructValue<'ctx>, IntValue<'ctx>, PointerValue<'ctx>)> {
        let ast = array_struct(self.ctx, ndim as u32);
        let i64t = self.ctx.i64_type();
        let st = self.ctx.struct_type(&[ast.into(), i64t.into()], false);
        let slot = self.val(it_v).into_pointer_value();
        let arr_p = self.b.build_struct_gep(st, slot, 0, "arr.p").map_err(e)?;
        let idx_p = self.b.build_struct_gep(st, slot, 1, "idx.p").map_err(e)?;
        let arr = self.b.build_load(ast, arr_p, "arr").map_err(e)?.into_struct_value();
        let idx = self.b.build_load(i64t, idx_p, "idx").map_err(e)?.into_int_value();
        Ok((arr, idx, idx_p))
    }

    /// The next element in C order: a C array is walked by one pointer step per
    /// element; other layouts unravel the linear index by the shape.
    pub(crate) fn flat_next(&mut self, it_v: Value, arr_t: &Type) -> R<BasicValueEnum<'ctx>> {
        let Type::Array { dtype, ndim, layout, .. } = arr_t else { return Err("internal: flat next".into()) };
        let i64t = self.ctx.i64_type();
        let (arr, idx, idx_p) = self.array_iter_state(it_v, *ndim)?;
        let n = self.field(arr, F_NITEMS, "n")?.into_int_value();
        let valid = self.b.build_int_compare(IntPredicate::SLT, idx, n, "valid").map_err(e)?;
        let safe = self.b.build_select(valid, idx, i64t.const_zero(), "safe").map_err(e)?.into_int_value();
        let offset = if *layout == Layout::C || *ndim <= 1 {
            let stride = if *ndim == 0 { i64t.const_zero() } else { self.stride_at(arr, arr_t, 0)? };
            let stride = if *layout == Layout::C { i64t.const_int(dtype_size(dtype), false) } else { stride };
            self.b.build_int_mul(safe, stride, "off").map_err(e)?
        } else {
            let mut rest = safe;
            let mut off = i64t.const_zero();
            for k in (0..*ndim as u32).rev() {
                let len = self.shape_at(arr, k)?;
                let one = i64t.const_int(1, false);
                let nz = self.b.build_int_compare(IntPredicate::SGT, len, i64t.const_zero(), "nz").map_err(e)?;
                let len1 = self.b.build_select(nz, len, one, "len1").map_err(e)?.into_int_value();
                let i = self.b.build_int_unsigned_rem(rest, len1, "i").map_err(e)?;
                rest = self.b.build_int_unsigned_div(rest, len1, "rest").map_err(e)?;
                let stride = self.stride_at(arr, arr_t, k)?;
                let part = self.b.build_int_mul(i, stride, "part").map_err(e)?;
                off = self.b.build_int_add(off, part, "off").map_err(e)?;
            }
            off
        };
        let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
        // SAFETY of the GEP: idx < nitems when the element is used.
        let p = unsafe { self.b.build_gep(self.ctx.i8_type(), data, &[offset], "p") }.map_err(e)?;
        let item = self.load_element_if(p, dtype, valid)?;
        let next = self.b.build_int_add(idx, i64t.const_int(1, false), "next").map_err(e)?;
        self.b.build_store(idx_p, next).map_err(e)?;
        self.build_struct(&Type::Tuple(vec![(**dtype).clone(), Type::Bool]), &[item, valid.into()])
    }

    /// `start:stop:step` as `{start, stop, step, flags}`; flags bit 0/1: start/stop given.
    pub(crate) fn build_slice(&mut self, parts: [Option<Value>; 3]) -> R<BasicValueEnum<'ctx>> {
        let i64t = self.ctx.i64_type();
        let mut vals = [i64t.const_zero(), i64t.const_zero(), i64t.const_int(1, false)];
        let mut flags = 0u64;
        for (k, p) in parts.iter().enumerate() {
            let Some(p) = p else { continue };
            let pt = self.ty(*p).clone();
            if pt == Type::NoneType {
                continue;
            }
            vals[k] = self.cast(self.val(*p), &pt, &I64)?.into_int_value();
            if k < 2 {
                flags |= 1 << k;
            }
        }
        if parts[2].is_some_and(|p| self.ty(p) != &Type::NoneType) {
            let z = self.b.build_int_compare(IntPredicate::EQ, vals[2], i64t.const_zero(), "z").map_err(e)?;
            self.raise_if(z, BuiltinExc::ValueError, "slice step cannot be zero")?;
        }
        let st = self.ctx.struct_type(&[i64t.into(); 4], false);
        let mut v = st.get_undef();
        for (k, x) in vals.iter().chain([i64t.const_int(flags, false)].iter()).enumerate() {
            v = self.b.build_insert_value(v, *x, k as u32, "slice").map_err(e)?.into_struct_value();
        }
        Ok(v.into())
    }

    /// An iterator over a 1-D array: `{array, index}` on the stack.
    pub(crate) fn array_iter(&mut self, arr_v: Value) -> R<BasicValueEnum<'ctx>> {
        let at = self.ty(arr_v);
        let Type::Array { ndim, .. } = at else { return Err("internal: iter of non-array".into()) };
        self.new_array_iter(self.val(arr_v), *ndim, "array.iter")
    }

    pub(crate) fn array_next(&mut self, it_v: Value, arr_t: &Type) -> R<BasicValueEnum<'ctx>> {
        let Type::Array { dtype, ndim, .. } = arr_t else { return Err("internal: next of non-array".into()) };
        let i64t = self.ctx.i64_type();
        let (arr, idx, idx_p) = self.array_iter_state(it_v, *ndim)?;
        let len = self.shape_at(arr, 0)?;
        let valid = self.b.build_int_compare(IntPredicate::SLT, idx, len, "valid").map_err(e)?;
        // Load only a valid element: clamp the index so the address stays in bounds.
        let safe = self.b.build_select(valid, idx, i64t.const_zero(), "safe").map_err(e)?.into_int_value();
        let stride = self.stride_at(arr, arr_t, 0)?;
        let off = self.b.build_int_mul(safe, stride, "off").map_err(e)?;
        let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
        // SAFETY of the GEP: index < len when the element is used.
        let p = unsafe { self.b.build_gep(self.ctx.i8_type(), data, &[off], "p") }.map_err(e)?;
        let next = self.b.build_int_add(idx, i64t.const_int(1, false), "next").map_err(e)?;
        self.b.build_store(idx_p, next).map_err(e)?;
        let item_t = rumbo_types::array_getitem(arr_t, &I64)?.0;
        let item = if *ndim == 1 {
            let nonempty = self.b.build_int_compare(IntPredicate::SGT, len, i64t.const_zero(), "nonempty").map_err(e)?;
            self.load_element_if(p, dtype, nonempty)?
        } else {
            // The row view (its reference is taken where the iterator's result is defined).
            let mut dims = vec![];
            for k in 1..*ndim as u32 {
                dims.push((self.shape_at(arr, k)?, self.stored_stride(arr, k)?));
            }
            self.make_view(arr, &item_t, p, &dims)?
        };
        self.build_struct(&Type::Tuple(vec![item_t, Type::Bool]), &[item, valid.into()])
    }

    /// Loads an element only when `ok` (an empty array has no element 0 to read).
    fn load_element_if(&mut self, p: PointerValue<'ctx>, dtype: &Type, ok: IntValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let load_bb = self.ctx.append_basic_block(self.llfn, "load");
        let join_bb = self.ctx.append_basic_block(self.llfn, "loaded");
        let from = self.b.get_insert_block().unwrap();
        self.b.build_conditional_branch(ok, load_bb, join_bb).map_err(e)?;
        self.b.position_at_end(load_bb);
        let v = self.load_element(p, dtype)?;
        let load_end = self.b.get_insert_block().unwrap();
        self.b.build_unconditional_branch(join_bb).map_err(e)?;
        self.b.position_at_end(join_bb);
        let lt = llvm_type(self.ctx, dtype);
        let phi = self.b.build_phi(lt, "item").map_err(e)?;
        phi.add_incoming(&[(&v, load_end), (&lt.const_zero(), from)]);
        Ok(phi.as_basic_value())
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// Nested counted loops over `dims`, calling `body` with the indices.
    pub(crate) fn nest_indices(
        &mut self,
        d: usize,
        dims: &[IntValue<'ctx>],
        idx: &mut Vec<IntValue<'ctx>>,
        body: &mut dyn FnMut(&mut Self, &[IntValue<'ctx>]) -> R<()>,
    ) -> R<()> {
        if d == dims.len() {
            return body(self, idx);
        }
        self.counted_loop(dims[d], &mut |em: &mut Self, i: IntValue<'ctx>| {
            idx.push(i);
            let r = em.nest_indices(d + 1, dims, idx, body);
            idx.pop();
            r
        })
    }

    /// A new C-contiguous array of type `t` with the given extents, in NRT memory.
    pub(crate) fn allocate_array(&mut self, t: &Type, dims: &[IntValue<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let Type::Array { dtype, .. } = t else { return Err("internal: allocate non-array".into()) };
        let i64t = self.ctx.i64_type();
        let ptr = self.ctx.ptr_type(inkwell::AddressSpace::default());
        let itemsize = i64t.const_int(dtype_size(dtype), false);
        let mut nitems = i64t.const_int(1, false);
        let mut any_negative = self.ctx.bool_type().const_zero();
        for d in dims {
            let neg = self.b.build_int_compare(IntPredicate::SLT, *d, i64t.const_zero(), "neg").map_err(e)?;
            any_negative = self.b.build_or(any_negative, neg, "anyneg").map_err(e)?;
            nitems = self.b.build_int_mul(nitems, *d, "nitems").map_err(e)?;
        }
        self.raise_if(any_negative, BuiltinExc::ValueError, "negative dimensions are not allowed")?;
        let nbytes = self.b.build_int_mul(nitems, itemsize, "nbytes").map_err(e)?;
        let alloc = self.declare("rumbo_nrt_allocate", ptr.fn_type(&[i64t.into()], false));
        let mi = self.b.build_call(alloc, &[nbytes.into()], "meminfo").map_err(e)?.try_as_basic_value().basic().unwrap().into_pointer_value();
        let null = self.b.build_is_null(mi, "oom").map_err(e)?;
        self.raise_if(null, BuiltinExc::MemoryError, "cannot allocate the array")?;
        // MemInfo is {i64 refcount, ptr data, i64 size}.
        let mst = self.ctx.struct_type(&[i64t.into(), ptr.into(), i64t.into()], false);
        let data_p = self.b.build_struct_gep(mst, mi, 1, "data.p").map_err(e)?;
        let data = self.b.build_load(ptr, data_p, "data").map_err(e)?.into_pointer_value();
        let n = dims.len();
        let mut strides = vec![itemsize; n];
        for k in (0..n.saturating_sub(1)).rev() {
            strides[k] = self.b.build_int_mul(strides[k + 1], dims[k + 1], "stride").map_err(e)?;
        }
        let st = array_struct(self.ctx, n as u32);
        let mut shape_a = i64t.array_type(n as u32).get_undef();
        let mut strides_a = i64t.array_type(n as u32).get_undef();
        for k in 0..n {
            shape_a = self.b.build_insert_value(shape_a, dims[k], k as u32, "shape").map_err(e)?.into_array_value();
            strides_a = self.b.build_insert_value(strides_a, strides[k], k as u32, "strides").map_err(e)?.into_array_value();
        }
        let fields: [(u32, BasicValueEnum<'ctx>); 7] = [
            (F_MEMINFO, mi.into()),
            (1, ptr.const_null().into()),
            (F_NITEMS, nitems.into()),
            (F_ITEMSIZE, itemsize.into()),
            (F_DATA, data.into()),
            (F_SHAPE, shape_a.into()),
            (F_STRIDES, strides_a.into()),
        ];
        let mut v = st.get_undef();
        for (f, x) in fields {
            v = self.b.build_insert_value(v, x, f, "array").map_err(e)?.into_struct_value();
        }
        Ok(v.into())
    }

    /// `np.empty(shape, dtype)`.
    pub(crate) fn numpy_empty(&mut self, shape: BasicValueEnum<'ctx>, shape_t: &Type, t: &Type) -> R<BasicValueEnum<'ctx>> {
        let dims: Vec<IntValue<'ctx>> = match shape_t {
            Type::Tuple(items) => (0..items.len())
                .map(|k| Ok(self.b.build_extract_value(shape.into_struct_value(), k as u32, "dim").map_err(e)?.into_int_value()))
                .collect::<R<_>>()?,
            _ => vec![shape.into_int_value()],
        };
        self.allocate_array(t, &dims)
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// `a.reshape(...)` of a C array: a view with the new extents (one may be -1).
    pub(crate) fn reshape(&mut self, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let Type::Array { dtype, ndim, .. } = ret else { return Err("internal: reshape".into()) };
        let arr = vals[0].into_struct_value();
        let i64t = self.ctx.i64_type();
        let mut dims: Vec<IntValue<'ctx>> = match &ats[1..] {
            [Type::Tuple(items)] => (0..items.len())
                .map(|k| Ok(self.b.build_extract_value(vals[1].into_struct_value(), k as u32, "d").map_err(e)?.into_int_value()))
                .collect::<R<_>>()?,
            _ => vals[1..].iter().map(|v| v.into_int_value()).collect(),
        };
        let size = self.field(arr, F_NITEMS, "size")?.into_int_value();
        // One extent may be -1: it takes what the others leave.
        let minus1 = i64t.const_all_ones();
        let mut known = i64t.const_int(1, false);
        for d in &dims {
            let is_m1 = self.b.build_int_compare(IntPredicate::EQ, *d, minus1, "m1").map_err(e)?;
            let f = self.b.build_select(is_m1, i64t.const_int(1, false), *d, "f").map_err(e)?.into_int_value();
            known = self.b.build_int_mul(known, f, "known").map_err(e)?;
        }
        let known_nz = self.b.build_select(
            self.b.build_int_compare(IntPredicate::EQ, known, i64t.const_zero(), "z").map_err(e)?,
            i64t.const_int(1, false),
            known,
            "knz",
        ).map_err(e)?.into_int_value();
        let inferred = self.b.build_int_signed_div(size, known_nz, "inferred").map_err(e)?;
        let mut total = i64t.const_int(1, false);
        for d in dims.iter_mut() {
            let is_m1 = self.b.build_int_compare(IntPredicate::EQ, *d, minus1, "m1").map_err(e)?;
            *d = self.b.build_select(is_m1, inferred, *d, "dim").map_err(e)?.into_int_value();
            total = self.b.build_int_mul(total, *d, "total").map_err(e)?;
        }
        let bad = self.b.build_int_compare(IntPredicate::NE, total, size, "bad").map_err(e)?;
        self.raise_if(bad, BuiltinExc::ValueError, "cannot reshape array into the requested shape")?;
        let itemsize = i64t.const_int(dtype_size(dtype), false);
        let n = *ndim as usize;
        let mut strides = vec![itemsize; n];
        for k in (0..n.saturating_sub(1)).rev() {
            strides[k] = self.b.build_int_mul(strides[k + 1], dims[k + 1], "stride").map_err(e)?;
        }
        let data = self.field(arr, F_DATA, "data")?.into_pointer_value();
        let pairs: Vec<(IntValue<'ctx>, IntValue<'ctx>)> = dims.into_iter().zip(strides).collect();
        self.make_view(arr, ret, data, &pairs)
    }
}

impl<'a, 'ctx> Emitter<'a, 'ctx> {
    /// Element strides (row, column) and data pointer of a 1-D or 2-D array.
    fn blas_operand(&self, v: BasicValueEnum<'ctx>, t: &Type) -> R<(PointerValue<'ctx>, Vec<IntValue<'ctx>>, Vec<IntValue<'ctx>>)> {
        let Type::Array { dtype, ndim, .. } = t else { return Err("internal: blas operand".into()) };
        let arr = v.into_struct_value();
        let size = self.ctx.i64_type().const_int(dtype_size(dtype), false);
        let mut dims = vec![];
        let mut strides = vec![];
        for k in 0..*ndim as u32 {
            dims.push(self.shape_at(arr, k)?);
            let st = self.stored_stride(arr, k)?;
            strides.push(self.b.build_int_signed_div(st, size, "est").map_err(e)?);
        }
        Ok((self.field(arr, F_DATA, "data")?.into_pointer_value(), dims, strides))
    }

    /// The BLAS primitives of rumbo/np/linalg.py: gemm(a, b, out), gemv(a, x, out), dot(x, y).
    pub(crate) fn blas_call(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], ats: &[Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let i64t = self.ctx.i64_type();
        let i32t = self.ctx.i32_type();
        let ptr = self.ctx.ptr_type(inkwell::AddressSpace::default());
        let Type::Array { dtype, .. } = &ats[0] else { return Err("internal: blas".into()) };
        let kind = i32t.const_int(if **dtype == rumbo_types::F32 { 1 } else { 0 }, false);
        let ops = vals.iter().zip(ats).map(|(v, t)| self.blas_operand(*v, t)).collect::<R<Vec<_>>>()?;
        match name {
            "rumbo.gemm" => {
                let f = self.declare("rumbo_blas_gemm", self.ctx.void_type().fn_type(
                    &[i32t.into(), i64t.into(), i64t.into(), i64t.into(), ptr.into(), i64t.into(), i64t.into(), ptr.into(), i64t.into(), i64t.into(), ptr.into(), i64t.into(), i64t.into()],
                    false,
                ));
                let (a, b, c) = (&ops[0], &ops[1], &ops[2]);
                let args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![
                    kind.into(), a.1[0].into(), b.1[1].into(), a.1[1].into(),
                    a.0.into(), a.2[0].into(), a.2[1].into(),
                    b.0.into(), b.2[0].into(), b.2[1].into(),
                    c.0.into(), c.2[0].into(), c.2[1].into(),
                ];
                self.b.build_call(f, &args, "").map_err(e)?;
                Ok(llvm_type(self.ctx, ret).const_zero())
            }
            "rumbo.gemv" => {
                let f = self.declare("rumbo_blas_gemv", self.ctx.void_type().fn_type(
                    &[i32t.into(), i64t.into(), i64t.into(), ptr.into(), i64t.into(), i64t.into(), ptr.into(), i64t.into(), ptr.into(), i64t.into()],
                    false,
                ));
                let (a, x, y) = (&ops[0], &ops[1], &ops[2]);
                let args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![
                    kind.into(), a.1[0].into(), a.1[1].into(), a.0.into(), a.2[0].into(), a.2[1].into(),
                    x.0.into(), x.2[0].into(), y.0.into(), y.2[0].into(),
                ];
                self.b.build_call(f, &args, "").map_err(e)?;
                Ok(llvm_type(self.ctx, ret).const_zero())
            }
            _ => {
                let f64t = self.ctx.f64_type();
                let f = self.declare("rumbo_blas_dot", f64t.fn_type(&[i32t.into(), i64t.into(), ptr.into(), i64t.into(), ptr.into(), i64t.into()], false));
                let (x, y) = (&ops[0], &ops[1]);
                let args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![kind.into(), x.1[0].into(), x.0.into(), x.2[0].into(), y.0.into(), y.2[0].into()];
                let r = self.b.build_call(f, &args, "dot").map_err(e)?.try_as_basic_value().basic().unwrap();
                self.cast(r, &rumbo_types::F64, ret)
            }
        }
    }
}
