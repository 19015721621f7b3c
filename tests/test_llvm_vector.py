"""`vectorized` loops lower to explicit LLVM vector code (codegen/llvm/vector.py)
that computes what the tir interpreter computes; loops it refuses keep the scalar path."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tensorforge import parse_module
from tensorforge.codegen.llvm.jit import JitModule
from tensorforge.codegen.llvm.lower import Options
from tensorforge.codegen.llvm.vector import default_vector_bits
from tensorforge.interp.tir import run_func

ML = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i32": np.int32, "i8": np.int8}


def _run(text: str, arrays: list[np.ndarray], env: dict[str, int], bits: int | None = 512) -> tuple[list[np.ndarray], list[np.ndarray], JitModule]:
    m = parse_module(text)
    func = m.body.block.first_op
    ref = run_func(func, [a.copy() for a in arrays])  # type: ignore[arg-type]
    got = [a.copy() for a in arrays]
    jm = JitModule(m, options=Options(vector_bits=bits))
    jm.kernels[func.sym_name.data](got, env)  # type: ignore[union-attr]
    return ref, got, jm


def _close(ref: list[np.ndarray], got: list[np.ndarray], rtol: float = 1e-6) -> None:
    for r, g in zip(ref, got, strict=True):
        if np.issubdtype(r.dtype, np.floating):
            np.testing.assert_allclose(g.astype(np.float64), r.astype(np.float64), rtol=rtol, atol=rtol)
        else:
            np.testing.assert_array_equal(g, r)


def _rand(shape: tuple[int, ...], dt: type, rng: np.random.Generator) -> np.ndarray:
    if np.issubdtype(dt, np.integer):
        return rng.integers(-50, 50, shape).astype(dt)
    return rng.standard_normal(shape).astype(dt)


EW = """
tir.func @ew(%A: !tir.buffer<[n, 37], T>, %B: !tir.buffer<[n, 37], T>, %S: !tir.buffer<[n], T>, %C: !tir.buffer<[n, 37], T>) {
  tir.for i in range(n) {
    tir.for j in range(37) vectorized {
      tir.block "C" (vi = spatial(n, i), vj = spatial(37, j)) reads(%A[vi, vj], %B[vi, vj], %S[vi]) writes(%C[vi, vj]) {
        %a = tir.load %A[vi, vj] : T
        %b = tir.load %B[vi, vj] : T
        %s = tir.load %S[vi] : T
        %m = arith.MUL %a, %b : T
        %r = arith.ADD %m, %s : T
        tir.store %r, %C[vi, vj]
      }
    }
  }
  tir.return
}
"""


@pytest.mark.parametrize("dtype", list(ML))
def test_elementwise_tail_and_broadcast(dtype: str) -> None:
    """37 = 2 vector chunks + a scalar tail (f32 at 512 bits: 16 lanes); %S[vi] is splat."""
    is_int = dtype.startswith("i")
    text = EW.replace("T>", f"{dtype}>").replace(": T", f": {dtype}")
    text = text.replace("MUL", "muli" if is_int else "mulf").replace("ADD", "addi" if is_int else "addf")
    rng = np.random.default_rng(0)
    n, dt = 3, ML[dtype]
    arrays = [_rand((n, 37), dt, rng), _rand((n, 37), dt, rng), _rand((n,), dt, rng), np.zeros((n, 37), dt)]
    ref, got, jm = _run(text, arrays, {"n": n})
    _close(ref, got, 1e-3 if dtype == "f16" else 1e-6)
    lanes = min(512 // np.dtype(dt).itemsize // 8, 32)
    assert f"load <{lanes} x" in jm.ir and f"store <{lanes} x" in jm.ir and "shufflevector" in jm.ir


def test_f32_vector_width_and_fma() -> None:
    text = EW.replace("T>", "f32>").replace(": T", ": f32").replace("MUL", "mulf").replace("ADD", "addf")
    rng = np.random.default_rng(1)
    arrays = [_rand((2, 37), np.float32, rng), _rand((2, 37), np.float32, rng), _rand((2,), np.float32, rng), np.zeros((2, 37), np.float32)]
    for bits, lanes in ((512, 16), (256, 8)):
        ref, got, jm = _run(text, arrays, {"n": 2}, bits)
        _close(ref, got)
        assert f"load <{lanes} x float>" in jm.ir and f"store <{lanes} x float>" in jm.ir
        assert f"fmul contract <{lanes} x float>" in jm.ir and f"fadd contract <{lanes} x float>" in jm.ir
    if default_vector_bits() == 512:
        _, _, jm = _run(text, arrays, {"n": 2}, 512)
        assert "vfmadd" in jm.asm() and "zmm" in jm.asm()


MATH = """
tir.func @m(%A: !tir.buffer<[45], f32>, %E: !tir.buffer<[45], f32>, %T: !tir.buffer<[45], f32>, %G: !tir.buffer<[45], f32>) {
  tir.for j in range(45) vectorized {
    tir.block "E" (vj = spatial(45, j)) reads(%A[vj]) writes(%E[vj], %T[vj], %G[vj]) {
      %a = tir.load %A[vj] : f32
      %e = math.exp %a : f32
      tir.store %e, %E[vj]
      %t = math.tanh %a : f32
      tir.store %t, %T[vj]
      %one = arith.constant 1.0 : f32
      %n = arith.negf %a : f32
      %x = math.exp %n : f32
      %d = arith.addf %one, %x : f32
      %g = arith.divf %one, %d : f32
      tir.store %g, %G[vj]
    }
  }
  tir.return
}
"""


def test_math_lanewise() -> None:
    """exp (vmath expansion, lane-wise), tanh (libm, one call per lane), sigmoid."""
    rng = np.random.default_rng(2)
    a = (rng.standard_normal(45) * 6).astype(np.float32)
    a[:3] = [np.inf, -np.inf, np.nan]
    arrays = [a, *(np.zeros(45, np.float32) for _ in range(3))]
    ref, got, jm = _run(MATH, arrays, {})
    for r, g in zip(ref[1:], got[1:], strict=True):
        np.testing.assert_allclose(g, r, rtol=3e-6, atol=1e-30)
    assert "call ccc float @\"tanhf\"" in jm.ir and "fmul <16 x float>" in jm.ir


CASTS = """
tir.func @c(%A: !tir.buffer<[21], f32>, %B: !tir.buffer<[21], i8>, %I: !tir.buffer<[21], i32>, %F: !tir.buffer<[21], f32>, %H: !tir.buffer<[21], f16>, %W: !tir.buffer<[21], f32>) {
  tir.for j in range(21) vectorized {
    tir.block "C" (vj = spatial(21, j)) reads(%A[vj], %B[vj]) writes(%I[vj], %F[vj], %H[vj], %W[vj]) {
      %a = tir.load %A[vj] : f32
      %b = tir.load %B[vj] : i8
      %i = arith.fptosi %a : f32 to i32
      tir.store %i, %I[vj]
      %f = arith.sitofp %b : i8 to f32
      tir.store %f, %F[vj]
      %h = arith.truncf %a : f32 to f16
      tir.store %h, %H[vj]
      %z = arith.constant 0.0 : f32
      %p = arith.cmpf ogt, %a, %z : f32
      %w = arith.select %p, %a, %f : f32
      tir.store %w, %W[vj]
    }
  }
  tir.return
}
"""


def test_casts_and_select() -> None:
    rng = np.random.default_rng(3)
    a = (rng.standard_normal(21) * 1e3).astype(np.float32)
    arrays = [a, rng.integers(-128, 127, 21).astype(np.int8), np.zeros(21, np.int32), np.zeros(21, np.float32),
              np.zeros(21, np.float16), np.zeros(21, np.float32)]
    ref, got, jm = _run(CASTS, arrays, {})
    _close(ref, got)
    assert "llvm.fptosi.sat.v16i32.v16f32" in jm.ir and re.search(r"select\s+<16 x i1>", jm.ir)


WHERE = """
tir.func @w(%A: !tir.buffer<[n], f32>, %C: !tir.buffer<[n], f32>) {
  tir.for jo in range((n+15) floordiv 16) {
    tir.for ji in range(16) vectorized {
      tir.block "C" (v = spatial(n, jo*16+ji)) where(jo*16+ji < n) reads(%A[v]) writes(%C[v]) {
        %a = tir.load %A[v] : f32
        %i = tir.index (v)
        %k = arith.index_cast %i : index to i64
        %f = arith.sitofp %k : i64 to f32
        %r = arith.addf %a, %f : f32
        tir.store %r, %C[v]
      }
    }
  }
  tir.return
}
"""


@pytest.mark.parametrize("n", [5, 32, 45])
def test_tail_predicate_versioned(n: int) -> None:
    """Full tiles run the vector code; the predicated last tile runs the scalar loop."""
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal(n).astype(np.float32), np.zeros(n, np.float32)]
    ref, got, jm = _run(WHERE, arrays, {"n": n})
    _close(ref, got)
    assert "store <16 x float>" in jm.ir and "add <16 x i64>" in jm.ir


STRIDED = """
tir.func @s(%A: !tir.buffer<[64], f32>, %C: !tir.buffer<[64], f32>, %D: !tir.buffer<[32], f32>) {
  tir.for j in range(32) vectorized {
    tir.block "C" (v = spatial(32, j)) reads(%A[v*2]) writes(%C[v*2], %D[v]) {
      %a = tir.load %A[v*2] : f32
      %b = tir.load %A[v*2+1] : f32
      %s = arith.addf %a, %b : f32
      tir.store %s, %C[v*2]
      tir.store %s, %D[v]
    }
  }
  tir.return
}
"""


def test_strided_store_falls_back() -> None:
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(64).astype(np.float32), np.zeros(64, np.float32), np.zeros(32, np.float32)]
    ref, got, jm = _run(STRIDED, arrays, {})
    _close(ref, got)
    assert "<16 x float>" not in jm.ir and "__tensorforge_loop_hint_vectorized" in jm.ir


def test_strided_load_gathers() -> None:
    text = STRIDED.replace("      tir.store %s, %C[v*2]\n", "")
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal(64).astype(np.float32), np.zeros(64, np.float32), np.zeros(32, np.float32)]
    ref, got, jm = _run(text, arrays, {})
    _close(ref, got)
    assert "insertelement <16 x float>" in jm.ir and "store <16 x float>" in jm.ir


REDUCE = """
tir.func @r(%A: !tir.buffer<[n, 40], T>, %S: !tir.buffer<[n], T>) {
  tir.for i in range(n) {
    tir.for k in range(40) vectorized {
      tir.block "S" (vi = spatial(n, i), vk = reduce(40, k)) reads(%A[vi, vk]) writes(%S[vi]) {
        %s = tir.load %S[vi] : T
        %a = tir.load %A[vi, vk] : T
        %r = arith.ADD %s, %a : T
        tir.store %r, %S[vi]
      }
    }
  }
  tir.return
}
"""


def _sequential_sums(a: np.ndarray, start: np.ndarray) -> np.ndarray:
    out = start.copy()
    for i in range(a.shape[0]):
        for k in range(a.shape[1]):
            out[i] = out[i] + a[i, k]
    return out


@pytest.mark.parametrize(("dtype", "combine"), [("f32", "addf"), ("i32", "addi"), ("i8", "muli"), ("f64", "maximumf"),
                                                ("i32", "minsi"), ("f32", "mulf")])
def test_reduction_along_vector_loop(dtype: str, combine: str) -> None:
    """An accumulator at an offset independent of the vector loop: a horizontal reduce per
    chunk, exact for ints and in the scalar loop's order for fadd/fmul (bit-equal)."""
    text = REDUCE.replace("T>", f"{dtype}>").replace(": T", f": {dtype}").replace("ADD", combine)
    rng = np.random.default_rng(7)
    dt = ML[dtype]
    a = _rand((3, 40), dt, rng) if combine != "muli" else rng.integers(-3, 4, (3, 40)).astype(dt)
    arrays = [a, _rand((3,), dt, rng)]
    ref, got, jm = _run(text, arrays, {"n": 3})
    _close(ref, got, 1e-5)
    kind = {"addf": "fadd", "addi": "add", "muli": "mul", "maximumf": "fmaximum", "minsi": "smin", "mulf": "fmul"}[combine]
    assert f"llvm.vector.reduce.{kind}." in jm.ir
    if combine == "addf":
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(got[1], _sequential_sums(arrays[0], arrays[1]))


