"""Converter tables: ONNX (domain, op type) -> `(ctx, node) -> outputs`.

Each family module registers its converters with `@converter("Relu", ...)`.
A converter returns one entry per ONNX output: an SSAValue, a known `Value`
(shape data folded at import time) or None for an optional output it does
not produce (an error only if something uses it). It reads `node.version`
(the schema's since_version at the model's opset) where ONNX changed the op.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from tensorforge.frontends.onnx.context import Converter

CONVERTERS: dict[tuple[str, str], Converter] = {}


class UseFunction(Exception):
    """Raised by a converter to fall back to the op's ONNX function body."""


def converter(*ops: str, domain: str = "") -> Callable[[Converter], Converter]:
    def register(fn: Converter) -> Converter:
        for op in ops:
            CONVERTERS[(domain, op)] = fn
        return fn

    return register


_FAMILIES = ("elementwise", "nn", "resize", "sample", "norm", "reduce", "shape", "index", "rnn", "control", "quant", "signal", "training", "ml", "sequence", "text", "bits")
for _name in _FAMILIES:
    importlib.import_module(f"{__name__}.{_name}")


def supported_ops(domain: str = "") -> list[str]:
    """Op types with a converter (ops expanded from ONNX function bodies not included)."""
    return sorted(op for d, op in CONVERTERS if d == domain)
