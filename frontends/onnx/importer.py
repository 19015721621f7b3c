"""ONNX ModelProto -> a graph-dialect module with one `graph.func @main`.

The walk: graph inputs (minus initializers) become the function's arguments,
named as in ONNX, with `dim_param`s as symbolic dims; initializers and
`Constant`s are known data (see `context.Value`); each node goes to the
converter registered for its op, which sees the schema version the model's
opset selects. Ops without a converter whose schema defines a function body
(`Mish`, `Attention`, loss functions, ...) and model-local functions are
expanded inline. Every problem is collected and reported at once in an
`UnsupportedModelError`; nothing is returned from a partial import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import AttributeProto, FunctionProto, GraphProto, ModelProto, NodeProto, numpy_helper
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr
from tensorforge.errors import InputError, TensorforgeError
from tensorforge.frontends.onnx import interface
from tensorforge.frontends.onnx.context import (
    Context,
    DynamicInput,
    Node,
    Poisoned,
    Scope,
    Unsupported,
    Value,
    verify_message,
)
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element, onnx_elem, type_name
from tensorforge.frontends.onnx.errors import Issue, UnsupportedModelError
from tensorforge.frontends.onnx.interface import Spec, structured
from tensorforge.frontends.onnx.ops import CONVERTERS, UseFunction
from tensorforge.ir import verify_module

DEFAULT_DOMAIN = ""
_IDENT = re.compile(r"[^A-Za-z0-9_]")


def from_onnx(model: ModelProto | bytes | str | Path, name: str = "main",
              static_inputs: Mapping[str, np.ndarray] | None = None,
              structured_inputs: Mapping[str, Spec] | None = None) -> ModuleOp:
    """Import an ONNX model (proto, serialized bytes or a file path) as a module
    whose function `@name` takes the graph's non-initializer inputs by their
    ONNX names and returns its outputs. Raises UnsupportedModelError listing
    every unsupported op, input and feature.

    `static_inputs` fixes the values of some graph inputs (they become
    constants and leave the signature): the way to import a model whose
    shape-like inputs (a Reshape target, Slice bounds, ...) are graph inputs;
    `UnsupportedModelError.specializable` names the inputs that need it.

    Sequence and optional inputs need their structure for this import in
    `structured_inputs` (see `interface`): they cross the function boundary
    as their tensors.
    """
    if isinstance(model, bytes):
        model = onnx.load_from_string(model)
    elif isinstance(model, str | Path):
        model = onnx.load(str(model))
    return Importer(model, static_inputs, structured_inputs).run(name)


class Importer:
    """One import: walks the graph, collects issues, assembles the function."""

    def __init__(self, model: ModelProto, static_inputs: Mapping[str, np.ndarray] | None = None,
                 structured_inputs: Mapping[str, Spec] | None = None) -> None:
        self.model = model
        self.static_inputs = dict(static_inputs or {})
        self.structured_inputs = dict(structured_inputs or {})
        self.opsets = {_domain(o.domain): o.version for o in model.opset_import}
        self.functions = {(_domain(f.domain), f.name): f for f in model.functions}
        self.issues: list[Issue] = []
        self._fresh = count()
        self._symbols: dict[str, str] = {}

    # -- top level -----------------------------------------------------------------
    def run(self, name: str) -> ModuleOp:
        graph = self.model.graph
        if DEFAULT_DOMAIN not in self.opsets:
            self.opsets[DEFAULT_DOMAIN] = onnx.defs.onnx_opset_version()
        inits = self._initializers(graph)
        for key, arr in self.static_inputs.items():
            inits.setdefault(key, self._static_input(graph, key, arr))
        inputs = [i for i in graph.input if i.name not in inits]
        args = [a for info in inputs for a in self._arguments(info)]
        block = Block(arg_types=[t for _, t in args])
        scope = Scope()
        for key, arr in inits.items():
            scope.names[key] = Value(const=arr)
        it = iter(block.args)
        for info in inputs:
            scope.names[info.name] = self._bind_input(info, it)
        ctx = Context(block, self)
        ctx.arg_names = {arg: n for arg, (n, _) in zip(block.args, args, strict=True)}
        self.convert_nodes(ctx, graph.node, scope, self.opsets, {})
        results = self._outputs(ctx, graph, scope)
        if self.issues:
            raise UnsupportedModelError(self.issues)
        block.add_op(g.ReturnOp(*[v for _, v in results]))
        func = g.FuncOp(
            name,
            args,
            [(n, v.type) for n, v in results],
            Region(block),
        )
        _drop_dead_ops(block)
        module = ModuleOp([func])
        verify_module(module)
        return module

    def _initializers(self, graph: GraphProto) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for t in graph.initializer:
            arr = self._tensor(t, f"initializer '{t.name}'")
            if arr is not None:
                out[t.name] = arr
        for s in graph.sparse_initializer:
            out[s.values.name] = _sparse_to_dense(s)
        return out

    def _bind_input(self, info: onnx.ValueInfoProto, args: Iterator[SSAValue]) -> Value:
        if not structured(info.type):
            return Value(ssa=next(args))
        if info.name not in self.structured_inputs:
            return Value(poisoned=True)  # reported by _arguments
        return interface.bind(info.type, self.structured_inputs[info.name], args)

    def _arguments(self, info: onnx.ValueInfoProto) -> list[tuple[str, TensorType]]:
        """The function arguments of one graph input (structured ones flattened)."""
        if not structured(info.type):
            t = self._input_type(info)
            return [(info.name, t or TensorType([], element(1)))]
        if info.name not in self.structured_inputs:
            what = interface.kind(info.type).replace("_", " ")
            self.report("model", "", 0, "", f"graph input '{info.name}' has {what}: its structure for this import "
                        "must be given in structured_inputs (the backend does this from the values)")
            return []
        try:
            return interface.arguments(info.name, info.type, self.structured_inputs[info.name])
        except Unsupported as e:
            self.report("model", "", 0, "", e.detail)
            return []

    def _static_input(self, graph: GraphProto, key: str, arr: np.ndarray) -> np.ndarray:
        info = next((i for i in graph.input if i.name == key), None)
        if info is None:
            raise InputError(f"static input '{key}' is not a graph input")
        want = self._input_type(info)
        arr = np.asarray(arr)
        if want is None:
            return arr
        if arr.dtype != want.dtype or arr.ndim != want.rank:
            raise InputError(f"static input '{key}' is {arr.dtype}{list(arr.shape)}, expected {want}")
        for i, (d, size) in enumerate(zip(want.dims, arr.shape, strict=True)):
            if d.is_const() and d.value() != size:
                raise InputError(f"static input '{key}' dim {i} is {size}, expected {d}")
        return arr

    def _tensor(self, t: onnx.TensorProto, what: str) -> np.ndarray | None:
        try:
            element(t.data_type)
            return np.asarray(numpy_helper.to_array(t))
        except UnsupportedType as e:
            self.report("model", "", 0, "", f"{what}: {e}")
        except Exception as e:  # external data missing, malformed tensor
            self.report("model", "", 0, "", f"{what}: cannot read the tensor: {e}")
        return None

    def _input_type(self, info: onnx.ValueInfoProto) -> TensorType | None:
        what = f"graph input '{info.name}'"
        if not info.type.HasField("tensor_type"):
            kind = info.type.WhichOneof("value") or "unknown"
            self.report("model", "", 0, "", f"{what} has {kind.replace('_', ' ')}; only tensors are supported")
            return None
        tt = info.type.tensor_type
        try:
            elt = element(tt.elem_type)
        except UnsupportedType:
            self.report("model", "", 0, "", f"{what} has unsupported element type {type_name(tt.elem_type)}")
            return None
        if not tt.HasField("shape"):
            self.report("model", "", 0, "", f"{what} has no shape (unknown rank); give it a rank with dim_param names")
            return None
        return TensorType([self._dim(d) for d in tt.shape.dim], elt)

    def _dim(self, d: onnx.TensorShapeProto.Dimension) -> Expr:
        if d.HasField("dim_value"):
            return Expr.const(d.dim_value)
        if d.HasField("dim_param") and d.dim_param:
            return Expr.sym(self._symbol(d.dim_param))
        return Expr.sym(f"unk{next(self._fresh)}")

    def _symbol(self, param: str) -> str:
        """A dim_param as an identifier (same param, same symbol)."""
        if param not in self._symbols:
            ident = _IDENT.sub("_", param)
            if not ident or ident[0].isdigit():
                ident = f"d_{ident}"
            self._symbols[param] = ident
        return self._symbols[param]

    def _outputs(self, ctx: Context, graph: GraphProto, scope: Scope) -> list[tuple[str, SSAValue]]:
        results: list[tuple[str, SSAValue]] = []
        for out in graph.output:
            v = scope.lookup(out.name)
            if v is None:
                self.report("model", "", 0, "", f"graph output '{out.name}' is not produced by any node")
                continue
            if v.poisoned:
                self._report_pending(v)
                continue
            try:
                results += interface.results(ctx, out.name, v)
            except Poisoned:
                if not self.issues:
                    self.report("model", "", 0, "", f"graph output '{out.name}' depends on a node that failed")
            except Unsupported as e:
                self.report("model", "", 0, "", f"graph output '{out.name}': {e.detail}")
        return results

    # -- issues --------------------------------------------------------------------
    def report(self, kind: str, op: str, opset: int, node: str, detail: str = "") -> None:
        self.issues.append(Issue(kind, op, opset, node, detail))

    def _report_pending(self, v: Value) -> None:
        if v.pending is not None:
            self.issues.append(v.pending)
            v.pending = None

    # -- nodes ---------------------------------------------------------------------
    def convert_nodes(self, ctx: Context, nodes: Sequence[NodeProto], scope: Scope,
                      opsets: dict[str, int], attr_env: dict[str, Any]) -> None:
        for proto in nodes:
            self.convert_node(ctx, proto, scope, opsets, attr_env)

    def convert_node(self, ctx: Context, proto: NodeProto, scope: Scope,
                     opsets: dict[str, int], attr_env: dict[str, Any]) -> None:
        how = _Resolved.of(proto, opsets, self)
        if how.conv is None and not how.expandable:
            self.report("op", _qualified(how.domain, proto.op_type), how.opset, how.label)
            self._poison(scope, proto)
            return
        inputs = [self._lookup(scope, n, proto) if n else None for n in proto.input]
        failed = [v for v in inputs if v is not None and v.poisoned]
        if failed:
            for v in failed:
                self._report_pending(v)
            self._poison(scope, proto)
            return
        node = Node(proto, proto.op_type, how.domain, how.version, how.opset, inputs, _attributes(proto, attr_env, self))
        saved = (ctx.scope, ctx.opsets, ctx.attr_env)
        ctx.scope, ctx.opsets, ctx.attr_env = scope, opsets, attr_env
        try:
            outs = self._convert(ctx, node, how)
        except Exception as e:
            self._failed(e, node, how.label)
            self._poison(scope, proto)
            return
        finally:
            ctx.scope, ctx.opsets, ctx.attr_env = saved
        self._bind(scope, node, outs, how.label)

    def _convert(self, ctx: Context, node: Node, how: _Resolved) -> Sequence[Any]:
        """The converter's outputs, or the function body's when there is no
        converter or it asks for the body (UseFunction)."""
        if how.conv is None:
            return self._expand(ctx, node, how.local, how.schema, how.opset)
        try:
            return how.conv(ctx, node)
        except UseFunction:
            if not how.expandable:
                raise Unsupported("this form of the op is not supported") from None
            return self._expand(ctx, node, how.local, how.schema, how.opset)

    def _failed(self, e: Exception, node: Node, label: str) -> None:
        """Record why a node could not be converted (one issue, never a traceback)."""
        if isinstance(e, Poisoned):
            return
        if isinstance(e, Unsupported):
            inputs = e.inputs if isinstance(e, DynamicInput) else ()
            self.issues.append(Issue(e.kind, node.op, node.version, label, e.detail, inputs))
        elif isinstance(e, VerifyException):
            self.report("node", node.op, node.version, label, verify_message(e))
        elif isinstance(e, TensorforgeError):
            self.report("node", node.op, node.version, label, str(e).splitlines()[0])
        else:  # a converter bug: still one clean report, never a partial import
            self.report("node", node.op, node.version, label, f"internal error: {type(e).__name__}: {e}")

    def _lookup(self, scope: Scope, name: str, proto: NodeProto) -> Value:
        v = scope.lookup(name)
        if v is None:
            v = Value(poisoned=True, pending=Issue(
                "model", proto.op_type, 0, proto.name,
                f"tensor '{name}' used by node '{proto.name or proto.op_type}' is never defined"))
            scope.names[name] = v
        return v

    def _bind(self, scope: Scope, node: Node, outs: Sequence[Any], label: str) -> None:
        for i, name in enumerate(node.proto.output):
            if not name:
                continue
            out = outs[i] if i < len(outs) else None
            if out is None:
                v = Value(poisoned=True, pending=Issue(
                    "node", node.op, node.version, label, f"output #{i} ('{name}') is not supported"))
                scope.names[name] = v
                continue
            v = out if isinstance(out, Value) else Value(ssa=out)
            if v.ssa is not None and v.ssa.name_hint is None:
                _set_name(v.ssa, name)
            scope.names[name] = v

    def _poison(self, scope: Scope, proto: NodeProto) -> None:
        for name in proto.output:
            if name:
                scope.names[name] = Value(poisoned=True)

    # -- functions -----------------------------------------------------------------
    def _expand(self, ctx: Context, node: Node, local: FunctionProto | None, schema: Any, opset: int) -> list[Value | None]:
        fn = local if local is not None else _schema_function(schema, opset, node, ctx)
        if fn is None:
            raise Unsupported("the op's function body is not available for these inputs")
        if schema is not None:  # attribute defaults live in the schema, not the body
            defaults = {k: _attr_value(a.default_value, {}, self) for k, a in schema.attributes.items()
                        if k not in node.attrs and a.default_value.name}
            node = Node(node.proto, node.op, node.domain, node.version, node.opset, node.inputs,
                        defaults | node.attrs)
        return self.call_function(ctx, fn, node)

    def call_function(self, ctx: Context, fn: FunctionProto, node: Node) -> list[Value | None]:
        """Expand a function body inline with the node's inputs and attributes."""
        fscope = Scope()
        for formal, actual in zip(fn.input, node.inputs, strict=False):
            if actual is not None:
                fscope.names[formal] = actual
        env = {a.name: _attr_value(a, {}, self) for a in fn.attribute_proto}
        env |= node.attrs
        opsets = {_domain(o.domain): o.version for o in fn.opset_import} or dict(self.opsets)
        opsets.setdefault(DEFAULT_DOMAIN, self.opsets[DEFAULT_DOMAIN])
        before = len(self.issues)
        self.convert_nodes(ctx, fn.node, fscope, opsets, env)
        outs = [fscope.lookup(o) if node.wants(i) else None for i, o in enumerate(fn.output)]
        if len(self.issues) > before or any(v is not None and v.poisoned for v in outs):
            raise Poisoned("function body failed")
        return outs

    def convert_subgraph(self, ctx: Context, graph: GraphProto, inputs: Sequence[Value], name: str) -> list[Value]:
        """Inline a subgraph into the current block; outer names stay visible."""
        scope = Scope(parent=ctx.scope)
        for info, v in zip(graph.input, inputs, strict=False):
            scope.names[info.name] = v
        for t in graph.initializer:
            arr = self._tensor(t, f"initializer '{t.name}' of subgraph '{name}'")
            if arr is not None:
                scope.names[t.name] = Value(const=arr)
        before = len(self.issues)
        self.convert_nodes(ctx, graph.node, scope, ctx.opsets or self.opsets, ctx.attr_env)
        outs: list[Value] = []
        for out in graph.output:
            v = scope.lookup(out.name)
            if v is None or v.poisoned:
                if v is not None:
                    self._report_pending(v)
                raise Poisoned("subgraph failed")
            outs.append(v)
        if len(self.issues) > before:
            raise Poisoned("subgraph failed")
        return outs


