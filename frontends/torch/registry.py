"""The converter table: ATen overload name -> function building graph ops.

A converter is `fn(cx: Ctx, a: Args) -> value`, registered with
`@converts("aten.relu.default", ...)`. `Args` binds the node's arguments to
the op schema's names (defaults filled in); the returned value is an SSA value,
a list of them, a `Multi` (tuple results, computed on first use) or a Python
scalar. Family modules (`ops_*.py`) register on import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

Converter = Callable[..., Any]
CONVERTERS: dict[str, Converter] = {}

NO_OPS: frozenset[str] = frozenset({
    "aten._assert_scalar.default",
    "aten._assert_tensor_metadata.default",
    "aten.sym_constrain_range.default",
    "aten.sym_constrain_range_for_size.default",
    "aten._assert_async.msg",
    "aten._assert_async.default",
})
"""Checks that only guard at run time in torch; they produce nothing here."""


DATA_DEPENDENT: frozenset[str] = frozenset({
    "aten._local_scalar_dense.default",
    "aten.item.default",
    "aten.nonzero.default",
    "aten.masked_select.default",
})
"""Ops whose result (shape or Python value) depends on tensor data."""


def converts(*names: str) -> Callable[[Converter], Converter]:
    def register(fn: Converter) -> Converter:
        for name in names:
            CONVERTERS[name] = fn
        return fn

    return register


def op_name(target: Any) -> str:
    """`aten.relu.default` for an OpOverload; `operator.getitem`-style for Python callables."""
    if isinstance(target, torch._ops.OpOverload):
        return f"{target.namespace}.{target._schema.name.split('::')[-1]}.{target._overloadname}"
    module = getattr(target, "__module__", None) or ""
    return f"{module.lstrip('_')}.{getattr(target, '__name__', str(target))}"


class Args:
    """A node's arguments by schema name, defaults filled in; `raw` keeps the fx-level values."""

    def __init__(self, name: str, values: dict[str, Any], raw: dict[str, Any]) -> None:
        self.name = name
        self.values = values
        self.raw = raw

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is None else value

    def meta(self, key: str) -> Any:
        """The example value torch recorded for an argument (a FakeTensor, scalar or list)."""
        return self.raw.get(key)


def bind_schema(target: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    """(name, value) for every schema argument, in order; absent ones get their default."""
    out: list[tuple[str, Any]] = []
    for i, arg in enumerate(target._schema.arguments):
        if i < len(args) and not arg.kwarg_only:
            out.append((arg.name, args[i]))
        elif arg.name in kwargs:
            out.append((arg.name, kwargs[arg.name]))
        else:
            out.append((arg.name, arg.default_value if arg.has_default_value() else None))
    return out


def load_all() -> None:
    """Import every family module so its converters register."""
    from tensorforge.frontends.torch import (  # noqa: F401
        ops_create,
        ops_elementwise,
        ops_index,
        ops_nn,
        ops_norm,
        ops_reduce,
        ops_shape,
    )
