"""StableHLO (as JAX prints it) -> the graph dialect.

`import_stablehlo(text) -> ModuleOp` converts each public `func.func` to a
`graph.func`, inlining `func.call`s. Values computable from constants alone
are folded with the stablehlo interpreter, which is what makes loops with a
static trip count (unrolled), `case` with a constant index and dynamic
slices with constant starts importable. Every problem is collected and
reported at once in a `StableHLOImportError`; nothing is imported partially.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.traits import SymbolTable

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import TensorforgeError
from tensorforge.frontends.stablehlo.text import parse_stablehlo
from tensorforge.interp.registry import IMPLS, EvalContext
from tensorforge.interp.stablehlo import _conform, dtype_of, single_body_op
from tensorforge.ir import verify_module

FOLD_LIMIT = 4096
"""Largest result (in elements) folded into a graph.constant."""

MAX_TRIP_COUNT = 1000


class StableHLOImportError(TensorforgeError):
    """Every op (or feature) the importer could not convert, listed at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = sorted(set(problems))
        self.unsupported_ops = sorted({p.split(":")[0] for p in self.problems})
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"cannot import the StableHLO module: {len(self.problems)} unsupported op(s) or form(s):\n{lines}")


class Skip(Exception):
    """An op could not be converted; the reason is recorded."""


