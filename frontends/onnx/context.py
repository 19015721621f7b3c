"""Conversion state shared by the converters: ONNX tensors as `Value`s, the
block being built, constant folding and the helpers converters call.

A `Value` is either a run-time SSA value or data known at import time: a
numpy array (initializers, `Constant`, folded subgraphs) or an int64 array of
symbolic dims (`Shape` of an input with `dim_param`s). Known data becomes a
`graph.constant` only when a run-time op uses it, so shape computations
(`Shape -> Gather -> Concat -> Reshape`) leave no trace in the IR.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from onnx import NodeProto
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.dialects.symbolic import Expr, OpAtom

FOLD_LIMIT = 1 << 16
"""Ops on known data are evaluated at import time up to this many result elements."""


class Unsupported(Exception):
    """A converter cannot import a node; the importer records it as an Issue."""

    kind = "node"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DynamicInput(Unsupported):
    """A tensor input that must be known at import time is computed at run time.

    `inputs` names the graph inputs it is computed from (filled in by the
    context), so a caller that knows their values can specialize on them.
    """

    kind = "input"

    def __init__(self, detail: str, inputs: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.inputs = tuple(inputs)


class Poisoned(Unsupported):
    """An input comes from a node that already failed: nothing new to report."""

    kind = "poisoned"


@dataclass(eq=False)
class Value:
    """One ONNX tensor during import (see the module docstring)."""

    ssa: SSAValue | None = None
    const: np.ndarray | None = None
    sym: np.ndarray | None = None  # object array of Expr (integer data with symbolic dims)
    sym_dtype: np.dtype = field(default_factory=lambda: np.dtype(np.int64))
    seq: list[Value] | None = None  # an ONNX sequence of known length
    opt: list[Value] | None = None  # an ONNX optional: [] empty, [v] holding v
    poisoned: bool = False
    pending: Any = None  # an Issue to report when a poisoned value is used

    @staticmethod
    def of_dims(dims: Sequence[Expr | int], shape: Sequence[int] | None = None) -> Value:
        """Known int64 data that may hold symbolic dims."""
        exprs = [Expr.lift(d) for d in dims]
        flat = np.empty(len(exprs), dtype=object)
        flat[:] = exprs
        arr = flat.reshape(tuple(shape) if shape is not None else (len(exprs),))
        return Value.of_sym(arr)

    @staticmethod
    def of_sym(arr: np.ndarray, dtype: Any = np.int64) -> Value:
        """Object array of Exprs; all-constant arrays become plain data of `dtype`."""
        arr = np.asarray(arr, dtype=object)
        exprs = np.vectorize(Expr.lift, otypes=[object])(arr) if arr.size else arr
        if all(e.is_const() for e in exprs.flat):
            flat = [e.value() for e in exprs.flat]
            return Value(const=np.array(flat, dtype=np.int64).astype(dtype).reshape(arr.shape))
        return Value(sym=exprs, sym_dtype=np.dtype(dtype))

    @property
    def known(self) -> bool:
        return self.const is not None or self.sym is not None

    def exprs(self) -> np.ndarray | None:
        """Known integer data as an object array of Expr (None if not known or not integral)."""
        if self.sym is not None:
            return self.sym
        if self.const is None or self.const.dtype.kind not in "iub":
            return None
        out = np.empty(self.const.shape, dtype=object)
        for idx, v in np.ndenumerate(self.const):
            out[idx] = Expr.const(int(v))
        return out


@dataclass
class Node:
    """A NodeProto with its resolved schema version, attributes and inputs."""

    proto: NodeProto
    op: str
    domain: str
    version: int  # the schema's since_version at the model's opset
    opset: int  # the model's opset for this domain
    inputs: list[Value | None]
    attrs: dict[str, Any]

    @property
    def name(self) -> str:
        return self.proto.name or (self.proto.output[0] if self.proto.output else self.op)

    @property
    def n_outputs(self) -> int:
        return len(self.proto.output)

    def wants(self, i: int) -> bool:
        """Whether optional output i is requested."""
        return i < len(self.proto.output) and bool(self.proto.output[i])

    def attr(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    def has(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] is not None

    def input_name(self, i: int) -> str:
        return self.proto.input[i] if i < len(self.proto.input) else f"#{i}"


Out = SSAValue | Value | None


class Context:
    """What converters build with: an insertion block, folding, helpers.

    `services` is the importer (subgraph conversion, issue reporting).
    """

    def __init__(self, block: Block, services: Any) -> None:
        self.block = block
        self.services = services
        self.known: dict[SSAValue, np.ndarray] = {}
        self.scope: Scope | None = None  # where the node being converted lives
        self.opsets: dict[str, int] = {}
        self.attr_env: dict[str, Any] = {}
        self.arg_names: dict[SSAValue, str] = {}  # block arguments -> graph input names
        self._scalars: dict[tuple[Any, str], SSAValue] = {}

    # -- values --------------------------------------------------------------------
    def ssa(self, v: Value) -> SSAValue:
        """The run-time value of `v`, materializing known data."""
        if v.poisoned:
            raise Poisoned("poisoned")
        if v.ssa is not None:
            return v.ssa
        if v.seq is not None or v.opt is not None:
            raise Unsupported("a sequence or optional is used where a tensor is expected")
        if v.const is not None:
            v.ssa = self.const(v.const)
            return v.ssa
        assert v.sym is not None
        v.ssa = self.cast(self._materialize_sym(v.sym), v.sym_dtype)
        return v.ssa

    def x(self, node: Node, i: int) -> SSAValue:
        v = node.inputs[i] if i < len(node.inputs) else None
        if v is None:
            raise Unsupported(f"input #{i} is required")
        return self.ssa(v)

    def opt(self, node: Node, i: int) -> SSAValue | None:
        return self.x(node, i) if node.has(i) else None

    def type(self, v: SSAValue | Value) -> TensorType:
        if isinstance(v, Value) and (v.seq is not None or v.opt is not None):
            raise Unsupported("a sequence or optional is used where a tensor is expected")
        if isinstance(v, Value):
            if v.ssa is not None:
                v = v.ssa
            elif v.const is not None:
                return TensorType(v.const.shape, element_type_of(v.const.dtype))
            else:
                assert v.sym is not None
                return TensorType(v.sym.shape, element_type_of(v.sym_dtype))
        t = v.type
        assert isinstance(t, TensorType)
        return t

    def in_type(self, node: Node, i: int) -> TensorType:
        v = node.inputs[i]
        assert v is not None
        return self.type(v)

    def const_of(self, v: SSAValue | Value | None) -> np.ndarray | None:
        if v is None:
            return None
        if isinstance(v, Value):
            if v.const is not None:
                return v.const
            if v.ssa is None:
                return None
            v = v.ssa
        return self.known.get(v)

    def static(self, node: Node, i: int, what: str) -> np.ndarray:
        """Input i as data known at import time, or a DynamicInput issue."""
        v = node.inputs[i] if i < len(node.inputs) else None
        if v is None:
            raise Unsupported(f"input '{what}' (#{i}) is required")
        arr = self.const_of(v)
        if arr is not None:
            return arr
        raise self.dynamic(v, f"input '{what}' (#{i}, '{node.input_name(i)}') is computed at run time; "
                           "it must be an initializer or a constant expression")

    def dynamic(self, v: Value | SSAValue | None, detail: str) -> DynamicInput:
        """A DynamicInput naming the graph inputs `v` is computed from."""
        ssa = v.ssa if isinstance(v, Value) else v
        return DynamicInput(detail, self._sources(ssa) if ssa is not None else ())

    def _sources(self, value: SSAValue) -> list[str]:
        seen: set[SSAValue] = set()
        todo, names = [value], []
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            if cur in self.arg_names:
                names.append(self.arg_names[cur])
            elif isinstance(cur.owner, Operation):
                todo.extend(cur.owner.operands)
        return sorted(set(names))

    def static_ints(self, node: Node, i: int, what: str) -> list[int]:
        return [int(v) for v in self.static(node, i, what).reshape(-1)]

    def static_dims(self, node: Node, i: int, what: str) -> list[Expr]:
        """An int input known at import time, with symbolic dims allowed."""
        v = node.inputs[i] if i < len(node.inputs) else None
        if v is None:
            raise Unsupported(f"input '{what}' (#{i}) is required")
        ex = v.exprs() if v.known else None
        if ex is None and v.ssa is not None and v.ssa in self.known:
            ex = Value(const=self.known[v.ssa]).exprs()
        if ex is None:
            raise self.dynamic(v, f"input '{what}' (#{i}, '{node.input_name(i)}') is computed at run time; "
                               "it must be an initializer, a constant expression or derived from Shape")
        return list(ex.reshape(-1))

    def sym_args(self, node: Node) -> list[np.ndarray | None] | None:
        """All inputs as object arrays of Expr when every input is known integer
        data and at least one holds symbolic dims; otherwise None."""
        vals = [self.known_value(node, i) if node.has(i) else None for i in range(len(node.inputs))]
        if not any(v is not None and v.sym is not None for v in vals):
            return None
        out: list[np.ndarray | None] = []
        for i, v in enumerate(vals):
            if v is None and node.has(i):
                return None
            ex = v.exprs() if v is not None else None
            if v is not None and ex is None:
                return None
            out.append(ex)
        return out

    def known_value(self, node: Node, i: int) -> Value | None:
        """Input i as known data (const or symbolic), else None."""
        v = node.inputs[i] if i < len(node.inputs) else None
        if v is None:
            return None
        if v.known:
            return v
        arr = self.const_of(v)
        return Value(const=arr) if arr is not None else None

    # -- building ------------------------------------------------------------------
    def insert(self, op: Operation) -> Operation:
        self.block.add_op(op)
        return op

    def const(self, arr: np.ndarray | Any, dtype: Any = None) -> SSAValue:
        a = np.asarray(arr, dtype=dtype)
        op = self.insert(g.ConstantOp(dense_from_array(a)))
        self.known[op.results[0]] = a
        return op.results[0]

    def scalar(self, value: Any, like: SSAValue | np.dtype | TensorType | type) -> SSAValue:
        """A rank-0 constant of `like`'s element type (cached per value and type)."""
        dtype = _dtype_of(like)
        key = (repr(float(value)) if not isinstance(value, bool | int) else value, str(dtype))  # -0.0 != 0.0
        cached = self._scalars.get(key)
        if cached is not None and cached.owner.parent is self.block:  # type: ignore[union-attr]
            return cached
        with np.errstate(all="ignore"):
            arr = np.asarray(value).astype(dtype)
        out = self.const(arr)
        self._scalars[key] = out
        return out

    def emit(self, op_cls: type[Operation], *operands: Any, **props: Any) -> SSAValue:
        """Build, fold when every operand is known, insert; the single result."""
        results = self.emit_multi(op_cls, *operands, **props)
        return results[0]

    def emit_multi(self, op_cls: type[Operation], *operands: Any, **props: Any) -> list[SSAValue]:
        op = op_cls(*operands, **props)
        folded = self._fold(op)
        if folded is not None:
            op.drop_all_references()
            return [self.const(a) for a in folded]
        self.insert(op)
        return list(op.results)

    def _fold(self, op: Operation) -> list[np.ndarray] | None:
        args = [self.known.get(o) for o in op.operands]
        if any(a is None for a in args):
            return None
        total = 0
        for r in op.results:
            t = r.type
            shape = t.static_shape() if isinstance(t, TensorType) else None
            if shape is None:
                return None
            total += int(np.prod(shape))
        if total > FOLD_LIMIT:
            return None
        from tensorforge.interp.fold import evaluate

        return evaluate(op, args)  # type: ignore[arg-type]

    # -- common shapes of ops --------------------------------------------------------
    def cast(self, x: SSAValue, dtype: Any) -> SSAValue:
        elt = element_type_of(np.dtype(dtype))
        if self.type(x).element_type == elt:
            return x
        return self.emit(g.CastOp, x, to=elt)

    def cast_like(self, x: SSAValue, like: SSAValue) -> SSAValue:
        elt = self.type(like).element_type
        return x if self.type(x).element_type == elt else self.emit(g.CastOp, x, to=elt)

    def reshape(self, x: SSAValue, shape: Sequence[Expr | int]) -> SSAValue:
        return self.emit(g.ReshapeOp, x, shape=[Expr.lift(d) for d in shape], allowzero=True)

    def subgraph(self, graph: Any, inputs: Sequence[Value], name: str) -> list[Value]:
        """Convert a subgraph (If/Loop/Scan body) inline; its inputs are bound to `inputs`."""
        return self.services.convert_subgraph(self, graph, inputs, name)

    # -- symbolic data ---------------------------------------------------------------
    def _materialize_sym(self, sym: np.ndarray) -> SSAValue:
        """A run-time int64 tensor holding symbolic dims (sizes read off the inputs)."""
        parts = [self._dim_tensor(e) for e in sym.reshape(-1)]
        if not parts:
            return self.const(np.zeros(sym.shape, np.int64))
        flat = parts[0] if len(parts) == 1 else self.emit(g.ConcatOp, parts, axis=0)
        return self.reshape(flat, list(sym.shape))

    def _dim_tensor(self, e: Expr) -> SSAValue:
        """[e] as int64 at run time: the polynomial evaluated on its symbols' sizes."""
        if e.is_const():
            return self.const(np.array([e.value()], np.int64))
        total: SSAValue | None = None
        for mono, coeff in e.terms.items():
            term = self.const(np.array([coeff], np.int64))
            for atom, power in mono:
                factor = self._symbol_tensor(atom) if isinstance(atom, str) else self._atom_tensor(atom)
                for _ in range(power):
                    term = self.emit(g.MulOp, term, factor)
            total = term if total is None else self.emit(g.AddOp, total, term)
        assert total is not None
        return total

    def _symbol_tensor(self, name: str) -> SSAValue:
        """[size] of a symbolic dim: the sum of `size` ones (exact for any size, 0 included)."""
        full = self.emit(g.FullOp, shape=[Expr.sym(name)], value=IntegerAttr(1, i64), dtype=i64)
        return self.emit(g.ReduceSumOp, full, axes=[0], keepdims=True)

    def _atom_tensor(self, atom: OpAtom) -> SSAValue:
        args = [self._dim_tensor(a) for a in atom.args]
        if atom.op in ("max", "min"):
            return self.emit(g.MaximumOp if atom.op == "max" else g.MinimumOp, *args)
        lhs, rhs = args
        if atom.op == "mod":
            return self.emit(g.ModOp, lhs, rhs)
        if atom.op == "ceildiv":
            lhs = self.emit(g.SubOp, self.emit(g.AddOp, lhs, rhs), self.const(np.array([1], np.int64)))
        # floor division of non-negative sizes: truncation is floor
        return self.emit(g.DivOp, lhs, rhs)


def _dtype_of(like: SSAValue | np.dtype | TensorType | type) -> np.dtype:
    if isinstance(like, SSAValue):
        t = like.type
        assert isinstance(t, TensorType)
        return t.dtype
    if isinstance(like, TensorType):
        return like.dtype
    return np.dtype(like)


Converter = Callable[[Context, Node], list[Out]]


def verify_message(e: VerifyException) -> str:
    return str(e).splitlines()[0] if str(e) else "verification failed"


@dataclass
class Scope:
    """ONNX names visible at a point: a subgraph sees its parents' names."""

    parent: Scope | None = None
    names: dict[str, Value] = field(default_factory=dict)

    def lookup(self, name: str) -> Value | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None
