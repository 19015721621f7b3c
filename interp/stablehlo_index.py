"""numpy implementations of stablehlo.gather and stablehlo.scatter (batching dims and
several scatter inputs included), registered with the stablehlo interpreter."""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects import stablehlo as s
from tensorforge.interp.registry import EvalContext, graph_impl
from tensorforge.interp.stablehlo import _ints, _rtype, eval_region

Array = np.ndarray


# -- gather / scatter -------------------------------------------------------------------------
def _index_vectors(indices: Array, ivd: int) -> Array:
    """Indices with the index vector as the last dim."""
    if ivd == indices.ndim:
        return indices[..., None]
    return np.moveaxis(indices, ivd, -1)


@graph_impl(s.HloGatherOp)
def _gather(ctx: EvalContext, op: Operation, x: Array, indices: Array) -> Array:
    d: Any = op.properties["dimension_numbers"]
    sizes = _ints(op.properties["slice_sizes"])
    offset_dims, collapsed = d.ints("offset_dims"), d.ints("collapsed_slice_dims") + d.ints("operand_batching_dims")
    start_map = d.ints("start_index_map")
    batching = _batching_pairs(d.ints("operand_batching_dims"), d.ints("start_indices_batching_dims"), d.int("index_vector_dim"))
    vecs = _index_vectors(indices, d.int("index_vector_dim"))
    out_shape = list(_rtype(op).get_shape())
    out = np.zeros(out_shape, x.dtype)
    batch_dims = [i for i in range(len(out_shape)) if i not in offset_dims]
    for bidx in np.ndindex(*vecs.shape[:-1]):
        start = [0] * x.ndim
        for k, v in zip(start_map, vecs[bidx], strict=True):
            start[k] = int(min(max(int(v), 0), x.shape[k] - sizes[k]))
        for od, pos in batching:
            start[od] = bidx[pos]
        piece = x[tuple(slice(a, a + n) for a, n in zip(start, sizes, strict=True))]
        piece = piece.reshape([n for i, n in enumerate(sizes) if i not in collapsed])
        where: list[Any] = [slice(None)] * len(out_shape)
        for bd, bi in zip(batch_dims, bidx, strict=True):
            where[bd] = bi
        out[tuple(where)] = piece
    return out


def _batching_pairs(operand_dims: list[int], index_dims: list[int], ivd: int) -> list[tuple[int, int]]:
    """(operand batching dim, position of its indices batching dim among the index batch dims)."""
    return [(od, b if b < ivd else b - 1) for od, b in zip(operand_dims, index_dims, strict=True)]


@graph_impl(s.HloScatterOp)
def _scatter(ctx: EvalContext, op: Operation, *arrays: Array) -> tuple[Array, ...]:
    """Inputs..., indices, updates...; the body takes (current values..., updates...) of one window."""
    n = (len(arrays) - 1) // 2
    xs, indices, all_updates = arrays[:n], arrays[n], arrays[n + 1:]
    d: Any = op.properties["scatter_dimension_numbers"]
    window_dims, inserted = d.ints("update_window_dims"), d.ints("inserted_window_dims") + d.ints("input_batching_dims")
    to_operand = d.ints("scatter_dims_to_operand_dims")
    batching = _batching_pairs(d.ints("input_batching_dims"), d.ints("scatter_indices_batching_dims"), d.int("index_vector_dim"))
    vecs = _index_vectors(indices, d.int("index_vector_dim"))
    outs = [x.copy() for x in xs]
    shape, rank = xs[0].shape, all_updates[0].ndim
    scatter_dims = [i for i in range(rank) if i not in window_dims]
    full_window = [all_updates[0].shape[i] for i in window_dims]
    for k in sorted(inserted):
        full_window.insert(k, 1)
    for sidx in np.ndindex(*vecs.shape[:-1]):
        start = [0] * len(shape)
        for k, v in zip(to_operand, vecs[sidx], strict=True):
            start[k] = int(v)
        for od, pos in batching:
            start[od] = sidx[pos]
        if any(a < 0 or a + w > dim for a, w, dim in zip(start, full_window, shape, strict=True)):
            continue  # out of bounds: skipped, as the spec says
        where: list[Any] = [slice(None)] * rank
        for sd, si in zip(scatter_dims, sidx, strict=True):
            where[sd] = si
        upds = [u[tuple(where)].reshape(full_window) for u in all_updates]
        region = tuple(slice(a, a + w) for a, w in zip(start, full_window, strict=True))
        new = eval_region(ctx, op.regions[0], [*[o[region] for o in outs], *upds])
        for o, v in zip(outs, new, strict=True):
            o[region] = v
    return tuple(outs)
