"""`graph-convert-layout{layout="NHWC"}`: run conv nets channel-last (or back to channel-first).

Convs and pooling (1-3 spatial dims: NWC/NHWC/NDHWC) switch layout; conv
weights become [*k, I, O] (HWIO), folded when they are constants. The new
layout then spreads forward through the ops that can follow it: elementwise
and broadcast ops (a constant bias [C, 1, 1] is re-laid-out as [1, 1, 1, C]),
batch/instance/group norm (channel_axis), concat/split/slice/pad (axes
remapped), resize, reductions, softmax and transposes. Transposes back to the
original layout are inserted only where a value leaves that region: graph
outputs and ops without a rule (dense, layer norm, a flatten that mixes
channels and spatial dims). A reshape/flatten of a value that only moved
size-1 dims (a global pool [N, 1, 1, C]) needs no transpose. Transpose pairs
then cancel (and one that only moves size-1 dims becomes a reshape), so a
ResNet has one transpose at its input, plus one at its output when it
returns a feature map.

    %c = graph.conv %x, %w {pads = array<i64: 1, 1, 1, 1>}     // x: [1, 3, 8, 8], w: [4, 3, 3, 3]
    %r = graph.relu %c
    graph.return %r
becomes (NHWC)
    %t = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>}    // [1, 8, 8, 3]
    %w2 = graph.constant dense<...>                             // [3, 3, 3, 4] (HWIO)
    %c = graph.conv %t, %w2 {layout = "NHWC", pads = ...}
    %r = graph.relu %c
    %o = graph.transpose %r {perm = array<i64: 0, 3, 1, 2>}
    graph.return %o

`layout="NCHW"` converts channel-last convs and pools back the same way.
Fused functions (graph-fuse-ops output) and conv_transpose are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.transforms.dead_code_elimination import region_dce
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.errors import TensorforgeError
from tensorforge.rewrites.canonical import LAYOUT
from tensorforge.rewrites.table import apply_table
from tensorforge.transforms.layout_rules import Rule, rule_for
from tensorforge.transforms.layout_state import Converter
from tensorforge.transforms.lower_to_tensorir import FUSED_ATTR

LAST = ("NHWC", "NWC", "NDHWC")
FIRST = ("NCHW", "NCW", "NCDHW")
_CLEANUP = ("transpose-identity", "transpose-transpose-identity", "transpose-transpose", "transpose-as-reshape")


def convert_function(func: FuncOp, to_last: bool) -> None:
    """Convert one function's ops in program order (the old ops are left for DCE)."""
    c = Converter(to_last)
    for op in list(func.body.block.ops):
        c.current = op
        rule = rule_for(op)
        if rule is not None and _applies(rule, c, op):
            continue
        c.restore_operands(op)


def _applies(rule: Rule, c: Converter, op: Operation) -> bool:
    """Run a rule; a converted op that does not verify means the op stays as it is."""
    try:
        return rule(c, op)
    except VerifyException:
        return False


@dataclass(frozen=True)
class ConvertLayoutPass(ModulePass):
    """Convert conv nets to channel-last (NHWC) or channel-first (NCHW) layout."""

    name = "graph-convert-layout"

    layout: str = "NHWC"
    """Target layout: NHWC (channel-last; NWC and NDHWC are synonyms) or NCHW (channel-first)."""

    def to_last(self) -> bool:
        if self.layout in LAST:
            return True
        if self.layout in FIRST:
            return False
        raise TensorforgeError(f"graph-convert-layout: layout must be one of {', '.join(LAST + FIRST)}, "
                               f"got '{self.layout}'")

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        to_last = self.to_last()
        funcs = [f for f in op.body.block.ops if isinstance(f, FuncOp) and FUSED_ATTR not in f.attributes]
        for func in funcs:
            convert_function(func, to_last)
            region_dce(func.body)
        apply_table(op, LAYOUT.select(enable_only=_CLEANUP))
