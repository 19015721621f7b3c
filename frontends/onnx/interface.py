"""How ONNX graph inputs and outputs become function arguments and results.

A tensor is one argument (or result) with its ONNX name. Sequences and
optionals have a structure known per call, and are flattened into tensors:
sequence `s` gives `s[0]`, `s[1]`, ...; an optional `o` gives its content
under its own name, and as an output also a result `o?`, an i1 scalar that
says whether it holds a value. A *spec* describes the structure of one
input: a shape (tuple of ints) for a tensor, a list of specs for a sequence,
None for an empty optional (a present optional has its content's spec).
The backend computes specs from the values it is given and regroups the
flat results with the model's output types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from onnx import TypeProto
from xdsl.ir import SSAValue

from tensorforge.dialects.graphops.types import TensorType
from tensorforge.frontends.onnx.context import Context, Unsupported, Value
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element

Spec = Any  # tuple[int, ...] | list[Spec] | None


def kind(t: TypeProto) -> str:
    return t.WhichOneof("value") or "unknown"


def element_name(name: str, index: int) -> str:
    return f"{name}[{index}]"


def presence_name(name: str) -> str:
    return f"{name}?"


# -- import side ----------------------------------------------------------------------------
def arguments(name: str, t: TypeProto, spec: Spec) -> list[tuple[str, TensorType]]:
    """The flat (argument name, type) list of a structured input."""
    k = kind(t)
    if k == "optional_type":
        return [] if spec is None else arguments(name, t.optional_type.elem_type, spec)
    if k == "sequence_type":
        if not isinstance(spec, list):
            raise Unsupported(f"graph input '{name}' is a sequence: its spec must be a list")
        elem = t.sequence_type.elem_type
        return [a for i, s in enumerate(spec) for a in arguments(element_name(name, i), elem, s)]
    if k != "tensor_type":
        raise Unsupported(f"graph input '{name}' has {k.replace('_', ' ')}, which is not supported")
    try:
        elt = element(t.tensor_type.elem_type)
    except UnsupportedType as e:
        raise Unsupported(f"graph input '{name}': {e}") from None
    return [(name, TensorType([int(d) for d in spec], elt))]


def bind(t: TypeProto, spec: Spec, args: Iterator[SSAValue]) -> Value:
    """The Value of a structured input, taking its block arguments in order."""
    k = kind(t)
    if k == "optional_type":
        return Value(opt=[] if spec is None else [bind(t.optional_type.elem_type, spec, args)])
    if k == "sequence_type":
        return Value(seq=[bind(t.sequence_type.elem_type, s, args) for s in spec])
    return Value(ssa=next(args))


def results(ctx: Context, name: str, v: Value) -> list[tuple[str, SSAValue]]:
    """The flat (result name, value) list of an output value."""
    if v.opt is not None:
        flag = ctx.const(np.array(bool(v.opt)))
        inner = results(ctx, name, v.opt[0]) if v.opt else []
        return [(presence_name(name), flag), *inner]
    if v.seq is not None:
        return [r for i, item in enumerate(v.seq) for r in results(ctx, element_name(name, i), item)]
    return [(name, ctx.ssa(v))]


# -- run side ---------------------------------------------------------------------------------
def spec_of(t: TypeProto, value: Any) -> Spec:
    k = kind(t)
    if k == "optional_type":
        return None if value is None else spec_of(t.optional_type.elem_type, value)
    if k == "sequence_type":
        return [spec_of(t.sequence_type.elem_type, v) for v in value]
    return tuple(np.shape(value))


def flatten(t: TypeProto, value: Any) -> list[np.ndarray]:
    k = kind(t)
    if k == "optional_type":
        return [] if value is None else flatten(t.optional_type.elem_type, value)
    if k == "sequence_type":
        return [a for v in value for a in flatten(t.sequence_type.elem_type, v)]
    return [value if isinstance(value, np.ndarray) else np.asarray(value)]


def regroup(name: str, t: TypeProto, res_names: Sequence[str], values: Sequence[np.ndarray]) -> Any:
    """One output's value from the flat results: an array, a list or None."""
    k = kind(t)
    names = list(res_names)
    if k == "optional_type":
        flag = presence_name(name)
        if flag in names and not bool(values[names.index(flag)]):
            return None
        return regroup(name, t.optional_type.elem_type, res_names, values)
    if k == "sequence_type":
        out = []
        while element_name(name, len(out)) in names:
            out.append(regroup(element_name(name, len(out)), t.sequence_type.elem_type, res_names, values))
        return out
    return np.asarray(values[names.index(name)])


def structured(t: TypeProto) -> bool:
    return kind(t) in ("sequence_type", "optional_type")
