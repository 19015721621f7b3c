"""Where numpy implementations of graph ops are registered.

An implementation is `fn(ctx, op, *arrays) -> array | tuple[array, ...]`; the
`EvalContext` gives it the symbol bindings of the current call and helpers for
dtypes. Families of ops register from their own modules (`interp/graph_*.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import InterpError

Impl = Callable[..., Any]
IMPLS: dict[type[Operation], Impl] = {}


def graph_impl(*op_types: type[Operation]) -> Callable[[Impl], Impl]:
    def register(fn: Impl) -> Impl:
        for t in op_types:
            IMPLS[t] = fn
        return fn

    return register


@dataclass
class EvalContext:
    """Per-run state: symbol bindings (a frame per call), parameters, files."""

    params: dict[str, np.ndarray] = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)
    frames: list[dict[str, int]] = field(default_factory=lambda: [{}])
    observer: Callable[[Operation, tuple[Any, ...]], None] | None = None
    """Called with each dispatched op and its operand values (calibration hooks)."""

    @property
    def env(self) -> dict[str, int]:
        return self.frames[-1]

    def dims(self, t: TensorType) -> tuple[int, ...]:
        """Evaluate a type's shape under the current bindings."""
        try:
            return tuple(d.evaluate(self.env) for d in t.dims)
        except ValueError as e:
            raise InterpError(f"cannot evaluate shape {t}: {e}") from e

    def result_type(self, op: Operation, index: int = 0) -> TensorType:
        t = op.results[index].type
        assert isinstance(t, TensorType)
        return t

    def result_dtype(self, op: Operation, index: int = 0) -> np.dtype:
        return self.result_type(op, index).dtype
