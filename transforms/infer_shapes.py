"""`graph-infer-shapes`: recompute every result type from the op's `infer`.

Importers and rewrites may leave result types stale or less precise than the
rules give; this pass walks each function in order, refines every result (a
static dim is kept where inference only knows a symbol), re-derives call
results from callee signatures, and updates function result types from what
they return.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp
from xdsl.ir import Attribute, Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.func import CallOp, FuncOp, ReturnOp, bind_call, substitute_type
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr


def refine(declared: Attribute, inferred: Attribute) -> Attribute:
    """The inferred type, except where the declared one knows a static size."""
    if not isinstance(declared, TensorType) or not isinstance(inferred, TensorType):
        return inferred
    if declared.rank != inferred.rank or declared.element_type != inferred.element_type:
        return inferred
    dims: list[Expr] = []
    for d, i in zip(declared.dims, inferred.dims, strict=True):
        dims.append(d if d.is_const() and not i.is_const() else i)
    return inferred.with_shape(dims)


def _retype(op: Operation, types: list[Attribute]) -> None:
    if [r.type for r in op.results] == types:
        return
    new = op.create(
        operands=list(op.operands),
        result_types=types,
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[op.detach_region(r) for r in list(op.regions)],
    )
    new.location = op.location
    Rewriter.replace_op(op, new)


def _infer_call(op: CallOp, funcs: dict[str, FuncOp]) -> list[Attribute] | None:
    callee = funcs.get(op.callee.root_reference.data)
    if callee is None:
        return None
    env = bind_call(callee.function_type.inputs.data, op.arguments.types, callee.sym_name.data)
    return [substitute_type(t, env) for t in callee.function_type.outputs.data]


def infer_function(func: FuncOp, funcs: dict[str, FuncOp]) -> None:
    for op in list(func.body.walk()):
        if isinstance(op, GraphOp):
            inferred: list[Attribute] | None = list(op.infer_result_types())
        elif isinstance(op, CallOp):
            inferred = _infer_call(op, funcs)
        else:
            continue
        if inferred is None:
            continue
        _retype(op, [refine(r.type, t) for r, t in zip(op.results, inferred, strict=True)])
    ret = func.body.block.last_op
    if isinstance(ret, ReturnOp):
        ins = func.function_type.inputs.data
        func.properties["function_type"] = FunctionType.from_lists(list(ins), list(ret.arguments.types))


@dataclass(frozen=True)
class InferShapesPass(ModulePass):
    """Refine result types of graph ops and functions from the inference rules."""

    name = "graph-infer-shapes"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        funcs = {f.sym_name.data: f for f in op.walk() if isinstance(f, FuncOp)}
        # callees first, so call results see refined signatures
        for func in _callees_first(list(funcs.values()), funcs):
            if func.body.blocks:
                infer_function(func, funcs)


def _callees_first(funcs: list[FuncOp], by_name: dict[str, FuncOp]) -> list[FuncOp]:
    order: list[FuncOp] = []
    state: dict[str, int] = {}

    def visit(f: FuncOp) -> None:
        name = f.sym_name.data
        if state.get(name):
            return
        state[name] = 1
        for call in f.body.walk():
            if isinstance(call, CallOp) and call.callee.root_reference.data in by_name:
                visit(by_name[call.callee.root_reference.data])
        order.append(f)

    for f in funcs:
        visit(f)
    return order
