"""numpy implementations of the stablehlo and chlo ops, and a runner for them.

`run_stablehlo(module, "main", *arrays)` interprets a module of `func.func`s
holding stablehlo/chlo ops (as parsed from JAX's text). Ops with regions
(reduce, while, sort, scatter, ...) evaluate their regions with the same
evaluator; region bodies run vectorized (a scalar body applied to whole
arrays), which is what makes reduce and reduce_window cheap.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.traits import SymbolTable

from tensorforge.dialects import chlo as c
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.dense import array_from_dense
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.errors import InputError, InterpError
from tensorforge.interp.registry import IMPLS, EvalContext, graph_impl

Array = np.ndarray


# -- the evaluator --------------------------------------------------------------------------
def dtype_of(t: Any) -> np.dtype:
    assert isinstance(t, TensorType)
    return numpy_dtype(t.element_type)


def _conform(op: Operation, out: Any) -> tuple[Array, ...]:
    """Results in the declared dtypes; a static shape mismatch is an interpreter error."""
    values = out if isinstance(out, tuple) else (out,)
    fixed = []
    for res, v in zip(op.results, values, strict=True):
        arr = np.asarray(v)
        if isinstance(res.type, TensorType):
            arr = arr.astype(dtype_of(res.type), copy=False)
            want = tuple(res.type.get_shape())
            if -1 not in want and arr.shape != want and not _in_region(op):
                raise InterpError(f"{op.name}: result shape {list(arr.shape)}, type says {res.type}")
        fixed.append(arr)
    return tuple(fixed)


def _in_region(op: Operation) -> bool:
    """In the bodies of reduce, reduce_window and scatter, arrays stand for scalars (vectorized bodies)."""
    return isinstance(op.parent_op(), s.HloReduceOp | s.HloReduceWindowOp | s.HloScatterOp | s.HloSortOp)


_SCOPES: list[dict[SSAValue, Any]] = []
"""Values of the enclosing blocks: regions may use values defined outside them."""


def _lookup(v: SSAValue) -> Any:
    for scope in reversed(_SCOPES):
        if v in scope:
            return scope[v]
    raise InterpError(f"value {v} is not defined (interpreter bug)")


def eval_block(ctx: EvalContext, block: Block, args: Sequence[Any]) -> list[Any]:
    """Run a block's ops; returns the operands of its terminator."""
    env: dict[SSAValue, Any] = dict(zip(block.args, args, strict=True))
    _SCOPES.append(env)
    try:
        return _eval_ops(ctx, block, env)
    finally:
        _SCOPES.pop()


def _eval_ops(ctx: EvalContext, block: Block, env: dict[SSAValue, Any]) -> list[Any]:
    for op in block.ops:
        operands = [_lookup(v) for v in op.operands]
        if isinstance(op, s.HloReturnOp | func.ReturnOp):
            return operands
        if isinstance(op, func.CallOp):
            outs = call_function(ctx, op, op.callee.string_value(), operands)
        else:
            fn = IMPLS.get(type(op))
            if fn is None:
                raise InterpError(f"the interpreter has no implementation of {op.name}")
            with np.errstate(all="ignore"):
                outs = _conform(op, fn(ctx, op, *operands))
        env.update(zip(op.results, outs, strict=True))
    raise InterpError("block without terminator")


def eval_region(ctx: EvalContext, region: Region, args: Sequence[Any]) -> list[Any]:
    return eval_block(ctx, region.block, args)


def call_function(ctx: EvalContext, at: Operation, name: str, args: Sequence[Any]) -> tuple[Any, ...]:
    callee = SymbolTable.lookup_symbol(at, name)
    if not isinstance(callee, func.FuncOp):
        raise InterpError(f"func.call: no func.func @{name}")
    saved = _SCOPES[:]
    _SCOPES.clear()  # a callee sees only its arguments
    try:
        return tuple(eval_block(ctx, callee.body.block, args))
    finally:
        _SCOPES[:] = saved


