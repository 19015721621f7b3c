"""Probe the default CPU schedules (schedule/rules) against numpy in the same run.

    python bench/schedules_probe.py            # all workloads, 1 and 2 threads
    python bench/schedules_probe.py matmul     # one of: matmul chain conv conv_nhwc softmax

Workloads (f32): a 1024^3 matmul (GFLOP/s vs numpy's sgemm), a 16M-element
elementwise chain relu(x*a+b)*c with scalar a, b, c (GB/s vs a numpy copy of
the same size), a 1x64x56x56 conv2d 3x3 with 64 output channels (GFLOP/s vs
numpy's sgemm on the im2col matrix, with and without building it), and a
64x1024 softmax (vs numpy). Every round times ours and the peer back to back;
the report gives the best round (least disturbed by other load) and the median
ratio. Thread counts are set for both sides (libgomp for ours, OpenBLAS for
numpy's matmul); numpy's elementwise code is single-threaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.helpers

from xdsl.dialects.builtin import ModuleOp

from tensorforge import pipelines
from tensorforge.codegen.llvm.jit import JitModule
from tensorforge.dialects import graph as g
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.schedule.rules import LOG, apply_default_schedule
from tests.helpers import build_func, tensor

ROUNDS = 7
REPS = 3
BUDGET_S = 0.03


# -- threads -----------------------------------------------------------------------------------
def _gomp() -> ctypes.CDLL:
    JitModule  # noqa: B018  (the JIT loads libgomp; we talk to the same copy)
    from tensorforge.codegen.llvm.jit import _init

    _init()
    return ctypes.CDLL(ctypes.util.find_library("gomp"))


def _openblas() -> Callable[[int], None] | None:
    np.ones(2) @ np.ones(2)
    maps = Path("/proc/self/maps").read_text().splitlines() if Path("/proc/self/maps").exists() else []
    for line in maps:
        path = line.split()[-1]
        if "openblas" in path.lower():
            lib = ctypes.CDLL(path)
            for sym in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"):
                if hasattr(lib, sym):
                    return getattr(lib, sym)
    return None


def set_threads(n: int) -> None:
    _gomp().omp_set_num_threads(n)
    blas = _openblas()
    if blas is not None:
        blas(n)


# -- building and timing --------------------------------------------------------------------------
def compiled(shapes: list[list[int]], body: Callable[..., object], fuse: bool = False) -> tuple[Callable[..., None], str]:
    module = build_func([tensor(s, np.float32) for s in shapes], body)
    if fuse:
        pipelines.run(module, "graph-fuse-ops")
    pipelines.run(module, "graph-lower-to-tensorir")
    tir = ModuleOp([op.clone() for op in module.body.block.ops if isinstance(op, TirFuncOp)])
    LOG.clear()
    traces = apply_default_schedule(tir)
    if LOG:
        print("  rule fallbacks:", *LOG, sep="\n    ")
    (name,) = traces
    kernel = JitModule(tir).kernels[name]
    return (lambda *arrays: kernel(list(arrays), {})), traces[name].text()


def best_of(fn: Callable[[], object]) -> float:
    """Fastest of at least REPS calls and ~30 ms of calls: on a loaded machine a
    parallel region often waits a whole time slice for a descheduled thread."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < REPS or time.perf_counter() - start < BUDGET_S:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def race(ours: Callable[[], object], peers: dict[str, Callable[[], object]]) -> tuple[list[float], dict[str, list[float]]]:
    mine: list[float] = []
    theirs: dict[str, list[float]] = {k: [] for k in peers}
    for _ in range(ROUNDS):
        for k, fn in peers.items():
            theirs[k].append(best_of(fn))
        mine.append(best_of(ours))
    return mine, theirs


def ratio(peer: list[float], mine: list[float]) -> tuple[float, float]:
    """(best-round ratio, median of per-round ratios): peer time / our time."""
    return min(peer) / min(mine), float(np.median([p / m for p, m in zip(peer, mine, strict=True)]))


# -- workloads ------------------------------------------------------------------------------------
def matmul(threads: int) -> None:
    n = 1024
    run, _ = compiled([[n, n], [n, n]], g.MatmulOp)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32)
    c, d = np.empty((n, n), np.float32), np.empty((n, n), np.float32)
    run(a, b, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-3, atol=1e-2)
    mine, peer = race(lambda: run(a, b, c), {"numpy": lambda: np.matmul(a, b, out=d)})
    gf = 2 * n**3 / 1e9
    best, med = ratio(peer["numpy"], mine)
    print(f"  matmul 1024^3     threads={threads}: ours {gf / min(mine):6.1f} GFLOP/s  numpy {gf / min(peer['numpy']):6.1f}"
          f"  ratio {best:.2f} (median {med:.2f})")


