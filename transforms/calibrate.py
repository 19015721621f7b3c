"""Calibration for post-training int8 quantization (`graph-quantize-int8`).

A *site* is an op the quantizer can rewrite: a `graph.dense`, `graph.matmul`
(constant 2-D rhs) or `graph.conv` on an f32 input with a constant (inline)
f32 weight. Sites are named `<func>.<index>.<kind>` in walk order
(`main.0.dense`), so a module parsed again from the same text has the same
names: the names tie a calibration file to the module it was recorded on.

`calibrate` runs the interpreter on sample inputs and records, for each
site's activation input, the min/max and symmetric percentiles (low
`100 - p`, high `p`) of all values seen over all samples. `Calibration.save`
/ `load` keep them in an `.npz` file (one float64 vector per site plus the
recorded percentiles) that the pass reads from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.dialects.graphops.nn import ConvOp, DenseOp, MatmulOp, split_spatial
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import InputError, TensorforgeError
from tensorforge.interp.fold import constant_array

METHODS = ("minmax", "percentile")
DEFAULT_PERCENTILES = (99.9, 99.99, 99.999)
_PERCENTILES_KEY = "__percentiles__"


class QuantizeError(TensorforgeError):
    """Bad calibration data or quantizer options."""


# -- sites -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    """One quantizable op and its stable name."""

    key: str
    op: Operation
    kind: str


def _is_f32(t: Any) -> bool:
    return isinstance(t, TensorType) and str(t.element_type) == "f32"


def conv_channels_last(op: ConvOp) -> bool:
    return split_spatial(op.input.type, Props(ConvOp, dict(op.properties))).channels_last  # type: ignore[arg-type]


def site_kind(op: Operation) -> str | None:
    """'dense', 'matmul' or 'conv' when `op` can be quantized, else None."""
    if not isinstance(op, DenseOp | MatmulOp | ConvOp) or "acc_type" in op.properties:
        return None
    x, w = op.operands[0], op.operands[1]
    if not (_is_f32(x.type) and _is_f32(w.type)) or constant_array(w) is None:
        return None
    if isinstance(op, MatmulOp):
        return "matmul" if w.type.rank == 2 else None  # type: ignore[attr-defined]
    if isinstance(op, DenseOp):
        return "dense"
    if op.bias is not None and not conv_channels_last(op) and constant_array(op.bias) is None:
        return None  # a runtime bias of a channel-first conv would need a reshape
    return "conv"


def find_sites(module: ModuleOp) -> list[Site]:
    """Every quantizable op, named `<func>.<index>.<kind>` in walk order."""
    sites: list[Site] = []
    for func in module.ops:
        if not isinstance(func, FuncOp):
            continue
        ops = [(op, site_kind(op)) for op in func.walk()]
        found = [(op, kind) for op, kind in ops if kind is not None]
        sites += [Site(f"{func.sym_name.data}.{i}.{kind}", op, kind) for i, (op, kind) in enumerate(found)]
    return sites


# -- ranges ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TensorRange:
    """What calibration saw of one tensor: min, max and (low, high) per percentile."""

    min: float
    max: float
    percentiles: Mapping[float, tuple[float, float]] = field(default_factory=dict)

    def pick(self, method: str, percentile: float) -> tuple[float, float]:
        if method == "minmax":
            return self.min, self.max
        if percentile not in self.percentiles:
            recorded = ", ".join(str(p) for p in self.percentiles) or "none"
            raise QuantizeError(f"percentile {percentile} was not recorded (recorded: {recorded})")
        return self.percentiles[percentile]

    def vector(self, percentiles: Sequence[float]) -> np.ndarray:
        pairs = [v for p in percentiles for v in self.percentiles[p]]
        return np.array([self.min, self.max, *pairs], np.float64)


@dataclass
class Calibration:
    """Recorded ranges per site key; `method`/`percentile` are the defaults `quantize` uses."""

    ranges: dict[str, TensorRange]
    method: str = "minmax"
    percentile: float = 99.99

    def range(self, key: str, method: str | None = None, percentile: float | None = None) -> tuple[float, float]:
        method = method or self.method
        check_method(method)
        if key not in self.ranges:
            raise QuantizeError(f"no calibration range for '{key}'")
        try:
            return self.ranges[key].pick(method, self.percentile if percentile is None else percentile)
        except QuantizeError as e:
            raise QuantizeError(f"'{key}': {e}") from None

    def percentiles(self) -> tuple[float, ...]:
        first = next(iter(self.ranges.values()), None)
        return tuple(first.percentiles) if first is not None else ()

    def save(self, path: str | Path) -> None:
        ps = self.percentiles()
        arrays = {key: r.vector(ps) for key, r in self.ranges.items()}
        # allow_pickle: the default, explicit so that no array key can be taken for the flag
        np.savez(path, allow_pickle=True, **{_PERCENTILES_KEY: np.array(ps, np.float64)}, **arrays)

    @staticmethod
    def load(path: str | Path, method: str = "minmax", percentile: float = 99.99) -> Calibration:
        try:
            with np.load(path) as store:
                data = {k: np.asarray(store[k], np.float64) for k in store.files}
        except (OSError, ValueError) as e:
            raise QuantizeError(f"cannot read calibration file '{path}': {e}") from None
        if _PERCENTILES_KEY not in data:
            raise QuantizeError(f"'{path}' is not a calibration file (no {_PERCENTILES_KEY} entry)")
        ps = tuple(float(p) for p in data.pop(_PERCENTILES_KEY))
        ranges = {key: _range_of(key, vec, ps, path) for key, vec in data.items()}
        return Calibration(ranges, method, percentile)


def _range_of(key: str, vec: np.ndarray, ps: tuple[float, ...], path: str | Path) -> TensorRange:
    if vec.shape != (2 + 2 * len(ps),):
        raise QuantizeError(f"'{path}': entry '{key}' has shape {list(vec.shape)}, expected [{2 + 2 * len(ps)}]")
    pairs = {p: (float(vec[2 + 2 * i]), float(vec[3 + 2 * i])) for i, p in enumerate(ps)}
    return TensorRange(float(vec[0]), float(vec[1]), pairs)


def check_method(method: str) -> None:
    if method not in METHODS:
        raise QuantizeError(f"method must be one of {', '.join(METHODS)}, got '{method}'")


# -- recording ---------------------------------------------------------------------------
def entry_arguments(module: ModuleOp, entry: str, sample: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """A sample dict in the entry function's argument order."""
    func = SymbolTable.lookup_symbol(module, entry)
    if not isinstance(func, FuncOp):
        raise InputError(f"no graph.func @{entry} in the module")
    names = func.arg_name_list
    missing = [n for n in names if n not in sample]
    extra = [n for n in sample if n not in names]
    if missing or extra:
        raise InputError(f"sample for @{entry}({', '.join(names)}): missing {missing}, unknown {extra}")
    return [sample[n] for n in names]