def run_stablehlo(module: ModuleOp, entry: str = "main", *arrays: Any) -> list[Array]:
    """Interpret `@entry` of a stablehlo module on numpy arrays."""
    from tensorforge.interp import load_all

    load_all()
    f = SymbolTable.lookup_symbol(module, entry)
    if not isinstance(f, func.FuncOp):
        raise InputError(f"no func.func @{entry} in the module")
    types = f.function_type.inputs.data
    if len(arrays) != len(types):
        raise InputError(f"@{entry} takes {len(types)} arguments, got {len(arrays)}")
    values = []
    for i, (a, t) in enumerate(zip(arrays, types, strict=True)):
        a = np.asarray(a)
        if a.dtype != dtype_of(t) or list(a.shape) != [d if d >= 0 else a.shape[j] for j, d in enumerate(cast(TensorType, t).get_shape())]:
            raise InputError(f"@{entry}: argument {i} is {a.dtype}{list(a.shape)}, expected {t}")
        values.append(a)
    return [np.asarray(v) for v in eval_block(EvalContext(), f.body.block, values)]


def _ints(attr: Any) -> list[int]:
    return [] if attr is None else [int(x) for x in attr.get_values()]


def _int(attr: Any) -> int:
    return int(attr.value.data)


def _rtype(op: Operation, i: int = 0) -> TensorType:
    t = op.results[i].type
    assert isinstance(t, TensorType)
    return t


# -- elementwise ----------------------------------------------------------------------------
def _is_float(a: Array) -> bool:
    return a.dtype.kind in "fc" or a.dtype.name == "bfloat16"


def _vec(fn: Callable[[float], float]) -> Callable[[Array], Array]:
    def run(x: Array) -> Array:
        return np.vectorize(fn, otypes=[np.float64])(x.astype(np.float64)).astype(x.dtype)

    return run


def _erf_inv(y: float) -> float:
    if y <= -1 or y >= 1:
        return math.copysign(math.inf, y) if abs(y) == 1 else math.nan
    x = 0.0
    for _ in range(60):
        x -= (math.erf(x) - y) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


def _round_afz(x: Array) -> Array:
    return (np.sign(x) * np.floor(np.abs(x) + np.asarray(0.5, x.dtype))).astype(x.dtype)


def _sign(x: Array) -> Array:
    return np.sign(x).astype(x.dtype)


def _abs(x: Array) -> Array:
    return np.abs(x).astype(x.dtype)


def _int_div(a: Array, b: Array) -> Array:
    safe = np.where(b == 0, 1, b)
    q = np.abs(a) // np.abs(safe) * np.sign(a) * np.sign(safe)
    return np.where(b == 0, -1, q).astype(a.dtype)


def _int_rem(a: Array, b: Array) -> Array:
    safe = np.where(b == 0, 1, b)
    return np.where(b == 0, a, np.fmod(a, safe)).astype(a.dtype)


def _div(a: Array, b: Array) -> Array:
    return a / b if _is_float(a) else _int_div(a, b)


def _rem(a: Array, b: Array) -> Array:
    return np.fmod(a, b) if _is_float(a) else _int_rem(a, b)


def _pow(a: Array, b: Array) -> Array:
    if _is_float(a):
        return np.power(a, b)
    neg = b < 0
    r = np.power(a, np.where(neg, 0, b))
    return np.where(neg, np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)), r).astype(a.dtype)


def _shift(kind: str) -> Callable[[Array, Array], Array]:
    def run(a: Array, b: Array) -> Array:
        bits = a.dtype.itemsize * 8
        big = (b < 0) | (b >= bits)
        bb = np.where(big, 0, b).astype(a.dtype)
        if kind == "left":
            return np.where(big, 0, np.left_shift(a, bb)).astype(a.dtype)
        if kind == "arith":
            return np.where(big, np.where(a < 0, -1, 0), np.right_shift(a, bb)).astype(a.dtype)
        u = a.view(np.dtype(f"u{a.dtype.itemsize}"))
        out = np.right_shift(u, bb.astype(u.dtype)).view(a.dtype)
        return np.where(big, 0, out).astype(a.dtype)

    return run


