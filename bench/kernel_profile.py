"""Per-kernel time breakdown of a compiled model (where does a workload spend its time?).

    python bench/kernel_profile.py W2            # or W4; --rounds N
    python bench/kernel_profile.py W4 --ir       # also print the scheduled tensorir of each kernel

Each kernel of the program is called on its own (real inputs, the outputs of the
previous calls), warmed up, and timed as the median of interleaved rounds; the
table lists kernels by total time per model call (a kernel called several times
counts each call).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models

from tensorforge.codegen.llvm.jit import JitModule
from tensorforge.runtime.build import prepare
from tensorforge.runtime.prepack import prepack
from tensorforge.runtime.program import Program, build_program


def _arrays(prog: Program, rng: np.random.Generator) -> dict[int, np.ndarray]:
    values: dict[int, np.ndarray] = dict(prog.constants)
    for vid in prog.args:
        t = prog.types[vid]
        shape = tuple(d.value() for d in t.dims)
        values[vid] = rng.standard_normal(shape).astype(t.dtype)
    return values


def kernel_times(module: ModuleOp, rounds: int = 7, inner: int = 5) -> tuple[list[tuple[str, float]], ModuleOp]:
    """[(call label, median ms)] in program order, and the lowered module."""
    lowered = prepare(module, "main", "default")
    prepack(lowered, "main", "native", Path.cwd())
    prog = build_program(lowered, "main", {}, Path.cwd())
    jm = JitModule(lowered)
    values = _arrays(prog, np.random.default_rng(0))
    for call in prog.calls:
        for vid in call.outputs:
            t = prog.types[vid]
            values[vid] = np.zeros(tuple(d.value() for d in t.dims), t.dtype)
    runners = []
    for n, call in enumerate(prog.calls):
        arrays = [values[v] for v in [*call.inputs, *call.outputs]]
        kernel = jm.kernels[call.kernel]
        runners.append((f"{n:2d} {call.kernel}", lambda k=kernel, a=arrays: k(a, {})))
    for _, fn in runners:
        fn()
    samples: dict[str, list[float]] = {label: [] for label, _ in runners}
    for _ in range(rounds):
        for label, fn in runners:
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[label].append((time.perf_counter() - start) / inner * 1e3)
    return [(label, statistics.median(s)) for label, s in samples.items()], lowered


def _model(name: str) -> ModuleOp:
    rng = np.random.default_rng(0)
    if name == "W2":
        dims = [784, 1024, 1024, 10]
        weights: list[np.ndarray] = []
        for i in range(3):
            weights += [models.rand(rng, dims[i + 1], dims[i]), models.rand(rng, dims[i + 1])]
        return models.mlp(64, weights)
    if name == "W4":
        seq, d, heads, ffn = 128, 256, 4, 1024
        shapes = {"wq": (d, d), "wk": (d, d), "wv": (d, d), "bq": (d,), "bk": (d,), "bv": (d,), "wo": (d, d),
                  "bo": (d,), "w1": (ffn, d), "c1": (ffn,), "w2": (d, ffn), "c2": (d,), "g1": (d,), "b1": (d,),
                  "g2": (d,), "b2": (d,)}
        w: dict[str, Any] = {n: models.rand(rng, *s) for n, s in shapes.items()}
        return models.encoder_layer(seq, d, heads, ffn, w)
    raise SystemExit(f"unknown workload '{name}' (W2 or W4)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workload")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--ir", action="store_true")
    args = p.parse_args()
    times, lowered = kernel_times(_model(args.workload), args.rounds)
    total = sum(ms for _, ms in times)
    print("| kernel call | ms | share |\n|---|---|---|")
    for label, ms in times:
        print(f"| {label} | {ms:.3f} | {ms / total:.0%} |")
    print(f"| total | {total:.3f} | |")
    if args.ir:
        print(lowered)


if __name__ == "__main__":
    main()
