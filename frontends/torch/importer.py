"""torch.export ExportedProgram -> a graph-dialect module with one `@main` function.

The program is first lowered to Core ATen (`run_decompositions`), keeping the
ops that are one graph op but would decompose into several (linear,
scaled_dot_product_attention, silu, tril, reflection pads, ...: `PRESERVED`).
Then every fx node goes through the converter table (`registry.CONVERTERS`,
filled by the `ops_*` modules).

User inputs become function arguments whose types carry the symbolic sizes torch
recorded (`s0` for a `torch.export.Dim`); parameters and buffers become
`graph.constant`s or named `graph.param`s. Nodes that produce sizes
(`sym_size`, arithmetic on them) become shape expressions.

Every unsupported op is collected (nodes that depend on one are skipped) and
reported at once in an `UnsupportedModelError`; no partial module is returned.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import torch
from torch.export import ExportedProgram
from torch.export.graph_signature import InputKind, OutputKind
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr, SymbolicError
from tensorforge.frontends.torch.context import Ctx, Multi
from tensorforge.frontends.torch.errors import Unsupported, UnsupportedModelError
from tensorforge.frontends.torch.registry import (
    CONVERTERS,
    DATA_DEPENDENT,
    NO_OPS,
    Args,
    bind_schema,
    load_all,
    op_name,
)
from tensorforge.frontends.torch.symbols import derived_dims, size_value, substituting, tensor_type_of, to_numpy
from tensorforge.ir import verify_module

ParamsMode = Literal["constants", "inputs"]

PRESERVED: tuple[str, ...] = (
    "linear.default", "scaled_dot_product_attention.default", "silu.default", "hardswish.default",
    "hardsigmoid.default", "tril.default", "triu.default",
    *(f"{kind}_pad{n}d.default" for kind in ("reflection", "replication") for n in (1, 2, 3)),
    *(f"_upsample_nearest_exact{n}d.vec" for n in (1, 2, 3)),
    "upsample_nearest1d.vec", "upsample_nearest3d.vec", "upsample_linear1d.vec", "upsample_trilinear3d.vec",
)
"""ATen ops kept whole by `run_decompositions`: each is one graph op (see the module docstring)."""


class _Poison:
    """The value of a node that could not be converted; its users are skipped silently."""


POISON = _Poison()


def core_aten(ep: ExportedProgram) -> ExportedProgram:
    """Decompose to Core ATen, keeping the PRESERVED composites."""
    table = torch.export.default_decompositions()
    for name in PRESERVED:
        packet, overload = name.split(".")
        table.pop(getattr(getattr(torch.ops.aten, packet), overload), None)
    return ep.run_decompositions(table)


def exported_params(ep: ExportedProgram) -> dict[str, np.ndarray]:
    """Parameters and buffers by name (`fc1.weight`): what `params="inputs"` modules expect
    as `interp.run(..., params=exported_params(ep))`."""
    out: dict[str, np.ndarray] = {}
    for spec in ep.graph_signature.input_specs:
        if spec.kind not in (InputKind.PARAMETER, InputKind.BUFFER) or spec.target is None:
            continue
        out[spec.target] = to_numpy(_lifted(ep, spec.target))
    return out


def _lifted(ep: ExportedProgram, target: str) -> torch.Tensor:
    if target in ep.state_dict:
        return ep.state_dict[target]
    value = ep.constants[target]
    if not isinstance(value, torch.Tensor):
        raise Unsupported(f"lifted constant '{target}' is a {type(value).__name__}, not a tensor")
    return value


def from_exported_program(
    ep: ExportedProgram, params: ParamsMode = "constants", decompose: bool = True, name: str = "main"
) -> ModuleOp:
    """Import `ep` as a module with one function `@<name>` taking the user inputs.

    params="constants" embeds parameters and buffers as graph.constant;
    params="inputs" makes them graph.param ops named by their state-dict key
    (pass `params=exported_params(ep)` to the interpreter).
    """
    if params not in ("constants", "inputs"):
        raise ValueError(f"params must be 'constants' or 'inputs', got {params!r}")
    load_all()
    if decompose:
        ep = core_aten(ep)
    return _Importer(ep, params, name).run()


class _Importer:
    def __init__(self, ep: ExportedProgram, params: ParamsMode, name: str) -> None:
        self.ep = ep
        self.params = params
        self.name = name
        self.block = Block()
        self.cx = Ctx(self.block)
        self.env: dict[torch.fx.Node, Any] = {}
        self.errors: dict[str, list[str]] = {}
        self.args: list[tuple[str, TensorType]] = []
        self.derived: dict[tuple[str, int], Expr] = {}

    # -- driver -------------------------------------------------------------------
    def run(self) -> ModuleOp:
        inputs = [(n.name, n.meta["val"]) for n in self.ep.graph.nodes
                  if n.op == "placeholder" and isinstance(n.meta.get("val"), torch.Tensor)]
        env, self.derived = derived_dims(inputs)
        with substituting(env):
            return self._run()

    def _run(self) -> ModuleOp:
        specs = {s.arg.name: s for s in self.ep.graph_signature.input_specs if hasattr(s.arg, "name")}
        output: torch.fx.Node | None = None
        for node in self.ep.graph.nodes:
            if node.op == "placeholder":
                self._guard(node, "input", lambda n=node: self._placeholder(n, specs.get(n.name)))
            elif node.op == "call_function":
                self._guard(node, op_name(node.target), lambda n=node: self._call(n))
            elif node.op == "output":
                output = node
            else:
                self._record(f"fx {node.op} node", f"'{node.name}' is not supported")
        results = self._outputs(output)
        if self.errors:
            raise UnsupportedModelError(self.errors)
        return self._finish(results)

    def _guard(self, node: torch.fx.Node, what: str, convert: Any) -> None:
        if any(self.env.get(a) is POISON for a in node.all_input_nodes):
            self.env[node] = POISON
            return
        self.cx.node = node
        try:
            value = _checked(self.cx, node, convert())
        except Unsupported as e:
            self._record(e.op or what, e.reason)
            value = POISON
        except (VerifyException, SymbolicError, ValueError, TypeError, IndexError, KeyError) as e:
            self._record(what, f"conversion of node '{node.name}' failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            value = POISON
        self.env[node] = value

    def _record(self, op: str, reason: str | None) -> None:
        reasons = self.errors.setdefault(op, [])
        if reason and reason not in reasons:
            reasons.append(reason)

    # -- placeholders ----------------------------------------------------------------
    def _placeholder(self, node: torch.fx.Node, spec: Any) -> Any:
        kind = spec.kind if spec is not None else InputKind.USER_INPUT
        meta = node.meta.get("val")
        if kind == InputKind.USER_INPUT:
            return self._user_input(node, meta)
        if kind in (InputKind.PARAMETER, InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
            assert spec is not None and spec.target is not None
            tensor = _lifted(self.ep, spec.target)
            if self.params == "inputs" and kind != InputKind.CONSTANT_TENSOR:
                return self.cx.add(g.ParamOp(spec.target, tensor_type_of(tensor)))
            return self.cx.const(to_numpy(tensor))
        raise Unsupported(f"input '{node.name}' of kind {kind.name} is not supported")

    def _user_input(self, node: torch.fx.Node, meta: Any) -> Any:
        if isinstance(meta, torch.Tensor):
            t = tensor_type_of(meta)
            t = t.with_shape([self.derived.get((node.name, i), d) for i, d in enumerate(t.dims)])
            arg = self.block.insert_arg(t, len(self.block.args))
            self.args.append((node.name, t))
            return arg
        if isinstance(meta, bool | int | float) or meta is None:
            return meta  # specialized by torch.export: a constant of the program
        raise Unsupported(f"input '{node.name}' is a {type(meta).__name__}; only tensor inputs are supported")

    # -- calls ----------------------------------------------------------------------
    def _call(self, node: torch.fx.Node) -> Any:
        name = op_name(node.target)
        meta = node.meta.get("val")
        if name in NO_OPS:
            return None
        if name in DATA_DEPENDENT:
            raise Unsupported("reads tensor data into a Python value (data-dependent)", name)
        if isinstance(meta, torch.SymInt | int) and not isinstance(meta, bool) and name != "operator.getitem":
            return size_value(meta)  # sym_size and size arithmetic: an expression of the symbols
        if isinstance(meta, torch.SymFloat | torch.SymBool):
            raise Unsupported(f"symbolic {type(meta).__name__} values are not supported", name)
        if node.target is operator.getitem:
            return _getitem(self._lookup(node.args[0]), node.args[1])
        fn = CONVERTERS.get(name)
        if fn is None or not isinstance(node.target, torch._ops.OpOverload):
            raise Unsupported("", name)
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for arg_name, value in bind_schema(node.target, node.args, node.kwargs):
            values[arg_name] = self._lookup(value)
            raw[arg_name] = _meta_of(value)
        try:
            return fn(self.cx, Args(name, values, raw))
        except Unsupported as e:
            e.op = e.op or name
            raise

    def _lookup(self, value: Any) -> Any:
        if isinstance(value, torch.fx.Node):
            return self.env[value]
        if isinstance(value, list | tuple):
            return type(value)(self._lookup(v) for v in value)
        return value

    # -- outputs ----------------------------------------------------------------------
    def _outputs(self, node: torch.fx.Node | None) -> list[tuple[str, SSAValue, TensorType]]:
        """(name, value, declared type) of each user output; the declared type is
        torch's, which may be simpler than the inferred one (3 for `min(t, 3)`)."""
        if node is None:
            return []
        kinds = [s.kind for s in self.ep.graph_signature.output_specs]
        flat = list(node.args[0]) if isinstance(node.args[0], list | tuple) else [node.args[0]]
        results: list[tuple[str, SSAValue, TensorType]] = []
        for i, out in enumerate(flat):
            if i < len(kinds) and kinds[i] != OutputKind.USER_OUTPUT:
                continue  # buffer mutations (e.g. batch-norm statistics in training mode)
            name = out.name if isinstance(out, torch.fx.Node) else f"output_{i}"
            value = self.env.get(out) if isinstance(out, torch.fx.Node) else out
            if value is POISON:
                continue
            if not isinstance(value, SSAValue):
                self._record("output", f"output #{i} is a {type(value).__name__}; only tensor outputs are supported")
                continue
            meta = out.meta.get("val") if isinstance(out, torch.fx.Node) else None
            declared = tensor_type_of(meta) if isinstance(meta, torch.Tensor) else self.cx.type(value)
            results.append((_unique(name, [r[0] for r in results]), value, declared))
        return results

    def _finish(self, results: Sequence[tuple[str, SSAValue, TensorType]]) -> ModuleOp:
        self.block.add_op(g.ReturnOp(*[v for _, v, _ in results]))
        func = g.FuncOp(self.name, self.args, [(n, t) for n, _, t in results], Region(self.block))
        module = ModuleOp([func])
        verify_module(module)
        return module


