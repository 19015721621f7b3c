"""Benchmarks W1-W5 against peers measured in the same run (medians, ratios).

    python bench/run.py                 # all workloads, markdown table on stdout
    python bench/run.py --only W1 W5    # a subset;  --rounds N for more samples

Peers: numpy, torch eager, torch.compile (when it works here), onnxruntime
(when importable). The machines are shared and noisy: rounds are interleaved
and the table reports medians and ratios against the peers of the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models

import tensorforge

Runner = Callable[[], Any]


def timeit(fns: dict[str, Runner], rounds: int, inner: int = 3) -> dict[str, float]:
    """Median seconds per call, rounds interleaved across the contenders."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - start) / inner)
    return {k: statistics.median(v) for k, v in samples.items()}


def _torch() -> Any:
    try:
        import torch

        return torch
    except ImportError:
        return None


def _torch_compile(torch: Any, fn: Callable[..., Any], *args: Any) -> tuple[Runner | None, float | None]:
    if torch is None or os.environ.get("TF_BENCH_NO_TORCH_COMPILE"):
        return None, None
    try:
        compiled = torch.compile(fn)
        start = time.perf_counter()
        with torch.no_grad():
            compiled(*args)
        seconds = time.perf_counter() - start
    except Exception:
        return None, None

    def run() -> Any:
        with torch.no_grad():
            return compiled(*args)

    return run, seconds


def _ort(model_bytes: bytes, feeds: dict[str, np.ndarray]) -> Runner | None:
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    opts = ort.SessionOptions()
    opts.log_severity_level = 3  # no warnings about initializers listed as inputs (onnx's test models)
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    return lambda: sess.run(None, feeds)


def _onnx_model(nodes: list[Any], inputs: list[tuple[str, list[int]]], outputs: list[tuple[str, list[int]]], inits: dict[str, np.ndarray]) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        nodes, "bench",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
        [numpy_helper.from_array(v, n) for n, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return model.SerializeToString()


# -- workloads ------------------------------------------------------------------------
def w1(rounds: int) -> list[dict[str, Any]]:
    n = 1024
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)).astype(np.float32), rng.standard_normal((n, n)).astype(np.float32)
    start = time.perf_counter()
    cm = tensorforge.compile(models.matmul(n))
    compile_s = time.perf_counter() - start
    out = [np.empty((n, n), np.float32)]
    fns: dict[str, Runner] = {"tensorforge": lambda: cm(a, b, out=out), "numpy": lambda: a @ b}
    torch = _torch()
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        fns["torch eager"] = lambda: torch.matmul(ta, tb)
    from onnx import helper

    ort = _ort(_onnx_model([helper.make_node("MatMul", ["a", "b"], ["y"])], [("a", [n, n]), ("b", [n, n])], [("y", [n, n])], {}), {"a": a, "b": b})
    if ort:
        fns["onnxruntime"] = ort
    t = timeit(fns, rounds)
    flops = 2 * n**3
    return [_row("W1 matmul 1024^3 f32 (GFLOP/s)", t, compile_s, lambda s: flops / s / 1e9, higher=True)]


def w5(rounds: int) -> list[dict[str, Any]]:
    size = 16 * 1024 * 1024
    rng = np.random.default_rng(0)
    x, a, b, c = (rng.standard_normal(size).astype(np.float32) for _ in range(4))
    start = time.perf_counter()
    cm = tensorforge.compile(models.elementwise(size))
    compile_s = time.perf_counter() - start
    out = [np.empty(size, np.float32)]
    dst = np.empty(size, np.float32)
    fns: dict[str, Runner] = {
        "tensorforge": lambda: cm(x, a, b, c, out=out),
        "numpy": lambda: np.maximum(x * a + b, 0) * c,
        "copy": lambda: np.copyto(dst, x),
    }
    torch = _torch()
    if torch is not None:
        tx, ta, tb, tc = (torch.from_numpy(v) for v in (x, a, b, c))
        fns["torch eager"] = lambda: torch.relu(tx * ta + tb) * tc
    t = timeit(fns, rounds)
    moved = 5 * size * 4  # four inputs read, one output written
    rows = [_row("W5 relu(x*a+b)*c 16M f32 (GB/s)", {k: v for k, v in t.items() if k != "copy"}, compile_s, lambda s: moved / s / 1e9, higher=True)]
    rows[0]["copy bandwidth (GB/s)"] = f"{2 * size * 4 / t['copy'] / 1e9:.1f}"
    return rows


