"""The tensorir interpreter: vectorized grids, scalar fallbacks (scf.if, vector
lanes, loop-carried dependences), integer semantics, predicates, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tensorforge import InputError, InterpError, interp, parse_module
from tensorforge.interp.tir import compile_func

MATMUL = """
tir.func @matmul(%A: !tir.buffer<[n, K], f32>, %B: !tir.buffer<[K, M], f32>, %C: !tir.buffer<[n, M], f32>) {
  tir.for i in range(n) {
    tir.for j in range(M) {
      tir.for k in range(K) {
        tir.block "C" (vi = spatial(n, i), vj = spatial(M, j), vk = reduce(K, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
          %z = arith.constant 0.0 : f32
          tir.store %z, %C[vi, vj]
        } {
          %a = tir.load %A[vi, vk] : f32
          %b = tir.load %B[vk, vj] : f32
          %c = tir.load %C[vi, vj] : f32
          %p = arith.mulf %a, %b : f32
          %s = arith.addf %c, %p : f32
          tir.store %s, %C[vi, vj]
        }
      }
    }
  }
  tir.return
}
"""


def _run(text: str, *arrays: np.ndarray, func: str | None = None) -> list[np.ndarray]:
    m = parse_module(text)
    name = func or m.body.block.first_op.sym_name.data  # type: ignore[union-attr]
    return interp.run(m, name, *arrays)


def test_matmul_128_is_fast_and_correct() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((128, 128)).astype(np.float32)
    b = rng.standard_normal((128, 128)).astype(np.float32)
    start = time.perf_counter()
    *_, c = _run(MATMUL, a, b, np.zeros((128, 128), np.float32))
    assert time.perf_counter() - start < 5.0
    np.testing.assert_allclose(c, a @ b, rtol=1e-4, atol=1e-4)
    assert c.dtype == np.float32


def test_grid_is_used_for_perfect_nests() -> None:
    m = parse_module(MATMUL)
    source = compile_func(m.body.block.first_op, {"n": 4, "K": 3, "M": 2}).source  # type: ignore[arg-type]
    assert "for " not in source and "_rt_grid.accumulate(_np.add" in source


def test_loop_carried_dependence_runs_scalar() -> None:
    """A prefix sum reads a position it does not write: must not be vectorized."""
    text = """
tir.func @scan(%X: !tir.buffer<[n], f32>, %Y: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "Y" (vi = spatial(n, i)) reads(%X[vi], %Y[0 : n]) writes(%Y[vi]) {
      %x = tir.load %X[vi] : f32
      %p = tir.index (max(vi-1, 0))
      %prev = tir.load %Y[%p] : f32
      %z = arith.constant 0.0 : f32
      %i0 = tir.index (vi)
      %c0 = arith.constant 0 : index
      %first = arith.cmpi eq, %i0, %c0 : index
      %base = arith.select %first, %z, %prev : f32
      %s = arith.addf %base, %x : f32
      tir.store %s, %Y[vi]
    }
  }
  tir.return
}"""
    x = np.arange(1, 7, dtype=np.float32)
    _, y = _run(text, x, np.zeros(6, np.float32))
    np.testing.assert_array_equal(y, np.cumsum(x))


def test_predicate_masks_grid_points() -> None:
    text = """
tir.func @copy(%X: !tir.buffer<[n], f32>, %Y: !tir.buffer<[n], f32>) {
  tir.for io in range(n ceildiv 4) {
    tir.for ii in range(4) {
      tir.block "Y" (v = spatial(n, io*4+ii)) where(io*4+ii < n) reads(%X[v]) writes(%Y[v]) {
        %x = tir.load %X[v] : f32
        tir.store %x, %Y[v]
      }
    }
  }
  tir.return
}"""
    x = np.arange(10, dtype=np.float32)
    _, y = _run(text, x, np.zeros(10, np.float32))
    np.testing.assert_array_equal(y, x)


def test_scf_if_vector_lanes_and_dynamic_index() -> None:
    text = """
tir.func @f(%X: !tir.buffer<[8], f32>, %I: !tir.buffer<[2], i64>, %Y: !tir.buffer<[8], f32>) {
  tir.for i in range(2) {
    tir.block "Y" (vi = spatial(2, i)) reads(%X[0 : 8], %I[vi]) writes(%Y[vi*4 : 4]) {
      %v = tir.load %X[vi*4] : vector<4xf32>
      tir.store %v, %Y[vi*4]
      %j = tir.load %I[vi] : i64
      %ji = arith.index_cast %j : i64 to index
      %g = tir.load %X[%ji] : f32
      %zero = arith.constant 0 : i64
      %neg = arith.cmpi slt, %j, %zero : i64
      %r = scf.if %neg -> (f32) {
        %c = arith.constant -1.0 : f32
        scf.yield %c : f32
      } else {
        scf.yield %g : f32
      }
      tir.store %r, %Y[vi*4]
    }
  }
  tir.return
}"""
    x = np.arange(8, dtype=np.float32) * 10
    _, _, y = _run(text, x, np.array([3, 6], np.int64), np.zeros(8, np.float32))
    np.testing.assert_array_equal(y, [30, 10, 20, 30, 60, 50, 60, 70])


@pytest.mark.parametrize(
    ("op", "a", "b", "want"),
    [
        ("arith.divsi", -7, 2, -3),
        ("arith.remsi", -7, 2, -1),
        ("arith.floordivsi", -7, 2, -4),
        ("arith.ceildivsi", -7, 2, -3),
        ("arith.addi", 2147483647, 1, -2147483648),
        ("arith.maxsi", -3, 2, 2),
        ("arith.shrsi", -8, 1, -4),
    ],
)
def test_integer_semantics(op: str, a: int, b: int, want: int) -> None:
    text = f"""
tir.func @f(%X: !tir.buffer<[2], i32>, %Y: !tir.buffer<[1], i32>) {{
  tir.block "Y" () reads(%X[0 : 2]) writes(%Y[0]) {{
    %a = tir.load %X[0] : i32
    %b = tir.load %X[1] : i32
    %r = {op} %a, %b : i32
    tir.store %r, %Y[0]
  }}
  tir.return
}}"""
    _, y = _run(text, np.array([a, b], np.int32), np.zeros(1, np.int32))
    assert y[0] == want and y.dtype == np.int32


def test_out_of_bounds_store_is_an_error() -> None:
    text = """
tir.func @f(%X: !tir.buffer<[4], f32>) {
  tir.for i in range(5) {
    tir.block "X" (vi = spatial(5, i)) reads() writes(%X[vi]) {
      %c = arith.constant 1.0 : f32
      tir.store %c, %X[vi]
    }
  }
  tir.return
}"""
    with pytest.raises(InterpError, match="out of bounds"):
        _run(text, np.zeros(4, np.float32))


def test_symbols_bound_from_buffers() -> None:
    a = np.ones((3, 5), np.float32)
    b = np.ones((5, 2), np.float32)
    *_, c = _run(MATMUL, a, b, np.zeros((3, 2), np.float32))
    np.testing.assert_array_equal(c, np.full((3, 2), 5, np.float32))
    with pytest.raises(InputError, match="dim 0 is 4, but .K. is already bound to 5"):
        _run(MATMUL, a, np.ones((4, 2), np.float32), np.zeros((3, 2), np.float32))
