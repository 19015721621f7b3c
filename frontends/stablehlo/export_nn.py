"""Export of convolutions, pooling, iota and sorting (graph -> StableHLO).

- graph.conv: one stablehlo.convolution (channel-first or channel-last
  dimension numbers), bias added with a broadcast.
- graph.conv_transpose: a convolution of the input dilated by the strides
  (lhs_dilation), padded by dilation * (k - 1) - pad, with the window reversed
  and the kernel's feature dims swapped (groups regrouped into the output dim).
- graph.max_pool / graph.avg_pool: reduce_window (maximum / add) padded with
  the init value; avg_pool divides by the window size, or by a reduce_window
  count of input cells when padding is not counted.
- graph.iota: stablehlo.iota, scaled and shifted when start/delta are not 0/1.
- graph.sort / graph.argsort: stablehlo.sort with a TOTALORDER (floats) or
  integer comparator; argsort sorts an iota along with the values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects.builtin import BoolAttr, DenseIntOrFPElementsAttr, IntegerType, i64
from xdsl.dialects.builtin import TensorType as BT
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.frontends.stablehlo.exporter import Exporter, _attr, _Fail, _init, _props, exports


def _shape(v: SSAValue) -> list[int]:
    assert isinstance(v.type, BT)
    return list(v.type.get_shape())


def _elt(v: SSAValue) -> Attribute:
    assert isinstance(v.type, BT)
    return v.type.element_type


def _channels_last(op: Operation) -> bool:
    p = _props(op)
    return p.has("layout") and p.str("layout").endswith("C")


def _spatial_params(op: Operation, nsp: int) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """(strides, dilations, [(pad_begin, pad_end)] per spatial dim)."""
    p = _props(op)
    strides = list(p.ints("strides")) if p.has("strides") else [1] * nsp
    dil = list(p.ints("dilations")) if p.has("dilations") else [1] * nsp
    pads = list(p.ints("pads")) if p.has("pads") else [0] * (2 * nsp)
    return strides, dil, list(zip(pads[:nsp], pads[nsp:], strict=True))


def _padding(pairs: list[tuple[int, int]]) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr.from_list(BT(i64, [len(pairs), 2]), [v for pr in pairs for v in pr])


def _dims(rank: int, last: bool) -> tuple[int, int, list[int]]:
    """(batch, feature, spatial) positions of an activation."""
    if last:
        return 0, rank - 1, list(range(1, rank - 1))
    return 0, 1, list(range(2, rank))


def _add_bias(ex: Exporter, y: SSAValue, bias: SSAValue, feature: int) -> SSAValue:
    t = y.type
    assert isinstance(t, BT)
    b = ex.emit(s.HloBroadcastInDimOp, [bias], t, broadcast_dimensions=[feature])
    return ex.emit(s.HloAddOp, [y, b], t)


def _convolution(ex: Exporter, x: SSAValue, w: SSAValue, out: BT, last: bool, kernel: tuple[int, int, list[int]],
                 window: dict[str, Any], groups: int) -> SSAValue:
    rank = len(_shape(x))
    b, f, sp = _dims(rank, last)
    dn = s.ConvDimensionNumbersAttr.make(
        input_batch_dimension=b, input_feature_dimension=f, input_spatial_dimensions=sp,
        kernel_input_feature_dimension=kernel[0], kernel_output_feature_dimension=kernel[1], kernel_spatial_dimensions=kernel[2],
        output_batch_dimension=b, output_feature_dimension=f, output_spatial_dimensions=sp)
    return ex.emit(s.HloConvolutionOp, [x, w], out, dimension_numbers=dn, feature_group_count=groups, batch_group_count=1,
                   **window)


@exports(g.ConvOp)
def _conv(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    if p.has("acc_type"):
        raise _Fail("integer convolutions (acc_type) are not exported")
    x, w = xs[:2]
    rank = len(_shape(x))
    nsp = rank - 2
    last = _channels_last(op)
    strides, dil, pads = _spatial_params(op, nsp)
    kernel = (nsp, nsp + 1, list(range(nsp))) if last else (1, 0, list(range(2, rank)))
    window = {"window_strides": strides, "rhs_dilation": dil, "lhs_dilation": [1] * nsp, "padding": _padding(pads)}
    y = _convolution(ex, x, w, ex.btype(op.results[0].type), last, kernel, window, p.int("groups"))
    return [_add_bias(ex, y, xs[2], rank - 1 if last else 1) if len(xs) > 2 else y]


@exports(g.ConvTransposeOp)
def _conv_transpose(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    x, w = xs[:2]
    ws = _shape(w)
    nsp = len(ws) - 2
    groups = p.int("groups")
    strides, dil, pads = _spatial_params(op, nsp)
    extra = list(p.ints("output_padding")) if p.has("output_padding") else [0] * nsp
    if groups != 1:  # [I, O/g, k] -> [I/g, O, k]: group gi's kernels become output features gi*O/g...
        cin, og, ksz = ws[0], ws[1], ws[2:]
        elt = _elt(w)
        w = ex.emit(s.HloReshapeOp, [w], BT(elt, [groups, cin // groups, og, *ksz]))
        w = ex.emit(s.HloTransposeOp, [w], BT(elt, [cin // groups, groups, og, *ksz]),
                    permutation=[1, 0, 2, *range(3, 3 + nsp)])
        w = ex.emit(s.HloReshapeOp, [w], BT(elt, [cin // groups, groups * og, *ksz]))
    span = [d * (k - 1) for d, k in zip(dil, ws[2:], strict=True)]
    padding = [(sp - lo, sp - hi + e) for sp, (lo, hi), e in zip(span, pads, extra, strict=True)]
    window = {"window_strides": [1] * nsp, "lhs_dilation": strides, "rhs_dilation": dil, "padding": _padding(padding),
              "window_reversal": _attr([1] * nsp)}
    y = _convolution(ex, x, w, ex.btype(op.results[0].type), False, (0, 1, list(range(2, nsp + 2))), window, groups)
    return [_add_bias(ex, y, xs[2], 1) if len(xs) > 2 else y]


def reduce_window(ex: Exporter, x: SSAValue, body: type[Operation], init: float, out: BT, window: list[int],
                  strides: list[int], dil: list[int], pads: list[tuple[int, int]]) -> SSAValue:
    elt = _elt(x)
    scalar = BT(elt, [])
    blk = Block(arg_types=[scalar, scalar])
    r = body.create(operands=list(blk.args), result_types=[scalar])
    blk.add_op(r)
    blk.add_op(s.HloReturnOp.create(operands=[r.results[0]]))
    init_v = ex.const(init, numpy_dtype(elt))
    props = {"window_dimensions": window, "window_strides": strides, "base_dilations": [1] * len(window),
             "window_dilations": dil, "padding": _padding(pads)}
    rw = s.HloReduceWindowOp.create(operands=[x, init_v], result_types=[out], regions=[Region(blk)],
                                    properties={k: _attr(v) for k, v in props.items()})
    ex.block.add_op(rw)
    return rw.results[0]


def _pool_window(op: Operation, shape: list[int], out: list[int]) -> tuple[list[int], list[int], list[int],
                                                                         list[tuple[int, int]], list[tuple[int, int]]]:
    """Full-rank window, strides, dilations, declared padding and the padding that gives `out`
    (ceil_mode: a larger end padding, the overhang)."""
    p = _props(op)
    nsp = len(shape) - 2
    strides, dil, pads = _spatial_params(op, nsp)
    if not p.has("dilations"):
        dil = [1] * nsp

    def full(vals: list[Any], fill: Any) -> list[Any]:
        return [fill, *vals, fill] if _channels_last(op) else [fill, fill, *vals]

    win, st, dl, declared = full(list(p.ints("kernel")), 1), full(strides, 1), full(dil, 1), full(pads, (0, 0))
    used = [(lo, (m - 1) * sd + (k - 1) * d + 1 - n - lo)
            for (lo, _), m, sd, k, d, n in zip(declared, out, st, win, dl, shape, strict=True)]
    return win, st, dl, declared, used


@exports(g.MaxPoolOp)
def _max_pool(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    out = ex.btype(op.results[0].type)
    win, strides, dil, _, pads = _pool_window(op, _shape(x), list(out.get_shape()))
    init = _init(s.HloMaximumOp, numpy_dtype(_elt(x)))
    return [reduce_window(ex, x, s.HloMaximumOp, init, out, win, strides, dil, pads)]


@exports(g.AvgPoolOp)
def _avg_pool(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    """Sum / count; the count covers input cells, plus the declared pads with count_include_pad
    (never the ceil-mode overhang)."""
    x = xs[0]
    shape = _shape(x)
    out = ex.btype(op.results[0].type)
    win, strides, dil, declared, pads = _pool_window(op, shape, list(out.get_shape()))
    total = reduce_window(ex, x, s.HloAddOp, 0.0, out, win, strides, dil, pads)
    dtype = numpy_dtype(_elt(x))
    include = _props(op).bool("count_include_pad")
    if (include or all(pr == (0, 0) for pr in declared)) and not _props(op).bool("ceil_mode"):
        return [ex.emit(s.HloDivideOp, [total, ex.const(float(np.prod(win)), dtype, out.get_shape())], out)]
    last = _channels_last(op)
    keep = (0, len(shape) - 1) if last else (0, 1)
    one_shape = [1 if i in keep else n for i, n in enumerate(shape)]
    ones = ex.const(1.0, dtype, one_shape)
    if include:  # the declared pads count: pad with ones, then only the overhang is outside
        padded = [n + lo + hi if i not in keep else 1 for i, (n, (lo, hi)) in enumerate(zip(shape, declared, strict=True))]
        ones = ex.emit(s.HloPadOp, [ones, ex.const(1.0, dtype)], BT(_elt(x), padded),
                       edge_padding_low=[lo for lo, _ in declared], edge_padding_high=[hi for _, hi in declared],
                       interior_padding=[0] * len(shape))
        pads = [(0, hi - dhi) for (_, hi), (_, dhi) in zip(pads, declared, strict=True)]
    count_t = BT(_elt(x), [1 if i in keep else n for i, n in enumerate(out.get_shape())])
    counts = reduce_window(ex, ones, s.HloAddOp, 0.0, count_t, win, strides, dil, pads)
    counts = ex.emit(s.HloBroadcastInDimOp, [counts], out, broadcast_dimensions=list(range(len(shape))))
    return [ex.emit(s.HloDivideOp, [total, counts], out)]


@exports(g.IotaOp)
def _iota(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    out = ex.btype(op.results[0].type)
    dim = p.int("dimension") if p.has("dimension") else 0
    start, delta = p.float("start"), p.float("delta")
    dtype = numpy_dtype(out.element_type)
    if dtype.kind != "f" and (start != int(start) or delta != int(delta)):
        raise _Fail("an integer iota with a fractional start or delta is not exported")
    y = ex.emit(s.HloIotaOp, [], out, iota_dimension=dim)
    if delta != 1:
        y = ex.emit(s.HloMultiplyOp, [y, ex.const(delta, dtype, out.get_shape())], out)
    if start != 0:
        y = ex.emit(s.HloAddOp, [y, ex.const(start, dtype, out.get_shape())], out)
    return [y]


def _comparator(elts: list[Attribute], descending: bool) -> Region:
    """Compare the first operand's pair (TOTALORDER for floats, so NaN sorts last)."""
    scalars = [BT(e, []) for e in elts for _ in range(2)]
    blk = Block(arg_types=scalars)
    kind = numpy_dtype(elts[0]).kind
    ctype = "TOTALORDER" if kind == "f" else "UNSIGNED" if kind in "ub" else "SIGNED"
    cmp = s.HloCompareOp.create(operands=[blk.args[0], blk.args[1]], result_types=[BT(IntegerType(1), [])],
                                properties={"comparison_direction": s.ComparisonDirectionAttr.of("GT" if descending else "LT"),
                                            "compare_type": s.ComparisonTypeAttr.of(ctype)})
    blk.add_op(cmp)
    blk.add_op(s.HloReturnOp.create(operands=[cmp.results[0]]))
    return Region(blk)


@exports(g.SortOp, g.ArgsortOp)
def _sort(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    x = xs[0]
    shape = _shape(x)
    axis = p.int("axis") % len(shape)
    descending = p.bool("descending")
    operands = [x]
    if type(op) is g.ArgsortOp:
        operands.append(ex.emit(s.HloIotaOp, [], BT(i64, shape), iota_dimension=axis))
    elts = [_elt(v) for v in operands]
    sort = s.HloSortOp.create(operands=operands, result_types=[v.type for v in operands],
                              regions=[_comparator(elts, descending)],
                              properties={"dimension": _attr(axis), "is_stable": BoolAttr.from_bool(True)})
    ex.block.add_op(sort)
    return [sort.results[-1]]