# -- helpers ---------------------------------------------------------------------------
@dataclass
class _Resolved:
    """How a node is converted: its domain and opset, schema, converter or function body."""

    domain: str
    opset: int
    version: int
    label: str
    local: FunctionProto | None
    schema: Any
    conv: Any
    expandable: bool

    @staticmethod
    def of(proto: NodeProto, opsets: dict[str, int], importer: Importer) -> _Resolved:
        domain = _domain(proto.domain)
        label = proto.name or (proto.output[0] if proto.output else proto.op_type)
        local = importer.functions.get((domain, proto.op_type))
        opset = opsets.get(domain, importer.opsets.get(domain, 0))
        schema = None if local is not None else _schema(proto.op_type, opset, domain)
        version = schema.since_version if schema is not None else opset
        expandable = local is not None or (schema is not None and _has_function(schema))
        return _Resolved(domain, opset, version, label, local, schema, CONVERTERS.get((domain, proto.op_type)),
                         expandable)


def _domain(d: str) -> str:
    return DEFAULT_DOMAIN if d in ("", "ai.onnx") else d


def _qualified(domain: str, op: str) -> str:
    return op if domain == DEFAULT_DOMAIN else f"{domain}.{op}"


def _schema(op: str, opset: int, domain: str) -> Any:
    try:
        return onnx.defs.get_schema(op, opset, domain)
    except onnx.defs.SchemaError:
        return None


