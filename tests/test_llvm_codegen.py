"""The LLVM backend compiles tensorir to native code that matches the interpreter."""

from __future__ import annotations

import numpy as np
import pytest

from tensorforge import parse_module
from tensorforge.codegen.llvm.jit import JitModule, to_llvm_ir
from tensorforge.interp.tir import run_func
from tensorforge.schedule import Schedule
from tests.test_tir_interp import MATMUL


def _both(text: str, arrays: list[np.ndarray], env: dict[str, int], schedule=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    m = parse_module(text)
    if schedule is not None:
        schedule(Schedule(m))
    func = m.body.block.first_op
    ref = run_func(func, [a.copy() for a in arrays])  # type: ignore[arg-type]
    got = [a.copy() for a in arrays]
    JitModule(m).kernels[func.sym_name.data](got, env)  # type: ignore[union-attr]
    return ref, got


@pytest.mark.parametrize("cpu", ["native", "generic"])
def test_matmul_symbolic_and_scheduled(cpu: str) -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    b = rng.standard_normal((5, 3)).astype(np.float32)
    c = np.zeros((7, 3), np.float32)

    def sched(s: Schedule) -> None:
        io, _ = s.split("i", [None, 4])  # non-divisible: tail predicate
        s.parallel(io)
        s.reorder(["k", "j"])

    ref, got = _both(MATMUL, [a, b, c], {"n": 7, "K": 5, "M": 3}, sched)
    np.testing.assert_allclose(got[2], ref[2], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[2], a @ b, rtol=1e-5, atol=1e-5)


def test_llvm_ir_has_noalias_and_gep() -> None:
    ir = to_llvm_ir(parse_module(MATMUL))
    assert "noalias" in ir and "getelementptr" in ir and "define" in ir