def test_reduction_with_second_access_is_refused() -> None:
    """The accumulator is also read elsewhere in the loop: kept on the scalar path."""
    text = REDUCE.replace("T>", "f32>").replace(": T", ": f32").replace("ADD", "addf")
    text = text.replace("        tir.store %r, %S[vi]\n", "        tir.store %r, %S[vi]\n        %t = tir.load %S[vi] : f32\n")
    rng = np.random.default_rng(8)
    arrays = [_rand((3, 40), np.float32, rng), np.zeros(3, np.float32)]
    ref, got, jm = _run(text, arrays, {"n": 3})
    _close(ref, got, 1e-5)
    assert "x float>" not in jm.ir


BOOL = """
tir.func @b(%A: !tir.buffer<[m], f32>, %P: !tir.buffer<[m], i1>, %Q: !tir.buffer<[m], i1>) {
  tir.for j in range(m) vectorized {
    tir.block "Q" (v = spatial(m, j)) reads(%A[v], %P[v]) writes(%Q[v]) {
      %a = tir.load %A[v] : f32
      %p = tir.load %P[v] : i1
      %z = arith.constant 0.0 : f32
      %c = arith.cmpf olt, %a, %z : f32
      %q = arith.xori %c, %p : i1
      tir.store %q, %Q[v]
    }
  }
  tir.return
}
"""


