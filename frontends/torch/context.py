"""`Ctx`: what a converter uses to build graph ops for one fx node.

It appends ops to the function body in order, makes constants (scalars are
shared), casts, and exposes what torch recorded about the node being
converted (its output dtype and symbolic shape), which converters use instead
of re-deriving torch's type promotion and view-shape arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from xdsl.dialects.builtin import f32
from xdsl.ir import Attribute, Block, Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, element_type_of, is_bool, is_float, numpy_dtype
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.symbols import element_of, shape_of

Value = SSAValue


@dataclass
class Multi:
    """The results of a tuple-returning op; entries may be thunks, built on first use
    (so the unused `mean`/`rstd` of native_layer_norm cost nothing)."""

    items: list[Any]
    cache: dict[int, Any] = field(default_factory=dict)

    def __getitem__(self, i: int) -> Any:
        if i not in self.cache:
            item = self.items[i]
            self.cache[i] = item() if callable(item) else item
        return self.cache[i]

    def __len__(self) -> int:
        return len(self.items)


class Ctx:
    """Builds graph ops into one block; `node` is the fx node being converted."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.node: torch.fx.Node | None = None
        self._scalars: dict[tuple[Attribute, Any], Value] = {}

    # -- emission -----------------------------------------------------------
    def emit(self, op: Operation) -> Operation:
        self.block.add_op(op)
        return op

    def add(self, op: Operation) -> Value:
        return self.emit(op).results[0]

    def const(self, arr: np.ndarray) -> Value:
        arr = arr if arr.flags.c_contiguous else arr.copy()  # (np.ascontiguousarray makes 0-d 1-d)
        return self.add(g.ConstantOp(dense_from_array(arr), TensorType(arr.shape, element_type_of(arr.dtype))))

    def scalar(self, value: Any, elt: Attribute) -> Value:
        """A rank-0 constant of element type `elt`, shared by every use."""
        key = (elt, repr(value))
        if key in self._scalars:
            return self._scalars[key]
        if isinstance(value, float) and not math.isfinite(value) and is_float(elt):
            # xDSL parses the hex form `dense<0xff800000>` of non-finite floats back as an
            # integer value, so +-inf and NaN go through graph.full (whose f64 hex round-trips)
            self._scalars[key] = self.full([], value, elt)
        else:
            self._scalars[key] = self.const(np.array(value).astype(numpy_dtype(elt)))
        return self._scalars[key]

    def full(self, shape: Sequence[int | Expr], value: Any, elt: Attribute) -> Value:
        if is_bool(elt):
            value = int(bool(value))
        elif not is_float(elt):
            value = int(value)
        else:
            value = float(value)
        return self.add(g.FullOp(shape=list(shape), value=value, dtype=elt))

    # -- types ----------------------------------------------------------------
    @staticmethod
    def type(v: Value) -> TensorType:
        t = v.type
        assert isinstance(t, TensorType)
        return t

    def elt(self, v: Value) -> Attribute:
        return self.type(v).element_type

    def rank(self, v: Value) -> int:
        return self.type(v).rank

    def dims(self, v: Value) -> tuple[Expr, ...]:
        return self.type(v).dims

    def cast(self, v: Value, elt: Attribute) -> Value:
        return v if self.elt(v) == elt else self.add(g.CastOp(v, to=elt))

    def tensor(self, value: Any, elt: Attribute) -> Value:
        """A tensor operand of element type `elt` from an SSA value or a Python scalar."""
        if isinstance(value, SSAValue):
            return self.cast(value, elt)
        if isinstance(value, bool | int | float):
            return self.scalar(value, elt)
        raise Unsupported(f"expected a tensor or a number, got {value!r}")

    # -- what torch recorded about the current node -------------------------------
    def out_meta(self, index: int | None = None) -> Any:
        assert self.node is not None
        val = self.node.meta.get("val")
        if index is not None and isinstance(val, list | tuple):
            return val[index]
        return val

    def out_elt(self, index: int | None = None) -> Attribute:
        meta = self.out_meta(index)
        if not isinstance(meta, torch.Tensor):
            return f32
        return element_of(meta.dtype)

    def out_shape(self, index: int | None = None) -> list[Expr]:
        meta = self.out_meta(index)
        if not isinstance(meta, torch.Tensor):
            raise Unsupported("torch recorded no output shape for this node")
        return shape_of(meta.shape)


def result_dtype(*metas: Any) -> torch.dtype:
    """torch's type promotion over tensor metas and Python scalars (0-d tensors rank
    below tensors with dims, scalars below both), folded pairwise."""
    items = [_proxy(m) for m in metas if m is not None]
    if not items:
        return torch.get_default_dtype()
    first = next((i for i in items if isinstance(i, torch.Tensor)), None)
    out = first if first is not None else torch.tensor(items[0], device="meta")
    for item in items:
        dtype = torch.result_type(out, item)
        dims = max(out.dim(), item.dim() if isinstance(item, torch.Tensor) else 0)
        out = torch.empty((1,) * dims, dtype=dtype, device="meta")
    return out.dtype


def _proxy(m: Any) -> Any:
    if isinstance(m, torch.Tensor):
        return torch.empty((1,) * min(m.dim(), 1), dtype=m.dtype, device="meta")
    if isinstance(m, torch.SymInt):
        return 1
    if isinstance(m, torch.SymFloat):
        return 1.0
    if isinstance(m, torch.SymBool):
        return True
    return m
