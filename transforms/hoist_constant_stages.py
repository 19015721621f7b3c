"""`tir-hoist-constant-stages`: move stages that only read constants out of kernels.

The default matmul schedule packs B into panels (`cache_read` + `transform_layout`)
at the start of the kernel, on every call. When B is a graph constant (the
weights of a dense layer) that work depends on nothing the call changes: this
pass outlines such a top-level loop nest into its own tir.func, called once on
the constant from the graph function; the kernel takes the packed buffer as a
new input instead of allocating it. `tensorforge.compile` then evaluates calls
whose operands are all constants at compile time (runtime/prepack.py), so the
packing runs once per model instead of once per call.

    %w = graph.constant ...
    %y = graph.call_tir @dense(%x, %w, %b)
    tir.func @dense(%a0, %a1, %a2, %r0) {
      %a1_global = tir.alloc : !tir.buffer<[16, 784, 64], f32>
      tir.for ... { tir.block "a1_global" ... reads(%a1[..]) writes(%a1_global[..]) }
      ... reads(%a0[..], %a1_global[..]) ...
  becomes
    %p = graph.call_tir @dense_a1_global(%w) : (...) -> !graph.tensor<[16, 784, 64], f32>
    %y = graph.call_tir @dense(%x, %b, %p)
    tir.func @dense_a1_global(%a1, %a1_global) { tir.for ... }
    tir.func @dense(%a0, %a2, %a1_global, %r0) { ... reads(%a0[..], %a1_global[..]) ... }

A nest is hoisted when it is a top-level statement of the kernel whose blocks
read only inputs that are `graph.constant`s at every call site, write only one
`tir.alloc` buffer that nothing else writes and nothing before it uses, and has
static loop extents. Inputs left unused are dropped from the kernel and its calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, FunctionType, ModuleOp, StringAttr
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tensorforge.dialects.graphops.call_tir import CallTirOp, buffer_as_tensor
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, LoadOp, ReturnOp


@dataclass(frozen=True)
class HoistConstantStagesPass(ModulePass):
    """Outline kernel stages that only read constants into kernels of their own."""

    name = "tir-hoist-constant-stages"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        kernels = {f.sym_name.data: f for f in op.body.block.ops if isinstance(f, FuncOp)}
        calls: dict[str, list[CallTirOp]] = {}
        for call in op.walk():
            if isinstance(call, CallTirOp):
                calls.setdefault(call.callee.root_reference.data, []).append(call)
        names = set(kernels)
        for name, kernel in kernels.items():
            sites = calls.get(name, [])
            if sites:
                _hoist_all(op, kernel, sites, names)


def _hoist_all(module: ModuleOp, kernel: FuncOp, sites: list[CallTirOp], names: set[str]) -> None:
    """Hoist every eligible nest of `kernel`, updating its call sites (replaced in `sites`)."""
    while True:
        n_in = len(sites[0].arguments)
        const_args = _constant_inputs(kernel, sites, n_in)
        nest = next((s for s in kernel.body.block.ops if _eligible(s, kernel, const_args)), None)
        if nest is None:
            break
        _hoist(module, kernel, nest, sites, names)
    _drop_unused_inputs(kernel, sites)


def _constant_inputs(kernel: FuncOp, sites: list[CallTirOp], n_in: int) -> set[SSAValue]:
    args = kernel.body.block.args
    return {args[i] for i in range(n_in) if all(isinstance(s.arguments[i].owner, ConstantOp) for s in sites)}


def _eligible(nest: Operation, kernel: FuncOp, const_args: set[SSAValue]) -> bool:
    if not isinstance(nest, ForOp | BlockOp):
        return False
    blocks = [b for b in nest.walk() if isinstance(b, BlockOp)]
    written = {w for b in blocks for w in b.writes}
    if not blocks or len(written) != 1:
        return False
    buf = next(iter(written))
    if not isinstance(buf.owner, AllocOp) or not _static_nest(nest):
        return False
    allowed = const_args | {buf}
    inner = set(nest.walk())
    for o in inner:
        if any(v not in allowed and v.owner not in inner and not _inside(v, inner) for v in o.operands):
            return False
    if any(isinstance(o, LoadOp) and o.buffer not in const_args for o in inner):
        return False
    return _only_writer_first(buf, nest, kernel)


def _inside(v: SSAValue, inner: set[Operation]) -> bool:
    """Block arguments of regions inside the nest."""
    return isinstance(v, BlockArgument) and v.block.parent_op() in inner


def _static_nest(nest: Operation) -> bool:
    for o in nest.walk():
        if isinstance(o, ForOp) and not o.extent_expr.is_const():
            return False
        if isinstance(o, BlockOp) and not all(d.is_const() for _, _, d, _ in o.iters):
            return False
    return True


def _only_writer_first(buf: SSAValue, nest: Operation, kernel: FuncOp) -> bool:
    """No statement before `nest` uses `buf`, and no block outside `nest` writes it."""
    top = list(kernel.body.block.ops)
    at = top.index(nest)
    for use in buf.uses:
        stmt = _top_statement(use.operation, kernel)
        if stmt is nest:
            continue
        if top.index(stmt) < at:
            return False
        if isinstance(use.operation, BlockOp) and buf in use.operation.writes:
            return False
    return True


def _top_statement(o: Operation, kernel: FuncOp) -> Operation:
    while o.parent_op() is not kernel:
        parent = o.parent_op()
        assert parent is not None
        o = parent
    return o


def _hoist(module: ModuleOp, kernel: FuncOp, nest: Operation, sites: list[CallTirOp], names: set[str]) -> None:
    buf = next(w for b in nest.walk() if isinstance(b, BlockOp) for w in b.writes)
    alloc = buf.owner
    assert isinstance(alloc, AllocOp)
    args = kernel.body.block.args
    reads = [a for a in args if any(u.operation in set(nest.walk()) for u in a.uses)]
    base = buf.name_hint or "packed"
    new_name = _fresh(f"{kernel.sym_name.data}_{base}", names)
    arg_names = kernel.arg_name_list
    params = [(arg_names[a.index], a.type) for a in reads] + [(base, buf.type)]
    stage = FuncOp(new_name, params)  # type: ignore[arg-type]
    mapping: dict[SSAValue, SSAValue] = dict(zip([*reads, buf], stage.body.block.args, strict=True))
    stage.body.block.add_ops([nest.clone(value_mapper=mapping), ReturnOp()])
    module.body.block.insert_op_after(stage, kernel)
    n_in = len(sites[0].arguments)
    new_arg = kernel.body.block.insert_arg(buf.type, n_in)
    new_arg.name_hint = base
    buf.replace_all_uses_with(new_arg)
    nest.detach()
    nest.erase()
    alloc.detach()
    alloc.erase()
    _retype(kernel, [*arg_names[:n_in], base, *arg_names[n_in:]])
    tensor = buffer_as_tensor(buf.type)
    assert tensor is not None
    for i, site in enumerate(sites):
        packed = CallTirOp(new_name, [site.arguments[a.index] for a in reads], [tensor])
        Rewriter.insert_op(packed, InsertPoint.before(site))
        sites[i] = _recall(site, [*site.arguments, packed.res[0]])


def _fresh(name: str, names: set[str]) -> str:
    out, n = name, 0
    while out in names:
        n += 1
        out = f"{name}_{n}"
    names.add(out)
    return out


def _recall(site: CallTirOp, operands: list[SSAValue]) -> CallTirOp:
    new = CallTirOp(site.callee.root_reference.data, operands, list(site.res.types))  # type: ignore[arg-type]
    new.attributes |= site.attributes
    Rewriter.replace_op(site, new)
    return new


def _retype(kernel: FuncOp, arg_names: list[str]) -> None:
    kernel.properties["function_type"] = FunctionType.from_lists([a.type for a in kernel.body.block.args], [])
    kernel.properties["arg_names"] = ArrayAttr([StringAttr(n) for n in arg_names])


def _drop_unused_inputs(kernel: FuncOp, sites: list[CallTirOp]) -> None:
    """Remove constant inputs that no statement reads any more (they were only packed)."""
    n_in = len(sites[0].arguments)
    args = list(kernel.body.block.args)
    unused = [i for i in range(n_in) if not args[i].uses and all(isinstance(s.arguments[i].owner, ConstantOp) for s in sites)]
    if not unused:
        return
    names = kernel.arg_name_list
    for i in reversed(unused):
        kernel.body.block.erase_arg(args[i])
    _retype(kernel, [n for i, n in enumerate(names) if i not in unused])
    for k, site in enumerate(sites):
        sites[k] = _recall(site, [v for i, v in enumerate(site.arguments) if i not in unused])
