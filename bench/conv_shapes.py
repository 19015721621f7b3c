"""Each distinct conv layer of ResNet-50 (b1, 224x224) compiled alone, against
onnxruntime (a one-node ONNX Conv, NCHW) and torch eager conv2d, in the same run.

    python bench/conv_shapes.py                 # all 23 shapes, markdown table
    python bench/conv_shapes.py --only 1x1 --rounds 9
    python bench/conv_shapes.py --bias-relu     # conv + bias + relu (as after BN folding)

tensorforge runs the layer as graph-optimize leaves it in a ResNet: NHWC input,
HWIO constant weights (packed at compile time). The peers run NCHW, their
native layout. `count` is how often the shape occurs in ResNet-50; the last row
weights every contender's time by it (the conv part of one inference).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models
from run import timeit

import tensorforge
from tensorforge.dialects import graph as g


@dataclass(frozen=True)
class Shape:
    count: int
    cin: int
    size: int
    cout: int
    k: int
    stride: int

    @property
    def pad(self) -> int:
        return self.k // 2

    @property
    def out(self) -> int:
        return (self.size + 2 * self.pad - self.k) // self.stride + 1

    @property
    def label(self) -> str:
        return f"{self.k}x{self.k}/s{self.stride} {self.cin}->{self.cout} @{self.size}"

    @property
    def gflop(self) -> float:
        return 2 * self.out * self.out * self.cout * self.cin * self.k * self.k / 1e9


RESNET50 = [  # (count, Cin, H=W, Cout, kernel, stride), from light_resnet50.onnx
    Shape(1, 3, 224, 64, 7, 2),
    Shape(1, 64, 56, 64, 1, 1), Shape(3, 64, 56, 64, 3, 1), Shape(4, 64, 56, 256, 1, 1), Shape(2, 256, 56, 64, 1, 1),
    Shape(1, 256, 56, 128, 1, 1), Shape(1, 128, 56, 128, 3, 2), Shape(4, 128, 28, 512, 1, 1),
    Shape(1, 256, 56, 512, 1, 2), Shape(3, 512, 28, 128, 1, 1), Shape(3, 128, 28, 128, 3, 1),
    Shape(1, 512, 28, 256, 1, 1), Shape(1, 256, 28, 256, 3, 2), Shape(6, 256, 14, 1024, 1, 1),
    Shape(1, 512, 28, 1024, 1, 2), Shape(5, 1024, 14, 256, 1, 1), Shape(5, 256, 14, 256, 3, 1),
    Shape(1, 1024, 14, 512, 1, 1), Shape(1, 512, 14, 512, 3, 2), Shape(3, 512, 7, 2048, 1, 1),
    Shape(1, 1024, 14, 2048, 1, 2), Shape(2, 2048, 7, 512, 1, 1), Shape(2, 512, 7, 512, 3, 1),
]


def conv_module(s: Shape, w_hwio: np.ndarray, bias: np.ndarray | None) -> Any:
    f = models.Fn([("x", [1, s.size, s.size, s.cin])])
    pads = [s.pad] * 4
    args = [f.args[0], f.const(w_hwio)] + ([f.const(bias)] if bias is not None else [])
    y = f(g.ConvOp(*args, strides=[s.stride] * 2, pads=pads, layout="NHWC"))
    if bias is not None:
        y = f(g.ReluOp(y))
    return f.finish(y)


def onnx_conv(s: Shape, w_oihw: np.ndarray, bias: np.ndarray | None) -> bytes:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(w_oihw, "w")] + ([numpy_helper.from_array(bias, "b")] if bias is not None else [])
    conv = helper.make_node("Conv", ["x", "w", *(["b"] if bias is not None else [])], ["c" if bias is not None else "y"],
                            kernel_shape=[s.k, s.k], strides=[s.stride] * 2, pads=[s.pad] * 4)
    nodes = [conv] + ([helper.make_node("Relu", ["c"], ["y"])] if bias is not None else [])
    graph = helper.make_graph(nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, s.cin, s.size, s.size])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return onnx.shape_inference.infer_shapes(model).SerializeToString()


def measure(s: Shape, rounds: int, bias_relu: bool) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((s.cout, s.cin, s.k, s.k)) / np.sqrt(s.cin * s.k * s.k)).astype(np.float32)
    b = rng.standard_normal(s.cout).astype(np.float32) if bias_relu else None
    x = rng.standard_normal((1, s.cin, s.size, s.size)).astype(np.float32)
    x_nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    start = time.perf_counter()
    cm = tensorforge.compile(conv_module(s, np.ascontiguousarray(w.transpose(2, 3, 1, 0)), b))
    compile_s = time.perf_counter() - start
    fns: dict[str, Any] = {"tensorforge": lambda: cm(x_nhwc)}
    ref = None
    try:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        sess = ort.InferenceSession(onnx_conv(s, w, b), opts, providers=["CPUExecutionProvider"])
        fns["onnxruntime"] = lambda: sess.run(None, {"x": x})
        ref = sess.run(None, {"x": x})[0]
    except ImportError:
        pass
    try:
        import torch

        tx, tw = torch.from_numpy(x), torch.from_numpy(w)
        tb = torch.from_numpy(b) if b is not None else None

        def eager() -> Any:
            with torch.no_grad():
                y = torch.nn.functional.conv2d(tx, tw, tb, stride=s.stride, padding=s.pad)
                return torch.relu(y) if tb is not None else y

        fns["torch"] = eager
        ref = eager().numpy() if ref is None else ref
    except ImportError:
        pass
    got = cm(x_nhwc)
    out = np.asarray(got[0] if isinstance(got, list | tuple) else got)
    err = float(np.abs(out.transpose(0, 3, 1, 2) - ref).max()) if ref is not None else float("nan")
    t = timeit(fns, rounds, inner=3)
    return {"shape": s, "ms": {k: v * 1e3 for k, v in t.items()}, "compile_s": compile_s, "err": err}


def table(rows: list[dict[str, Any]]) -> str:
    peers = [k for k in rows[0]["ms"] if k != "tensorforge"]
    head = ["layer", "n", "GFLOP", "tf ms", "tf GFLOP/s", *[f"{p} ms" for p in peers], *[f"tf/{p}" for p in peers],
            "compile s", "max err"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    total = {k: 0.0 for k in rows[0]["ms"]}
    for r in rows:
        s, ms = r["shape"], r["ms"]
        for k in total:
            total[k] += s.count * ms.get(k, float("nan"))
        cells = [s.label, str(s.count), f"{s.gflop:.3f}", f"{ms['tensorforge']:.3f}", f"{s.gflop / ms['tensorforge'] * 1e3:.1f}",
                 *[f"{ms[p]:.3f}" for p in peers], *[f"{ms['tensorforge'] / ms[p]:.2f}" for p in peers],
                 f"{r['compile_s']:.1f}", f"{r['err']:.1e}"]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["all convs x count", "", "", f"{total['tensorforge']:.2f}", "", *[f"{total[p]:.2f}" for p in peers],
             *[f"{total['tensorforge'] / total[p]:.2f}" for p in peers], "", ""]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", default=[], help="substrings of layer labels, e.g. 1x1 3x3/s1 @14")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--bias-relu", action="store_true", help="conv + bias + relu (ResNet after BN folding)")
    args = ap.parse_args()
    shapes = [s for s in RESNET50 if not args.only or any(o in s.label for o in args.only)]
    rows = []
    for s in shapes:
        rows.append(measure(s, args.rounds, args.bias_relu))
        print(f"{s.label}: " + ", ".join(f"{k} {v:.3f} ms" for k, v in rows[-1]["ms"].items()), file=sys.stderr, flush=True)
    print(table(rows))
    print(f"\nmedian tf/onnxruntime: {statistics.median(r['ms']['tensorforge'] / r['ms'].get('onnxruntime', np.nan) for r in rows):.2f}")


if __name__ == "__main__":
    main()