def test_symbolic_extent_keeps_scalar_path_and_bools() -> None:
    rng = np.random.default_rng(8)
    m = 19
    arrays = [rng.standard_normal(m).astype(np.float32), rng.integers(0, 2, m).astype(bool), np.zeros(m, bool)]
    ref, got, jm = _run(BOOL, arrays, {"m": m})
    _close(ref, got)
    assert "<16 x i1>" not in jm.ir
    ref, got, jm = _run(BOOL.replace("range(m)", "range(19)"), arrays, {"m": m})
    _close(ref, got)
    assert "load <16 x i8>" in jm.ir and "store <16 x i8>" in jm.ir


def test_vector_bits_zero_disables() -> None:
    text = EW.replace("T>", "f32>").replace(": T", ": f32").replace("MUL", "mulf").replace("ADD", "addf")
    rng = np.random.default_rng(9)
    arrays = [_rand((2, 37), np.float32, rng), _rand((2, 37), np.float32, rng), _rand((2,), np.float32, rng), np.zeros((2, 37), np.float32)]
    ref, got, jm = _run(text, arrays, {"n": 2}, 0)
    _close(ref, got)
    assert "x float>" not in jm.ir


def test_bad_vector_bits_is_an_error() -> None:
    from tensorforge.codegen.llvm.scalar import CodegenError

    text = EW.replace("T>", "f32>").replace(": T", ": f32").replace("MUL", "mulf").replace("ADD", "addf")
    with pytest.raises(CodegenError, match="vector_bits must be 0 .off. or a power of two, got 96"):
        JitModule(parse_module(text), options=Options(vector_bits=96))


