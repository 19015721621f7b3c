"""Evaluate single ops on constant operands: the engine behind `fold()` and
`graph-fold-constants`. The interpreter's numpy code is the only definition
of each op's semantics, so folding can never disagree with execution."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects.graphops.dense import array_from_dense
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.graphops.shape_create import FullOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import TensorforgeError
from tensorforge.interp.registry import IMPLS, EvalContext


def constant_array(value: SSAValue, base_dir: Path | None = None, allow_external: bool = False) -> np.ndarray | None:
    """The value of a graph.constant (or statically shaped graph.full) result, or None."""
    op = value.owner
    if isinstance(op, FullOp) and static_result_size(op) is not None:
        values = evaluate(op, [])
        return None if values is None else values[0]
    if not isinstance(op, ConstantOp):
        return None
    t = op.result.type
    assert isinstance(t, TensorType)
    if isinstance(op.value, DenseIntOrFPElementsAttr):
        return array_from_dense(op.value, t)
    if not allow_external:
        return None
    from tensorforge.interp.machine import load_constant

    return load_constant(EvalContext(base_dir=base_dir or Path.cwd()), op)


def static_result_size(op: Operation) -> int | None:
    total = 0
    for r in op.results:
        if not isinstance(r.type, TensorType):
            return None
        shape = r.type.static_shape()
        if shape is None:
            return None
        total += int(np.prod(shape))
    return total


def evaluate(op: Operation, args: Sequence[np.ndarray]) -> list[np.ndarray] | None:
    """Run one op on arrays; None when it has no implementation or fails."""
    from tensorforge.interp import load_all
    from tensorforge.interp.machine import check_results

    load_all()
    fn = IMPLS.get(type(op))
    if fn is None:
        return None
    ctx = EvalContext()
    try:
        with np.errstate(all="ignore"):
            out = fn(ctx, op, *args)
        values = list(out) if isinstance(out, tuple) else [out]
        check_results(ctx, op, values)
    except (TensorforgeError, ValueError, IndexError, TypeError, ZeroDivisionError):
        return None  # a run-time error stays a run-time error: do not fold it away
    return values