def w2(rounds: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    dims = [784, 1024, 1024, 10]
    weights: list[np.ndarray] = []
    for i in range(3):
        weights += [models.rand(rng, dims[i + 1], dims[i]), models.rand(rng, dims[i + 1])]
    x = rng.standard_normal((64, 784)).astype(np.float32)
    start = time.perf_counter()
    cm = tensorforge.compile(models.mlp(64, weights))
    compile_s = time.perf_counter() - start

    def np_mlp() -> np.ndarray:
        h = np.maximum(x @ weights[0].T + weights[1], 0)
        h = np.maximum(h @ weights[2].T + weights[3], 0)
        return h @ weights[4].T + weights[5]

    fns: dict[str, Runner] = {"tensorforge": lambda: cm(x), "numpy": np_mlp}
    torch = _torch()
    if torch is not None:
        tw = [torch.from_numpy(w) for w in weights]
        tx = torch.from_numpy(x)

        def t_mlp(v: Any) -> Any:
            h = torch.relu(torch.nn.functional.linear(v, tw[0], tw[1]))
            h = torch.relu(torch.nn.functional.linear(h, tw[2], tw[3]))
            return torch.nn.functional.linear(h, tw[4], tw[5])

        fns["torch eager"] = lambda: t_mlp(tx)
        tc, _ = _torch_compile(torch, t_mlp, tx)
        if tc:
            fns["torch.compile"] = tc
    t = timeit(fns, rounds)
    return [_row("W2 MLP b64 784-1024-1024-10 (ms)", t, compile_s, lambda s: s * 1e3, higher=False)]


def w4(rounds: int) -> list[dict[str, Any]]:
    torch = _torch()
    seq, d, heads, ffn = 128, 256, 4, 1024
    rng = np.random.default_rng(0)
    w = {n: models.rand(rng, *s) for n, s in {
        "wq": (d, d), "wk": (d, d), "wv": (d, d), "bq": (d,), "bk": (d,), "bv": (d,), "wo": (d, d), "bo": (d,),
        "w1": (ffn, d), "c1": (ffn,), "w2": (d, ffn), "c2": (d,)}.items()}
    w |= {"g1": np.ones(d, np.float32), "b1": np.zeros(d, np.float32), "g2": np.ones(d, np.float32), "b2": np.zeros(d, np.float32)}
    x = rng.standard_normal((seq, d)).astype(np.float32)
    start = time.perf_counter()
    cm = tensorforge.compile(models.encoder_layer(seq, d, heads, ffn, w))
    compile_s = time.perf_counter() - start
    fns: dict[str, Runner] = {"tensorforge": lambda: cm(x)}
    if torch is not None:
        layer = torch.nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0, batch_first=True).eval()
        with torch.no_grad():
            layer.self_attn.in_proj_weight.copy_(torch.from_numpy(np.concatenate([w["wq"], w["wk"], w["wv"]])))
            layer.self_attn.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w["bq"], w["bk"], w["bv"]])))
            layer.self_attn.out_proj.weight.copy_(torch.from_numpy(w["wo"]))
            layer.self_attn.out_proj.bias.copy_(torch.from_numpy(w["bo"]))
            layer.linear1.weight.copy_(torch.from_numpy(w["w1"]))
            layer.linear1.bias.copy_(torch.from_numpy(w["c1"]))
            layer.linear2.weight.copy_(torch.from_numpy(w["w2"]))
            layer.linear2.bias.copy_(torch.from_numpy(w["c2"]))
        tx = torch.from_numpy(x)[None]
        with torch.no_grad():
            ref = layer(tx)[0].numpy()
        err = float(np.abs(cm(x)[0] - ref).max())
        if err > 1e-3:
            raise AssertionError(f"W4: tensorforge differs from torch by {err}")

        def eager() -> Any:
            with torch.no_grad():
                return layer(tx)

        fns["torch eager"] = eager
        tc, _ = _torch_compile(torch, layer, tx)
        if tc:
            fns["torch.compile"] = tc
    t = timeit(fns, rounds)
    return [_row("W4 encoder layer s128 d256 h4 ffn1024 (ms)", t, compile_s, lambda s: s * 1e3, higher=False)]


