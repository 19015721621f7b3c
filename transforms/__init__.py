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


def _fuse_ops() -> type[ModulePass]:
    from tensorforge.transforms.fuse_ops import FuseOpsPass

    return FuseOpsPass


def _fold_batchnorm() -> type[ModulePass]:
    from tensorforge.transforms.fold_batchnorm import FoldBatchNormPass

    return FoldBatchNormPass


def _recognize() -> type[ModulePass]:
    from tensorforge.transforms.recognize import RecognizePass

    return RecognizePass


def _graph_canonicalize() -> type[ModulePass]:
    from tensorforge.transforms.graph_canonicalize import GraphCanonicalizePass

    return GraphCanonicalizePass


def _default_schedule() -> type[ModulePass]:
    from tensorforge.transforms.default_schedule import DefaultSchedulePass

    return DefaultSchedulePass


def _inline_calls() -> type[ModulePass]:
    from tensorforge.transforms.inline_calls import InlineCallsPass

    return InlineCallsPass


def _mixed_precision() -> type[ModulePass]:
    from tensorforge.transforms.mixed_precision import MixedPrecisionPass

    return MixedPrecisionPass


def _quantize_int8() -> type[ModulePass]:
    from tensorforge.transforms.quantize_int8 import QuantizeInt8Pass

    return QuantizeInt8Pass


def _convert_layout() -> type[ModulePass]:
    from tensorforge.transforms.convert_layout import ConvertLayoutPass

    return ConvertLayoutPass


def _hoist_constant_stages() -> type[ModulePass]:
    from tensorforge.transforms.hoist_constant_stages import HoistConstantStagesPass

    return HoistConstantStagesPass


def _dedup_tir_funcs() -> type[ModulePass]:
    from tensorforge.transforms.dedup_tir_funcs import DedupTirFuncsPass

    return DedupTirFuncsPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "graph-infer-shapes": _infer_shapes,
    "graph-fold-constants": _fold_constants,
    "graph-outline-constants": _outline_constants,
    "graph-lower-to-tensorir": _lower_to_tensorir,
    "tir-apply-schedule": _apply_schedule,
    "graph-canonicalize": _graph_canonicalize,
    "graph-fuse-ops": _fuse_ops,
    "graph-fold-batchnorm": _fold_batchnorm,
    "graph-recognize": _recognize,
    "graph-convert-layout": _convert_layout,
    "graph-mixed-precision": _mixed_precision,
    "tir-default-schedule": _default_schedule,
    "graph-inline": _inline_calls,
    "graph-quantize-int8": _quantize_int8,
    "tir-hoist-constant-stages": _hoist_constant_stages,
    "tir-dedup-funcs": _dedup_tir_funcs,
}
