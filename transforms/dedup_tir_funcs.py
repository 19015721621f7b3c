"""`tir-dedup-funcs`: call one tir.func for all identical kernels.

graph-lower-to-tensorir shares kernels between identical unfused ops, but each
fused function becomes a tir.func of its own: ResNet-50's 53 convolutions (most
with a bias/ReLU epilogue) come in 23 shapes, so most kernels are copies. Every
copy is scheduled, hoisted, pre-packed and compiled by LLVM again; this pass
makes the `graph.call_tir`s of copies call the first kernel and erases the
copies. Run it after lowering and before scheduling.

Two kernels are identical when they print the same with the function name and
SSA value names left out (same body, buffer types, symbols and attributes).
Only kernels that some `graph.call_tir` calls are considered: a tir.func nobody
calls may be an entry point looked up by name.

    %a = graph.call_tir @fused_conv(%x, %w1)
    %b = graph.call_tir @fused_conv_1(%a, %w2)
    tir.func @fused_conv(%x: ..., %w: ..., %y: ...) { <body> }
    tir.func @fused_conv_1(%a: ..., %w2: ..., %r: ...) { <the same body> }
  becomes
    %a = graph.call_tir @fused_conv(%x, %w1)
    %b = graph.call_tir @fused_conv(%a, %w2)
    tir.func @fused_conv(%x: ..., %w: ..., %y: ...) { <body> }
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, SymbolRefAttr
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.tirops.ops import FuncOp


def structural_key(func: FuncOp) -> str:
    """The function's text without its name, argument names and SSA value names."""
    clone = func.clone()
    clone.sym_name = StringAttr("_")
    clone.properties["arg_names"] = ArrayAttr([StringAttr(f"a{i}") for i in range(len(clone.body.block.args))])
    for op in clone.walk():
        _forget_names(op.results)
        for block in (b for region in op.regions for b in region.blocks):
            _forget_names(block.args)
    return str(clone)


def _forget_names(values: Sequence[SSAValue]) -> None:
    for v in values:
        v.name_hint = None


def dedup_tir_funcs(module: ModuleOp) -> dict[str, str]:
    """Redirect calls of duplicate kernels to the first copy and erase the others;
    returns {erased kernel: kernel kept}."""
    calls = [op for op in module.walk() if isinstance(op, CallTirOp)]
    called = {c.callee.root_reference.data for c in calls}
    kernels = [f for f in module.body.block.ops if isinstance(f, FuncOp) and f.sym_name.data in called]
    first: dict[str, str] = {}
    replaced: dict[str, str] = {}
    for kernel in kernels:
        name = kernel.sym_name.data
        kept = first.setdefault(structural_key(kernel), name)
        if kept != name:
            replaced[name] = kept
    if not replaced:
        return {}
    for call in calls:
        target = replaced.get(call.callee.root_reference.data)
        if target is not None:
            call.properties["callee"] = SymbolRefAttr(target)
    for kernel in kernels:
        if kernel.sym_name.data in replaced:
            kernel.detach()
            kernel.erase()
    return replaced


@dataclass(frozen=True)
class DedupTirFuncsPass(ModulePass):
    """Make calls of identical tir.funcs call one of them; erase the rest."""

    name = "tir-dedup-funcs"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        dedup_tir_funcs(op)