def chain(threads: int) -> None:
    n = 1 << 24
    run, _ = compiled([[n], [1], [1], [1]], lambda x, a, b, c: g.MulOp(
        g.ReluOp(g.AddOp(g.MulOp(x, a).results[0], b).results[0]).results[0], c), fuse=True)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n, np.float32)
    a, b, c = (np.array([v], np.float32) for v in (1.5, -0.25, 2.0))
    out, tmp = np.empty(n, np.float32), np.empty(n, np.float32)
    run(x, a, b, c, out)
    np.testing.assert_allclose(out, np.maximum(x * a + b, 0) * c, rtol=1e-5, atol=1e-5)

    def numpy_chain() -> None:
        np.multiply(x, a, out=tmp)
        np.add(tmp, b, out=tmp)
        np.maximum(tmp, 0, out=tmp)
        np.multiply(tmp, c, out=tmp)

    mine, peer = race(lambda: run(x, a, b, c, out), {"copy": lambda: np.copyto(out, x), "chain": numpy_chain})
    gb = 2 * 4 * n / 1e9
    best, med = ratio(peer["copy"], mine)
    print(f"  chain 16M         threads={threads}: ours {gb / min(mine):6.1f} GB/s  numpy copy {gb / min(peer['copy']):6.1f}"
          f"  ratio {best:.2f} (median {med:.2f});  numpy's own chain {min(peer['chain']) * 1e3:.1f} ms vs ours {min(mine) * 1e3:.1f} ms")


def _conv(threads: int, nhwc: bool) -> None:
    cin, h, w, cout = 64, 56, 56, 64
    if nhwc:
        run, _ = compiled([[1, h, w, cin], [3, 3, cin, cout]], lambda x, k: g.ConvOp(x, k, pads=[1, 1, 1, 1], layout="NHWC"))
    else:
        run, _ = compiled([[1, cin, h, w], [cout, cin, 3, 3]], lambda x, k: g.ConvOp(x, k, pads=[1, 1, 1, 1]))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, h, w, cin) if nhwc else (1, cin, h, w), np.float32)
    k = rng.standard_normal((3, 3, cin, cout) if nhwc else (cout, cin, 3, 3), np.float32)
    out = np.empty((1, h, w, cout) if nhwc else (1, cout, h, w), np.float32)
    x_chw = x[0].transpose(2, 0, 1) if nhwc else x[0]
    k_oc = k.transpose(3, 2, 0, 1) if nhwc else k
    wm = np.ascontiguousarray(k_oc.reshape(cout, cin * 9))
    res = np.empty((cout, h * w), np.float32)

    def im2col() -> np.ndarray:
        xp = np.pad(x_chw, ((0, 0), (1, 1), (1, 1)))
        win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(1, 2))  # C, H, W, 3, 3
        return np.ascontiguousarray(win.transpose(0, 3, 4, 1, 2).reshape(cin * 9, h * w))

    cols = im2col()
    run(x, k, out)
    want = (wm @ cols).reshape(cout, h, w)
    got = out[0].transpose(2, 0, 1) if nhwc else out[0]
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3)
    mine, peer = race(lambda: run(x, k, out), {"gemm": lambda: np.matmul(wm, cols, out=res),
                                                "im2col+gemm": lambda: np.matmul(wm, im2col(), out=res)})
    gf = 2 * cout * cin * 9 * h * w / 1e9
    b1, m1 = ratio(peer["gemm"], mine)
    b2, _ = ratio(peer["im2col+gemm"], mine)
    name = "conv NHWC" if nhwc else "conv NCHW"
    print(f"  {name} 64x56x56 threads={threads}: ours {gf / min(mine):6.1f} GFLOP/s  numpy sgemm on im2col {gf / min(peer['gemm']):6.1f}"
          f" (with im2col {gf / min(peer['im2col+gemm']):5.1f})  ratio {b1:.2f} (median {m1:.2f}), vs im2col+gemm {b2:.2f}")


def conv(threads: int) -> None:
    _conv(threads, nhwc=False)


def conv_nhwc(threads: int) -> None:
    _conv(threads, nhwc=True)


def softmax(threads: int) -> None:
    rows, cols = 64, 1024
    run, _ = compiled([[rows, cols]], lambda x: g.SoftmaxOp(x, axis=-1), fuse=True)
    x = np.random.default_rng(0).standard_normal((rows, cols), np.float32)
    out = np.empty_like(x)
    e, m, s = np.empty_like(x), np.empty((rows, 1), np.float32), np.empty((rows, 1), np.float32)

    def numpy_softmax() -> None:
        np.max(x, axis=-1, keepdims=True, out=m)
        np.subtract(x, m, out=e)
        np.exp(e, out=e)
        np.sum(e, axis=-1, keepdims=True, out=s)
        np.divide(e, s, out=e)

    run(x, out)
    numpy_softmax()
    np.testing.assert_allclose(out, e, rtol=1e-5, atol=1e-7)
    mine, peer = race(lambda: run(x, out), {"numpy": numpy_softmax})
    best, med = ratio(peer["numpy"], mine)
    print(f"  softmax 64x1024   threads={threads}: ours {min(mine) * 1e6:7.1f} us  numpy {min(peer['numpy']) * 1e6:7.1f} us"
          f"  ratio {best:.2f} (median {med:.2f})")


WORKLOADS = {"matmul": matmul, "chain": chain, "conv": conv, "conv_nhwc": conv_nhwc, "softmax": softmax}


def main() -> None:
    names = sys.argv[1:] or list(WORKLOADS)
    print("ratio = numpy time / our time (> 1: ours is faster); best round, median of rounds in parentheses")
    for threads in (1, 2):
        set_threads(threads)
        for name in names:
            WORKLOADS[name](threads)


if __name__ == "__main__":
    main()
