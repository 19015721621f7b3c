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


def _lower_to_tensorir() -> type[ModulePass]:
    from tensorforge.transforms.lower_to_tensorir import LowerToTensorIRPass

    return LowerToTensorIRPass


def _apply_schedule() -> type[ModulePass]:
    from tensorforge.transforms.apply_schedule import ApplySchedulePass

    return ApplySchedulePass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "graph-infer-shapes": _infer_shapes,
    "graph-fold-constants": _fold_constants,
    "graph-outline-constants": _outline_constants,
    "graph-lower-to-tensorir": _lower_to_tensorir,
    "tir-apply-schedule": _apply_schedule,
}
