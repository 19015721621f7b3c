"""An ONNX backend (`onnx.backend.base.Backend`) running models through the
tensorforge interpreter or as compiled CPU code:

    from tensorforge.frontends.onnx import backend
    rep = backend.prepare(model, device="CPU")                    # the interpreter
    rep = backend.prepare(model, device="CPU", mode="compiled")   # tensorforge.compile
    outputs = rep.run([x])          # or rep.run({"x": x})

`mode` is "interpreter" (alias "interp") or "compiled"; without one, the
environment variable TF_ONNX_MODE chooses (default "interpreter"). A compiled rep
compiles each imported module once (in `prepare` when the model imports once for
all inputs, else per specialization at run time). The import
happens in `prepare`, so an unsupported model fails there with an
`UnsupportedModelError` listing every problem, except problems that fixing
input values or shapes at run time can solve (see `TensorforgeRep`);
`prepare(..., specialize=False)` refuses those too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import onnx
from onnx import ModelProto, NodeProto
from onnx.backend.base import Backend, BackendRep, Device, DeviceType, namedtupledict
from xdsl.dialects.builtin import ModuleOp

import tensorforge
from tensorforge import interp
from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.errors import InputError
from tensorforge.frontends.onnx import interface
from tensorforge.frontends.onnx.dtypes import onnx_elem_of
from tensorforge.frontends.onnx.errors import UnsupportedModelError
from tensorforge.frontends.onnx.importer import from_onnx

MODES = ("interpreter", "compiled")
MODE_ALIASES = {"interp": "interpreter"}
MODE_ENV = "TF_ONNX_MODE"

SPECIALIZE_ROUNDS = 16
"""How many times one run may widen the set of inputs it fixes."""


class TensorforgeRep(BackendRep):
    """A prepared model and how to call it.

    Two kinds of models cannot be imported once for every input: those whose
    shape-like inputs (a Reshape target, Slice bounds, TopK's k...) are graph
    inputs, and those that need static sizes where the model has `dim_param`s
    (an unrolled loop over a symbolic length...). Such a rep imports the model
    at run time with those input values (`specialized_on`) as constants and,
    if `static_shapes`, with the inputs' actual shapes, and caches the result
    per distinct values and shapes.
    """

    def __init__(self, model: ModelProto, module: ModuleOp | None, specialize: Sequence[str] = (),
                 static_shapes: bool = False, entry: str = "main", mode: str = "interpreter") -> None:
        self.model = model
        self.module = module
        self.entry = entry
        self.mode = mode
        inits = {t.name for t in model.graph.initializer}
        self.input_names = [i.name for i in model.graph.input if i.name not in inits]
        self.output_names = [o.name for o in model.graph.output]
        self.types = {i.name: i.type for i in model.graph.input}
        self.out_types = {o.name: o.type for o in model.graph.output}
        self.sequences = {n for n in self.input_names if interface.structured(self.types[n])}
        self.specialized_on = list(specialize)
        self.static_shapes = static_shapes
        self._cache: dict[tuple[Any, ...], ModuleOp] = {}
        self._compiled: dict[int, Any] = {}  # id(module) -> CompiledModule (the modules are kept alive above)
        if module is not None and mode == "compiled":
            self._executable(module)

    def run(self, inputs: Any, **kwargs: Any) -> tuple[Any, ...]:
        given = self._arrange(inputs)
        if len(given) != len(self.input_names):
            raise InputError(f"@{self.entry} takes {len(self.input_names)} inputs ({', '.join(self.input_names)}), "
                             f"got {len(given)}")
        values = dict(zip(self.input_names, given, strict=True))
        module = self.module if self.module is not None else self._import_for(values)
        func = next(op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data == self.entry)
        args: list[np.ndarray] = []
        for n in self.input_names:
            if n in self.specialized_on:
                continue
            args += interface.flatten(self.types[n], values[n]) if n in self.sequences else [values[n]]
        results = self._executable(module)(*args)
        outputs = namedtupledict("Outputs", _field_names(self.output_names))
        res_names = func.res_name_list
        return outputs(*[interface.regroup(n, self.out_types[n], res_names, results) for n in self.output_names])

    def _executable(self, module: ModuleOp) -> Any:
        """A callable running the entry function: the interpreter or cached compiled code."""
        if self.mode == "interpreter":
            return lambda *args: interp.run(module, self.entry, *args)
        compiled = self._compiled.get(id(module))
        if compiled is None:
            compiled = self._compiled[id(module)] = tensorforge.compile(module, entry=self.entry)
        return compiled

    def _key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        fixed = tuple((n, values[n].dtype.str, values[n].shape, values[n].tobytes()) for n in self.specialized_on)
        shapes = tuple(np.shape(a) for n, a in values.items() if n not in self.sequences) if self.static_shapes else ()
        seqs = tuple((n, repr(interface.spec_of(self.types[n], values[n]))) for n in sorted(self.sequences))
        return fixed + shapes + seqs

    def _import_for(self, values: dict[str, Any]) -> ModuleOp:
        cached = self._cache.get(self._key(values))
        if cached is not None:
            return cached
        tensors = {n: a for n, a in values.items() if n not in self.sequences}
        model = _with_shapes(self.model, tensors) if self.static_shapes else self.model
        specs = {n: interface.spec_of(self.types[n], values[n]) for n in self.sequences}
        for _ in range(SPECIALIZE_ROUNDS):
            try:
                static = {n: values[n] for n in self.specialized_on}
                module = from_onnx(model, self.entry, static_inputs=static, structured_inputs=specs)
                break
            except UnsupportedModelError as e:
                more = e.specializable
                if not more or set(more) <= set(self.specialized_on):
                    raise
                self.specialized_on = sorted(set(self.specialized_on) | set(more))
        else:
            raise InputError("the model keeps needing more inputs fixed at import time")
        self._cache[self._key(values)] = module
        return module

    def _arrange(self, inputs: Any) -> list[np.ndarray]:
        if isinstance(inputs, Mapping):
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise InputError(f"@{self.entry}: missing input(s) {', '.join(repr(n) for n in missing)} "
                                 f"(expected {', '.join(self.input_names)})")
            return [self._value(n, inputs[n]) for n in self.input_names]
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        return [self._value(n, a) for n, a in zip(self.input_names, inputs, strict=False)] + list(
            inputs[len(self.input_names) :])

    def _value(self, name: str, value: Any) -> Any:
        if name in self.sequences:
            return value
        return value if isinstance(value, np.ndarray) else np.asarray(value)


def resolve_mode(mode: str | None) -> str:
    """`mode`, else $TF_ONNX_MODE, else "interpreter"; aliases resolved, checked."""
    chosen = mode if mode is not None else os.environ.get(MODE_ENV) or "interpreter"
    chosen = MODE_ALIASES.get(chosen, chosen)
    if chosen not in MODES:
        source = "mode" if mode is not None else f"${MODE_ENV}"
        raise ValueError(f"{source} must be one of {', '.join(MODES)} (or 'interp'), got {chosen!r}")
    return chosen


def _with_shapes(model: ModelProto, arrays: dict[str, np.ndarray]) -> ModelProto:
    """A copy of the model whose inputs have the given arrays' static shapes."""
    out = ModelProto()
    out.CopyFrom(model)
    for info in out.graph.input:
        if info.name not in arrays or not info.type.HasField("tensor_type"):
            continue
        shape = info.type.tensor_type.shape
        shape.ClearField("dim")
        for size in arrays[info.name].shape:
            shape.dim.add().dim_value = size
    return out


def _structured_inputs(model: ModelProto) -> list[str]:
    return [i.name for i in model.graph.input if interface.structured(i.type)]


def _has_symbolic_dims(model: ModelProto) -> bool:
    inits = {t.name for t in model.graph.initializer}
    for info in model.graph.input:
        if info.name in inits or not info.type.HasField("tensor_type"):
            continue
        if any(not d.HasField("dim_value") for d in info.type.tensor_type.shape.dim):
            return True
    return False


def _field_names(names: Sequence[str]) -> list[str]:
    """namedtuple needs identifiers; ONNX names may be anything."""
    out: list[str] = []
    for i, n in enumerate(names):
        ident = "".join(c if c.isalnum() or c == "_" else "_" for c in n)
        out.append(ident if ident.isidentifier() and not ident.startswith("_") and ident not in out else f"output_{i}")
    return out


class TensorforgeBackend(Backend):
    """onnx.backend.base.Backend over the tensorforge interpreter or compiled code (CPU only)."""

    @classmethod
    def is_compatible(cls, model: ModelProto, device: str = "CPU", **kwargs: Any) -> bool:
        return cls.supports_device(device)

    @classmethod
    def prepare(cls, model: ModelProto, device: str = "CPU", **kwargs: Any) -> TensorforgeRep:
        mode = resolve_mode(kwargs.get("mode"))
        if not cls.supports_device(device):
            raise ValueError(f"device {device!r} is not supported (only CPU)")
        try:
            return TensorforgeRep(model, from_onnx(model), mode=mode)
        except UnsupportedModelError as e:
            if not kwargs.get("specialize", True):
                raise
            if e.specializable is not None:
                return TensorforgeRep(model, None, e.specializable, mode=mode)
            if _has_symbolic_dims(model) and not any(i.kind in ("op", "model") for i in e.issues):
                return TensorforgeRep(model, None, static_shapes=True, mode=mode)
            if _structured_inputs(model) and not any(i.kind == "op" for i in e.issues):
                return TensorforgeRep(model, None, static_shapes=True, mode=mode)
            raise

    @classmethod
    def run_model(cls, model: ModelProto, inputs: Any, device: str = "CPU", **kwargs: Any) -> tuple[np.ndarray, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(cls, node: NodeProto, inputs: Any, device: str = "CPU", outputs_info: Any = None,
                 **kwargs: Any) -> tuple[np.ndarray, ...]:
        """Run one node: a model is built around it with the inputs' types."""
        arrays = [np.asarray(a) for a in (inputs.values() if isinstance(inputs, Mapping) else inputs)]
        names = list(node.input)
        infos = [onnx.helper.make_tensor_value_info(n, onnx_elem_of(a.dtype), list(a.shape))
                 for n, a in zip(names, arrays, strict=False) if n]
        outs = [onnx.helper.make_tensor_value_info(n, onnx.TensorProto.UNDEFINED, None) for n in node.output if n]
        graph = onnx.helper.make_graph([node], "run_node", infos, outs)
        opset = kwargs.get("opset_version", onnx.defs.onnx_opset_version())
        model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid(node.domain or "", opset)])
        present = [a for n, a in zip(names, arrays, strict=False) if n]
        return cls.prepare(model, device, mode=kwargs.get("mode")).run(present)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        try:
            return Device(device).type == DeviceType.CPU
        except Exception:
            return False


prepare = TensorforgeBackend.prepare
run_model = TensorforgeBackend.run_model
run_node = TensorforgeBackend.run_node
supports_device = TensorforgeBackend.supports_device
