"""Helpers for tests: build one-op graph functions and run them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from tensorforge import interp
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.ir import parse_module, print_module, verify_module


def tensor(shape: Sequence[Any], dtype: Any) -> TensorType:
    return TensorType(shape, element_type_of(np.dtype(dtype)))


def build_func(
    arg_types: Sequence[TensorType],
    body: Callable[..., Operation | Sequence[SSAValue]],
    name: str = "main",
) -> ModuleOp:
    """A module with one graph.func whose body is built by `body(*args)`."""
    block = Block(arg_types=list(arg_types))
    out = body(*block.args)
    values: list[SSAValue] = list(out.results) if isinstance(out, Operation) else list(out)
    for op in _collect(values):
        block.add_op(op)
    block.add_op(g.ReturnOp(*values))
    func = g.FuncOp(
        name,
        [(f"a{i}", t) for i, t in enumerate(arg_types)],
        [(f"r{i}", v.type) for i, v in enumerate(values)],
        Region(block),
    )
    module = ModuleOp([func])
    verify_module(module)
    return module


def _collect(values: Sequence[SSAValue]) -> list[Operation]:
    """Detached ops reachable from values, in def-before-use order."""
    seen: set[int] = set()
    order: list[Operation] = []

    def visit(op: Operation) -> None:
        if id(op) in seen or op.parent is not None:
            return
        seen.add(id(op))
        for operand in op.operands:
            if isinstance(operand.owner, Operation):
                visit(operand.owner)
        order.append(op)

    for v in values:
        if isinstance(v.owner, Operation):
            visit(v.owner)
    return order


def run_op(make: Callable[..., Operation], *arrays: np.ndarray, shapes: Sequence[Sequence[Any]] | None = None) -> list[np.ndarray]:
    """Build a function applying `make` to arguments typed like `arrays`, check it
    round-trips through text, and interpret it."""
    types = [tensor(shapes[i] if shapes else a.shape, a.dtype) for i, a in enumerate(arrays)]
    module = build_func(types, make)
    text = print_module(module)
    reparsed = parse_module(text)
    assert print_module(reparsed) == text
    return interp.run(reparsed, "main", *arrays)
