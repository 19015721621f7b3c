"""The table of schedule primitives: name -> function(func, **args) -> result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tensorforge.dialects.tirops.ops import FuncOp

Primitive = Callable[..., Any]
PRIMITIVES: dict[str, Primitive] = {}


def primitive(fn: Primitive) -> Primitive:
    PRIMITIVES[fn.__name__] = fn
    return fn


def load_all() -> None:
    import importlib

    for name in ("loops", "blocks", "buffers", "reduction"):
        importlib.import_module(f"tensorforge.schedule.{name}")


_ = FuncOp
