"""tensorforge's passes, one per module; `PASSES` maps names to factories."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.passes import ModulePass


def _infer_shapes() -> type[ModulePass]:
    from tensorforge.transforms.infer_shapes import InferShapesPass

    return InferShapesPass


def _fold_constants() -> type[ModulePass]:
    from tensorforge.transforms.fold_constants import FoldConstantsPass

    return FoldConstantsPass


def _outline_constants() -> type[ModulePass]:
    from tensorforge.transforms.outline_constants import OutlineConstantsPass

    return OutlineConstantsPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "graph-infer-shapes": _infer_shapes,
    "graph-fold-constants": _fold_constants,
    "graph-outline-constants": _outline_constants,
}