def calibrate(
    module: ModuleOp,
    samples: Iterable[Mapping[str, np.ndarray]],
    method: str = "minmax",
    percentile: float = 99.99,
    entry: str = "main",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
) -> Calibration:
    """Interpret `@entry` on every sample and record each site's input range.

    `percentiles` are all recorded (plus `percentile`), so the saved file
    serves any of them; `method`/`percentile` become the defaults."""
    from tensorforge import interp

    check_method(method)
    if not 50 < percentile <= 100:
        raise QuantizeError(f"percentile must be in (50, 100], got {percentile}")
    ps = tuple(sorted({*(float(p) for p in percentiles), float(percentile)}))
    keys = {id(s.op): s.key for s in find_sites(module)}
    seen: dict[str, list[np.ndarray]] = {}

    def observe(op: Operation, args: tuple[Any, ...]) -> None:
        key = keys.get(id(op))
        if key is not None:
            seen.setdefault(key, []).append(np.asarray(args[0], np.float32).ravel())

    count = 0
    for sample in samples:
        interp.run(module, entry, *entry_arguments(module, entry, sample), observer=observe)
        count += 1
    if count == 0:
        raise QuantizeError("calibrate needs at least one sample")
    ranges = {key: _summarize(np.concatenate(chunks), ps) for key, chunks in seen.items()}
    return Calibration(ranges, method, float(percentile))


def _summarize(values: np.ndarray, ps: Sequence[float]) -> TensorRange:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return TensorRange(0.0, 0.0, {p: (0.0, 0.0) for p in ps})
    pairs = {p: (float(np.percentile(finite, 100 - p)), float(np.percentile(finite, p))) for p in ps}
    return TensorRange(float(finite.min()), float(finite.max()), pairs)