def _has_function(schema: Any) -> bool:
    return bool(schema.has_function or schema.function_opset_versions or schema.has_context_dependent_function)


def _schema_function(schema: Any, opset: int, node: Node, ctx: Context) -> FunctionProto | None:
    """The schema's function body for `opset` (context-dependent ones get the input types)."""
    fn = FunctionProto()
    plain = [v for v in schema.function_opset_versions if v <= opset]
    if plain:
        fn.ParseFromString(schema.get_function_with_opset_version(max(plain)))
        return fn
    if schema.has_function:
        return schema.function_body
    dependent = [v for v in schema.context_dependent_function_opset_versions if v <= opset]
    if not dependent:
        return None
    proto = onnx.helper.make_node(node.op, list(node.proto.input), list(node.proto.output),
                                  name=node.proto.name, domain=node.proto.domain)
    proto.attribute.extend(_make_attr(k, v) for k, v in node.attrs.items())
    present = {a.name for a in proto.attribute}
    for name, a in schema.attributes.items():
        if name not in present and a.default_value is not None and a.default_value.name:
            proto.attribute.append(a.default_value)
    types = [_type_proto(ctx, v) for v in node.inputs]
    body = schema.get_context_dependent_function_with_opset_version(
        max(dependent), proto.SerializeToString(), [t.SerializeToString() for t in types])
    if not body:
        return None
    fn.ParseFromString(body)
    return fn if fn.node else None