@given(extent=st.integers(2, 70), bits=st.sampled_from([128, 256, 512]), dtype=st.sampled_from(["f32", "f64", "i32", "i8"]),
       seed=st.integers(0, 2**16))
def test_property_elementwise_any_extent(extent: int, bits: int, dtype: str, seed: int) -> None:
    """Any static extent and width: vector chunks + tail equal the interpreter."""
    is_int = dtype.startswith("i")
    text = EW.replace("37", str(extent)).replace("T>", f"{dtype}>").replace(": T", f": {dtype}")
    text = text.replace("MUL", "muli" if is_int else "mulf").replace("ADD", "addi" if is_int else "addf")
    rng = np.random.default_rng(seed)
    dt = ML[dtype]
    arrays = [_rand((2, extent), dt, rng), _rand((2, extent), dt, rng), _rand((2,), dt, rng), np.zeros((2, extent), dt)]
    ref, got, _ = _run(text, arrays, {"n": 2}, bits)
    _close(ref, got)


GATHER = """
tir.func @g(%A: !tir.buffer<[n, M], T>, %C: !tir.buffer<[n, E], T>) {
  tir.for i in range(n) {
    tir.for j in range(E) vectorized {
      tir.block "C" (vi = spatial(n, i), vj = spatial(E, j)) reads(%A[vi, vj*S]) writes(%C[vi, vj]) {
        %a = tir.load %A[vi, vj*S] : T
        %b = tir.load %A[vi, (vj*S) floordiv 2] : T
        %r = arith.OP %a, %b : T
        tir.store %r, %C[vi, vj]
      }
    }
  }
  tir.return
}
"""


@given(extent=st.integers(2, 40), stride=st.integers(0, 3), bits=st.sampled_from([128, 512]),
       case=st.sampled_from([("f32", "addf"), ("i32", "muli"), ("i8", "xori"), ("f64", "maximumf")]),
       reduce=st.booleans(), seed=st.integers(0, 2**16))
def test_property_gathers_and_reductions(extent: int, stride: int, bits: int, case: tuple[str, str], reduce: bool,
                                         seed: int) -> None:
    """Loads with any constant stride (splat, contiguous, gathers, floordiv indices) and
    reductions along the vector loop equal the interpreter."""
    dtype, op = case
    rng = np.random.default_rng(seed)
    dt = ML[dtype]
    if reduce:
        text = REDUCE.replace("40", str(extent)).replace("T>", f"{dtype}>").replace(": T", f": {dtype}").replace("ADD", op)
        a = rng.integers(-2, 3, (2, extent)).astype(dt) if op == "muli" else _rand((2, extent), dt, rng)
        arrays = [a, _rand((2,), dt, rng)]
    else:
        text = GATHER.replace("M]", f"{extent * max(stride, 1)}]").replace("E", str(extent)).replace("*S", f"*{stride}")
        text = text.replace("T>", f"{dtype}>").replace(": T", f": {dtype}").replace("OP", op)
        arrays = [_rand((2, extent * max(stride, 1)), dt, rng), np.zeros((2, extent), dt)]
    ref, got, _ = _run(text, arrays, {"n": 2}, bits)
    _close(ref, got, 1e-5)
