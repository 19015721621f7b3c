"""Buffer and reduction schedule primitives: cache_read, cache_write,
set_scope, storage_align, transform_layout, decompose_reduction, rfactor.

Every schedule is checked with the tensorir interpreter against the
unscheduled function on random inputs (outputs start as random garbage, so
a missed or extra write shows), including symbolic sizes with tails and a
zero-length reduction; every refusal names its block/loop/buffer and leaves
the IR untouched; every trace prints, parses and replays to identical IR.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tensorforge.dialects.tirops.ops import FuncOp
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.interp.tir import run_func
from tensorforge.ir import parse_module, print_module
from tensorforge.schedule import Schedule, ScheduleError, Trace
from tests.tir_workloads import workloads

MATMUL = """
tir.func @matmul(%A: !tir.buffer<[n, 12], f32>, %B: !tir.buffer<[12, 8], f32>, %C: !tir.buffer<[n, 8], f32>) {
  tir.for i in range(n) {
    tir.for j in range(8) {
      tir.for k in range(12) {
        tir.block "C" (vi = spatial(n, i), vj = spatial(8, j), vk = reduce(12, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
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

CHAIN = """
tir.func @chain(%X: !tir.buffer<[n, 6], f32>, %Y: !tir.buffer<[6], f32>, %Z: !tir.buffer<[n, 6], f32>) {
  %T = tir.alloc : !tir.buffer<[n, 6], f32>
  tir.for i in range(n) {
    tir.for j in range(6) {
      tir.block "T" (vi = spatial(n, i), vj = spatial(6, j)) reads(%X[vi, vj]) writes(%T[vi, vj]) {
        %x = tir.load %X[vi, vj] : f32
        %e = math.exp %x : f32
        tir.store %e, %T[vi, vj]
      }
    }
  }
  tir.for i2 in range(n) {
    tir.for j2 in range(6) {
      tir.block "Z" (vi2 = spatial(n, i2), vj2 = spatial(6, j2)) reads(%T[vi2, vj2], %Y[vj2]) writes(%Z[vi2, vj2]) {
        %t = tir.load %T[vi2, vj2] : f32
        %y = tir.load %Y[vj2] : f32
        %s = arith.addf %t, %y : f32
        tir.store %s, %Z[vi2, vj2]
      }
    }
  }
  tir.return
}
"""

# a reduction over a symbolic extent whose init is not the combiner's identity
ROWSUM = """
tir.func @rowsum(%X: !tir.buffer<[m, n], f32>, %b: !tir.buffer<[m], f32>, %S: !tir.buffer<[m], f32>) {
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk], %b[vi]) writes(%S[vi]) init {
        %b0 = tir.load %b[vi] : f32
        tir.store %b0, %S[vi]
      } {
        %s = tir.load %S[vi] : f32
        %x = tir.load %X[vi, vk] : f32
        %t = arith.addf %s, %x : f32
        tir.store %t, %S[vi]
      }
    }
  }
  tir.return
}
"""

ROWMAX = """
tir.func @rowmax(%X: !tir.buffer<[m, n], i32>, %S: !tir.buffer<[m], i32>) {
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk]) writes(%S[vi]) init {
        %c = arith.constant -5 : i32
        tir.store %c, %S[vi]
      } {
        %s = tir.load %S[vi] : i32
        %x = tir.load %X[vi, vk] : i32
        %t = arith.maxsi %x, %s : i32
        tir.store %t, %S[vi]
      }
    }
  }
  tir.return
}
"""

SOFTMAX = workloads(("softmax",))[0].text


# -- harness ---------------------------------------------------------------------------------
def _func(module: Any) -> FuncOp:
    return next(op for op in module.body.block.ops if isinstance(op, FuncOp))


def _arrays(text: str, env: dict[str, int], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for t in _func(parse_module(text)).function_type.inputs.data:
        assert isinstance(t, BufferType)
        shape = tuple(d.evaluate(env) for d in t.dims)
        if np.issubdtype(t.dtype, np.integer):
            out.append(rng.integers(-50, 50, shape).astype(t.dtype))
        else:
            out.append(rng.standard_normal(shape).astype(t.dtype))
    return out


def _run(module: Any, arrays: list[np.ndarray]) -> list[np.ndarray]:
    return run_func(_func(module), [a.copy() for a in arrays])


def schedule(text: str, steps: list[tuple[str, dict[str, Any]]], envs: list[dict[str, int]], exact: bool = False) -> tuple[Any, list[Any]]:
    """Apply the steps; compare results with the unscheduled function for each
    symbol binding; check the trace replays and the IR round-trips."""
    module = parse_module(text)
    sch = Schedule(module)
    results = [sch.apply(kind, **args) for kind, args in steps]
    for env in envs:
        arrays = _arrays(text, env)
        want = _run(parse_module(text), arrays)
        got = _run(module, arrays)
        for g, w in zip(got, want, strict=True):
            if exact:
                np.testing.assert_array_equal(g, w)
            else:
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    trace_text = sch.trace.text()
    assert Trace.parse(trace_text).text() == trace_text
    replayed = parse_module(text)
    Schedule(replayed).replay(Trace.parse(trace_text))
    assert print_module(replayed) == print_module(module)
    assert print_module(parse_module(print_module(module))) == print_module(module)
    return module, results


def refuse(text: str, steps: list[tuple[str, dict[str, Any]]], kind: str, args: dict[str, Any], match: str) -> None:
    module = parse_module(text)
    sch = Schedule(module)
    for k, a in steps:
        sch.apply(k, **a)
    before = print_module(module)
    with pytest.raises(ScheduleError, match=match):
        sch.apply(kind, **args)
    assert print_module(module) == before


MM_ENVS = [{"n": 5}, {"n": 1}]
ROW_ENVS = [{"m": 3, "n": 10}, {"m": 2, "n": 1}, {"m": 3, "n": 0}]
SM_ENVS = [{"n": 5}]


# -- cache_read ----------------------------------------------------------------------------------
def test_cache_read_matmul() -> None:
    module, [name] = schedule(MATMUL, [("cache_read", {"block": "C", "buffer_index": 1, "scope": "shared"})], MM_ENVS)
    assert name == "B_shared"
    text = print_module(module)
    assert "%B_shared = tir.alloc : !tir.buffer<[12, 8], f32, shared>" in text
    assert "tir.load %B_shared[vk, vj]" in text


def test_cache_read_after_split_and_reorder() -> None:
    steps = [
        ("split", {"loop": "i", "factors": [None, 4]}),
        ("reorder", {"loops": ["k", "j"]}),
        ("cache_read", {"block": "C", "buffer_index": 0, "scope": "local"}),
        ("cache_read", {"block": "C", "buffer_index": 1, "scope": "shared"}),
    ]
    schedule(MATMUL, steps, MM_ENVS)


def test_cache_read_copies_only_the_read_box() -> None:
    text = """
    tir.func @window(%A: !tir.buffer<[n], f32>, %B: !tir.buffer<[n], f32>) {
      tir.for i in range(n-2) {
        tir.block "B" (vi = spatial(n-2, i)) reads(%A[vi+1 : 2]) writes(%B[vi]) {
          %a = tir.load %A[vi+1] : f32
          %b = tir.load %A[vi+2] : f32
          %s = arith.addf %a, %b : f32
          tir.store %s, %B[vi]
        }
      }
      tir.return
    }
    """
    module, _ = schedule(text, [("cache_read", {"block": "B", "buffer_index": 0, "scope": "local"})], [{"n": 6}, {"n": 2}])
    out = print_module(module)
    assert "tir.for ax0 in range(n-1)" in out and "spatial(n, ax0+1)" in out


def test_cache_read_chain_and_softmax() -> None:
    schedule(CHAIN, [("cache_read", {"block": "Z", "buffer_index": 0, "scope": "shared"})], MM_ENVS)
    schedule(SOFTMAX, [("cache_read", {"block": "T_softmax", "buffer_index": 2, "scope": "local"})], SM_ENVS)


def test_cache_read_refusals() -> None:
    refuse(MATMUL, [], "cache_read", {"block": "C", "buffer_index": 0, "scope": "texture"}, "cache_read: unknown scope 'texture'")
    refuse(MATMUL, [], "cache_read", {"block": "C", "buffer_index": 2, "scope": "local"}, "block 'C' has 2 read buffer")
    refuse(MATMUL, [], "cache_read", {"block": "nope", "buffer_index": 0, "scope": "local"}, "no block named 'nope'")
    refuse(INPLACE, [], "cache_read", {"block": "D", "buffer_index": 0, "scope": "local"}, "block 'D' also writes %A")
    refuse(FUSED_PAIR, [], "cache_read", {"block": "Q", "buffer_index": 0, "scope": "local"}, "%T is written inside loop 'i' that holds block 'Q'")


INPLACE = """
tir.func @inplace(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "D" (vi = spatial(n, i)) reads(%A[vi]) writes(%A[vi]) {
      %a = tir.load %A[vi] : f32
      %b = arith.addf %a, %a : f32
      tir.store %b, %A[vi]
    }
  }
  tir.return
}
"""

# a producer and its consumer under one loop (as after compute_at)
FUSED_PAIR = """
tir.func @pair(%X: !tir.buffer<[n], f32>, %Z: !tir.buffer<[n], f32>) {
  %T = tir.alloc : !tir.buffer<[n], f32>
  tir.for i in range(n) {
    tir.block "P" (vi = spatial(n, i)) reads(%X[vi]) writes(%T[vi]) {
      %x = tir.load %X[vi] : f32
      %e = math.exp %x : f32
      tir.store %e, %T[vi]
    }
    tir.block "Q" (vq = spatial(n, i)) reads(%T[vq]) writes(%Z[vq]) {
      %t = tir.load %T[vq] : f32
      tir.store %t, %Z[vq]
    }
  }
  tir.return
}
"""

SCATTER = """
tir.func @scatter(%I: !tir.buffer<[n], i64>, %X: !tir.buffer<[n], f32>, %Y: !tir.buffer<[m], f32>) {
  tir.for i in range(n) {
    tir.block "Y" (vi = spatial(n, i)) reads(%I[vi], %X[vi]) writes(%Y[0 : m]) {
      %j = tir.load %I[vi] : i64
      %jx = arith.index_cast %j : i64 to index
      %x = tir.load %X[vi] : f32
      tir.store %x, %Y[%jx]
    }
  }
  tir.return
}
"""


# -- cache_write -------------------------------------------------------------------------------------
def test_cache_write_matmul() -> None:
    module, [name] = schedule(MATMUL, [("cache_write", {"block": "C", "buffer_index": 0, "scope": "local"})], MM_ENVS)
    assert name == "C_local"
    text = print_module(module)
    assert "tir.store %s, %C_local[vi, vj]" in text
    assert 'tir.block "C_local" (vi_1 = spatial(n, i_1), vj_1 = spatial(8, j_1)) reads(%C_local[vi_1, vj_1]) writes(%C[vi_1, vj_1])' in text


def test_cache_write_with_tails_and_reductions() -> None:
    steps = [
        ("split", {"loop": "i", "factors": [None, 4]}),
        ("split", {"loop": "k", "factors": [None, 5]}),
        ("cache_write", {"block": "C", "buffer_index": 0, "scope": "local"}),
    ]
    module, _ = schedule(MATMUL, steps, MM_ENVS)
    # the copy-back repeats the spatial loops and the tail predicate, not the reduce loops
    assert "where(i_0_1*4+i_1_1 < n)" in print_module(module)
    schedule(ROWSUM, [("cache_write", {"block": "S", "buffer_index": 0, "scope": "local"})], ROW_ENVS)
    schedule(SOFTMAX, [("cache_write", {"block": "T_softmax_expsum", "buffer_index": 0, "scope": "shared"})], SM_ENVS)
    schedule(CHAIN, [("cache_write", {"block": "T", "buffer_index": 0, "scope": "local"}), ("cache_write", {"block": "Z", "buffer_index": 0, "scope": "local"})], MM_ENVS)


def test_cache_write_zero_length_reduction_keeps_output() -> None:
    # with n = 0 the block never runs, so the copy-back must not run either
    module, _ = schedule(ROWSUM, [("cache_write", {"block": "S", "buffer_index": 0, "scope": "local"})], ROW_ENVS)
    assert "where(0 < n)" in print_module(module)


def test_cache_write_refusals() -> None:
    refuse(INPLACE, [], "cache_write", {"block": "D", "buffer_index": 0, "scope": "local"}, "block 'D' reads %A without an init")
    refuse(FUSED_PAIR, [], "cache_write", {"block": "P", "buffer_index": 0, "scope": "local"}, "%T is also accessed outside block 'P' inside loop 'i'")
    refuse(SCATTER, [], "cache_write", {"block": "Y", "buffer_index": 0, "scope": "local"}, "block 'Y' stores to %Y at a data-dependent")
    refuse(MATMUL, [], "cache_write", {"block": "C", "buffer_index": 1, "scope": "local"}, "block 'C' has 1 write buffer")


# -- set_scope / storage_align ------------------------------------------------------------------------------
def test_set_scope() -> None:
    module, _ = schedule(CHAIN, [("set_scope", {"block": "T", "buffer_index": 0, "scope": "shared"})], MM_ENVS)
    assert "%T = tir.alloc : !tir.buffer<[n, 6], f32, shared>" in print_module(module)
    refuse(CHAIN, [], "set_scope", {"block": "Z", "buffer_index": 0, "scope": "shared"}, "%Z written by block 'Z' is a function argument")
    refuse(CHAIN, [], "set_scope", {"block": "T", "buffer_index": 0, "scope": "warp"}, "unknown scope 'warp'")


def test_storage_align() -> None:
    steps = [
        ("storage_align", {"block": "T", "buffer_index": 0, "axis": 0, "factor": 8, "offset": 1}),
        ("set_scope", {"block": "T", "buffer_index": 0, "scope": "shared"}),
    ]
    module, _ = schedule(CHAIN, steps, MM_ENVS)
    assert "!tir.buffer<[n, 6], f32, shared, [9, 1]>" in print_module(module)
    # a second alignment, inner axis: the outer stride is recomputed and stays aligned
    steps.append(("storage_align", {"block": "T", "buffer_index": 0, "axis": -1, "factor": 4, "offset": 2}))
    module, _ = schedule(CHAIN, steps, MM_ENVS)
    t = _func(module).body.block.first_op.result.type  # type: ignore[union-attr]
    strides = [s.value() for s in t.stride_exprs()]
    assert strides == [17, 2] and strides[0] % 8 == 1 and strides[1] % 4 == 2


def test_storage_align_symbolic_shape() -> None:
    text = CHAIN.replace("[n, 6], f32>\n", "[6, n], f32>\n").replace("%T[vi, vj]", "%T[vj, vi]").replace("%T[vi2, vj2]", "%T[vj2, vi2]")
    module, _ = schedule(text, [("storage_align", {"block": "T", "buffer_index": 0, "axis": 0, "factor": 16, "offset": 4})], MM_ENVS)
    t = _func(module).body.block.first_op.result.type  # type: ignore[union-attr]
    for n in range(1, 40):
        assert t.stride_exprs()[0].evaluate({"n": n}) % 16 == 4
        assert t.stride_exprs()[0].evaluate({"n": n}) >= n


def test_storage_align_refusals() -> None:
    refuse(CHAIN, [], "storage_align", {"block": "Z", "buffer_index": 0, "axis": 0, "factor": 8, "offset": 0}, "%Z written by block 'Z' is a function argument")
    refuse(CHAIN, [], "storage_align", {"block": "T", "buffer_index": 0, "axis": 2, "factor": 8, "offset": 0}, "axis 2 out of range for rank-2 buffer %T")
    refuse(CHAIN, [], "storage_align", {"block": "T", "buffer_index": 0, "axis": 0, "factor": 8, "offset": 8}, "0 <= offset < factor")
    strided = CHAIN.replace("%T = tir.alloc : !tir.buffer<[n, 6], f32>", "%T = tir.alloc : !tir.buffer<[n, 6], f32, global, [7, 1]>")
    refuse(strided, [], "storage_align", {"block": "T", "buffer_index": 0, "axis": 0, "factor": 8, "offset": 0}, "explicit strides that storage_align did not set")


# -- transform_layout -------------------------------------------------------------------------------------------
def test_transform_layout_intermediate() -> None:
    index_map = "lambda i, j: (j floordiv 4, i, j mod 4)"
    module, _ = schedule(CHAIN, [("transform_layout", {"block": "T", "buffer_index": 0, "index_map": index_map})], MM_ENVS)
    text = print_module(module)
    assert "%T = tir.alloc : !tir.buffer<[2, n, 4], f32>" in text  # 6 = 4 + 2: the split pads
    assert "tir.store %e, %T[vj floordiv 4, vi, vj mod 4]" in text
    assert "reads(%T[vj2 floordiv 4, vi2, vj2 mod 4], %Y[vj2])" in text


def test_transform_layout_forms_and_sequences() -> None:
    steps = [
        ("transform_layout", {"block": "Z", "buffer_index": 0, "index_map": [["a", "b"], ["b", "a"]], "buffer_kind": "read"}),
        ("transform_layout", {"block": "T", "buffer_index": 0, "index_map": "lambda p, q: (p*n+q,)"}),
        ("split", {"loop": "i", "factors": [None, 2]}),
        ("cache_read", {"block": "Z", "buffer_index": 0, "scope": "local"}),
    ]
    module, _ = schedule(CHAIN, steps, MM_ENVS)
    assert "%T = tir.alloc : !tir.buffer<[n*6], f32>" in print_module(module)
    assert "tir.store %e, %T[n*vj+vi]" in print_module(module)
    schedule(SOFTMAX, [("transform_layout", {"block": "T_softmax_maxelem", "buffer_index": 0, "index_map": "lambda i: (i % 2, i // 2)"})], [{"n": 5}, {"n": 4}])


def test_transform_layout_argument() -> None:
    module, _ = schedule(INPLACE, [], MM_ENVS)
    sch = Schedule(module)
    sch.transform_layout("D", 0, "lambda i: (i,)", allow_arguments=True)
    text = CHAIN.replace("@chain", "@c2")
    m = parse_module(text)
    Schedule(m).transform_layout("Z", 0, "lambda i, j: (j, i)", allow_arguments=True)
    assert "%Z: !tir.buffer<[6, n], f32>" in print_module(m)
    x, y, _ = _arrays(CHAIN, {"n": 3})
    z = np.zeros((6, 3), np.float32)
    run_func(_func(m), [x, y, z])
    np.testing.assert_allclose(z, (np.exp(x) + y).T, rtol=1e-6)


CALLED = """
graph.func @main(%x: !graph.tensor<[n, 6], f32>, %y: !graph.tensor<[6], f32>) -> (out: !graph.tensor<[n, 6], f32>) {
  %0 = graph.call_tir @chain(%x, %y) : (!graph.tensor<[n, 6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[n, 6], f32>
  graph.return %0 : !graph.tensor<[n, 6], f32>
}
""" + CHAIN


def test_transform_layout_refusals() -> None:
    def bad(index_map: Any, match: str, block: str = "T", **kw: Any) -> None:
        refuse(CHAIN, [], "transform_layout", {"block": block, "buffer_index": 0, "index_map": index_map, **kw}, match)

    bad("lambda i, j: (i floordiv 2, j)", "index map of %T is not provably one-to-one .* the pieces of 'i' do not tile it")
    bad("lambda i, j: (i, j, i)", "'i' is used more than once")
    bad("lambda i, j: (i + j,)", "not a mixed-radix sum")
    bad("lambda i, j: (i, j + 1)", "constant offset")
    bad("lambda i: (i,)", "index map needs 2 distinct parameter names")
    bad("lambda i, j: (i, q)", "uses unknown name\\(s\\) q")
    bad("lambda i, n: (i, n)", "shadow function symbols")
    bad("lambda i, j: (i, j floordiv)", "cannot parse index map output")
    bad("i, j: (i, j)", "must start with 'lambda'")
    bad(42, "index_map must be")
    bad("lambda i, j: (j, i)", "%Z is an argument of @chain; changing its layout changes the signature", block="Z")
    refuse(CALLED, [], "transform_layout", {"block": "Z", "buffer_index": 0, "index_map": "lambda i, j: (j, i)", "allow_arguments": True}, "which graph.call_tir calls")
    refuse(CHAIN, [("storage_align", {"block": "T", "buffer_index": 0, "axis": 0, "factor": 8, "offset": 0})], "transform_layout",
           {"block": "T", "buffer_index": 0, "index_map": "lambda i, j: (j, i)"}, "%T has explicit strides")
    refuse(SCATTER, [], "transform_layout", {"block": "Y", "buffer_index": 0, "index_map": "lambda i: (i,)", "allow_arguments": True}, "%Y has a data-dependent or vector access")
    refuse(CHAIN, [], "transform_layout", {"block": "T", "buffer_index": 0, "index_map": "lambda i, j: (j, i)", "buffer_kind": "both"}, "buffer kind must be 'read' or 'write'")


# -- decompose_reduction -------------------------------------------------------------------------------------------
def test_decompose_reduction_matmul() -> None:
    module, [name] = schedule(MATMUL, [("decompose_reduction", {"block": "C", "loop": "k"})], MM_ENVS, exact=True)
    assert name == "C_init"
    text = print_module(module)
    assert 'tir.block "C_init" (vi_init = spatial(n, i), vj_init = spatial(8, j)) reads() writes(%C[vi_init, vj_init])' in text
    assert "init {" not in text
    module, _ = schedule(MATMUL, [("decompose_reduction", {"block": "C", "loop": "i"})], MM_ENVS, exact=True)
    assert "tir.for i_init in range(n)" in print_module(module)


def test_decompose_reduction_after_split_reorder() -> None:
    steps = [
        ("split", {"loop": "i", "factors": [None, 4]}),
        ("split", {"loop": "k", "factors": [None, 5]}),
        ("reorder", {"loops": ["k_0", "j"]}),
        ("decompose_reduction", {"block": "C", "loop": "k_0"}),
    ]
    module, _ = schedule(MATMUL, steps, MM_ENVS, exact=True)
    text = print_module(module)
    assert "tir.for j_init in range(8)" in text
    assert "where(i_0*4+i_1 < n)" in text


def test_decompose_reduction_symbolic_and_softmax() -> None:
    module, _ = schedule(ROWSUM, [("decompose_reduction", {"block": "S", "loop": "k"})], ROW_ENVS, exact=True)
    assert "where(0 < n)" in print_module(module)  # n = 0: the original never initializes
    schedule(ROWMAX, [("split", {"loop": "k", "factors": [None, 4]}), ("decompose_reduction", {"block": "S", "loop": "i"})], ROW_ENVS, exact=True)
    steps = [("decompose_reduction", {"block": b, "loop": "ax0" if b == "T_softmax_maxelem" else "k0_1"}) for b in ("T_softmax_maxelem", "T_softmax_expsum")]
    schedule(SOFTMAX, steps, SM_ENVS, exact=True)


NESTED_PAIR = """
tir.func @sum_then_use(%X: !tir.buffer<[m, n], f32>, %Z: !tir.buffer<[m], f32>) {
  %S = tir.alloc : !tir.buffer<[m], f32>
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk]) writes(%S[vi]) init {
        %z = arith.constant 0.0 : f32
        tir.store %z, %S[vi]
      } {
        %s = tir.load %S[vi] : f32
        %x = tir.load %X[vi, vk] : f32
        %t = arith.addf %s, %x : f32
        tir.store %t, %S[vi]
      }
    }
    tir.block "Z" (vz = spatial(m, i)) reads(%S[vz]) writes(%Z[vz]) {
      %s = tir.load %S[vz] : f32
      tir.store %s, %Z[vz]
    }
  }
  tir.return
}
"""

HALVED = MATMUL.replace("vi = spatial(n, i)", "vi = spatial(n, i floordiv 2)")


def test_decompose_reduction_refusals() -> None:
    refuse(CHAIN, [], "decompose_reduction", {"block": "T", "loop": "i"}, "block 'T' has no init")
    refuse(MATMUL, [("decompose_reduction", {"block": "C", "loop": "k"})], "decompose_reduction", {"block": "C", "loop": "k"}, "block 'C' has no init")
    refuse(CHAIN, [], "decompose_reduction", {"block": "Z", "loop": "i"}, "loop 'i' does not enclose block 'Z'")
    refuse(MATMUL, [("reorder", {"loops": ["k", "j"]})], "decompose_reduction", {"block": "C", "loop": "j"}, "loop 'k' above 'j' iterates a reduce variable of block 'C'")
    refuse(NESTED_PAIR, [], "decompose_reduction", {"block": "S", "loop": "i"}, "%S is also accessed by another block under loop 'i'")
    refuse(HALVED, [], "decompose_reduction", {"block": "C", "loop": "k"}, "bindings of block 'C' are not provably one-to-one")
    refuse(MATMUL, [("reorder", {"loops": ["k", "j"]}), ("fuse", {"loops": ["i", "k"]})], "decompose_reduction", {"block": "C", "loop": "i_k_fused"},
           "loop\\(s\\) i_k_fused of block 'C' feed both spatial and reduce variables")
    schedule(NESTED_PAIR, [("decompose_reduction", {"block": "S", "loop": "k"})], ROW_ENVS, exact=True)


# -- rfactor -----------------------------------------------------------------------------------------------------------
def test_rfactor_matmul() -> None:
    steps = [("split", {"loop": "k", "factors": [None, 4]}), ("rfactor", {"loop": "k_1", "factor_axis": 0})]
    module, [_, name] = schedule(MATMUL, steps, MM_ENVS)
    assert name == "C_rf"
    text = print_module(module)
    assert "%C_rf = tir.alloc : !tir.buffer<[4, n, 8], f32>" in text
    assert 'tir.block "C_rf" (vi = spatial(n, i), vj = spatial(8, j), v_k_1 = spatial(4, k_1), v_k_0 = reduce(3, k_0))' in text
    assert "tir.store %s, %C_rf[v_k_1, vi, vj]" in text
    assert 'tir.block "C" (vi_1 = spatial(n, i), vj_1 = spatial(8, j), v_k_1_1 = reduce(4, k_1_1))' in text
    for axis in (1, 2, -1):
        schedule(MATMUL, [("split", {"loop": "k", "factors": [3, None]}), ("rfactor", {"loop": "k_0", "factor_axis": axis})], MM_ENVS)


def test_rfactor_keeps_init_and_handles_tails() -> None:
    # a bias init (not the identity), a symbolic reduce extent split with a tail, n = 0 and n = 1
    steps = [("split", {"loop": "k", "factors": [None, 4]}), ("rfactor", {"loop": "k_1", "factor_axis": 0})]
    module, _ = schedule(ROWSUM, steps, ROW_ENVS)
    text = print_module(module)
    assert "where(k_0*4+k_1 < n)" in text and "where(0 < n ceildiv 4, k_1_1 < n)" in text
    schedule(ROWSUM, [("split", {"loop": "k", "factors": [None, 4]}), ("rfactor", {"loop": "k_0", "factor_axis": 1})], ROW_ENVS)
    schedule(ROWSUM, [("rfactor", {"loop": "k", "factor_axis": 0})], ROW_ENVS)
    schedule(ROWMAX, [("split", {"loop": "k", "factors": [None, 3]}), ("rfactor", {"loop": "k_1", "factor_axis": 0})], ROW_ENVS, exact=True)


def test_rfactor_then_decompose_and_softmax() -> None:
    steps = [
        ("split", {"loop": "k", "factors": [None, 4]}),
        ("reorder", {"loops": ["k_1", "k_0"]}),
        ("rfactor", {"loop": "k_1", "factor_axis": 0}),
        ("decompose_reduction", {"block": "C_rf", "loop": "k_0"}),
        ("decompose_reduction", {"block": "C", "loop": "k_1_1"}),
    ]
    schedule(MATMUL, steps, MM_ENVS)
    steps = [
        ("split", {"loop": "k0", "factors": [None, 4]}),  # T_softmax_maxelem's loop: k0_0, k0_1_1
        ("rfactor", {"loop": "k0_1_1", "factor_axis": 1}),
        ("rfactor", {"loop": "k0_1", "factor_axis": 0}),  # T_softmax_expsum's loop
    ]
    schedule(SOFTMAX, steps, SM_ENVS)


TWO_REDUCTIONS = """
tir.func @two(%X: !tir.buffer<[m, n], f32>, %S: !tir.buffer<[m], f32>, %P: !tir.buffer<[m], f32>) {
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk]) writes(%S[vi]) init {
        %z = arith.constant 0.0 : f32
        tir.store %z, %S[vi]
      } {
        %s = tir.load %S[vi] : f32
        %x = tir.load %X[vi, vk] : f32
        %t = arith.addf %s, %x : f32
        tir.store %t, %S[vi]
      }
      tir.block "P" (vp = spatial(m, i), vq = reduce(n, k)) reads(%X[vp, vq]) writes(%P[vp]) init {
        %z = arith.constant 1.0 : f32
        tir.store %z, %P[vp]
      } {
        %s = tir.load %P[vp] : f32
        %x = tir.load %X[vp, vq] : f32
        %t = arith.mulf %s, %x : f32
        tir.store %t, %P[vp]
      }
    }
  }
  tir.return
}
"""

WITH_SPATIAL_NEIGHBOUR = """
tir.func @neighbour(%X: !tir.buffer<[m, n], f32>, %S: !tir.buffer<[m], f32>, %Y: !tir.buffer<[m, n], f32>) {
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk]) writes(%S[vi]) init {
        %z = arith.constant 0.0 : f32
        tir.store %z, %S[vi]
      } {
        %s = tir.load %S[vi] : f32
        %x = tir.load %X[vi, vk] : f32
        %t = arith.addf %s, %x : f32
        tir.store %t, %S[vi]
      }
      tir.block "Y" (vy = spatial(m, i), vz = spatial(n, k)) reads(%X[vy, vz]) writes(%Y[vy, vz]) {
        %x = tir.load %X[vy, vz] : f32
        tir.store %x, %Y[vy, vz]
      }
    }
  }
  tir.return
}
"""

SUBTRACT = ROWSUM.replace("arith.addf %s, %x", "arith.subf %s, %x")
NOT_MONOTONE = """
tir.func @odd(%X: !tir.buffer<[m, 12], f32>, %S: !tir.buffer<[m], f32>) {
  tir.for i in range(m) {
    tir.for k_0 in range(3) {
      tir.for k_1 in range(4) {
        tir.block "S" (vi = spatial(m, i), vk = reduce(12, k_0*4+k_1)) where(8-k_0*4 < 9) reads(%X[vi, vk]) writes(%S[vi]) init {
          %z = arith.constant 0.0 : f32
          tir.store %z, %S[vi]
        } {
          %s = tir.load %S[vi] : f32
          %x = tir.load %X[vi, vk] : f32
          %t = arith.addf %s, %x : f32
          tir.store %t, %S[vi]
        }
      }
    }
  }
  tir.return
}
"""


def test_rfactor_refusals() -> None:
    split = [("split", {"loop": "k", "factors": [None, 4]})]
    refuse(MATMUL, [], "rfactor", {"loop": "i", "factor_axis": 0}, "rfactor: loop 'i' does not iterate a reduce variable of any block")
    refuse(MATMUL, [], "rfactor", {"loop": "q", "factor_axis": 0}, "no loop named 'q'")
    refuse(MATMUL, split, "rfactor", {"loop": "k_1", "factor_axis": 3}, "factor_axis 3 out of range for a rank-2 output")
    refuse(MATMUL, [*split, ("decompose_reduction", {"block": "C", "loop": "k_0"})], "rfactor", {"loop": "k_1", "factor_axis": 0}, "block 'C' has no init")
    refuse(TWO_REDUCTIONS, [], "rfactor", {"loop": "k", "factor_axis": 0}, "loop 'k' iterates reduce variables of several blocks \\(S, P\\)")
    refuse(WITH_SPATIAL_NEIGHBOUR, [], "rfactor", {"loop": "k", "factor_axis": 0}, "loop 'k' holds other blocks besides 'S'")
    refuse(SUBTRACT, [], "rfactor", {"loop": "k", "factor_axis": 0}, "block 'S' does not update %S as 'S = S <add|mul|max|min> x'")
    refuse(NOT_MONOTONE, [], "rfactor", {"loop": "k_1", "factor_axis": 0}, "predicate '8-k_0\\*4 < 9' of block 'S' is not monotone in loop\\(s\\) k_0")
    refuse(HALVED, [], "rfactor", {"loop": "k", "factor_axis": 0}, "bindings of block 'C' are not provably one-to-one")


# -- traces ----------------------------------------------------------------------------------------------------------------
def test_trace_of_every_primitive_replays() -> None:
    steps = [
        ("split", {"loop": "k", "factors": [None, 4]}),
        ("rfactor", {"loop": "k_1", "factor_axis": 0}),
        ("cache_read", {"block": "C_rf", "buffer_index": 0, "scope": "shared"}),
        ("cache_write", {"block": "C", "buffer_index": 0, "scope": "local"}),
        ("decompose_reduction", {"block": "C_rf", "loop": "k_0"}),
        ("set_scope", {"block": "C_rf", "buffer_index": 0, "scope": "local"}),
        ("storage_align", {"block": "C_rf", "buffer_index": 0, "axis": 1, "factor": 16, "offset": 1}),
        ("transform_layout", {"block": "C", "buffer_index": 0, "index_map": "lambda i, j: (j, i)"}),
    ]
    _, results = schedule(MATMUL, steps, MM_ENVS)
    assert results[1:6] == ["C_rf", "A_shared", "C_local", "C_rf_init", None]
    sch = Schedule(parse_module(MATMUL))
    for kind, args in steps:
        sch.apply(kind, **args)
    lines = sch.trace.text().splitlines()
    assert lines[0] == "# tensorforge schedule trace" and lines[1] == "func @matmul"
    assert lines[3] == "rfactor(loop='k_1', factor_axis=0) -> 'C_rf'"
    assert lines[9] == "transform_layout(block='C', buffer_index=0, index_map='lambda i, j: (j, i)')"


def test_caches_moved_under_a_tile() -> None:
    """TVM's usual flow: caches made at the top, then moved under the tile loop."""
    from tensorforge.schedule.registry import PRIMITIVES, load_all

    load_all()
    if not {"compute_at", "reverse_compute_at"} <= set(PRIMITIVES):
        pytest.skip("compute_at is not available")
    steps = [
        ("split", {"loop": "i", "factors": [None, 2]}),
        ("cache_read", {"block": "C", "buffer_index": 0, "scope": "shared"}),
        ("compute_at", {"block": "A_shared", "loop": "i_0"}),
        ("cache_write", {"block": "C", "buffer_index": 0, "scope": "local"}),
        ("reverse_compute_at", {"block": "C_local", "loop": "i_0"}),
        ("decompose_reduction", {"block": "C", "loop": "k"}),
    ]
    schedule(MATMUL, steps, MM_ENVS, exact=True)


def test_rfactor_partials_start_from_exact_identities() -> None:
    """-0.0 sums stay -0.0, NaN propagates through maximumf, fmax ignores NaN."""
    steps = [("split", {"loop": "k", "factors": [None, 4]}), ("rfactor", {"loop": "k_1", "factor_axis": 0})]
    module, _ = schedule(ROWSUM, steps, ROW_ENVS)
    x, b, s = np.full((2, 6), -0.0, np.float32), np.full(2, -0.0, np.float32), np.ones(2, np.float32)
    got = run_func(_func(module), [x, b, s])[2]
    assert np.all(np.signbit(got)) and np.all(got == 0)
    for op, init in (("arith.maximumf", "0xFF800000"), ("arith.maxnumf", "0x7FC00000"), ("arith.minnumf", "1.0")):
        text = ROWSUM.replace("arith.addf %s, %x", f"{op} %s, %x").replace(
            "%b0 = tir.load %b[vi] : f32", f"%b0 = arith.constant {init} : f32")
        module, _ = schedule(text, steps, ROW_ENVS)
        x = np.array([[1, np.nan, 3, 4, 5, 6], [np.nan] * 6], np.float32)
        want = _run(parse_module(text), [x, b, s])[2]
        got = _run(module, [x, b, s])[2]
        np.testing.assert_array_equal(got, want)
