"""`graph-mixed-precision`: run the compute-heavy ops in f16 or bf16 (as torch.autocast
and TVM's ToMixedPrecision), keep the numerically sensitive ones in f32.

Every op gets one of three policies (by op name; the option lists move ops between them):

- low: matmul, dense, conv, conv_transpose, attention run in the low type. Their
  products accumulate in f32 (interpreter and loop lowering alike), only the
  inputs and the result are rounded to the low type.
- follow: elementwise arithmetic and activations, compares, layout and
  indexing ops, pooling, reduce_max/min: low when every (non-constant) f32
  float operand already arrives in the low type, f32 otherwise.
- keep f32: softmax, log_softmax, the norms, sum/mean/prod/l2 reductions,
  cumsum, exp/log/pow... and every op not listed (calls, unknown dialects).

Only f32 values change type (f64 and integers are left alone); function
arguments and results keep their declared types. Casts go in at the
boundaries, one per value and target type; a constant (a weight) is
converted at compile time instead of cast; a low value cast to f32 and back
is used directly (exact) and no f32 -> low -> f32 pair is ever introduced as
a shortcut for an f32 value (inexact); where the f32 original of a value is
still available an f32 consumer reads it rather than a rounded copy. An op
stays f32 when a constant operand or a float property (a pad value) has a
finite value beyond the low type's range, or when it rejects the low type.

Error bounds (tested in tests/test_mixed_precision.py): max |mixed - f32| <=
1e-2 (f16) or 5e-2 (bf16) times the output's scale, which is max |f32 output|
for a network (a transformer block measures 6.6e-4 and 3.1e-3) and, for random
programs where cancellation can make an output small, the largest magnitude
among its f32 ancestors (|a| @ |b| for a matmul; measured up to 1.0e-3 and
6.6e-3). Values must stay well inside f16's range (65504): f16 overflows to inf
where f32 does not; bf16 has f32's range.

    %y = graph.matmul %x, %w : (f32, f32) -> f32          // %w a constant
    %p = graph.softmax %y : f32 -> f32
becomes (dtype="f16")
    %xl = graph.cast %x {to = f16}
    %wl = graph.constant dense<...> : f16                   // folded weight
    %yl = graph.matmul %xl, %wl : (f16, f16) -> f16
    %y = graph.cast %yl {to = f32}
    %p = graph.softmax %y : f32 -> f32
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ml_dtypes
import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    FloatAttr,
    ModuleOp,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.base import GraphOp, Props, tensor_type
from tensorforge.dialects.graphops.dense import array_from_dense, dense_from_array
from tensorforge.dialects.graphops.elementwise import CastOp
from tensorforge.dialects.graphops.func import ConstantOp, FuncOp
from tensorforge.dialects.graphops.types import TensorType, numpy_dtype

F32 = Float32Type()
LOW_TYPES: dict[str, Attribute] = {"f16": Float16Type(), "bf16": BFloat16Type()}

LOW_OPS = frozenset({"matmul", "dense", "conv", "conv_transpose", "attention"})
FOLLOW_OPS = frozenset({
    "add", "sub", "mul", "div", "maximum", "minimum", "neg", "abs", "sign", "relu", "leaky_relu", "elu",
    "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "hard_swish", "hard_sigmoid", "erf", "sqrt",
    "floor", "ceil", "round", "clip", "where", "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf",
    "zeros_like", "ones_like",
    "reshape", "transpose", "broadcast_to", "squeeze", "unsqueeze", "flatten", "tile",
    "concat", "split", "slice", "pad",
    "gather", "gather_elements", "gather_nd", "embedding", "scatter_elements", "scatter_nd",
    "max_pool", "avg_pool", "global_avg_pool", "adaptive_avg_pool", "reduce_max", "reduce_min", "argmax", "argmin",
})  # fmt: skip
KEEP_OPS = frozenset({
    "softmax", "log_softmax", "layer_norm", "group_norm", "instance_norm", "batch_norm",
    "reduce_sum", "reduce_mean", "reduce_prod", "reduce_l2", "cumsum",
    "exp", "log", "log1p", "pow", "softplus", "rsqrt", "reciprocal",
})  # fmt: skip
"""The numerically sensitive ops, listed to document the choice: every op that
is neither low nor follow (these, unlisted ones, calls) stays in f32."""

LOW, FOLLOW, KEEP = "low", "follow", "keep-f32"


def graph_op_names() -> frozenset[str]:
    """Names (without `graph.`) of the graph ops a policy can name."""
    from tensorforge.dialects.graph import GRAPH_OPS

    return frozenset(cls.name.removeprefix("graph.") for cls in GRAPH_OPS if issubclass(cls, GraphOp))


def parse_op_list(option: str, value: str | Iterable[str]) -> frozenset[str]:
    """`"graph.matmul,dense"` or a tuple of names -> {"matmul", "dense"}; unknown names are errors."""
    items = [value] if isinstance(value, str) else list(value)
    names = {n.strip().removeprefix("graph.") for item in items for n in str(item).split(",") if n.strip()}
    unknown = sorted(names - graph_op_names())
    if unknown:
        raise ValueError(f"{option}: unknown graph op(s) {', '.join('graph.' + n for n in unknown)} "
                         f"(give graph op names such as graph.matmul)")
    return frozenset(names)


@dataclass(frozen=True)
class Policy:
    """Which ops run low and which follow their inputs; the rest stay f32."""

    low: frozenset[str]
    follow: frozenset[str]

    @staticmethod
    def make(low: frozenset[str], follow: frozenset[str], keep: frozenset[str]) -> Policy:
        clash = sorted((low & follow) | (low & keep) | (follow & keep))
        if clash:
            raise ValueError(f"graph-mixed-precision: op(s) {', '.join('graph.' + n for n in clash)} "
                             f"named in more than one of low, follow, keep-f32")
        return Policy((LOW_OPS - follow - keep) | low, (FOLLOW_OPS - low - keep) | follow)

    def kind(self, op: Operation) -> str:
        if not isinstance(op, GraphOp) or op.regions:
            return KEEP
        name = op.name.removeprefix("graph.")
        if name in self.low:
            return LOW
        return FOLLOW if name in self.follow else KEEP


def _elt(v: SSAValue) -> Attribute | None:
    return v.type.element_type if isinstance(v.type, TensorType) else None


def _static_size(op: Operation) -> int | None:
    sizes = [r.type.static_shape() for r in op.results if isinstance(r.type, TensorType)]
    if any(s is None for s in sizes):
        return None
    return sum(int(np.prod(s)) for s in sizes)  # type: ignore[arg-type]


class _FuncRewriter:
    """One sweep over a function body: each original f32 value gets a `native`
    value (the one its rewritten producer computes, f32 or low) and, on demand,
    converted copies (`cache`), inserted once before their first consumer."""

    def __init__(self, policy: Policy, low: Attribute, min_size: int) -> None:
        self.policy = policy
        self.low = low
        self.min_size = min_size
        self.native: dict[SSAValue, SSAValue] = {}
        self.cache: dict[tuple[SSAValue, Attribute], SSAValue] = {}
        self.dead: list[Operation] = []
        self.bypassed: list[Operation] = []
        """Constants and casts read around; erased at the end if nothing else uses them."""

    def run(self, block: Block) -> None:
        for op in list(block.ops):
            self.visit(op)
        for op in reversed(self.dead):
            Rewriter.erase_op(op)
        for op in reversed(self.bypassed):
            if op.parent is not None and not any(r.uses for r in op.results):
                Rewriter.erase_op(op)

    # -- values ------------------------------------------------------------------
    def current(self, v: SSAValue) -> SSAValue:
        return self.native.get(v, v)

    def get(self, v: SSAValue, elt: Attribute, before: Operation) -> SSAValue:
        """Original value `v` with element type `elt` (f32 or low)."""
        cur = self.current(v)
        if _elt(cur) == elt:
            return cur
        key = (v, elt)
        if key not in self.cache:
            self.cache[key] = self._convert(cur, elt, before)
        return self.cache[key]

    def _convert(self, cur: SSAValue, elt: Attribute, before: Operation) -> SSAValue:
        src = cur.owner
        if isinstance(src, CastOp) and _elt(src.input) == elt and elt == self.low:
            self.bypassed.append(src)
            return src.input  # low -> f32 -> low is exact
        if isinstance(src, ConstantOp) and isinstance(src.value, DenseIntOrFPElementsAttr):
            return self._fold(src, elt)
        cast = CastOp(cur, to=elt)
        Rewriter.insert_op(cast, InsertPoint.before(before))
        return cast.result

    def _fold(self, const: ConstantOp, elt: Attribute) -> SSAValue:
        from tensorforge.interp.elementwise import cast_array

        t = const.result.type
        assert isinstance(t, TensorType)
        arr = cast_array(array_from_dense(const.value, t), numpy_dtype(elt))  # type: ignore[arg-type]
        new = ConstantOp(dense_from_array(arr), t.with_element(elt))
        Rewriter.insert_op(new, InsertPoint.after(const))
        self.bypassed.append(const)
        return new.result

    def _is_weight(self, v: SSAValue) -> bool:
        return isinstance(v.owner, ConstantOp) and v not in self.native

    # -- ops ---------------------------------------------------------------------
    def visit(self, op: Operation) -> None:
        if isinstance(op, CastOp):
            self._visit_cast(op)
            return
        kind = self.policy.kind(op)
        if kind == LOW and self._runs_low(op):
            self._rebuild_low(op)
            return
        if kind == FOLLOW and self._follows_low(op):
            self._rebuild_low(op)
            return
        self._keep(op)

    def _runs_low(self, op: Operation) -> bool:
        if not op.operands or any(_elt(v) != F32 for v in op.operands):
            return False
        size = _static_size(op)
        return self.min_size <= 0 or size is None or size >= self.min_size

    def _follows_low(self, op: Operation) -> bool:
        floats = [v for v in op.operands if _elt(v) == F32 and not self._is_weight(v)]
        return bool(floats) and all(_elt(self.current(v)) == self.low for v in floats)

    def _keep(self, op: Operation) -> None:
        """Operands at their declared types (f32 where they were f32)."""
        new = [self.get(v, _elt(v), op) if _elt(v) == F32 else v for v in op.operands]  # type: ignore[arg-type]
        if any(a is not b for a, b in zip(new, op.operands, strict=True)):
            op.operands = new

    def _rebuild_low(self, op: Operation) -> None:
        """`op` on low operands, unless it rejects them or a value would not fit."""
        fits = _props_fit(op, self.low) and all(_constant_fits(v, self.low) for v in op.operands)
        types = _low_result_types(op, self.low) if fits else None
        if types is None:
            self._keep(op)
            return
        operands = [self.get(v, self.low, op) if _elt(v) == F32 else v for v in op.operands]
        new = type(op).create(operands=operands, result_types=types, properties=dict(op.properties),
                              attributes=dict(op.attributes))
        Rewriter.insert_op(new, InsertPoint.before(op))
        self._retire(op, new.results)

    def _visit_cast(self, op: CastOp) -> None:
        """A cast reads the native value whatever its type: low -> f32 is exact."""
        cur = self.current(op.input)
        if cur is op.input:
            return
        if _elt(cur) == op.result.type.element_type:  # type: ignore[union-attr]
            self._retire(op, [cur])
            return
        new = CastOp(cur, to=op.to)
        Rewriter.insert_op(new, InsertPoint.before(op))
        self._retire(op, new.results)

    def _retire(self, op: Operation, values: Iterable[SSAValue]) -> None:
        for old, value in zip(op.results, values, strict=True):
            self.native[old] = value
            if old.name_hint and value.owner is not None and not value.name_hint:
                value.name_hint = old.name_hint
        self.dead.append(op)


def _props_fit(op: Operation, low: Attribute) -> bool:
    """Float properties (a pad or fill value, clip bounds) are finite in the low type
    when they are finite: `pad{value = 1e6}` would pad f16 with inf."""
    biggest = float(ml_dtypes.finfo(numpy_dtype(low)).max)
    floats = [float(a.value.data) for a in op.properties.values() if isinstance(a, FloatAttr)]
    return all(abs(v) <= biggest or not np.isfinite(v) for v in floats)


def _constant_fits(v: SSAValue, low: Attribute) -> bool:
    """A dense f32 constant has no finite value beyond the low type's range (else it
    would fold to inf); other values are not checked (they overflow at run time)."""
    const = v.owner
    if _elt(v) != F32 or not isinstance(const, ConstantOp) or not isinstance(const.value, DenseIntOrFPElementsAttr):
        return True
    arr = np.abs(array_from_dense(const.value, v.type))  # type: ignore[arg-type]
    return not (arr[np.isfinite(arr)] > float(ml_dtypes.finfo(numpy_dtype(low)).max)).any()


def _low_result_types(op: Operation, low: Attribute) -> list[Attribute] | None:
    """Result types of `op` with its f32 operands in `low`: element types
    re-inferred, dims kept; None when the op does not accept them."""
    assert isinstance(op, GraphOp)
    types = [tensor_type(v, f"operand #{i}") for i, v in enumerate(op.operands)]  # verified graph ops: all tensors
    args = [t.with_element(low) if t.element_type == F32 else t for t in types]
    try:
        inferred = type(op).infer(args, Props(type(op), dict(op.properties)))
    except VerifyException:
        return None
    return [r.type.with_element(t.element_type) for r, t in zip(op.results, inferred, strict=True)]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MixedPrecisionPass(ModulePass):
    """Run matmul/conv/attention in f16 or bf16 with f32 accumulation; keep the rest safe."""

    name = "graph-mixed-precision"

    dtype: str = "f16"
    """The low type: f16 or bf16."""

    low: tuple[str, ...] = ()
    """Extra ops to run in the low type (graph op names, e.g. "graph.softmax")."""

    follow: tuple[str, ...] = ()
    """Extra ops that follow their inputs' type."""

    keep_f32: tuple[str, ...] = ()
    """Ops to keep in f32 (e.g. "graph.matmul")."""

    min_size: int = 0
    """Low ops whose static result has fewer elements stay in f32 (symbolic: never)."""

    def __post_init__(self) -> None:
        if self.dtype not in LOW_TYPES:
            raise ValueError(f"dtype must be f16 or bf16, got '{self.dtype}'")
        if self.min_size < 0:
            raise ValueError(f"min-size must be >= 0, got {self.min_size}")
        self.policy()

    def policy(self) -> Policy:
        return Policy.make(parse_op_list("low", self.low), parse_op_list("follow", self.follow),
                           parse_op_list("keep-f32", self.keep_f32))

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        policy = self.policy()
        for func in [f for f in op.walk() if isinstance(f, FuncOp)]:
            _FuncRewriter(policy, LOW_TYPES[self.dtype], self.min_size).run(func.body.block)
