"""`graph-fold-constants`: evaluate constant subgraphs with the interpreter.

Unlike canonicalize's folding (small results only), this pass folds any op
whose operands are all constants, up to `max-elements` per result, and can
read external (`#graph.external`) constants when `fold-external` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern
from xdsl.transforms.dead_code_elimination import region_dce

from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.interp.fold import constant_array, evaluate, static_result_size


@dataclass
class _FoldOp(RewritePattern):
    max_elements: int
    fold_external: bool
    base_dir: Path

    def match_and_rewrite(self, op, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, GraphOp) or not op.operands:
            return
        size = static_result_size(op)
        if size is None or size > self.max_elements * max(len(op.results), 1):
            return
        args = [constant_array(v, self.base_dir, self.fold_external) for v in op.operands]
        if any(a is None for a in args):
            return
        values = evaluate(op, args)  # type: ignore[arg-type]
        if values is None:
            return
        new_ops = []
        for res, v in zip(op.results, values, strict=True):
            assert isinstance(res.type, TensorType)
            new_ops.append(ConstantOp(dense_from_array(v), res.type))
        rewriter.replace_op(op, new_ops, [c.result for c in new_ops])


@dataclass(frozen=True)
class FoldConstantsPass(ModulePass):
    """Replace ops on constants by their values (computed by the interpreter)."""

    name = "graph-fold-constants"

    max_elements: int = 1 << 20
    """Largest result (in elements) to materialize as a constant."""

    fold_external: bool = False
    """Also read `#graph.external` constants (relative to the working directory)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        pattern = _FoldOp(self.max_elements, self.fold_external, Path.cwd())
        PatternRewriteWalker(pattern, apply_recursively=True, post_walk_func=region_dce).rewrite_module(op)
