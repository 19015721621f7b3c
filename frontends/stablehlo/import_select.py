"""Importer conversions that select among candidates or elements: run-time
`case`/`if`, and gather and scatter in their general forms.

- case / if with an index or predicate known only at run time: every branch
  is converted (StableHLO regions are pure) and the results are chosen with
  graph.where, last branch first (an out-of-range index takes the last branch,
  as the spec says).
- gather in any form: the full operand index of every result element is built
  from the clamped start indices (reshaped to the result's batch dims) plus an
  iota along each offset dim (and along the batch dim each operand batching dim
  follows), then one graph.gather_nd reads the elements. The x[idx] form keeps
  importer.py's single gather_nd of whole slices.
- scatter (one input, set/add/mul/max/min bodies) in any form: flat element
  indices built the same way, scattered into the operand flattened and padded
  by one slot that takes every out-of-bounds window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import i64
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.frontends.stablehlo.import_lowerings import _static_shape
from tensorforge.frontends.stablehlo.importer import (
    Converter,
    Skip,
    _body_text,
    _gather,
    _ints,
    _scatter,
    _scatter_kind,
    _shape,
    converts,
)


def _choose(cv: Converter, conds: list[SSAValue], branches: list[list[SSAValue | None]]) -> list[SSAValue | None]:
    """where(conds[0], branches[0], where(conds[1], branches[1], ... branches[-1]))."""
    if any(v is None for b in branches for v in b):
        raise Skip()  # a branch op failed: already reported
    outs: list[SSAValue | None] = []
    for j in range(len(branches[-1])):
        cur = branches[-1][j]
        for cond, branch in zip(reversed(conds), reversed(branches[:-1]), strict=True):
            cur = cv.add(g.WhereOp(cond, branch[j], cur))
        outs.append(cur)
    return outs


@converts(s.HloCaseOp)
def _case(cv: Converter, op: Operation) -> list[SSAValue | None]:
    index = op.operands[0]
    if index in cv.known:
        i = int(cv.known[index])
        branch = op.regions[i] if 0 <= i < len(op.regions) else op.regions[-1]
        return cv.convert_block(branch.block, [], [])
    branches = [cv.convert_block(r.block, [], []) for r in op.regions]
    idx = cv.value(index)
    conds = [cv.add(g.EqOp(idx, cv.const(i, _index_dtype(index)))) for i in range(len(branches) - 1)]
    return _choose(cv, conds, branches)


def _index_dtype(v: SSAValue) -> Any:
    from tensorforge.interp.stablehlo import dtype_of

    return dtype_of(v.type)


@converts(s.HloIfOp)
def _if(cv: Converter, op: Operation) -> list[SSAValue | None]:
    pred = op.operands[0]
    if pred in cv.known:
        branch = op.regions[0] if bool(cv.known[pred]) else op.regions[1]
        return cv.convert_block(branch.block, [], [])
    branches = [cv.convert_block(r.block, [], []) for r in op.regions]
    return _choose(cv, [cv.value(pred)], branches)


# -- gather ---------------------------------------------------------------------------------------
def _simple_gather(op: Operation) -> bool:
    """The x[idx] form importer.py converts to one gather_nd of whole trailing slices."""
    d: Any = op.properties["dimension_numbers"]
    xt, it = op.operands[0].type, op.operands[1].type
    assert isinstance(xt, BuiltinTensorType) and isinstance(it, BuiltinTensorType)
    start_map, k = d.ints("start_index_map"), len(d.ints("start_index_map"))
    sizes = _ints(op.properties["slice_sizes"])
    irank = len(it.get_shape())
    batch_rank = irank - (1 if d.int("index_vector_dim") < irank else 0)
    rank = len(xt.get_shape())
    return (start_map == list(range(k)) and d.ints("collapsed_slice_dims") == start_map and not d.ints("operand_batching_dims")
            and sizes[k:] == list(xt.get_shape())[k:]
            and d.ints("offset_dims") == list(range(batch_rank, batch_rank + rank - k)))


@converts(s.HloGatherOp)
def _gather_general(cv: Converter, op: Operation) -> list[SSAValue | None]:
    d: Any = op.properties["dimension_numbers"]
    if _simple_gather(op):
        return _gather(cv, op)
    xs = _static_shape(cv, op, op.operands[0])
    ishape = _static_shape(cv, op, op.operands[1])
    out = _shape(op)
    sizes = _ints(op.properties["slice_sizes"])
    offset_dims, batching = d.ints("offset_dims"), d.ints("operand_batching_dims")
    start_map, ivd = d.ints("start_index_map"), d.int("index_vector_dim")
    idx = _index_last(cv, cv.value(op.operands[1]), ivd, len(ishape))
    batch_shape = [1 if i in offset_dims else n for i, n in enumerate(out)]
    batch_dims = [i for i in range(len(out)) if i not in offset_dims]
    paired = _batching_result_dims(batching, d.ints("start_indices_batching_dims"), ivd, batch_dims)
    windowed = [dim for dim in range(len(xs)) if dim not in d.ints("collapsed_slice_dims") + batching]
    comps = []
    for dim in range(len(xs)):
        comp = _start_component(cv, idx, start_map, dim, xs[dim] - sizes[dim], batch_shape)
        if dim in windowed or dim in paired:
            steps = _axis_iota(cv, out, offset_dims[windowed.index(dim)] if dim in windowed else paired[dim])
            comp = steps if comp is None else cv.add(g.AddOp(comp, steps))
        comp = comp if comp is not None else cv.const(np.zeros([1] * len(out), np.int64), np.dtype(np.int64))
        comps.append(cv.add(g.UnsqueezeOp(cv.add(g.BroadcastToOp(comp, shape=out)), axes=[-1])))
    full = cv.add(g.ConcatOp(comps, axis=-1))
    return [cv.add(g.GatherNDOp(cv.value(op.operands[0]), full))]


def _axis_iota(cv: Converter, shape: list[int], axis: int) -> SSAValue:
    """0..n-1 along `axis` of `shape`, size 1 elsewhere (i64)."""
    return cv.add(g.IotaOp(start=0, shape=[n if i == axis else 1 for i, n in enumerate(shape)], dimension=axis, dtype=i64))


def _batching_result_dims(operand_dims: list[int], index_dims: list[int], ivd: int, batch_dims: list[int]) -> dict[int, int]:
    """Operand batching dim -> the result (or updates) dim holding the batch coordinate it follows."""
    return {od: batch_dims[b if b < ivd else b - 1] for od, b in zip(operand_dims, index_dims, strict=True)}


def _start_component(cv: Converter, idx: SSAValue, start_map: list[int], dim: int, limit: int | None,
                     batch_shape: list[int]) -> SSAValue | None:
    """The start index of operand dim `dim` (clamped to [0, limit] unless None), shaped to the
    batch dims of the result or updates (None: the start is 0)."""
    if dim not in start_map:
        return None
    k = start_map.index(dim)
    col = cv.add(g.SliceOp(idx, starts=[k], ends=[k + 1], axes=[-1], steps=[1]))
    if limit is not None:
        col = cv.add(g.ClipOp(col, min=0.0, max=float(limit)))
    return cv.add(g.ReshapeOp(col, shape=batch_shape))


# -- scatter --------------------------------------------------------------------------------------
def _simple_scatter(op: Operation) -> bool:
    """The x.at[idx] form importer.py converts to one scatter_nd of whole trailing slices."""
    d: Any = op.properties["scatter_dimension_numbers"]
    xt, it, ut = (v.type for v in op.operands)
    assert isinstance(xt, BuiltinTensorType) and isinstance(it, BuiltinTensorType) and isinstance(ut, BuiltinTensorType)
    to_op, k = d.ints("scatter_dims_to_operand_dims"), len(d.ints("scatter_dims_to_operand_dims"))
    irank = len(it.get_shape())
    batch_rank = irank - (1 if d.int("index_vector_dim") < irank else 0)
    return (to_op == list(range(k)) and d.ints("inserted_window_dims") == to_op
            and d.ints("update_window_dims") == list(range(batch_rank, len(ut.get_shape())))
            and list(ut.get_shape())[batch_rank:] == list(xt.get_shape())[k:] and d.int("index_vector_dim") == irank - 1
            and not d.ints("input_batching_dims"))


@converts(s.HloScatterOp)
def _scatter_general(cv: Converter, op: Operation) -> list[SSAValue | None]:
    """Any single-input scatter: flat element indices into the operand flattened and padded by one
    slot, where every update of an out-of-bounds window goes (the spec skips those windows)."""
    d: Any = op.properties["scatter_dimension_numbers"]
    kind = _scatter_kind(op.regions[0])
    if len(op.operands) != 3 or kind is None:
        raise cv.fail(op, "only single-input scatters whose body is a set/add/mul/max/min "
                          f"are supported {_body_text(op.regions[0])}")
    if _simple_scatter(op):
        return _scatter(cv, op)
    xs, ishape, us = (_static_shape(cv, op, v) for v in op.operands)
    window_dims, batching = d.ints("update_window_dims"), d.ints("input_batching_dims")
    to_op, ivd = d.ints("scatter_dims_to_operand_dims"), d.int("index_vector_dim")
    idx = _index_last(cv, cv.value(op.operands[1]), ivd, len(ishape))
    scatter_shape = [1 if i in window_dims else n for i, n in enumerate(us)]
    scatter_dims = [i for i in range(len(us)) if i not in window_dims]
    paired = _batching_result_dims(batching, d.ints("scatter_indices_batching_dims"), ivd, scatter_dims)
    windowed = [dim for dim in range(len(xs)) if dim not in d.ints("inserted_window_dims") + batching]
    total = int(np.prod(xs))
    flat: SSAValue | None = None
    valid: SSAValue | None = None
    for dim, stride in enumerate(_strides(xs)):
        start = _start_component(cv, idx, to_op, dim, None, scatter_shape)
        size = us[window_dims[windowed.index(dim)]] if dim in windowed else 1
        comp = start
        if start is not None:
            ok = cv.add(g.AndOp(cv.add(g.GeOp(start, _i64_const(cv, 0))), cv.add(g.LeOp(start, _i64_const(cv, xs[dim] - size)))))
            valid = ok if valid is None else cv.add(g.AndOp(valid, ok))
        if dim in windowed or dim in paired:
            steps = _axis_iota(cv, us, window_dims[windowed.index(dim)] if dim in windowed else paired[dim])
            comp = steps if comp is None else cv.add(g.AddOp(comp, steps))
        if comp is None:
            continue
        term = cv.add(g.MulOp(comp, _i64_const(cv, stride)))
        flat = term if flat is None else cv.add(g.AddOp(flat, term))
    flat = cv.add(g.BroadcastToOp(flat if flat is not None else _i64_const(cv, 0), shape=us))
    if valid is not None:
        flat = cv.add(g.WhereOp(valid, flat, _i64_const(cv, total)))
    data = cv.add(g.PadOp(cv.add(g.ReshapeOp(cv.value(op.operands[0]), shape=[total])), pads=[0, 1]))
    out = cv.add(g.ScatterNDOp(data, cv.add(g.UnsqueezeOp(flat, axes=[-1])), cv.value(op.operands[2]), reduction=kind))
    out = cv.add(g.SliceOp(out, starts=[0], ends=[total], axes=[0], steps=[1]))
    return [cv.add(g.ReshapeOp(out, shape=xs))]


def _strides(shape: list[int]) -> list[int]:
    return [int(np.prod(shape[i + 1:])) for i in range(len(shape))]


def _i64_const(cv: Converter, v: int) -> SSAValue:
    return cv.const(v, np.dtype(np.int64))


def _index_last(cv: Converter, idx: SSAValue, ivd: int, rank: int) -> SSAValue:
    """i64 indices with the index vector as the last dim."""
    idx = cv.add(g.CastOp(idx, to=i64))
    if ivd == rank:
        return cv.add(g.UnsqueezeOp(idx, axes=[-1]))
    if ivd == rank - 1:
        return idx
    return cv.add(g.TransposeOp(idx, perm=[i for i in range(rank) if i != ivd] + [ivd]))