def w3(rounds: int) -> list[dict[str, Any]]:
    """ResNet-50 at batch 1 from onnx's light_resnet50.onnx (imported, graph-optimize'd)
    against onnxruntime on the same model."""
    import onnx

    from tensorforge import pipelines
    from tensorforge.frontends.onnx import from_onnx

    path = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / "light_resnet50.onnx"
    model = onnx.load(str(path))
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    start = time.perf_counter()
    module = from_onnx(model)
    pipelines.run(module, "graph-optimize")
    cm = tensorforge.compile(module)
    compile_s = time.perf_counter() - start
    fns: dict[str, Runner] = {"tensorforge": lambda: cm(x)}
    model.ir_version = 8  # onnxruntime refuses onnx 1.23's default IR version
    feeds = {model.graph.input[0].name: x}
    ort = _ort(model.SerializeToString(), feeds)
    if ort:
        err = float(np.abs(cm(x)[0] - ort()[0]).max())
        if err > 1e-3:
            raise AssertionError(f"W3: tensorforge differs from onnxruntime by {err}")
        fns["onnxruntime"] = ort
    t = timeit(fns, max(rounds // 2, 3), inner=1)
    return [_row("W3 ResNet-50 (light_resnet50.onnx) b1 224x224 (ms)", t, compile_s, lambda s: s * 1e3, higher=False)]


def w3_cnn(rounds: int) -> list[dict[str, Any]]:
    """A small ResNet-style CNN built in the graph dialect, against torch eager."""
    torch = _torch()
    rng = np.random.default_rng(0)
    shapes = {"stem": (64, 3, 7, 7), "stem_b": (64,), "fc": (1000, 64), "fc_b": (1000,)}
    for i in range(2):
        shapes |= {f"c{i}a": (64, 64, 3, 3), f"b{i}a": (64,), f"c{i}b": (64, 64, 3, 3), f"b{i}b": (64,)}
    w = {k: models.rand(rng, *s) for k, s in shapes.items()}
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
    start = time.perf_counter()
    cm = tensorforge.compile(models.resnet_style(w))
    compile_s = time.perf_counter() - start
    fns: dict[str, Runner] = {"tensorforge": lambda: cm(x)}
    if torch is not None:
        F = torch.nn.functional
        tw = {k: torch.from_numpy(v) for k, v in w.items()}

        def net(v: Any) -> Any:
            h = F.relu(F.conv2d(v, tw["stem"], tw["stem_b"], stride=2, padding=3))
            h = F.max_pool2d(h, 3, 2, 1)
            for i in range(2):
                y = F.relu(F.conv2d(h, tw[f"c{i}a"], tw[f"b{i}a"], padding=1))
                h = F.relu(h + F.conv2d(y, tw[f"c{i}b"], tw[f"b{i}b"], padding=1))
            return F.linear(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1), tw["fc"], tw["fc_b"])

        tx = torch.from_numpy(x)
        with torch.no_grad():
            err = float(np.abs(cm(x)[0] - net(tx).numpy()).max())
        if err > 1e-3:
            raise AssertionError(f"W3: tensorforge differs from torch by {err}")

        def eager() -> Any:
            with torch.no_grad():
                return net(tx)

        fns["torch eager"] = eager
    t = timeit(fns, max(rounds // 2, 3), inner=1)
    return [_row("W3c ResNet-style CNN b1 224x224 (ms)", t, compile_s, lambda s: s * 1e3, higher=False)]


def _row(name: str, t: dict[str, float], compile_s: float, metric: Callable[[float], float], higher: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"workload": name}
    for k, v in t.items():
        row[k] = f"{metric(v):.1f}"
    tf = t["tensorforge"]
    ratios = [f"{k} {v / tf:.2f}x" for k, v in t.items() if k != "tensorforge"]
    row["tensorforge speed vs peers"] = ", ".join(ratios)
    row["compile (s)"] = f"{compile_s:.2f}"
    _ = higher
    return row


_OVERHEAD_KERNEL = """
tir.func @k(%A: !tir.buffer<[T, 16], f32>, %B: !tir.buffer<[T, 16], f32>) {
  tir.for t in range(T) KIND {
    tir.for j in range(16) {
      tir.block "B" (vt = spatial(T, t), vj = spatial(16, j)) reads(%A[vt, vj]) writes(%B[vt, vj]) {
        %a = tir.load %A[vt, vj] : f32
        tir.store %a, %B[vt, vj]
      }
    }
  }
  tir.return
}
"""


def overhead(rounds: int) -> list[dict[str, Any]]:
    """What a call costs with no work: a compiled graph call (Python -> native entry)
    and one parallel region (libgomp fork/join) over a serial loop of the same work."""
    from tensorforge.codegen.llvm.jit import JitModule
    from tensorforge.ir import parse_module
    from tensorforge.runtime.threads import load_native_runtime

    load_native_runtime()
    threads = os.cpu_count() or 1
    text = _OVERHEAD_KERNEL.replace("T", str(threads))
    par, ser = (JitModule(parse_module(text.replace("KIND", kind))).kernels["k"] for kind in ("parallel", ""))
    a, b = np.ones((threads, 16), np.float32), np.empty((threads, 16), np.float32)
    x = np.ones((16,), np.float32)
    cm = tensorforge.compile(models.relu16())
    out = [np.empty(16, np.float32)]
    t = timeit({"parallel": lambda: par([a, b], {}), "serial": lambda: ser([a, b], {}),
                "graph call": lambda: cm(x, out=out), "numpy": lambda: np.maximum(x, 0, out=out[0])}, rounds, inner=200)
    fork = (t["parallel"] - t["serial"]) * 1e6
    return [{"workload": f"overhead: parallel region on {threads} threads (us)", "tensorforge": f"{fork:.1f}"},
            {"workload": "overhead: compiled graph call, relu of 16 f32 (us)", "tensorforge": f"{t['graph call'] * 1e6:.1f}",
             "numpy": f"{t['numpy'] * 1e6:.1f}"}]


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W3c": w3_cnn, "W4": w4, "W5": w5, "overhead": overhead}


def table(rows: list[dict[str, Any]]) -> str:
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", default=list(WORKLOADS))
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--single-thread", action="store_true", help="(internal) W1 with one thread")
    args = p.parse_args()
    rows: list[dict[str, Any]] = []
    for name in args.only:
        rows += WORKLOADS[name](args.rounds)
    if "W1" in args.only and not args.single_thread:
        rows += _single_thread_w1(args.rounds)
    for r in rows:
        if args.single_thread:
            r["workload"] += " [1 thread]"
    print(table(rows))


def _single_thread_w1(rounds: int) -> list[dict[str, Any]]:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", TF_BENCH_NO_TORCH_COMPILE="1")
    done = subprocess.run([sys.executable, __file__, "--only", "W1", "--single-thread", "--rounds", str(rounds)],
                          env=env, capture_output=True, text=True, check=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("|") and not ln.startswith("|---")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, (c.strip() for c in ln.strip("|").split("|")), strict=True)) for ln in lines[1:]]
    return [r for r in rows if r.get("workload", "").startswith("W1")]


if __name__ == "__main__":
    main()
