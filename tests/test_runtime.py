"""tensorforge.compile: one native entry point per graph, memory planning,
symbolic dims at call time, out=, DLPack, save/load and their errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tensorforge
from tensorforge import InputError, interp, parse_module
from tensorforge.runtime.archive import ArchiveError

ROOT = Path(__file__).resolve().parent.parent

CHAIN = """
graph.func @main(%x: !graph.tensor<[n, 16], f32>, %w: !graph.tensor<[16, 16], f32>) -> (y: !graph.tensor<[n, 16], f32>, x_again: !graph.tensor<[n, 16], f32>) {
  %0 = graph.matmul %x, %w : (!graph.tensor<[n, 16], f32>, !graph.tensor<[16, 16], f32>) -> !graph.tensor<[n, 16], f32>
  %1 = graph.relu %0 : (!graph.tensor<[n, 16], f32>) -> !graph.tensor<[n, 16], f32>
  %2 = graph.matmul %1, %w : (!graph.tensor<[n, 16], f32>, !graph.tensor<[16, 16], f32>) -> !graph.tensor<[n, 16], f32>
  %3 = graph.tanh %2 : (!graph.tensor<[n, 16], f32>) -> !graph.tensor<[n, 16], f32>
  %4 = graph.softmax %3 : (!graph.tensor<[n, 16], f32>) -> !graph.tensor<[n, 16], f32>
  %c = graph.constant dense<0.5> : tensor<16xf32> : !graph.tensor<[16], f32>
  %5 = graph.mul %4, %c : (!graph.tensor<[n, 16], f32>, !graph.tensor<[16], f32>) -> !graph.tensor<[n, 16], f32>
  graph.return %5, %x : !graph.tensor<[n, 16], f32>, !graph.tensor<[n, 16], f32>
}
"""


@pytest.fixture(scope="module")
def chain() -> tuple[object, object]:
    m = parse_module(CHAIN)
    return m, tensorforge.compile(m, optimize=False)  # unfused: several kernels and intermediates to plan


def _inputs(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n, 16)).astype(np.float32), rng.standard_normal((16, 16)).astype(np.float32) * 0.3]


@pytest.mark.parametrize("n", [1, 7, 33])
def test_matches_interpreter_at_several_batch_sizes(chain: tuple, n: int) -> None:
    m, cm = chain
    args = _inputs(n, n)
    for got, want in zip(cm(*args), interp.run(m, "main", *args), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_memory_is_reused_and_reported(chain: tuple) -> None:
    _, cm = chain
    cm(*_inputs(64))
    report = cm.memory_report()
    assert 0 < report["peak_bytes"] < report["without_reuse_bytes"]


def test_out_arguments_are_written_in_place(chain: tuple) -> None:
    m, cm = chain
    args = _inputs(5)
    outs = [np.empty((5, 16), np.float32), np.empty((5, 16), np.float32)]
    got = cm(*args, out=outs)
    assert got[0] is outs[0]
    np.testing.assert_allclose(outs[0], interp.run(m, "main", *args)[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(InputError, match="out\\[0\\] \\('y'\\) must be a contiguous float32\\[5, 16\\]"):
        cm(*args, out=[np.empty((4, 16), np.float32), outs[1]])


def test_argument_errors_name_the_argument(chain: tuple) -> None:
    _, cm = chain
    x, w = _inputs(3)
    with pytest.raises(InputError, match="argument 'w' dim 0 is 8, expected 16"):
        cm(x, np.zeros((8, 16), np.float32))
    with pytest.raises(InputError, match="argument 'x' has dtype float64"):
        cm(x.astype(np.float64), w)
    with pytest.raises(InputError, match="takes 2 arguments"):
        cm(x)


def test_dlpack_tensors_zero_copy(chain: tuple) -> None:
    torch = pytest.importorskip("torch")
    m, cm = chain
    x, w = _inputs(4)
    got = cm(torch.from_numpy(x), torch.from_numpy(w))
    np.testing.assert_allclose(got[0], interp.run(m, "main", x, w)[0], rtol=1e-5, atol=1e-6)


def test_save_and_load_without_recompiling(chain: tuple, tmp_path: Path) -> None:
    _, cm = chain
    path = tmp_path / "chain.tfm"
    cm.save(str(path))
    again = tensorforge.load(path)
    args = _inputs(6)
    for got, want in zip(again(*args), cm(*args), strict=True):
        np.testing.assert_array_equal(got, want)


def test_load_errors(chain: tuple, tmp_path: Path) -> None:
    _, cm = chain
    with pytest.raises(ArchiveError, match="no such file"):
        tensorforge.load(tmp_path / "missing.tfm")
    bad = tmp_path / "bad.tfm"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ArchiveError, match="not a tensorforge compiled module or corrupt"):
        tensorforge.load(bad)
    good = tmp_path / "good.tfm"
    cm.save(str(good))
    old = tmp_path / "old.tfm"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(old, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "meta.json":
                meta = json.loads(data)
                meta["tensorforge"] = "0.0.1"
                data = json.dumps(meta).encode()
            zout.writestr(item, data)
    with pytest.raises(ArchiveError, match="saved by tensorforge 0.0.1"):
        tensorforge.load(old)
    truncated = tmp_path / "truncated.tfm"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ArchiveError):
        tensorforge.load(truncated)


def test_example_model_and_generic_cpu() -> None:
    m = parse_module((ROOT / "examples" / "mlp.mlir").read_text())
    cm = tensorforge.compile(m, cpu="generic")
    x = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    np.testing.assert_allclose(cm(x)[0], interp.run(m, "main", x)[0], rtol=1e-5, atol=1e-6)


def test_params_bound_at_compile_time() -> None:
    m = parse_module("""
graph.func @main(%x: !graph.tensor<[n, 3], f32>) -> (y: !graph.tensor<[n, 3], f32>) {
  %b = graph.param "bias" : !graph.tensor<[3], f32>
  %0 = graph.add %x, %b : (!graph.tensor<[n, 3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 3], f32>
  graph.return %0 : !graph.tensor<[n, 3], f32>
}""")
    with pytest.raises(InputError, match="parameter 'bias' was not given"):
        tensorforge.compile(m)
    cm = tensorforge.compile(m, params={"bias": np.array([1, 2, 3], np.float32)})
    np.testing.assert_array_equal(cm(np.zeros((2, 3), np.float32))[0], [[1, 2, 3], [1, 2, 3]])


def test_compile_optimizes_by_default() -> None:
    """compile() runs graph-optimize first: the chain fuses into fewer kernels, same results."""
    m = parse_module(CHAIN)
    fused, raw = tensorforge.compile(m), tensorforge.compile(m, optimize=False)
    assert fused.info["kernels"] < raw.info["kernels"]
    args = _inputs(5)
    for got, want in zip(fused(*args), raw(*args), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