@dataclass
class Converter:
    module: ModuleOp
    block: Block = field(default_factory=Block)
    vals: dict[SSAValue, SSAValue] = field(default_factory=dict)
    known: dict[SSAValue, np.ndarray] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    ctx: EvalContext = field(default_factory=EvalContext)

    # -- helpers -----------------------------------------------------------------------------
    def add(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def const(self, value: Any, dtype: np.dtype) -> SSAValue:
        return self.add(g.ConstantOp(dense_from_array(np.asarray(value, dtype))))

    def value(self, v: SSAValue) -> SSAValue:
        if v in self.vals:
            return self.vals[v]
        if v in self.known:
            self.vals[v] = self.const(self.known[v], self.known[v].dtype)
            return self.vals[v]
        raise Skip()  # produced by an op that failed: already reported

    def fail(self, op: Operation, why: str) -> Skip:
        self.problems.append(f"{op.name}: {why}")
        return Skip()

    # -- blocks ------------------------------------------------------------------------------
    def convert_block(self, block: Block, args: Sequence[SSAValue | None], known: Sequence[np.ndarray | None]) -> list[SSAValue | None]:
        for a, v, k in zip(block.args, args, known, strict=True):
            self._bind(a, v, k)
        for op in block.ops:
            if isinstance(op, s.HloReturnOp | func.ReturnOp):
                return [self._maybe(v) for v in op.operands]
            try:
                outs = self.convert_op(op)
            except Skip:
                continue
            for r, v in zip(op.results, outs, strict=True):
                if v is not None:
                    self.vals[r] = v
        return []

    def _bind(self, arg: SSAValue, v: SSAValue | None, k: np.ndarray | None) -> None:
        self.vals.pop(arg, None)
        self.known.pop(arg, None)
        if v is not None:
            self.vals[arg] = v
        if k is not None:
            self.known[arg] = k

    def _maybe(self, v: SSAValue) -> SSAValue | None:
        try:
            return self.value(v)
        except Skip:
            return None

    def convert_op(self, op: Operation) -> list[SSAValue | None]:
        if self._fold(op):
            return [None] * len(op.results)
        if isinstance(op, func.CallOp):
            return self.inline_call(op)
        conv = CONVERTERS.get(type(op))
        if conv is None:  # reported even when an operand is missing: the list stays complete
            raise self.fail(op, "no conversion to the graph dialect")
        return conv(self, op)

    def _fold(self, op: Operation) -> bool:
        """Evaluate an op whose operands are all known; small results need no graph op."""
        if isinstance(op, func.CallOp):
            return False
        if not all(v in self.known for v in op.operands) or type(op) not in IMPLS:
            return False
        try:
            outs = _conform(op, IMPLS[type(op)](self.ctx, op, *[self.known[v] for v in op.operands]))
        except TensorforgeError:
            return False
        if any(o.size > FOLD_LIMIT for o in outs):
            return False
        for r, o in zip(op.results, outs, strict=True):
            self.known[r] = o
            self.vals.pop(r, None)
        return True

    def inline_call(self, op: func.CallOp) -> list[SSAValue | None]:
        callee = SymbolTable.lookup_symbol(self.module, op.callee.string_value())
        if not isinstance(callee, func.FuncOp):
            raise self.fail(op, f"no func.func @{op.callee.string_value()}")
        args = [self._maybe(v) for v in op.operands]
        outs = self.convert_block(callee.body.block, args, [self.known.get(v) for v in op.operands])
        for r, src in zip(op.results, callee.body.block.last_op.operands, strict=True):  # type: ignore[union-attr]
            if src in self.known:
                self.known[r] = self.known[src]
        return outs


def graph_type(t: Any, symbols: list[str] | None = None) -> TensorType:
    assert isinstance(t, BuiltinTensorType)
    dims: list[Any] = []
    for d in t.get_shape():
        if d >= 0:
            dims.append(d)
            continue
        name = f"d{len(symbols or [])}"
        if symbols is not None:
            symbols.append(name)
        dims.append(name)
    return TensorType(dims, t.element_type)


def import_stablehlo(text: str | ModuleOp) -> ModuleOp:
    """StableHLO text (or a parsed stablehlo module) -> a verified graph module."""
    module = parse_stablehlo(text) if isinstance(text, str) else text
    funcs = [op for op in module.body.block.ops if isinstance(op, func.FuncOp)]
    public = [f for f in funcs if f.sym_visibility is None or f.sym_visibility.data == "public"]
    out: list[Operation] = []
    problems: list[str] = []
    for f in public or funcs[:1]:
        conv = Converter(module)
        symbols: list[str] = []
        arg_types = [graph_type(t, symbols) for t in f.function_type.inputs.data]
        conv.block = Block(arg_types=arg_types)
        results = conv.convert_block(f.body.block, list(conv.block.args), [None] * len(arg_types))
        problems += conv.problems
        if conv.problems or any(r is None for r in results):
            continue
        conv.block.add_op(g.ReturnOp(*results))
        names = [f"arg{i}" for i in range(len(arg_types))]
        res = [(f"result{i}", r.type) for i, r in enumerate(results)]  # type: ignore[union-attr]
        out.append(g.FuncOp(f.sym_name.data, list(zip(names, arg_types, strict=True)), res, Region(conv.block)))
    if problems:
        raise StableHLOImportError(problems)
    result = ModuleOp(out)
    verify_module(result)
    return result


# -- converters -----------------------------------------------------------------------------
Conv = Callable[[Converter, Operation], list[SSAValue | None]]
CONVERTERS: dict[type[Operation], Conv] = {}


def converts(*ops: type[Operation]) -> Callable[[Conv], Conv]:
    def register(fn: Conv) -> Conv:
        for o in ops:
            CONVERTERS[o] = fn
        return fn

    return register


def _rtype(op: Operation, i: int = 0) -> BuiltinTensorType:
    t = op.results[i].type
    assert isinstance(t, BuiltinTensorType)
    return t


def _shape(op: Operation, i: int = 0) -> list[int]:
    return list(_rtype(op, i).get_shape())


def _ints(attr: Any) -> list[int]:
    return [] if attr is None else [int(x) for x in attr.get_values()]


def _is_bool(op: Operation) -> bool:
    return dtype_of(op.operands[0].type) == np.bool_


SIMPLE_UNARY: dict[str, type[Operation]] = {
    "abs": g.AbsOp, "negate": g.NegOp, "exponential": g.ExpOp, "log": g.LogOp, "log_plus_one": g.Log1pOp,
    "sqrt": g.SqrtOp, "rsqrt": g.RsqrtOp, "tanh": g.TanhOp, "logistic": g.SigmoidOp, "sine": g.SinOp,
    "cosine": g.CosOp, "tan": g.TanOp, "floor": g.FloorOp, "ceil": g.CeilOp, "round_nearest_even": g.RoundOp,
    "sign": g.SignOp, "erf": g.ErfOp,
}
SIMPLE_BINARY: dict[str, type[Operation]] = {
    "add": g.AddOp, "subtract": g.SubOp, "multiply": g.MulOp, "divide": g.DivOp, "remainder": g.FmodOp,
    "power": g.PowOp, "maximum": g.MaximumOp, "minimum": g.MinimumOp, "shift_left": g.ShiftLeftOp,
    "shift_right_arithmetic": g.ShiftRightOp,
}
LOGICAL = {"and": (g.AndOp, g.BitwiseAndOp), "or": (g.OrOp, g.BitwiseOrOp), "xor": (g.XorOp, g.BitwiseXorOp)}


def _short(op: Operation) -> str:
    return op.name.split(".", 1)[1].removeprefix("broadcast_")


@converts(*s.UNARY_OPS.values(), *[c for n, c in __import__("tensorforge.dialects.chlo", fromlist=["x"]).CHLO_UNARY.items()])
def _unary(cv: Converter, op: Operation) -> list[SSAValue | None]:
    name = _short(op)
    x = cv.value(op.operands[0])
    dt = dtype_of(op.operands[0].type)
    if name in SIMPLE_UNARY:
        return [cv.add(SIMPLE_UNARY[name](x))]
    if name == "not":
        return [cv.add(g.NotOp(x) if _is_bool(op) else g.BitwiseNotOp(x))]
    if name == "convert":
        return [cv.add(g.CastOp(x, to=_rtype(op).element_type))]
    if name == "reshape":
        return [cv.add(g.ReshapeOp(x, shape=_shape(op)))]
    if name == "exponential_minus_one":
        return [cv.add(g.SubOp(cv.add(g.ExpOp(x)), cv.const(1, dt)))]
    if name == "is_finite":
        return [cv.add(g.NotOp(cv.add(g.OrOp(cv.add(g.IsNanOp(x)), cv.add(g.IsInfOp(x))))))]
    if name == "is_inf":
        return [cv.add(g.IsInfOp(x))]
    if name == "square":
        return [cv.add(g.MulOp(x, x))]
    if name == "round_nearest_afz":
        mag = cv.add(g.FloorOp(cv.add(g.AddOp(cv.add(g.AbsOp(x)), cv.const(0.5, dt)))))
        return [cv.add(g.MulOp(cv.add(g.SignOp(x)), mag))]
    raise cv.fail(op, "no conversion to the graph dialect")


@converts(*s.BINARY_OPS.values(), *__import__("tensorforge.dialects.chlo", fromlist=["x"]).CHLO_BINARY.values())
def _binary(cv: Converter, op: Operation) -> list[SSAValue | None]:
    name = _short(op)
    a, b = cv.value(op.operands[0]), cv.value(op.operands[1])
    if op.properties.get("broadcast_dimensions") is not None and _rank(op, 0) != _rank(op, 1):
        a, b = _chlo_align(cv, op, a, b)
    if name in SIMPLE_BINARY:
        return [cv.add(SIMPLE_BINARY[name](a, b))]
    if name in LOGICAL:
        logical, bitwise = LOGICAL[name]
        return [cv.add(logical(a, b) if _is_bool(op) else bitwise(a, b))]
    raise cv.fail(op, "no conversion to the graph dialect")


def _rank(op: Operation, i: int) -> int:
    t = op.operands[i].type
    assert isinstance(t, BuiltinTensorType)
    return len(t.get_shape())


def _chlo_align(cv: Converter, op: Operation, a: SSAValue, b: SSAValue) -> tuple[SSAValue, SSAValue]:
    """chlo broadcast_dimensions: reshape the lower-rank operand to the higher rank."""
    dims = _ints(op.properties["broadcast_dimensions"])
    small_i = 0 if _rank(op, 0) < _rank(op, 1) else 1
    small_t = op.operands[small_i].type
    assert isinstance(small_t, BuiltinTensorType)
    shape = [1] * max(_rank(op, 0), _rank(op, 1))
    for i, d in enumerate(dims):
        shape[d] = small_t.get_shape()[i]
    small = cv.add(g.ReshapeOp(a if small_i == 0 else b, shape=shape))
    return (small, b) if small_i == 0 else (a, small)


COMPARES = {"EQ": g.EqOp, "NE": g.NeOp, "LT": g.LtOp, "LE": g.LeOp, "GT": g.GtOp, "GE": g.GeOp}


@converts(s.HloCompareOp, __import__("tensorforge.dialects.chlo", fromlist=["x"]).ChloBroadcastCompareOp)
def _compare(cv: Converter, op: Operation) -> list[SSAValue | None]:
    direction = op.properties["comparison_direction"].data  # type: ignore[attr-defined]
    a, b = cv.value(op.operands[0]), cv.value(op.operands[1])
    return [cv.add(COMPARES[direction](a, b))]


@converts(s.HloSelectOp)
def _select(cv: Converter, op: Operation) -> list[SSAValue | None]:
    p, a, b = (cv.value(v) for v in op.operands)
    return [cv.add(g.WhereOp(p, a, b))]


@converts(s.HloClampOp)
def _clamp(cv: Converter, op: Operation) -> list[SSAValue | None]:
    lo, x, hi = (cv.value(v) for v in op.operands)
    return [cv.add(g.MinimumOp(cv.add(g.MaximumOp(x, lo)), hi))]


@converts(s.HloConstantOp)
def _constant(cv: Converter, op: Operation) -> list[SSAValue | None]:
    return [cv.add(g.ConstantOp(op.properties["value"]))]  # type: ignore[arg-type]


@converts(s.HloIotaOp)
def _iota(cv: Converter, op: Operation) -> list[SSAValue | None]:
    dim = int(op.properties["iota_dimension"].value.data)  # type: ignore[attr-defined]
    return [cv.add(g.IotaOp(start=0, shape=_shape(op), dimension=dim, dtype=_rtype(op).element_type))]


@converts(s.HloBroadcastInDimOp)
def _broadcast_in_dim(cv: Converter, op: Operation) -> list[SSAValue | None]:
    x = cv.value(op.operands[0])
    dims = _ints(op.properties["broadcast_dimensions"])
    order = sorted(range(len(dims)), key=lambda i: dims[i])
    if order != list(range(len(dims))):
        x = cv.add(g.TransposeOp(x, perm=order))
    out = _shape(op)
    src = op.operands[0].type
    assert isinstance(src, BuiltinTensorType)
    shape = [1] * len(out)
    for i in order:
        shape[dims[i]] = src.get_shape()[i]
    if shape != list(src.get_shape()):
        x = cv.add(g.ReshapeOp(x, shape=shape))
    if shape == out:
        return [x]
    return [cv.add(g.BroadcastToOp(x, shape=out))]


@converts(s.HloTransposeOp)
def _transpose(cv: Converter, op: Operation) -> list[SSAValue | None]:
    return [cv.add(g.TransposeOp(cv.value(op.operands[0]), perm=_ints(op.properties["permutation"])))]


@converts(s.HloReverseOp)
def _reverse(cv: Converter, op: Operation) -> list[SSAValue | None]:
    dims = _ints(op.properties["dimensions"])
    big = 2**62
    return [cv.add(g.SliceOp(cv.value(op.operands[0]), starts=[-1] * len(dims), ends=[-big] * len(dims), axes=dims,
                             steps=[-1] * len(dims)))]


@converts(s.HloConcatenateOp)
def _concatenate(cv: Converter, op: Operation) -> list[SSAValue | None]:
    axis = int(op.properties["dimension"].value.data)  # type: ignore[attr-defined]
    return [cv.add(g.ConcatOp([cv.value(v) for v in op.operands], axis=axis))]


@converts(s.HloSliceOp)
def _slice(cv: Converter, op: Operation) -> list[SSAValue | None]:
    p = op.properties
    starts, ends, steps = _ints(p["start_indices"]), _ints(p["limit_indices"]), _ints(p["strides"])
    return [cv.add(g.SliceOp(cv.value(op.operands[0]), starts=starts, ends=ends, axes=list(range(len(starts))), steps=steps))]


def _start_index(cv: Converter, v: SSAValue, dim: int, size: int) -> SSAValue:
    """A clamped start as a [1] i64 tensor."""
    i = cv.add(g.CastOp(cv.value(v), to=_i64()))
    i = cv.add(g.ClipOp(i, min=0.0, max=float(dim - size)))
    return cv.add(g.ReshapeOp(i, shape=[1]))


def _i64() -> Any:
    from xdsl.dialects.builtin import i64

    return i64


def _window_indices(cv: Converter, start: SSAValue, size: int) -> SSAValue:
    """start + [0, 1, ..., size-1] (i64)."""
    steps = cv.add(g.IotaOp(start=0, shape=[size], dimension=0, dtype=_i64()))
    return cv.add(g.AddOp(steps, start))


@converts(s.HloDynamicSliceOp)
def _dynamic_slice(cv: Converter, op: Operation) -> list[SSAValue | None]:
    x = cv.value(op.operands[0])
    src = op.operands[0].type
    assert isinstance(src, BuiltinTensorType)
    sizes = _ints(op.properties["slice_sizes"])
    for axis, (v, size) in enumerate(zip(op.operands[1:], sizes, strict=True)):
        dim = src.get_shape()[axis]
        if size == dim:
            continue
        if v in cv.known:
            st = int(min(max(int(cv.known[v]), 0), dim - size))
            x = cv.add(g.SliceOp(x, starts=[st], ends=[st + size], axes=[axis], steps=[1]))
            continue
        idx = _window_indices(cv, _start_index(cv, v, dim, size), size)
        x = cv.add(g.GatherOp(x, idx, axis=axis))
    return [x]


@converts(s.HloDynamicUpdateSliceOp)
def _dynamic_update_slice(cv: Converter, op: Operation) -> list[SSAValue | None]:
    x, u = cv.value(op.operands[0]), cv.value(op.operands[1])
    src, upd = op.operands[0].type, op.operands[1].type
    assert isinstance(src, BuiltinTensorType) and isinstance(upd, BuiltinTensorType)
    ushape = list(upd.get_shape())
    comps = []
    for axis, v in enumerate(op.operands[2:]):
        start = _start_index(cv, v, src.get_shape()[axis], ushape[axis])
        grid = cv.add(g.IotaOp(start=0, shape=ushape, dimension=axis, dtype=_i64()))
        comps.append(cv.add(g.UnsqueezeOp(cv.add(g.AddOp(grid, start)), axes=[-1])))
    idx = cv.add(g.ConcatOp(comps, axis=-1)) if len(comps) > 1 else comps[0]
    return [cv.add(g.ScatterNDOp(x, idx, u))]


@converts(s.HloPadOp)
def _pad(cv: Converter, op: Operation) -> list[SSAValue | None]:
    p = op.properties
    if any(_ints(p["interior_padding"])):
        raise cv.fail(op, "interior padding is not supported")
    value = op.operands[1]
    if value not in cv.known:
        raise cv.fail(op, "a padding value that is not a constant is not supported")
    pads = _ints(p["edge_padding_low"]) + _ints(p["edge_padding_high"])
    return [cv.add(g.PadOp(cv.value(op.operands[0]), pads=pads, value=float(cv.known[value])))]


def _dot(cv: Converter, x: SSAValue, y: SSAValue, xt: BuiltinTensorType, yt: BuiltinTensorType,
         lb: list[int], rb: list[int], lc: list[int], rc: list[int]) -> SSAValue:
    """dot_general as transpose + reshape + graph.matmul + reshape."""
    xs, ys = list(xt.get_shape()), list(yt.get_shape())
    lf = [d for d in range(len(xs)) if d not in lb + lc]
    rf = [d for d in range(len(ys)) if d not in rb + rc]
    prod = lambda dims, shape: int(np.prod([shape[d] for d in dims])) if dims else 1  # noqa: E731
    b, m, k, n = prod(lb, xs), prod(lf, xs), prod(lc, xs), prod(rf, ys)
    xa = cv.add(g.ReshapeOp(cv.add(g.TransposeOp(x, perm=lb + lf + lc)), shape=[b, m, k]))
    ya = cv.add(g.ReshapeOp(cv.add(g.TransposeOp(y, perm=rb + rc + rf)), shape=[b, k, n]))
    out = cv.add(g.MatmulOp(xa, ya))
    return cv.add(g.ReshapeOp(out, shape=[xs[d] for d in lb] + [xs[d] for d in lf] + [ys[d] for d in rf]))


@converts(s.HloDotGeneralOp)
def _dot_general(cv: Converter, op: Operation) -> list[SSAValue | None]:
    d = op.properties["dot_dimension_numbers"]
    xt, yt = op.operands[0].type, op.operands[1].type
    assert isinstance(xt, BuiltinTensorType) and isinstance(yt, BuiltinTensorType)
    out = _dot(cv, cv.value(op.operands[0]), cv.value(op.operands[1]), xt, yt,
               d.ints("lhs_batching_dimensions"), d.ints("rhs_batching_dimensions"),  # type: ignore[attr-defined]
               d.ints("lhs_contracting_dimensions"), d.ints("rhs_contracting_dimensions"))  # type: ignore[attr-defined]
    return [out]


@converts(s.HloDotOp)
def _dot_op(cv: Converter, op: Operation) -> list[SSAValue | None]:
    return [cv.add(g.MatmulOp(cv.value(op.operands[0]), cv.value(op.operands[1])))]


@converts(s.HloConvolutionOp)
def _convolution(cv: Converter, op: Operation) -> list[SSAValue | None]:
    from tensorforge.interp.stablehlo import _padding_pairs

    p = op.properties
    d = p["dimension_numbers"]
    nsp = len(d.ints("input_spatial_dimensions"))  # type: ignore[attr-defined]
    if int(p["batch_group_count"].value.data) != 1:  # type: ignore[attr-defined]
        raise cv.fail(op, "batch_group_count != 1 is not supported")
    if any(v != 1 for v in _ints(p.get("lhs_dilation"))) or any(_ints(p.get("window_reversal"))):
        raise cv.fail(op, "lhs_dilation or window_reversal is not supported")
    x = cv.add(g.TransposeOp(cv.value(op.operands[0]), perm=[d.int("input_batch_dimension"), d.int("input_feature_dimension"), *d.ints("input_spatial_dimensions")]))  # type: ignore[attr-defined]
    w = cv.add(g.TransposeOp(cv.value(op.operands[1]), perm=[d.int("kernel_output_feature_dimension"), d.int("kernel_input_feature_dimension"), *d.ints("kernel_spatial_dimensions")]))  # type: ignore[attr-defined]
    pairs = _padding_pairs(p.get("padding"), nsp)
    y = cv.add(g.ConvOp(
        x, w, strides=_ints(p.get("window_strides")) or [1] * nsp, dilations=_ints(p.get("rhs_dilation")) or [1] * nsp,
        pads=[a for a, _ in pairs] + [b for _, b in pairs], groups=int(p["feature_group_count"].value.data)))  # type: ignore[attr-defined]
    out_axes = [d.int("output_batch_dimension"), d.int("output_feature_dimension"), *d.ints("output_spatial_dimensions")]  # type: ignore[attr-defined]
    return [cv.add(g.TransposeOp(y, perm=[int(i) for i in np.argsort(out_axes)]))]


REDUCERS = {"stablehlo.add": (g.ReduceSumOp, g.AddOp), "stablehlo.maximum": (g.ReduceMaxOp, g.MaximumOp),
            "stablehlo.minimum": (g.ReduceMinOp, g.MinimumOp), "stablehlo.multiply": (g.ReduceProdOp, g.MulOp)}
IDENTITY = {"stablehlo.add": lambda v: bool(np.all(v == 0)), "stablehlo.multiply": lambda v: bool(np.all(v == 1)),
            "stablehlo.maximum": lambda v: bool(np.all(v == (-np.inf if v.dtype.kind == "f" else np.iinfo(v.dtype).min))),
            "stablehlo.minimum": lambda v: bool(np.all(v == (np.inf if v.dtype.kind == "f" else np.iinfo(v.dtype).max)))}


def _body_text(region: Region) -> str:
    return "(" + "; ".join(o.name for o in region.block.ops) + ")"


@converts(s.HloReduceOp)
def _reduce(cv: Converter, op: Operation) -> list[SSAValue | None]:
    kind = single_body_op(op.regions[0]) if len(op.operands) == 2 else None
    if kind not in REDUCERS:
        raise cv.fail(op, f"a reduction body other than a single add/maximum/minimum/multiply {_body_text(op.regions[0])}")
    reduce_cls, combine = REDUCERS[kind]
    x = cv.value(op.operands[0])
    out = cv.add(reduce_cls(x, axes=_ints(op.properties["dimensions"]), keepdims=False))
    init = op.operands[1]
    if init in cv.known and IDENTITY[kind](cv.known[init]):
        return [out]
    return [cv.add(combine(out, cv.value(init)))]


@converts(s.HloReduceWindowOp)
def _reduce_window(cv: Converter, op: Operation) -> list[SSAValue | None]:
    from tensorforge.interp.stablehlo import _padding_pairs

    kind = single_body_op(op.regions[0]) if len(op.operands) == 2 else None
    p = op.properties
    win = _ints(p["window_dimensions"])
    rank = len(win)
    init = op.operands[1]
    if kind != "stablehlo.maximum" or init not in cv.known or not IDENTITY[kind](cv.known[init]):
        raise cv.fail(op, f"only max pooling (maximum body, -inf init) is supported {_body_text(op.regions[0])}")
    if any(v != 1 for v in _ints(p.get("base_dilations"))):
        raise cv.fail(op, "base_dilations are not supported")
    strides = _ints(p.get("window_strides")) or [1] * rank
    dil = _ints(p.get("window_dilations")) or [1] * rank
    pads = _padding_pairs(p.get("padding"), rank)
    pooled = [i for i in range(rank) if win[i] != 1 or strides[i] != 1 or pads[i] != (0, 0)]
    others = [i for i in range(rank) if i not in pooled]
    if len(others) < 1 or not 1 <= len(pooled) <= 3:
        raise cv.fail(op, "a window shape max_pool cannot express")
    batch = others[:-1]
    chan = others[-1]
    x = cv.value(op.operands[0])
    xt = op.operands[0].type
    assert isinstance(xt, BuiltinTensorType)
    shape = list(xt.get_shape())
    perm = [*batch, chan, *pooled]
    x = cv.add(g.TransposeOp(x, perm=perm))
    nb = int(np.prod([shape[i] for i in batch])) if batch else 1
    x = cv.add(g.ReshapeOp(x, shape=[nb, shape[chan], *[shape[i] for i in pooled]]))
    y = cv.add(g.MaxPoolOp(x, kernel=[win[i] for i in pooled], strides=[strides[i] for i in pooled],
                           dilations=[dil[i] for i in pooled], pads=[pads[i][0] for i in pooled] + [pads[i][1] for i in pooled]))
    out_shape = _shape(op)
    y = cv.add(g.ReshapeOp(y, shape=[out_shape[i] for i in perm]))
    return [cv.add(g.TransposeOp(y, perm=[int(i) for i in np.argsort(perm)]))]


@converts(s.HloGatherOp)
def _gather(cv: Converter, op: Operation) -> list[SSAValue | None]:
    d = op.properties["dimension_numbers"]
    xt, it = op.operands[0].type, op.operands[1].type
    assert isinstance(xt, BuiltinTensorType) and isinstance(it, BuiltinTensorType)
    rank = len(xt.get_shape())
    start_map, collapsed = d.ints("start_index_map"), d.ints("collapsed_slice_dims")  # type: ignore[attr-defined]
    sizes = _ints(op.properties["slice_sizes"])
    k = len(start_map)
    offset_dims = d.ints("offset_dims")  # type: ignore[attr-defined]
    ivd = d.int("index_vector_dim")  # type: ignore[attr-defined]
    batch_rank = len(it.get_shape()) - (1 if ivd < len(it.get_shape()) else 0)
    ok = (start_map == list(range(k)) and collapsed == start_map and not d.ints("operand_batching_dims")  # type: ignore[attr-defined]
          and sizes[k:] == list(xt.get_shape())[k:] and offset_dims == list(range(batch_rank, batch_rank + rank - k)))
    if not ok:
        raise cv.fail(op, "only gathers of whole trailing slices at leading-dim indices (x[idx]) are supported")
    idx = cv.value(op.operands[1])
    if ivd == len(it.get_shape()):
        idx = cv.add(g.UnsqueezeOp(idx, axes=[-1]))
    elif ivd != len(it.get_shape()) - 1:
        perm = [i for i in range(len(it.get_shape())) if i != ivd] + [ivd]
        idx = cv.add(g.TransposeOp(idx, perm=perm))
    idx = _clamp_rows(cv, idx, [xt.get_shape()[i] - sizes[i] for i in range(k)])
    return [cv.add(g.GatherNDOp(cv.value(op.operands[0]), idx))]


def _clamp_rows(cv: Converter, idx: SSAValue, limits: list[int]) -> SSAValue:
    """Clamp each index column to [0, limit] (gather clamps its starts)."""
    idx = cv.add(g.CastOp(idx, to=_i64()))
    hi = cv.const(np.array(limits, np.int64), np.dtype(np.int64))
    return cv.add(g.MinimumOp(cv.add(g.MaximumOp(idx, cv.const(0, np.dtype(np.int64)))), hi))


SCATTER_KINDS = {"stablehlo.add": "add", "stablehlo.multiply": "mul", "stablehlo.maximum": "max", "stablehlo.minimum": "min"}


def _scatter_kind(region: Region) -> str | None:
    ops = list(region.block.ops)
    if len(ops) == 1 and list(ops[0].operands) == [region.block.args[1]]:
        return "none"
    kind = single_body_op(region)
    return SCATTER_KINDS.get(kind or "")


@converts(s.HloScatterOp)
def _scatter(cv: Converter, op: Operation) -> list[SSAValue | None]:
    d = op.properties["scatter_dimension_numbers"]
    if len(op.operands) != 3:
        raise cv.fail(op, "scatter of several inputs is not supported")
    xt, it, ut = (v.type for v in op.operands)
    assert isinstance(xt, BuiltinTensorType) and isinstance(it, BuiltinTensorType) and isinstance(ut, BuiltinTensorType)
    to_op, inserted = d.ints("scatter_dims_to_operand_dims"), d.ints("inserted_window_dims")  # type: ignore[attr-defined]
    k = len(to_op)
    ivd = d.int("index_vector_dim")  # type: ignore[attr-defined]
    irank = len(it.get_shape())
    batch_rank = irank - (1 if ivd < irank else 0)
    window = d.ints("update_window_dims")  # type: ignore[attr-defined]
    ok = (to_op == list(range(k)) and inserted == to_op and not d.ints("input_batching_dims")  # type: ignore[attr-defined]
          and window == list(range(batch_rank, len(ut.get_shape())))
          and list(ut.get_shape())[batch_rank:] == list(xt.get_shape())[k:] and ivd == irank - 1)
    kind = _scatter_kind(op.regions[0])
    if not ok or kind is None:
        raise cv.fail(op, f"only x.at[idx].set/add/mul/max/min forms are supported {_body_text(op.regions[0])}")
    idx = cv.add(g.CastOp(cv.value(op.operands[1]), to=_i64()))
    return [cv.add(g.ScatterNDOp(cv.value(op.operands[0]), idx, cv.value(op.operands[2]), reduction=kind))]


@converts(s.HloSortOp)
def _sort(cv: Converter, op: Operation) -> list[SSAValue | None]:
    if len(op.operands) != 1:
        raise cv.fail(op, "sorting several operands together is not supported")
    direction = _comparator_direction(op.regions[0])
    if direction is None:
        raise cv.fail(op, "only comparators ending in compare LT/GT of the two values are supported")
    axis = int(op.properties["dimension"].value.data)  # type: ignore[attr-defined]
    return [cv.add(g.SortOp(cv.value(op.operands[0]), axis=axis, descending=direction == "GT", stable=True))]


def _comparator_direction(region: Region) -> str | None:
    ops = list(region.block.ops)
    ret = ops[-1]
    if not ret.operands or not isinstance(ret.operands[0].owner, s.HloCompareOp):
        return None
    cmp = ret.operands[0].owner
    a, b = (_root_arg(v, region) for v in cmp.operands)
    direction = cmp.properties["comparison_direction"].data  # type: ignore[attr-defined]
    if (a, b) == (0, 1) and direction in ("LT", "GT"):
        return direction
    if (a, b) == (1, 0) and direction in ("LT", "GT"):
        return "GT" if direction == "LT" else "LT"
    return None


def _root_arg(v: SSAValue, region: Region) -> int | None:
    """Which block argument a value derives from (through canonicalizing selects of JAX)."""
    args = set(region.block.args)
    seen = set()
    stack = [v]
    while stack:
        cur = stack.pop()
        if cur in args:
            seen.add(region.block.args.index(cur))
            continue
        owner = cur.owner
        if isinstance(owner, Operation):
            stack.extend(owner.operands)
    return seen.pop() if len(seen) == 1 else None


def _partial_eval(cv: Converter, block: Block, args: Sequence[np.ndarray | None]) -> list[np.ndarray | None]:
    env: dict[SSAValue, np.ndarray | None] = dict(zip(block.args, args, strict=True))

    def get(v: SSAValue) -> np.ndarray | None:
        return env[v] if v in env else cv.known.get(v)

    for op in block.ops:
        vals = [get(v) for v in op.operands]
        if isinstance(op, s.HloReturnOp | func.ReturnOp):
            return vals
        if isinstance(op, func.CallOp):
            callee = SymbolTable.lookup_symbol(cv.module, op.callee.string_value())
            assert isinstance(callee, func.FuncOp)
            outs: Sequence[np.ndarray | None] = _partial_eval(cv, callee.body.block, vals)
        elif all(v is not None for v in vals) and type(op) in IMPLS:
            outs = _conform(op, IMPLS[type(op)](cv.ctx, op, *vals))
        else:
            outs = [None] * len(op.results)
        env.update(zip(op.results, outs, strict=True))
    return []


def trip_count(cv: Converter, op: Operation) -> int | None:
    state: list[np.ndarray | None] = [cv.known.get(v) for v in op.operands]
    for count in range(MAX_TRIP_COUNT + 1):
        cond = _partial_eval(cv, op.regions[0].block, state)[0]
        if cond is None:
            return None
        if not bool(cond):
            return count
        state = _partial_eval(cv, op.regions[1].block, state)
    return None


@converts(s.HloWhileOp)
def _while(cv: Converter, op: Operation) -> list[SSAValue | None]:
    n = trip_count(cv, op)
    if n is None:
        raise cv.fail(op, f"a loop whose trip count is not static (at most {MAX_TRIP_COUNT})")
    vals: list[SSAValue | None] = [cv._maybe(v) for v in op.operands]
    known: list[np.ndarray | None] = [cv.known.get(v) for v in op.operands]
    body = op.regions[1].block
    for _ in range(n):
        new_known = _partial_eval(cv, body, known)
        vals = cv.convert_block(body, vals, known)
        known = new_known
    for r, k in zip(op.results, known, strict=True):
        if k is not None:
            cv.known[r] = k
    return vals


@converts(s.HloCaseOp)
def _case(cv: Converter, op: Operation) -> list[SSAValue | None]:
    if op.operands[0] not in cv.known:
        raise cv.fail(op, "a branch index that is not a constant")
    i = int(cv.known[op.operands[0]])
    branch = op.regions[i] if 0 <= i < len(op.regions) else op.regions[-1]
    return cv.convert_block(branch.block, [], [])


@converts(s.HloIfOp)
def _if(cv: Converter, op: Operation) -> list[SSAValue | None]:
    if op.operands[0] not in cv.known:
        raise cv.fail(op, "a predicate that is not a constant")
    branch = op.regions[0] if bool(cv.known[op.operands[0]]) else op.regions[1]
    return cv.convert_block(branch.block, [], [])


@converts(s.HloOptimizationBarrierOp)
def _barrier(cv: Converter, op: Operation) -> list[SSAValue | None]:
    return [cv.value(v) for v in op.operands]


@converts(s.HloCustomCallOp)
def _custom_call(cv: Converter, op: Operation) -> list[SSAValue | None]:
    target = op.properties["call_target_name"].data  # type: ignore[attr-defined]
    if target == "mhlo.erf":
        return [cv.add(g.ErfOp(cv.value(op.operands[0])))]
    if target == "mhlo.tan":
        return [cv.add(g.TanOp(cv.value(op.operands[0])))]
    return [cv.value(v) for v in op.operands]


@converts(__import__("tensorforge.dialects.chlo", fromlist=["x"]).ChloTopKOp)
def _top_k(cv: Converter, op: Operation) -> list[SSAValue | None]:
    k = int(op.properties["k"].value.data)  # type: ignore[attr-defined]
    top = g.TopKOp(cv.value(op.operands[0]), k=k, axis=-1)
    cv.block.add_op(top)
    return [top.results[0], cv.add(g.CastOp(top.results[1], to=_rtype(op, 1).element_type))]



# the composite forms (pad, convolution, reduce(_window), sort, case/if, gather) register over the converters above
from tensorforge.frontends.stablehlo import (  # noqa: E402, F401
    import_lowerings,
    import_regions,
    import_rng,
    import_select,
    import_sort,
)