def _checked(cx: Ctx, node: torch.fx.Node, value: Any) -> Any:
    """Hold a tensor result to what torch recorded: same rank and dims (else a
    converter bug), and torch's dtype (a cast where promotion differed)."""
    meta = node.meta.get("val")
    if not isinstance(value, SSAValue) or not isinstance(meta, torch.Tensor):
        return value
    want = tensor_type_of(meta)
    got = cx.type(value)
    if got.rank != want.rank or any(a.provably_ne(b) for a, b in zip(got.dims, want.dims, strict=True)):
        raise Unsupported(f"internal error: node '{node.name}' converted to {got}, torch says {want}")
    return cx.cast(value, want.element_type)


def _getitem(container: Any, index: Any) -> Any:
    if isinstance(container, Multi | list | tuple):
        return container[index]
    raise Unsupported(f"cannot index a {type(container).__name__}", "operator.getitem")


def _meta_of(value: Any) -> Any:
    if isinstance(value, torch.fx.Node):
        return value.meta.get("val")
    if isinstance(value, list | tuple):
        return type(value)(_meta_of(v) for v in value)
    return value


def _unique(name: str, taken: Sequence[str]) -> str:
    if name not in taken:
        return name
    i = 1
    while f"{name}_{i}" in taken:
        i += 1
    return f"{name}_{i}"