def _make_attr(name: str, value: Any) -> AttributeProto:
    """A resolved attribute value back as an AttributeProto (for function builders)."""
    if isinstance(value, np.ndarray):
        return onnx.helper.make_attribute(name, numpy_helper.from_array(value))
    return onnx.helper.make_attribute(name, value)


def _type_proto(ctx: Context, v: Value | None) -> onnx.TypeProto:
    if v is None:
        return onnx.TypeProto()
    t = ctx.type(v)
    dims = [d.value() if d.is_const() else str(d) for d in t.dims]
    return onnx.helper.make_tensor_type_proto(onnx_elem(t.element_type), dims)


def _attributes(proto: NodeProto, env: dict[str, Any], importer: Importer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in proto.attribute:
        if a.ref_attr_name:
            if a.ref_attr_name in env:
                out[a.name] = env[a.ref_attr_name]
            continue
        out[a.name] = _attr_value(a, env, importer)
    return out


def _attr_value(a: AttributeProto, env: dict[str, Any], importer: Importer) -> Any:
    if a.type == AttributeProto.TENSOR:
        return np.asarray(numpy_helper.to_array(a.t))
    if a.type == AttributeProto.SPARSE_TENSOR:
        return _sparse_to_dense(a.sparse_tensor)
    if a.type == AttributeProto.GRAPH:
        return a.g
    value = onnx.helper.get_attribute_value(a)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return [v.decode("utf-8", errors="replace") for v in value]
    return value


def _sparse_to_dense(s: onnx.SparseTensorProto) -> np.ndarray:
    values = np.asarray(numpy_helper.to_array(s.values))
    idx = np.asarray(numpy_helper.to_array(s.indices)).astype(np.int64)
    dims = tuple(s.dims)
    out = np.zeros(int(np.prod(dims)), dtype=values.dtype)
    flat = idx if idx.ndim == 1 else np.ravel_multi_index(tuple(idx.T), dims)
    out[flat] = values
    return out.reshape(dims)


def _set_name(v: SSAValue, name: str) -> None:
    ident = _IDENT.sub("_", name)
    if ident and not ident[0].isdigit() and SSAValue.is_valid_name(ident):
        v.name_hint = ident


def _drop_dead_ops(block: Block) -> None:
    """Erase ops whose results are unused (known data that only fed shapes)."""
    for op in reversed(list(block.ops)):
        if isinstance(op, g.ReturnOp) or any(r.uses for r in op.results):
            continue
        block.erase_op(op)
