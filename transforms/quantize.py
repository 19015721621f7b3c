"""Post-training int8 quantization from Python, and how far it drifts from f32.

    cal = calibrate(module, samples, method="percentile", percentile=99.99)
    cal.save("ranges.npz")              # for graph-quantize-int8{calibration="ranges.npz"}
    qmod = quantize(module, cal)        # a quantized copy
    print(drift_report(module, qmod, samples))

`samples` are dicts from the entry function's argument names to arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from tensorforge.transforms.calibrate import (
    Calibration,
    QuantizeError,
    TensorRange,
    calibrate,
    entry_arguments,
    find_sites,
)
from tensorforge.transforms.quantize_int8 import QuantizeInt8Pass, quantize, quantize_in_place


@dataclass(frozen=True)
class OutputDrift:
    """Quantized vs f32 on one output, over every sample.

    `relative` is max_abs / (max - min of the f32 values); `snr_db` is
    10 log10(sum ref^2 / sum err^2); `top1` is the fraction of rows whose
    argmax over the last axis agrees (outputs of rank >= 2 with > 1 class)."""

    name: str
    max_abs: float
    relative: float
    snr_db: float
    top1: float | None

    def __str__(self) -> str:
        top1 = "" if self.top1 is None else f"  top1 {100 * self.top1:.1f}%"
        return f"{self.name}: max abs {self.max_abs:.4g}  rel {100 * self.relative:.3f}%  SNR {self.snr_db:.1f} dB{top1}"


@dataclass(frozen=True)
class DriftReport:
    outputs: list[OutputDrift]

    def __str__(self) -> str:
        return "\n".join(["quantization drift vs f32:", *(f"  {o}" for o in self.outputs)])


def drift_report(original: ModuleOp, quantized: ModuleOp, samples: Iterable[Mapping[str, np.ndarray]],
                 entry: str = "main") -> DriftReport:
    """Interpret both modules on every sample and compare each output."""
    from tensorforge import interp

    refs: list[list[np.ndarray]] = []
    outs: list[list[np.ndarray]] = []
    for sample in samples:
        refs.append(interp.run(original, entry, *entry_arguments(original, entry, sample)))
        outs.append(interp.run(quantized, entry, *entry_arguments(quantized, entry, sample)))
    if not refs:
        raise QuantizeError("drift_report needs at least one sample")
    names = _result_names(original, entry, len(refs[0]))
    return DriftReport([_drift(names[i], [r[i] for r in refs], [o[i] for o in outs]) for i in range(len(names))])


def _result_names(module: ModuleOp, entry: str, count: int) -> list[str]:
    from xdsl.traits import SymbolTable

    func = SymbolTable.lookup_symbol(module, entry)
    names = list(getattr(func, "res_name_list", []) or [])
    return names if len(names) == count else [f"result {i}" for i in range(count)]


def _drift(name: str, refs: list[np.ndarray], outs: list[np.ndarray]) -> OutputDrift:
    ref = np.concatenate([np.asarray(r, np.float64).ravel() for r in refs])
    out = np.concatenate([np.asarray(o, np.float64).ravel() for o in outs])
    err = out - ref
    max_abs = float(np.max(np.abs(err))) if err.size else 0.0
    span = float(ref.max() - ref.min()) if ref.size else 0.0
    relative = max_abs / span if span > 0 else (0.0 if max_abs == 0 else float("inf"))
    noise = float(np.sum(err**2))
    snr = float("inf") if noise == 0 else 10 * np.log10(max(float(np.sum(ref**2)), 1e-300) / noise)
    return OutputDrift(name, max_abs, relative, float(snr), _top1(refs, outs))


def _top1(refs: list[np.ndarray], outs: list[np.ndarray]) -> float | None:
    if refs[0].ndim < 2 or refs[0].shape[-1] < 2:
        return None
    agree = [np.argmax(r, axis=-1) == np.argmax(o, axis=-1) for r, o in zip(refs, outs, strict=True)]
    return float(np.mean(np.concatenate([a.ravel() for a in agree])))


__all__ = [
    "Calibration",
    "DriftReport",
    "OutputDrift",
    "QuantizeError",
    "QuantizeInt8Pass",
    "TensorRange",
    "calibrate",
    "drift_report",
    "find_sites",
    "quantize",
    "quantize_in_place",
]
