"""torch dtypes and symbolic sizes in graph-dialect terms.

Symbolic sizes come from the FakeTensors torch.export records (`s0`, `2*s0`,
`s0 // 2`): each sympy expression becomes a `dialects.symbolic.Expr` over the
same symbol names, so `torch.export.Dim` dims stay symbolic in the graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import ml_dtypes
import numpy as np
import sympy
import torch
from xdsl.ir import Attribute

from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.errors import Unsupported

_NUMPY_OF_TORCH: dict[torch.dtype, np.dtype] = {
    torch.float32: np.dtype(np.float32),
    torch.float64: np.dtype(np.float64),
    torch.float16: np.dtype(np.float16),
    torch.bfloat16: np.dtype(ml_dtypes.bfloat16),
    torch.bool: np.dtype(np.bool_),
    torch.int8: np.dtype(np.int8),
    torch.int16: np.dtype(np.int16),
    torch.int32: np.dtype(np.int32),
    torch.int64: np.dtype(np.int64),
    torch.uint8: np.dtype(np.uint8),
}


def numpy_dtype_of(dtype: torch.dtype) -> np.dtype:
    if dtype not in _NUMPY_OF_TORCH:
        raise Unsupported(f"dtype {dtype} has no graph element type")
    return _NUMPY_OF_TORCH[dtype]


def element_of(dtype: torch.dtype) -> Attribute:
    return element_type_of(numpy_dtype_of(dtype))


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """A parameter or constant as a numpy array of the matching dtype (bf16 included)."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        return t.float().numpy().astype(ml_dtypes.bfloat16)
    numpy_dtype_of(t.dtype)
    return t.numpy().copy()


# -- sizes --------------------------------------------------------------------------
_SUBSTITUTE: ContextVar[dict[str, Expr] | None] = ContextVar("substitute", default=None)


@contextmanager
def substituting(env: dict[str, Expr]) -> Iterator[None]:
    """Translate torch symbols through `env` (derived dims, see `derived_dims`)."""
    token = _SUBSTITUTE.set(env)
    try:
        yield
    finally:
        _SUBSTITUTE.reset(token)


def derived_dims(inputs: Sequence[tuple[str, torch.Tensor]]) -> tuple[dict[str, Expr], dict[tuple[str, int], Expr]]:
    """Give each input dim like `2*s0` (a torch.export derived Dim) whose symbol is
    no input's whole dim a name of its own, `x_dim0`, so the interpreter can bind it:
    returns s0 -> (x_dim0 - c) floordiv k, and (input, dim) -> x_dim0."""
    plain = {d.node.expr.name for _, t in inputs for d in t.shape if isinstance(d, torch.SymInt) and d.node.expr.is_Symbol}
    env: dict[str, Expr] = {}
    dims: dict[tuple[str, int], Expr] = {}
    for name, t in inputs:
        for i, d in enumerate(t.shape):
            linear = _linear(d)
            if linear is None or linear[0] in plain or linear[0] in env:
                continue
            sym, k, c = linear
            fresh = Expr.sym(f"{name}_dim{i}")
            env[sym] = (fresh - c).floordiv(k)
            dims[(name, i)] = fresh
    return env, dims


def _linear(d: Any) -> tuple[str, int, int] | None:
    """(s, k, c) for a size k*s + c of one symbol, k != 0; else None."""
    if not isinstance(d, torch.SymInt) or d.node.expr.is_Symbol:
        return None
    e = d.node.expr
    free = list(e.free_symbols)
    if len(free) != 1:
        return None
    poly = sympy.Poly(e, free[0]) if e.is_polynomial(free[0]) else None
    if poly is None or poly.degree() != 1:
        return None
    k, c = (int(v) for v in poly.all_coeffs())
    return free[0].name, k, c


def size_expr(value: Any) -> Expr:
    """An int or SymInt as an Expr."""
    if isinstance(value, bool):
        raise Unsupported(f"expected a size, got {value!r}")
    if isinstance(value, int):
        return Expr.const(value)
    if isinstance(value, torch.SymInt):
        return sympy_expr(value.node.expr)
    if isinstance(value, sympy.Expr):
        return sympy_expr(value)
    raise Unsupported(f"expected a size, got {value!r}")


def size_value(value: Any) -> int | Expr:
    """An int for static sizes, else the Expr (what converters pass to shape properties)."""
    e = size_expr(value)
    return e.value() if e.is_const() else e


def shape_of(sizes: Sequence[Any]) -> list[Expr]:
    return [size_expr(s) for s in sizes]


def tensor_type_of(fake: torch.Tensor) -> TensorType:
    return TensorType(shape_of(fake.shape), element_of(fake.dtype))


def _binary(fn: Any) -> Any:
    return lambda args: fn(sympy_expr(args[0]), sympy_expr(args[1]))


def _fold(method: str) -> Any:
    def apply(args: Sequence[sympy.Expr]) -> Expr:
        out = sympy_expr(args[0])
        for a in args[1:]:
            out = getattr(out, method)(sympy_expr(a))
        return out

    return apply


_FUNCTIONS: dict[str, Any] = {
    "FloorDiv": _binary(lambda a, b: a.floordiv(b)),
    "CleanDiv": _binary(lambda a, b: a.floordiv(b)),
    "IntTrueDiv": None,
    "CeilDiv": _binary(lambda a, b: a.ceildiv(b)),
    "Mod": _binary(lambda a, b: a.mod(b)),
    "PythonMod": _binary(lambda a, b: a.mod(b)),
    "Max": _fold("max"),
    "Min": _fold("min"),
}


def sympy_expr(e: sympy.Expr) -> Expr:
    """Translate torch's sympy size expressions; anything else is Unsupported."""
    if isinstance(e, sympy.Integer) or (isinstance(e, sympy.Number) and e == int(e)):
        return Expr.const(int(e))
    if isinstance(e, sympy.Symbol):
        if not e.name.startswith("s"):
            raise Unsupported(f"size '{e.name}' depends on tensor data (an unbacked symbol)")
        return (_SUBSTITUTE.get() or {}).get(e.name, Expr.sym(e.name))
    if isinstance(e, sympy.Add):  # symbols first: `s0-2`, not `-2+s0`
        return sum((sympy_expr(a) for a in sorted(e.args, key=lambda a: bool(a.is_Number))), Expr.const(0))
    if isinstance(e, sympy.Mul):
        out = Expr.const(1)
        for a in e.args:
            out = out * sympy_expr(a)
        return out
    if isinstance(e, sympy.Pow) and e.exp.is_Integer and int(e.exp) >= 0:
        base = sympy_expr(e.base)
        out = Expr.const(1)
        for _ in range(int(e.exp)):
            out = out * base
        return out
    fn = _FUNCTIONS.get(type(e).__name__)
    if fn is None:
        raise Unsupported(f"symbolic size '{e}' ({type(e).__name__}) has no graph expression")
    return fn(e.args)
