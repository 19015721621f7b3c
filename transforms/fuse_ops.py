"""`graph-fuse-ops`: group ops into fused graph functions, as TVM's FuseOps.

Each group becomes a private graph.func marked `graph.fused` (which
graph-lower-to-tensorir turns into ONE tir.func with inlined producers),
called from the original function with graph.call. Groups are grown greedily
in program order; an op joins the group of one of its producers when:

- kinds allow it: elementwise/broadcast/injective chains; a reduction with its
  elementwise prologue and elementwise epilogue; matmul/dense/conv (anchors)
  with an elementwise epilogue (bias add, activation, residual add);
- the group stays convex (no path leaves the group and comes back), so the
  call can be placed without cycles;
- the values it takes from the group have no consumer outside the group
  (an op with several consumers joins only if all of them can join too).

Groups of a single op stay as they are. Constants and parameters are passed
to fused functions as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, UnitAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from tensorforge.dialects.graphops import nn, reduce, shape, shape_slice
from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.elementwise import ELEMENTWISE_OPS
from tensorforge.dialects.graphops.func import CallOp, FuncOp, ReturnOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.transforms.lower_to_tensorir import FUSED_ATTR

ELEMWISE = "elemwise"
INJECTIVE = "injective"
REDUCTION = "reduction"
ANCHOR = "anchor"
OPAQUE = "opaque"

_KINDS: dict[type[Operation], str] = {t: ELEMWISE for t in ELEMENTWISE_OPS}
_KINDS[reduce.BatchNormOp] = ELEMWISE
for _t in (shape.ReshapeOp, shape.TransposeOp, shape.BroadcastToOp, shape.SqueezeOp, shape.UnsqueezeOp,
           shape.FlattenOp, shape.TileOp, shape_slice.SliceOp, shape_slice.PadOp, shape_slice.ConcatOp):
    _KINDS[_t] = INJECTIVE
for _t in (reduce.ReduceSumOp, reduce.ReduceMeanOp, reduce.ReduceMaxOp, reduce.ReduceMinOp, reduce.ReduceProdOp,
           reduce.ReduceL2Op, reduce.SoftmaxOp, reduce.LogSoftmaxOp, reduce.LayerNormOp):
    _KINDS[_t] = REDUCTION
for _t in (nn.MatmulOp, nn.DenseOp, nn.ConvOp):
    _KINDS[_t] = ANCHOR


def op_kind(op: Operation) -> str:
    """The fusion pattern of an op (TVM's OpPatternKind, coarsened)."""
    if not isinstance(op, GraphOp) or len(op.results) != 1:
        return OPAQUE
    return _KINDS.get(type(op), OPAQUE)


@dataclass
class _Group:
    ops: list[Operation] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)

    @property
    def sealed(self) -> bool:
        """After a reduction or an anchor, only elementwise epilogue ops join."""
        return bool(self.kinds & {REDUCTION, ANCHOR})