def _popcnt(x: Array) -> Array:
    u = x.view(np.dtype(f"u{x.dtype.itemsize}"))
    return np.vectorize(lambda v: bin(int(v)).count("1"), otypes=[np.int64])(u).astype(x.dtype)


def _clz(x: Array) -> Array:
    bits = x.dtype.itemsize * 8
    u = x.view(np.dtype(f"u{x.dtype.itemsize}"))
    return np.vectorize(lambda v: bits - int(v).bit_length(), otypes=[np.int64])(u).astype(x.dtype)


UNARY: dict[str, Callable[[Array], Array]] = {
    "abs": _abs, "negate": np.negative, "exponential": np.exp, "exponential_minus_one": np.expm1, "log": np.log,
    "log_plus_one": np.log1p, "sqrt": np.sqrt, "rsqrt": lambda x: (1 / np.sqrt(x)).astype(x.dtype), "tanh": np.tanh,
    "logistic": lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype), "sine": np.sin, "cosine": np.cos, "tan": np.tan,
    "floor": np.floor, "ceil": np.ceil, "round_nearest_even": np.rint, "round_nearest_afz": _round_afz, "sign": _sign,
    "not": lambda x: np.logical_not(x) if x.dtype == np.bool_ else np.invert(x), "is_finite": np.isfinite,
    "cbrt": np.cbrt, "popcnt": _popcnt, "count_leading_zeros": _clz,
}
BINARY: dict[str, Callable[[Array, Array], Array]] = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": _div, "remainder": _rem,
    "power": _pow, "maximum": np.maximum, "minimum": np.minimum, "and": np.bitwise_and, "or": np.bitwise_or,
    "xor": np.bitwise_xor, "atan2": np.arctan2, "shift_left": _shift("left"),
    "shift_right_arithmetic": _shift("arith"), "shift_right_logical": _shift("logical"),
}
CHLO_UNARY: dict[str, Callable[[Array], Array]] = {
    "erf": _vec(math.erf), "erfc": _vec(math.erfc), "erf_inv": _vec(_erf_inv), "tan": np.tan, "sinh": np.sinh,
    "cosh": np.cosh, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "lgamma": _vec(math.lgamma), "is_inf": np.isinf,
    "is_pos_inf": np.isposinf, "is_neg_inf": np.isneginf, "square": np.square,
}


def _register_table(ops: dict[str, type[Operation]], fns: dict[str, Callable[..., Array]]) -> None:
    for name, op_cls in ops.items():
        fn = fns.get(name)
        if fn is None:
            continue
        graph_impl(op_cls)(functools.partial(_apply, fn))


def _apply(fn: Callable[..., Array], ctx: EvalContext, op: Operation, *xs: Array) -> Array:
    return np.asarray(fn(*xs))


_register_table(s.UNARY_OPS, UNARY)
_register_table(s.BINARY_OPS, BINARY)
_register_table(c.CHLO_UNARY, CHLO_UNARY)


