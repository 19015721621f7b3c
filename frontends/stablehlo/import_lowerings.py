"""Importer conversions of StableHLO forms that no single graph op expresses.

Each is a combination of graph ops (registered over importer.py's simpler
converters, which they extend):

- pad with interior padding: reshape to [n, 1], pad the new axis, reshape to
  [n * (k + 1)] and drop the tail; a padding value that is not a constant
  becomes a `where` over a padded mask.
- convolution with lhs_dilation (transposed convolution): interior-pad the
  input with zeros; window_reversal: a reversing slice of the kernel;
  batch_group_count: one convolution per group, concatenated on features.
- reduce_window beyond max pooling (sum/min/product bodies, base and window
  dilations, padding): pad with the init value, then combine one strided slice
  per window element.
(sort is in import_sort.py.)
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.frontends.stablehlo.importer import (
    IDENTITY,
    REDUCERS,
    Converter,
    _body_text,
    _ints,
    _reduce_window,
    _shape,
    converts,
)
from tensorforge.interp.stablehlo import _padding_pairs, single_body_op

MAX_WINDOW_ELEMENTS = 256
"""Largest window (in elements) lowered to one slice per element."""

_BIG = 2**62


def _static_shape(cv: Converter, op: Operation, v: SSAValue) -> list[int]:
    t = v.type
    assert isinstance(t, BuiltinTensorType)
    shape = list(t.get_shape())
    if any(d < 0 for d in shape):
        raise cv.fail(op, "dynamic dims are not supported in this form")
    return shape


def _scalar(arr: np.ndarray) -> float | int:
    v = arr.item()
    return int(v) if isinstance(v, bool | np.bool_) else v


def interior_pad(cv: Converter, x: SSAValue, shape: list[int], interior: list[int], value: float | int) -> SSAValue:
    """`interior[a]` copies of `value` between neighbours along each axis a."""
    shape = list(shape)
    for a, k in enumerate(interior):
        n = shape[a]
        if k == 0 or n <= 1:
            continue
        y = cv.add(g.ReshapeOp(x, shape=[*shape[:a], n, 1, *shape[a + 1:]]))
        y = cv.add(g.PadOp(y, pads=[0, k], axes=[a + 1], value=value))
        y = cv.add(g.ReshapeOp(y, shape=[*shape[:a], n * (k + 1), *shape[a + 1:]]))
        shape[a] = n + (n - 1) * k
        x = cv.add(g.SliceOp(y, starts=[0], ends=[shape[a]], axes=[a], steps=[1]))
    return x


def pad_const(cv: Converter, x: SSAValue, shape: list[int], low: list[int], high: list[int], interior: list[int],
              value: float | int) -> SSAValue:
    """Interior padding, then the positive edges, then the negative ones (graph.pad crops first;
    StableHLO's edges apply to the padded tensor, so `low = [2], high = [-2]` of one element is valid)."""
    x = interior_pad(cv, x, shape, interior, value)
    grow = [max(v, 0) for v in [*low, *high]]
    crop = [min(v, 0) for v in [*low, *high]]
    if any(grow):
        x = cv.add(g.PadOp(x, pads=grow, value=value))
    if any(crop):
        x = cv.add(g.PadOp(x, pads=crop, value=value))
    return x


def pad_value(cv: Converter, x: SSAValue, shape: list[int], low: list[int], high: list[int], interior: list[int],
              value: SSAValue) -> SSAValue:
    """stablehlo.pad semantics with a padding value given as an SSA value (constant or not)."""
    if value in cv.known:
        return pad_const(cv, x, shape, low, high, interior, _scalar(cv.known[value]))
    padded = pad_const(cv, x, shape, low, high, interior, 0)
    mask = pad_const(cv, cv.const(np.ones(shape, np.int8), np.dtype(np.int8)), shape, low, high, interior, 0)
    inside = cv.add(g.NeOp(mask, cv.const(0, np.dtype(np.int8))))
    return cv.add(g.WhereOp(inside, padded, cv.value(value)))


@converts(s.HloPadOp)
def _pad(cv: Converter, op: Operation) -> list[SSAValue | None]:
    p = op.properties
    shape = _static_shape(cv, op, op.operands[0])
    x = cv.value(op.operands[0])
    return [pad_value(cv, x, shape, _ints(p["edge_padding_low"]), _ints(p["edge_padding_high"]),
                      _ints(p["interior_padding"]), op.operands[1])]


# -- convolution ------------------------------------------------------------------------------
@converts(s.HloConvolutionOp)
def _convolution(cv: Converter, op: Operation) -> list[SSAValue | None]:
    p = op.properties
    d: Any = p["dimension_numbers"]
    nsp = len(d.ints("input_spatial_dimensions"))
    in_perm = [d.int("input_batch_dimension"), d.int("input_feature_dimension"), *d.ints("input_spatial_dimensions")]
    k_perm = [d.int("kernel_output_feature_dimension"), d.int("kernel_input_feature_dimension"),
              *d.ints("kernel_spatial_dimensions")]
    xs = [_static_shape(cv, op, op.operands[0])[i] for i in in_perm]
    ws = [_static_shape(cv, op, op.operands[1])[i] for i in k_perm]
    x = cv.add(g.TransposeOp(cv.value(op.operands[0]), perm=in_perm))
    w = cv.add(g.TransposeOp(cv.value(op.operands[1]), perm=k_perm))
    lhs_dil = _ints(p.get("lhs_dilation")) or [1] * nsp
    if any(v != 1 for v in lhs_dil):
        x = interior_pad(cv, x, xs, [0, 0, *[v - 1 for v in lhs_dil]], 0)
    rev = [2 + i for i, r in enumerate(_ints(p.get("window_reversal"))) if r]
    if rev:
        n = len(rev)
        w = cv.add(g.SliceOp(w, starts=[-1] * n, ends=[-_BIG] * n, axes=rev, steps=[-1] * n))
    pairs = _padding_pairs(p.get("padding"), nsp)
    conv = dict(strides=_ints(p.get("window_strides")) or [1] * nsp, dilations=_ints(p.get("rhs_dilation")) or [1] * nsp,
                pads=[a for a, _ in pairs] + [b for _, b in pairs], groups=int(p["feature_group_count"].value.data))  # type: ignore[attr-defined]
    y = _batch_grouped(cv, x, w, xs[0], ws[0], int(p["batch_group_count"].value.data), conv)  # type: ignore[attr-defined]
    out_axes = [d.int("output_batch_dimension"), d.int("output_feature_dimension"), *d.ints("output_spatial_dimensions")]
    return [cv.add(g.TransposeOp(y, perm=[int(i) for i in np.argsort(out_axes)]))]


def _batch_grouped(cv: Converter, x: SSAValue, w: SSAValue, batch: int, out_features: int, groups: int,
                   conv: dict[str, Any]) -> SSAValue:
    """batch_group_count: batch group i of x convolved with output-feature group i of w."""
    if groups == 1:
        return cv.add(g.ConvOp(x, w, **conv))
    nb, og = batch // groups, out_features // groups
    parts = []
    for i in range(groups):
        xi = cv.add(g.SliceOp(x, starts=[i * nb], ends=[(i + 1) * nb], axes=[0], steps=[1]))
        wi = cv.add(g.SliceOp(w, starts=[i * og], ends=[(i + 1) * og], axes=[0], steps=[1]))
        parts.append(cv.add(g.ConvOp(xi, wi, **conv)))
    return cv.add(g.ConcatOp(parts, axis=1))


# -- reduce_window ----------------------------------------------------------------------------
def _is_max_pool(cv: Converter, op: Operation) -> bool:
    """The form importer.py's graph.max_pool conversion takes."""
    p = op.properties
    init = op.operands[1]
    if len(op.operands) != 2 or single_body_op(op.regions[0]) != "stablehlo.maximum":
        return False
    if init not in cv.known or not IDENTITY["stablehlo.maximum"](cv.known[init]):
        return False
    if any(v != 1 for v in _ints(p.get("base_dilations"))):
        return False
    win = _ints(p["window_dimensions"])
    rank = len(win)
    strides = _ints(p.get("window_strides")) or [1] * rank
    pads = _padding_pairs(p.get("padding"), rank)
    pooled = [i for i in range(rank) if win[i] != 1 or strides[i] != 1 or pads[i] != (0, 0)]
    return 1 <= len(pooled) <= 3 and len(pooled) < rank and all(lo >= 0 and hi >= 0 for lo, hi in pads)


@converts(s.HloReduceWindowOp)

def window_params(cv: Any, op: Operation) -> tuple[list[int], list[int], list[int], list[int], list[tuple[int, int]]]:
    """reduce_window's window, strides, window/base dilations and (low, high) padding, defaults filled in."""
    p = op.properties
    win = _ints(p["window_dimensions"])
    rank = len(win)
    if int(np.prod(win)) > MAX_WINDOW_ELEMENTS:
        raise cv.fail(op, f"a window of more than {MAX_WINDOW_ELEMENTS} elements")
    strides = _ints(p.get("window_strides")) or [1] * rank
    wdil = _ints(p.get("window_dilations")) or [1] * rank
    base = _ints(p.get("base_dilations")) or [1] * rank
    return win, strides, wdil, base, _padding_pairs(p.get("padding"), rank)

def _reduce_window_general(cv: Converter, op: Operation) -> list[SSAValue | None]:
    if _is_max_pool(cv, op):
        return _reduce_window(cv, op)
    kind = single_body_op(op.regions[0]) if len(op.operands) == 2 else None
    if kind not in REDUCERS:
        raise cv.fail(op, f"a window body other than a single add/maximum/minimum/multiply of one input "
                          f"{_body_text(op.regions[0])}")
    win, strides, wdil, base, pads = window_params(cv, op)
    rank = len(win)
    x, init = op.operands
    xp = pad_value(cv, cv.value(x), _static_shape(cv, op, x), [lo for lo, _ in pads], [hi for _, hi in pads],
                   [b - 1 for b in base], init)
    combine = REDUCERS[kind][1]
    out = _shape(op)
    acc: SSAValue | None = None
    for kidx in itertools.product(*[range(n) for n in win]):
        starts = [k * dl for k, dl in zip(kidx, wdil, strict=True)]
        ends = [st + (m - 1) * sd + 1 for st, m, sd in zip(starts, out, strides, strict=True)]
        piece = cv.add(g.SliceOp(xp, starts=starts, ends=ends, axes=list(range(rank)), steps=strides))
        acc = piece if acc is None else cv.add(combine(acc, piece))
    assert acc is not None
    if init in cv.known and IDENTITY[kind](cv.known[init]):
        return [acc]
    return [cv.add(combine(acc, cv.value(init)))]


# -- elementwise ops without a graph op -----------------------------------------------------------
@converts(s.HloCbrtOp)
def _cbrt(cv: Converter, op: Operation) -> list[SSAValue | None]:
    """sign(x) * |x| ** (1/3)."""
    x = cv.value(op.operands[0])
    dt = _np_dtype(op)
    root = cv.add(g.PowOp(cv.add(g.AbsOp(x)), cv.const(1 / 3, dt)))
    return [cv.add(g.MulOp(cv.add(g.SignOp(x)), root))]


@converts(s.HloShiftRightLogicalOp)
def _shift_right_logical(cv: Converter, op: Operation) -> list[SSAValue | None]:
    """graph.shift_right is logical on unsigned types: shift the same bits viewed unsigned."""
    from xdsl.dialects.builtin import IntegerType, Signedness

    t = op.operands[0].type
    assert isinstance(t, BuiltinTensorType) and isinstance(t.element_type, IntegerType)
    unsigned = IntegerType(t.element_type.width.data, Signedness.UNSIGNED)
    a, b = (cv.add(g.CastOp(cv.value(v), to=unsigned)) for v in op.operands)
    return [cv.add(g.CastOp(cv.add(g.ShiftRightOp(a, b)), to=t.element_type))]


def _np_dtype(op: Operation) -> np.dtype:
    from tensorforge.interp.stablehlo import dtype_of

    return dtype_of(op.results[0].type)


def _unsigned_view(cv: Converter, op: Operation) -> tuple[SSAValue, int, Any]:
    """The operand cast to the unsigned type of its width (the same bits), that width, its own type."""
    from xdsl.dialects.builtin import IntegerType, Signedness

    t = op.operands[0].type
    assert isinstance(t, BuiltinTensorType) and isinstance(t.element_type, IntegerType)
    width = t.element_type.width.data
    unsigned = IntegerType(width, Signedness.UNSIGNED)
    return cv.add(g.CastOp(cv.value(op.operands[0]), to=unsigned)), width, t.element_type


@converts(s.HloPopcntOp)
def _popcnt(cv: Converter, op: Operation) -> list[SSAValue | None]:
    """SWAR bit count: pairs, nibbles, bytes, then the byte sum via a multiply (wrapping unsigned ops)."""
    u, width, elt = _unsigned_view(cv, op)
    dt = np.dtype(f"u{width // 8}")

    def c(v: int) -> SSAValue:
        return cv.const(np.array(v & ((1 << width) - 1), dt), dt)

    def shr(x: SSAValue, n: int) -> SSAValue:
        return cv.add(g.ShiftRightOp(x, c(n)))

    rep = int("01" * (width // 8), 16)
    u = cv.add(g.SubOp(u, cv.add(g.BitwiseAndOp(shr(u, 1), c(0x55 * rep)))))
    u = cv.add(g.AddOp(cv.add(g.BitwiseAndOp(u, c(0x33 * rep))), cv.add(g.BitwiseAndOp(shr(u, 2), c(0x33 * rep)))))
    u = cv.add(g.BitwiseAndOp(cv.add(g.AddOp(u, shr(u, 4))), c(0x0F * rep)))
    if width > 8:
        u = shr(cv.add(g.MulOp(u, c(rep))), width - 8)
    return [cv.add(g.CastOp(u, to=elt))]


@converts(s.HloCountLeadingZerosOp)
def _count_leading_zeros(cv: Converter, op: Operation) -> list[SSAValue | None]:
    """Binary search: when the top s bits are zero, count s and shift them out (s = w/2 ... 1)."""
    u, width, elt = _unsigned_view(cv, op)
    dt = np.dtype(f"u{width // 8}")

    def c(v: int) -> SSAValue:
        return cv.const(np.array(v, dt), dt)

    n = cv.const(np.zeros((), dt), dt)
    step = width // 2
    while step:
        top_zero = cv.add(g.EqOp(cv.add(g.ShiftRightOp(u, c(width - step))), c(0)))
        n = cv.add(g.AddOp(n, cv.add(g.WhereOp(top_zero, c(step), c(0)))))
        u = cv.add(g.WhereOp(top_zero, cv.add(g.ShiftLeftOp(u, c(step))), u))
        step //= 2
    n = cv.add(g.AddOp(n, cv.add(g.WhereOp(cv.add(g.EqOp(u, c(0))), c(1), c(0)))))
    return [cv.add(g.CastOp(n, to=elt))]