@dataclass(frozen=True)
class FuseOpsPass(ModulePass):
    """Group ops of each graph function into `graph.fused` functions."""

    name = "graph-fuse-ops"

    max_group_size: int = 256
    """Largest number of ops in one fused group."""

    no_injective: bool = False
    """Do not fuse injective (layout) ops such as reshape, transpose, slice."""

    no_reduction: bool = False
    """Do not fuse reductions with their prologue and epilogue."""

    no_epilogue: bool = False
    """Do not fuse matmul/dense/conv with their elementwise epilogue."""

    no_elemwise: bool = False
    """Do not fuse elementwise chains (reduction/anchor groups still take them)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        funcs = [f for f in op.body.block.ops if isinstance(f, FuncOp) and FUSED_ATTR not in f.attributes]
        used = {f.sym_name.data for f in op.body.block.ops if isinstance(f, FuncOp)}
        for func in funcs:
            groups = self._partition(func.body.block)
            anchor: Operation = func
            for k, group in enumerate(groups):
                name = _fresh(f"{func.sym_name.data}_fused_{k}", used)
                fused = _outline(func.body.block, group, name)
                op.body.block.insert_op_after(fused, anchor)
                anchor = fused
            if groups:
                _toposort(func.body.block)

    # -- partition ------------------------------------------------------------------
    def _allowed(self, group: _Group, kind: str) -> bool:
        """May an op of `kind` join `group`?"""
        if kind == OPAQUE or OPAQUE in group.kinds or len(group.ops) >= self.max_group_size:
            return False
        if group.sealed:
            return kind == ELEMWISE and not (ANCHOR in group.kinds and self.no_epilogue) and not (
                REDUCTION in group.kinds and self.no_reduction)
        if kind == ANCHOR:
            return False
        if kind == REDUCTION:
            return not self.no_reduction and not (group.kinds & {INJECTIVE})
        if kind == INJECTIVE or INJECTIVE in group.kinds:
            return not self.no_injective
        return not self.no_elemwise

    def _partition(self, block: Block) -> list[list[Operation]]:
        order = {o: i for i, o in enumerate(block.ops)}
        group_of: dict[Operation, _Group] = {}
        deps: dict[Operation, set[int]] = {}  # ids of groups an op depends on, transitively
        for op in block.ops:
            producers = [_producer(v, block) for v in op.operands]
            producers_in = [p for p in producers if p is not None]
            deps[op] = set()
            for p in producers_in:
                deps[op] |= deps[p] | {id(group_of[p])}
            group = self._choose(op, producers_in, group_of, deps, order)
            if group is None:
                group = _Group()
            group.ops.append(op)
            group.kinds.add(op_kind(op))
            group_of[op] = group
        unique = {id(g): g for g in group_of.values()}.values()
        groups = [g.ops for g in unique if len(g.ops) > 1 and _closed(g, group_of) and _bindable(g.ops)]
        return _acyclic(groups, block)

    def _choose(self, op: Operation, producers: list[Operation], group_of: dict[Operation, _Group],
                deps: dict[Operation, set[int]], order: dict[Operation, int]) -> _Group | None:
        kind = op_kind(op)
        for p in producers:
            group = group_of[p]
            if not self._allowed(group, kind):
                continue
            if any(group_of[q] is not group and id(group) in deps[q] for q in producers):
                continue  # a path leaves the group and comes back: not convex
            if all(_consumers_ok(v, op, group, group_of, order) for v in op.operands if _in(v, group, group_of)):
                return group
        return None


def _acyclic(groups: list[list[Operation]], block: Block) -> list[list[Operation]]:
    """Drop groups until the graph of groups (and unfused ops) has no cycle: each group is
    convex on its own, but two groups can still feed each other (a = f(x1) - g(y2) in one,
    b = g(y1) + f(x2) in the other), and outlining both would make calls that need each other."""
    while True:
        cycle = _cycle_group(groups, block)
        if cycle is None:
            return groups
        groups = [g for i, g in enumerate(groups) if i != cycle]


def _cycle_group(groups: list[list[Operation]], block: Block) -> int | None:
    """The index of a group on a cycle of the condensed graph, or None."""
    node: dict[Operation, object] = {op: op for op in block.ops}
    for i, g in enumerate(groups):
        node.update(dict.fromkeys(g, i))
    succ: dict[object, set[object]] = {}
    for op in block.ops:
        for r in op.results:
            succ.setdefault(node[op], set()).update(
                node[u.operation] for u in r.uses if u.operation in node and node[u.operation] != node[op])
    state: dict[object, int] = {}  # 1: on the DFS stack, 2: done
    for start in succ:
        stack: list[tuple[object, list[object]]] = [(start, list(succ.get(start, ())))]
        if state.get(start):
            continue
        state[start] = 1
        while stack:
            n, todo = stack[-1]
            if not todo:
                state[n] = 2
                stack.pop()
                continue
            m = todo.pop()
            if state.get(m) == 1:
                on_cycle = [k for k, _ in stack[[k for k, _ in stack].index(m):]]
                return next(k for k in on_cycle if isinstance(k, int))
            if not state.get(m):
                state[m] = 1
                stack.append((m, list(succ.get(m, ()))))
    return None


def _producer(v: SSAValue, block: Block) -> Operation | None:
    owner = v.owner
    return owner if isinstance(owner, Operation) and owner.parent is block else None


def _in(v: SSAValue, group: _Group, group_of: dict[Operation, _Group]) -> bool:
    return isinstance(v.owner, Operation) and group_of.get(v.owner) is group


def _consumers_ok(v: SSAValue, op: Operation, group: _Group, group_of: dict[Operation, _Group],
                  order: dict[Operation, int]) -> bool:
    """Every consumer of `v` is in the group, `op`, or a later elementwise op
    (which may join after `op`; `_closed` drops the group if it does not)."""
    for use in v.uses:
        user = use.operation
        if user is op or group_of.get(user) is group:
            continue
        if user not in order or order[user] < order[op] or op_kind(user) != ELEMWISE:
            return False
    return True


def _closed(group: _Group, group_of: dict[Operation, _Group]) -> bool:
    """No value has consumers both inside and outside the group (else leave it unfused)."""
    members = set(group.ops)
    for op in group.ops:
        for r in op.results:
            users = {u.operation for u in r.uses}
            if users & members and users - members:
                return False
    return True


def _group_inputs(ops: list[Operation]) -> list[SSAValue]:
    members = set(ops)
    inputs: list[SSAValue] = []
    for op in ops:
        for v in op.operands:
            if not (isinstance(v.owner, Operation) and v.owner in members) and v not in inputs:
                inputs.append(v)
    return inputs


def _bindable(ops: list[Operation]) -> bool:
    """Every symbol in the group's types is bound by a plain-symbol argument dim
    (a call binds `n` from an argument dim `n`, not from `n+2`)."""
    bound: set[str] = set()
    for v in _group_inputs(ops):
        if isinstance(v.type, TensorType):
            bound |= {d.free_symbols().pop() for d in v.type.dims if d.is_symbol()}
    values = [*_group_inputs(ops), *(r for op in ops for r in op.results)]
    for v in values:
        if not isinstance(v.type, TensorType):
            return False
        if any(not d.free_symbols() <= bound for d in v.type.dims):
            return False
    return True


# -- outlining ----------------------------------------------------------------------
def _outline(block: Block, ops: list[Operation], name: str) -> FuncOp:
    """Move `ops` into a new fused function and put a call in the first op's place."""
    members = set(ops)
    inputs = _group_inputs(ops)
    outputs = [r for op in ops for r in op.results if any(u.operation not in members for u in r.uses)]
    body = Block(arg_types=[v.type for v in inputs])
    mapping: dict[SSAValue, SSAValue] = dict(zip(inputs, body.args, strict=True))
    for op in ops:
        clone = op.clone(value_mapper=mapping)
        body.add_op(clone)
        mapping.update(zip(op.results, clone.results, strict=True))
    body.add_op(ReturnOp(*[mapping[v] for v in outputs]))
    func = FuncOp(name, [(f"a{i}", v.type) for i, v in enumerate(inputs)],
                  [(f"r{i}", v.type) for i, v in enumerate(outputs)], Region(body), visibility="private")
    func.attributes[FUSED_ATTR] = UnitAttr()
    call = CallOp(func, *inputs)
    call.location = ops[-1].location
    block.insert_op_before(call, ops[0])
    for old, new in zip(outputs, call.res, strict=True):
        old.replace_all_uses_with(new)
    for op in reversed(ops):
        op.detach()
        op.erase()
    return func


def _toposort(block: Block) -> None:
    """Reorder ops so definitions precede uses, keeping the original order where possible."""
    ops = list(block.ops)
    term = ops.pop() if ops and isinstance(ops[-1], ReturnOp) else None
    placed: set[Operation] = set()
    pending = list(ops)
    result: list[Operation] = []
    while pending:
        for i, op in enumerate(pending):
            if all(not (isinstance(v.owner, Operation) and v.owner in pending) or v.owner is op for v in op.operands):
                result.append(pending.pop(i))
                placed.add(op)
                break
        else:
            raise AssertionError("graph-fuse-ops made a cycle")
    for op in ops:
        op.detach()
    for op in result:
        if term is None:
            block.add_op(op)
            continue
        block.insert_op_before(op, term)


def _fresh(base: str, used: set[str]) -> str:
    name, k = base, 0
    while name in used:
        k += 1
        name = f"{base}_{k}"
    used.add(name)
    return name