@graph_impl(*c.CHLO_BINARY.values())
def _chlo_binary(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    a, b = _chlo_broadcast(op, a, b)
    name = op.name.removeprefix("chlo.broadcast_")
    if name not in BINARY:
        raise InterpError(f"{op.name} is not implemented")
    return BINARY[name](a, b)


def _chlo_broadcast(op: Operation, a: Array, b: Array) -> tuple[Array, Array]:
    dims = _ints(op.properties.get("broadcast_dimensions"))
    if not dims or a.ndim == b.ndim:
        return a, b
    small, big = (a, b) if a.ndim < b.ndim else (b, a)
    shape = [1] * big.ndim
    for i, d in enumerate(dims):
        shape[d] = small.shape[i]
    small = small.reshape(shape)
    return (small, big) if a.ndim < b.ndim else (big, small)


@graph_impl(c.ChloBroadcastCompareOp)
def _chlo_compare(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    a, b = _chlo_broadcast(op, a, b)
    return _compare(op, a, b)


@graph_impl(c.ChloTopKOp)
def _top_k(ctx: EvalContext, op: Operation, x: Array) -> tuple[Array, Array]:
    k = _int(op.properties["k"])
    order = np.argsort(-x if x.dtype.kind != "b" else ~x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(dtype_of(op.results[1].type))


def _total_order_key(x: Array) -> Array:
    if not _is_float(x):
        return x
    bits = x.view(np.dtype(f"i{x.dtype.itemsize}"))
    mask = np.array(np.iinfo(bits.dtype).max, bits.dtype)
    return np.where(bits < 0, bits ^ mask, bits)


def _compare(op: Operation, a: Array, b: Array) -> Array:
    direction = op.properties["comparison_direction"].data  # type: ignore[attr-defined]
    ctype = op.properties.get("compare_type")
    if ctype is not None and ctype.data == "TOTALORDER":  # type: ignore[attr-defined]
        a, b = _total_order_key(a), _total_order_key(b)
    fn = {"EQ": np.equal, "NE": np.not_equal, "LT": np.less, "LE": np.less_equal, "GT": np.greater,
          "GE": np.greater_equal}[direction]
    return fn(a, b)


@graph_impl(s.HloCompareOp)
def _compare_impl(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    return _compare(op, a, b)


@graph_impl(s.HloSelectOp)
def _select(ctx: EvalContext, op: Operation, p: Array, a: Array, b: Array) -> Array:
    return np.where(p, a, b)


@graph_impl(s.HloClampOp)
def _clamp(ctx: EvalContext, op: Operation, lo: Array, x: Array, hi: Array) -> Array:
    return np.minimum(np.maximum(x, lo), hi)


@graph_impl(s.HloConvertOp)
def _convert(ctx: EvalContext, op: Operation, x: Array) -> Array:
    to = dtype_of(op.results[0].type)
    if to == np.bool_:
        return x != 0
    if _is_float(x) and to.kind in "iu":
        info = np.iinfo(to)
        x = np.nan_to_num(np.trunc(x), nan=0, posinf=info.max, neginf=info.min)
        return np.clip(x, info.min, info.max).astype(to)
    return x.astype(to)


@graph_impl(s.HloBitcastConvertOp)
def _bitcast(ctx: EvalContext, op: Operation, x: Array) -> Array:
    to = dtype_of(op.results[0].type)
    x = np.ascontiguousarray(x)
    if to.itemsize == x.dtype.itemsize:
        return x.view(to)
    if to.itemsize < x.dtype.itemsize:  # each element becomes a trailing dim of narrower ones (little-endian)
        return x.reshape(*x.shape, 1).view(to)
    return x.view(to).reshape(x.shape[:-1])  # the trailing dim is folded into wider elements


# -- shapes ---------------------------------------------------------------------------------
@graph_impl(s.HloConstantOp)
def _constant(ctx: EvalContext, op: Operation) -> Array:
    return array_from_dense(op.properties["value"])  # type: ignore[arg-type]


@graph_impl(s.HloIotaOp)
def _iota(ctx: EvalContext, op: Operation) -> Array:
    t = _rtype(op)
    shape = tuple(t.get_shape())
    d = _int(op.properties["iota_dimension"])
    idx = np.arange(shape[d]).reshape([-1 if i == d else 1 for i in range(len(shape))])
    return np.broadcast_to(idx, shape).astype(dtype_of(t))


@graph_impl(s.HloReshapeOp)
def _reshape(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return x.reshape(tuple(_rtype(op).get_shape()))


@graph_impl(s.HloBroadcastInDimOp)
def _broadcast_in_dim(ctx: EvalContext, op: Operation, x: Array) -> Array:
    out_shape = tuple(_rtype(op).get_shape())
    if _in_region(op):
        return x
    dims = _ints(op.properties["broadcast_dimensions"])
    order = np.argsort(dims)
    x = np.transpose(x, order) if x.ndim else x
    shape = [1] * len(out_shape)
    for d, size in zip(sorted(dims), x.shape, strict=True):
        shape[d] = size
    return np.broadcast_to(x.reshape(shape), out_shape).copy()


@graph_impl(s.HloTransposeOp)
def _transpose(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.transpose(x, _ints(op.properties["permutation"]))


@graph_impl(s.HloReverseOp)
def _reverse(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.flip(x, tuple(_ints(op.properties["dimensions"]))).copy()


@graph_impl(s.HloConcatenateOp)
def _concatenate(ctx: EvalContext, op: Operation, *xs: Array) -> Array:
    return np.concatenate(xs, axis=_int(op.properties["dimension"]))


@graph_impl(s.HloSliceOp)
def _slice(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = op.properties
    starts, limits, strides = _ints(p["start_indices"]), _ints(p["limit_indices"]), _ints(p["strides"])
    return x[tuple(slice(a, b, st) for a, b, st in zip(starts, limits, strides, strict=True))]


def _clamped_starts(shape: Sequence[int], sizes: Sequence[int], starts: Sequence[Array]) -> list[int]:
    return [int(min(max(int(st), 0), dim - size)) for dim, size, st in zip(shape, sizes, starts, strict=True)]


@graph_impl(s.HloDynamicSliceOp)
def _dynamic_slice(ctx: EvalContext, op: Operation, x: Array, *starts: Array) -> Array:
    sizes = _ints(op.properties["slice_sizes"])
    st = _clamped_starts(x.shape, sizes, starts)
    return x[tuple(slice(a, a + n) for a, n in zip(st, sizes, strict=True))].copy()


@graph_impl(s.HloDynamicUpdateSliceOp)
def _dynamic_update_slice(ctx: EvalContext, op: Operation, x: Array, u: Array, *starts: Array) -> Array:
    st = _clamped_starts(x.shape, u.shape, starts)
    out = x.copy()
    out[tuple(slice(a, a + n) for a, n in zip(st, u.shape, strict=True))] = u
    return out


@graph_impl(s.HloPadOp)
def _pad(ctx: EvalContext, op: Operation, x: Array, value: Array) -> Array:
    p = op.properties
    return pad_array(x, value, _ints(p["edge_padding_low"]), _ints(p["edge_padding_high"]), _ints(p["interior_padding"]))


def pad_array(x: Array, value: Array, low: list[int], high: list[int], interior: list[int]) -> Array:
    """stablehlo.pad: interior padding, then edge padding (negative edges crop)."""
    dilated = [n + max(n - 1, 0) * i for n, i in zip(x.shape, interior, strict=True)]
    full = [d + max(lo, 0) + max(hi, 0) for d, lo, hi in zip(dilated, low, high, strict=True)]
    out = np.full(full, value, dtype=x.dtype)
    out[tuple(slice(max(lo, 0), max(lo, 0) + d, i + 1) for lo, d, i in zip(low, dilated, interior, strict=True))] = x
    crop = tuple(slice(max(-lo, 0), f - max(-hi, 0)) for lo, hi, f in zip(low, high, full, strict=True))
    return out[crop]


# -- contractions ---------------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def dot_general(x: Array, y: Array, lb: list[int], rb: list[int], lc: list[int], rc: list[int], dtype: np.dtype) -> Array:
    """Result dims: batch, lhs free, rhs free (StableHLO dot_general)."""
    xl = list(_LETTERS[: x.ndim])
    yl = list(_LETTERS[x.ndim: x.ndim + y.ndim])
    for a, b in [*zip(lb, rb, strict=True), *zip(lc, rc, strict=True)]:
        yl[b] = xl[a]
    out = [xl[d] for d in lb] + [xl[d] for d in range(x.ndim) if d not in lb + lc]
    out += [yl[d] for d in range(y.ndim) if d not in rb + rc]
    acc = np.float64 if dtype.kind == "f" else dtype
    return np.einsum(f"{''.join(xl)},{''.join(yl)}->{''.join(out)}", x.astype(acc), y.astype(acc)).astype(dtype)


@graph_impl(s.HloDotGeneralOp)
def _dot_general(ctx: EvalContext, op: Operation, x: Array, y: Array) -> Array:
    d = op.properties["dot_dimension_numbers"]
    return dot_general(x, y, d.ints("lhs_batching_dimensions"), d.ints("rhs_batching_dimensions"),  # type: ignore[attr-defined]
                       d.ints("lhs_contracting_dimensions"), d.ints("rhs_contracting_dimensions"),  # type: ignore[attr-defined]
                       dtype_of(op.results[0].type))


@graph_impl(s.HloDotOp)
def _dot(ctx: EvalContext, op: Operation, x: Array, y: Array) -> Array:
    return dot_general(x, y, [], [], [x.ndim - 1], [0], dtype_of(op.results[0].type))


def _padding_pairs(attr: Any, rank: int) -> list[tuple[int, int]]:
    if attr is None:
        return [(0, 0)] * rank
    flat = [int(v) for v in attr.get_values()]
    if len(flat) == 1:
        flat = flat * (2 * rank)
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(rank)]


def conv_nchw(x: Array, w: Array, strides: list[int], pads: list[tuple[int, int]], lhs_dil: list[int],
              rhs_dil: list[int], groups: int) -> Array:
    """x [N, C, *S], w [O, C/groups, *K] -> [N, O, *S'] (cross-correlation)."""
    nsp = x.ndim - 2
    if any(d != 1 for d in lhs_dil):
        shape = [*x.shape[:2], *[(n - 1) * d + 1 for n, d in zip(x.shape[2:], lhs_dil, strict=True)]]
        dil = np.zeros(shape, x.dtype)
        dil[(slice(None), slice(None), *[slice(None, None, d) for d in lhs_dil])] = x
        x = dil
    full = np.zeros([*x.shape[:2], *[n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads, strict=True)]], x.dtype)
    inner = tuple(slice(max(lo, 0), max(lo, 0) + n) for n, (lo, _) in zip(x.shape[2:], pads, strict=True))
    src = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape[2:], pads, strict=True))
    full_inner = tuple(slice(a.start, a.start + (b.stop - b.start)) for a, b in zip(inner, src, strict=True))
    full[(slice(None), slice(None), *full_inner)] = x[(slice(None), slice(None), *src)]
    ks = w.shape[2:]
    out_sp = [(full.shape[2 + i] - ((ks[i] - 1) * rhs_dil[i] + 1)) // strides[i] + 1 for i in range(nsp)]
    n, cin = x.shape[:2]
    o = w.shape[0]
    cg, og = cin // groups, o // groups
    out = np.zeros([n, o, *out_sp], np.float64)
    for kidx in itertools.product(*[range(k) for k in ks]):
        sl = tuple(slice(k * d, k * d + (m - 1) * st + 1, st) for k, d, m, st in zip(kidx, rhs_dil, out_sp, strides, strict=True))
        patch = full[(slice(None), slice(None), *sl)].astype(np.float64)
        wk = w[(slice(None), slice(None), *kidx)].astype(np.float64)
        for g in range(groups):
            out[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", patch[:, g * cg:(g + 1) * cg], wk[g * og:(g + 1) * og])
    return out


@graph_impl(s.HloConvolutionOp)
def _convolution(ctx: EvalContext, op: Operation, x: Array, w: Array) -> Array:
    p = op.properties
    d = p["dimension_numbers"]
    nsp = x.ndim - 2
    x = np.transpose(x, [d.int("input_batch_dimension"), d.int("input_feature_dimension"), *d.ints("input_spatial_dimensions")])  # type: ignore[attr-defined]
    w = np.transpose(w, [d.int("kernel_output_feature_dimension"), d.int("kernel_input_feature_dimension"), *d.ints("kernel_spatial_dimensions")])  # type: ignore[attr-defined]
    rev = _ints(p.get("window_reversal")) or [0] * nsp
    w = np.flip(w, tuple(2 + i for i, r in enumerate(rev) if r)) if any(rev) else w
    args = (_ints(p.get("window_strides")) or [1] * nsp, _padding_pairs(p.get("padding"), nsp),
            _ints(p.get("lhs_dilation")) or [1] * nsp, _ints(p.get("rhs_dilation")) or [1] * nsp,
            _int(p["feature_group_count"]))
    groups = _int(p["batch_group_count"])  # batch group i meets output-feature group i (the spec's split/concat)
    ys = [conv_nchw(xi, wi, *args) for xi, wi in zip(np.split(x, groups, 0), np.split(w, groups, 0), strict=True)]
    y = np.concatenate(ys, axis=1)
    out_axes = [d.int("output_batch_dimension"), d.int("output_feature_dimension"), *d.ints("output_spatial_dimensions")]  # type: ignore[attr-defined]
    return np.transpose(y, np.argsort(out_axes)).astype(dtype_of(op.results[0].type))


# -- regions ----------------------------------------------------------------------------------
def single_body_op(region: Region) -> str | None:
    """'stablehlo.add' when the body is `return op(arg0, arg1)`, else None."""
    ops = list(region.block.ops)
    if len(ops) != 2 or len(region.block.args) != 2:
        return None
    body, ret = ops
    if not isinstance(ret, s.HloReturnOp) or list(ret.operands) != [body.results[0]]:
        return None
    if set(body.operands) != set(region.block.args) or len(body.operands) != 2:
        return None
    return body.name


_UFUNCS = {"stablehlo.add": np.add, "stablehlo.multiply": np.multiply, "stablehlo.maximum": np.maximum,
           "stablehlo.minimum": np.minimum, "stablehlo.and": np.bitwise_and, "stablehlo.or": np.bitwise_or,
           "stablehlo.xor": np.bitwise_xor}


@graph_impl(s.HloReduceOp)
def _reduce(ctx: EvalContext, op: Operation, *arrays: Array) -> tuple[Array, ...]:
    n = len(arrays) // 2
    xs, inits = arrays[:n], arrays[n:]
    dims = tuple(_ints(op.properties["dimensions"]))
    kind = single_body_op(op.regions[0]) if n == 1 else None
    if kind in _UFUNCS:
        r = _UFUNCS[kind].reduce(xs[0], axis=dims) if xs[0].size else np.broadcast_to(inits[0], _kept(xs[0], dims))
        return (_UFUNCS[kind](r, inits[0]).astype(xs[0].dtype),)
    keep = [d for d in range(xs[0].ndim) if d not in dims]
    moved = [np.transpose(x, keep + list(dims)).reshape([*_kept(x, dims), -1]) for x in xs]
    accs = [np.broadcast_to(i, _kept(xs[0], dims)).copy() for i in inits]
    for k in range(moved[0].shape[-1]):
        accs = eval_region(ctx, op.regions[0], [*accs, *[m[..., k] for m in moved]])
    return tuple(np.asarray(a) for a in accs)


def _kept(x: Array, dims: Sequence[int]) -> list[int]:
    return [n for d, n in enumerate(x.shape) if d not in dims]


@graph_impl(s.HloReduceWindowOp)
def _reduce_window(ctx: EvalContext, op: Operation, *arrays: Array) -> tuple[Array, ...]:
    n = len(arrays) // 2
    xs, inits = arrays[:n], arrays[n:]
    p = op.properties
    rank = xs[0].ndim
    win = _ints(p["window_dimensions"])
    strides = _ints(p.get("window_strides")) or [1] * rank
    wdil = _ints(p.get("window_dilations")) or [1] * rank
    inner = [b - 1 for b in _ints(p.get("base_dilations")) or [1] * rank]
    pads = _padding_pairs(p.get("padding"), rank)
    low, high = [lo for lo, _ in pads], [hi for _, hi in pads]
    padded = [pad_array(x, i, low, high, inner) for x, i in zip(xs, inits, strict=True)]
    out_shape = list(_rtype(op).get_shape())
    accs = [np.full(out_shape, i, x.dtype) for x, i in zip(xs, inits, strict=True)]
    for kidx in itertools.product(*[range(w) for w in win]):
        sl = tuple(slice(k * d, k * d + (m - 1) * st + 1, st) for k, d, m, st in zip(kidx, wdil, out_shape, strides, strict=True))
        accs = eval_region(ctx, op.regions[0], [*accs, *[x[sl] for x in padded]])
    return tuple(np.asarray(a) for a in accs)


@graph_impl(s.HloWhileOp)
def _while(ctx: EvalContext, op: Operation, *state: Array) -> tuple[Array, ...]:
    values = list(state)
    while bool(eval_region(ctx, op.regions[0], values)[0]):
        values = eval_region(ctx, op.regions[1], values)
    return tuple(values)


@graph_impl(s.HloCaseOp)
def _case(ctx: EvalContext, op: Operation, index: Array) -> tuple[Array, ...]:
    i = int(index)
    branches = op.regions
    region = branches[i] if 0 <= i < len(branches) else branches[-1]
    return tuple(eval_region(ctx, region, []))


@graph_impl(s.HloIfOp)
def _if(ctx: EvalContext, op: Operation, pred: Array) -> tuple[Array, ...]:
    return tuple(eval_region(ctx, op.regions[0] if bool(pred) else op.regions[1], []))


@graph_impl(s.HloOptimizationBarrierOp)
def _barrier(ctx: EvalContext, op: Operation, *xs: Array) -> tuple[Array, ...]:
    return xs


@graph_impl(s.HloCustomCallOp)
def _custom_call(ctx: EvalContext, op: Operation, *xs: Array) -> tuple[Array, ...]:
    target = op.properties["call_target_name"].data  # type: ignore[attr-defined]
    if target == "mhlo.erf":
        return (CHLO_UNARY["erf"](xs[0]),)
    if target == "mhlo.tan":
        return (np.tan(xs[0]),)
    return xs


@graph_impl(s.HloSortOp)
def _sort(ctx: EvalContext, op: Operation, *xs: Array) -> tuple[Array, ...]:
    axis = _int(op.properties["dimension"])
    moved = [np.moveaxis(x, axis, -1) for x in xs]
    outs = [m.copy() for m in moved]
    region = op.regions[0]
    for idx in np.ndindex(*moved[0].shape[:-1]):
        lanes = [m[idx] for m in moved]

        def less(i: int, j: int, lanes: list[Array] = lanes) -> bool:
            args = [a for lane in lanes for a in (lane[i], lane[j])]
            return bool(eval_region(ctx, region, [np.asarray(a) for a in args])[0])

        order = sorted(range(lanes[0].shape[0]), key=functools.cmp_to_key(lambda i, j: -1 if less(i, j) else int(less(j, i))))
        for o, lane in zip(outs, lanes, strict=True):
            o[idx] = lane[order]
    return tuple(np.moveaxis(o, -1, axis) for o in outs)


from tensorforge.interp import stablehlo_index, stablehlo_rng  # noqa: E402, F401  (gather/scatter, rng_bit_generator)
