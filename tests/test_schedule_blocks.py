"""Block primitives (get_producers, get_consumers, compute_inline,
reverse_compute_inline, compute_at, reverse_compute_at): every schedule is
checked with the tensorir interpreter against the unscheduled function on
random inputs (static and symbolic sizes, non-divisible tails), every trace
replays to the same IR, and every refusal names its reason and leaves the IR
untouched."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp, f32

from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, FuncOp
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.interp.tir import run_func
from tensorforge.ir import parse_module, print_module
from tensorforge.lowering.te import PrimFuncBuilder, call, const, index, maximum, select
from tensorforge.schedule import Schedule, ScheduleError, Trace
from tensorforge.schedule.registry import PRIMITIVES

Factory = Callable[[], ModuleOp]


# -- workloads ------------------------------------------------------------------------------
def chain() -> ModuleOp:
    """t = exp(x); out = t + y (broadcast over rows)."""
    b = PrimFuncBuilder("chain")
    x = b.input("x", BufferType(["n", 6], f32))
    y = b.input("y", BufferType([6], f32))
    t = b.alloc("t", ["n", 6], f32)
    out = b.output("out", BufferType(["n", 6], f32))
    b.compute(t, lambda i: call("exp", x[i[0], i[1]]), name="t")
    b.compute(out, lambda i: t[i[0], i[1]] + y[i[1]], name="out")
    return ModuleOp([b.finish()])


def mm_epilogue() -> ModuleOp:
    """C = A @ B; E = C + bias; out = relu(E)."""
    b = PrimFuncBuilder("mm")
    a = b.input("A", BufferType(["n", 8], f32))
    w = b.input("B", BufferType([8, 6], f32))
    bias = b.input("bias", BufferType([6], f32))
    c = b.alloc("C", ["n", 6], f32)
    e = b.alloc("E", ["n", 6], f32)
    out = b.output("out", BufferType(["n", 6], f32))
    b.reduce(c, [8], lambda i, r: a[i[0], r[0]] * w[r[0], i[1]], "add", 0.0, name="C")
    b.compute(e, lambda i: c[i[0], i[1]] + bias[i[1]], name="E")
    b.compute(out, lambda i: maximum(e[i[0], i[1]], const(0.0, f32)), name="relu")
    return ModuleOp([b.finish()])


def softmax() -> ModuleOp:
    b = PrimFuncBuilder("softmax")
    x = b.input("x", BufferType(["n", 10], f32))
    mx = b.alloc("mx", ["n"], f32)
    sm = b.alloc("sm", ["n"], f32)
    out = b.output("out", BufferType(["n", 10], f32))
    b.reduce(mx, [10], lambda i, r: x[i[0], r[0]], "max", float("-inf"), name="max")
    b.reduce(sm, [10], lambda i, r: call("exp", x[i[0], r[0]] - mx[i[0]]), "add", 0.0, name="sum")
    b.compute(out, lambda i: call("exp", x[i[0], i[1]] - mx[i[0]]) / sm[i[0]], name="norm")
    return ModuleOp([b.finish()])


def conv_pad() -> ModuleOp:
    """pad = zero-padded x (1 on each side of h and w); out = conv3x3(pad, w)."""
    b = PrimFuncBuilder("conv")
    h = Expr.sym("h")
    x = b.input("x", BufferType(["n", 3, "h", 6], f32))
    wt = b.input("w", BufferType([4, 3, 3, 3], f32))
    pad = b.alloc("pad", ["n", 3, h + 2, 8], f32)
    out = b.output("out", BufferType(["n", 4, "h", 6], f32))

    def padded(i: list[Expr]) -> Any:
        inside = index(i[2]).ge(1)
        inside = _and(_and(inside, index(i[2]).lt(index(h + 1))), _and(index(i[3]).ge(1), index(i[3]).lt(7)))
        src = x[i[0], i[1], (i[2] - 1).max(0).min(h - 1), (i[3] - 1).max(0).min(5)]
        return select(inside, src, const(0.0, f32))

    b.compute(pad, padded, name="pad")
    b.reduce(out, [3, 3, 3], lambda i, r: pad[i[0], r[0], i[2] + r[1], i[3] + r[2]] * wt[i[1], r[0], r[1], r[2]], "add", 0.0, name="conv")
    return ModuleOp([b.finish()])


def _and(a: Any, c: Any) -> Any:
    from tensorforge.lowering.te import logical

    return logical("and", a, c)


SIZES: dict[str, list[dict[str, int]]] = {
    "chain": [{"n": 5}, {"n": 7}],
    "mm": [{"n": 5}, {"n": 8}],
    "softmax": [{"n": 3}, {"n": 6}],
    "conv": [{"n": 1, "h": 5}, {"n": 2, "h": 2}],
}


def _func(module: ModuleOp) -> FuncOp:
    return next(op for op in module.body.block.ops if isinstance(op, FuncOp))


def _run(module: ModuleOp, env: dict[str, int], seed: int = 0) -> list[np.ndarray]:
    func = _func(module)
    rng = np.random.default_rng(seed)
    arrays = []
    for t in func.function_type.inputs.data:
        assert isinstance(t, BufferType)
        shape = tuple(d.evaluate(env) for d in t.dims)
        arrays.append(rng.standard_normal(shape).astype(np.float32))
    return run_func(func, arrays)


def check(factory: Factory, steps: list[tuple[str, dict[str, Any]]], sizes: list[dict[str, int]] | None = None) -> ModuleOp:
    """Apply the steps; compare results with the unscheduled function; replay the trace."""
    module = factory()
    sch = Schedule(module)
    for kind, args in steps:
        sch.apply(kind, **args)
    for env in sizes or SIZES[_func(module).sym_name.data]:
        for got, want in zip(_run(module, env), _run(factory(), env), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    text = sch.trace.text()
    fresh = factory()
    Schedule(fresh).replay(Trace.parse(text))
    assert print_module(fresh) == print_module(module)
    return module


def refuse(factory: Factory, steps: list[tuple[str, dict[str, Any]]], message: str) -> None:
    """All steps but the last apply; the last raises `message` and changes nothing."""
    module = factory()
    sch = Schedule(module)
    for kind, args in steps[:-1]:
        sch.apply(kind, **args)
    before = print_module(module)
    kind, args = steps[-1]
    with pytest.raises(ScheduleError) as info:
        sch.apply(kind, **args)
    assert str(info.value) == message
    assert print_module(module) == before


def text(src: str) -> Factory:
    return lambda: parse_module(src)


def ir(module: ModuleOp) -> str:
    return print_module(module)


def loop_lines(module: ModuleOp) -> list[str]:
    return [line.strip() for line in ir(module).splitlines() if "tir.for" in line]


PAIR = """
tir.func @pair(%x: !tir.buffer<[n], f32>, %y: !tir.buffer<[n], f32>, %idx: !tir.buffer<[n], i64>, %out: !tir.buffer<[n], f32>) {{
  %t = tir.alloc : !tir.buffer<[n], f32>
  {before}
  tir.for i in range(n) {{
    tir.block "t" (v = spatial(n, i)) reads(%x[v]) writes(%t[{store}]) {{
      %a = tir.load %x[v] : f32
      %b = math.exp %a : f32
      tir.store %b, %t[{store}]
    }}
  }}
  {middle}
  {after}
  tir.return
}}
"""

CONSUMER = """
  tir.for j in range(n) {{
    tir.block "out" (w = spatial(n, j)) reads(%t[0 : n], %y[w], %idx[w]) writes(%out[w]) {{
      %c = tir.load %t[{load}] : f32
      %d = tir.load %y[w] : f32
      %e = arith.addf %c, %d : f32
      {extra}
      tir.store %e, %out[w]
    }}
  }}
"""

GATHER = """
      %k = tir.load %idx[w] : i64
      %kk = arith.index_cast %k : i64 to index
      %g = tir.load %t[%kk] : f32
      %e2 = arith.addf %e, %g : f32
      tir.store %e2, %out[w]
"""

WRITE_X = """
  tir.for q in range(n) {
    tir.block "q" (u = spatial(n, q)) reads() writes(%x[u]) {
      %z = arith.constant 1.0 : f32
      tir.store %z, %x[u]
    }
  }
"""


def pair(store: str = "v", load: str = "w", extra: str = "", middle: str = "", first: bool = False) -> Factory:
    consumer = CONSUMER.format(load=load, extra=extra)
    src = PAIR.format(store=store, middle=middle, before=consumer if first else "", after="" if first else consumer)
    return text(src)


def pair_sizes() -> list[dict[str, int]]:
    return [{"n": 5}, {"n": 6}]


def _run_pair(module: ModuleOp, n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    idx = rng.integers(0, n, n).astype(np.int64)
    return run_func(_func(module), [x, y, idx, np.zeros(n, np.float32)])


def check_pair(factory: Factory, steps: list[tuple[str, dict[str, Any]]]) -> ModuleOp:
    module = factory()
    sch = Schedule(module)
    for kind, args in steps:
        sch.apply(kind, **args)
    for n in (5, 6):
        for got, want in zip(_run_pair(module, n), _run_pair(factory(), n), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-6)
    fresh = factory()
    Schedule(fresh).replay(Trace.parse(sch.trace.text()))
    assert ir(fresh) == ir(module)
    return module


# -- get_producers / get_consumers ------------------------------------------------------------
def test_producers_and_consumers() -> None:
    sch = Schedule(softmax())
    assert sch.get_producers("norm") == ["max", "sum"]
    assert sch.get_producers("sum") == ["max"]
    assert sch.get_producers("max") == []
    assert sch.get_consumers("max") == ["sum", "norm"]
    assert sch.get_consumers("norm") == []
    sch = Schedule(mm_epilogue())
    assert sch.get_consumers("C") == ["E"]
    assert sch.get_producers("relu") == ["E"]
    text_ = sch.trace.text()
    assert "get_producers(block='relu') -> ['E']" in text_
    Schedule(mm_epilogue()).replay(Trace.parse(text_))


# -- compute_inline ------------------------------------------------------------------------------
def test_compute_inline_chain() -> None:
    m = check(chain, [("compute_inline", {"block": "t"})])
    out = ir(m)
    assert "tir.alloc" not in out and 'tir.block "t"' not in out
    assert "reads(%x[v_ax0_1, v_ax1_1], %y[v_ax1_1])" in out


def test_compute_inline_epilogue_then_compute_at() -> None:
    m = check(mm_epilogue, [("compute_inline", {"block": "E"}), ("split", {"loop": "ax0_2", "factors": [None, 4]}), ("compute_at", {"block": "C", "loop": "ax0_2_0"})])
    out = ir(m)
    assert "%E = tir.alloc" not in out
    assert 'tir.block "C" (v_ax0 = spatial(n, ax0_2_0*4+ax0), v_ax1 = spatial(6, ax1), v_k0 = reduce(8, k0)) where(ax0_2_0*4+ax0 < n)' in out


def test_compute_inline_padding_into_conv() -> None:
    m = check(conv_pad, [("compute_inline", {"block": "pad"})])
    assert "reads(%x[v_ax0_1, v_k0_1, min(max(v_ax2_1+v_k1_1-1, 0), h-1), min(max(v_ax3_1+v_k2_1-1, 0), 5)], %w" in ir(m)


def test_compute_inline_reads_at_two_positions_and_reversed() -> None:
    check_pair(pair(load="n-1-w", extra="%f = tir.load %t[0] : f32"), [("compute_inline", {"block": "t"})])
    m = check_pair(pair(load="n-1-w"), [("compute_inline", {"block": "t"})])
    assert "tir.load %x[n-1-w]" in ir(m)


TRANSPOSE = """
tir.func @tr(%x: !tir.buffer<[n, 4], f32>, %out: !tir.buffer<[4, n], f32>) {
  %t = tir.alloc : !tir.buffer<[4, n], f32>
  tir.for i in range(n) {
    tir.for j in range(4) {
      tir.block "t" (v0 = spatial(n, i), v1 = spatial(4, j)) reads(%x[v0, v1]) writes(%t[v1, v0]) {
        %a = tir.load %x[v0, v1] : f32
        %b = math.exp %a : f32
        tir.store %b, %t[v1, v0]
      }
    }
  }
  tir.for p in range(4) {
    tir.for q in range(n) {
      tir.block "out" (w0 = spatial(4, p), w1 = spatial(n, q)) reads(%t[w0, w1]) writes(%out[w0, w1]) {
        %c = tir.load %t[w0, w1] : f32
        %d = arith.mulf %c, %c : f32
        tir.store %d, %out[w0, w1]
      }
    }
  }
  tir.return
}
"""


@pytest.mark.parametrize(
    "steps",
    [
        [("compute_inline", {"block": "t"})],
        [("reverse_compute_inline", {"block": "out"})],
        [("compute_at", {"block": "t", "loop": "q"})],
        [("compute_at", {"block": "t", "loop": "p"})],
        [("reverse_compute_at", {"block": "out", "loop": "i"})],
    ],
)
def test_transposed_store(steps: list[tuple[str, dict[str, Any]]]) -> None:
    check(text(TRANSPOSE), steps, [{"n": 3}, {"n": 5}])


def test_compute_inline_refusals() -> None:
    refuse(mm_epilogue, [("compute_inline", {"block": "C"})], "compute_inline: block 'C' is a reduction (iteration variable 'v_k0' is reduce)")
    refuse(chain, [("compute_inline", {"block": "out"})], "compute_inline: block 'out' writes the function argument %out (an output)")
    refuse(
        pair(store="v floordiv 2"),
        [("compute_inline", {"block": "t"})],
        "compute_inline: block 't' stores %t[v floordiv 2], which is not one distinct spatial iteration variable per dimension",
    )
    refuse(pair(extra=GATHER), [("compute_inline", {"block": "t"})], "compute_inline: block 'out' reads %t at a data-dependent index")
    refuse(
        pair(middle=WRITE_X),
        [("compute_inline", {"block": "t"})],
        "compute_inline: block 'q' writes %x, which block 't' reads, between 't' and its consumer 'out'",
    )
    refuse(pair(first=True), [("compute_inline", {"block": "t"})], "compute_inline: block 'out' reads %t before block 't' writes it")
    selfread = PAIR.format(store="v", middle="", before="", after=CONSUMER.format(load="w", extra="")).replace(
        "%b = math.exp %a : f32", "%s = tir.load %t[v] : f32\n      %b = arith.addf %a, %s : f32"
    )
    refuse(text(selfread), [("compute_inline", {"block": "t"})], "compute_inline: block 't' reads its own output %t")


# -- reverse_compute_inline ------------------------------------------------------------------------
def test_reverse_compute_inline_chain() -> None:
    m = check(chain, [("reverse_compute_inline", {"block": "out"})])
    out = ir(m)
    assert "tir.alloc" not in out
    assert 'tir.block "t" (v_ax0 = spatial(n, ax0), v_ax1 = spatial(8, ax1)) reads(%x[v_ax0, v_ax1], %y[v_ax1]) writes(%out[v_ax0, v_ax1])'.replace("8", "6") in out


def test_reverse_compute_inline_epilogue() -> None:
    m = check(mm_epilogue, [("reverse_compute_inline", {"block": "relu"}), ("reverse_compute_at", {"block": "E", "loop": "ax1"})])
    assert "%E = tir.alloc" not in ir(m)


def test_reverse_compute_inline_refusals() -> None:
    refuse(mm_epilogue, [("reverse_compute_inline", {"block": "E"})], "reverse_compute_inline: producer 'C' is a reduction (iteration variable 'v_k0' is reduce)")
    refuse(softmax, [("reverse_compute_inline", {"block": "sum"})], "reverse_compute_inline: block 'sum' is a reduction (iteration variable 'v_k0_1' is reduce)")
    refuse(softmax, [("reverse_compute_inline", {"block": "norm"})], "reverse_compute_inline: block 'norm' must have exactly one producer block (found 'max', 'sum')")
    refuse(chain, [("reverse_compute_inline", {"block": "t"})], "reverse_compute_inline: block 't' must have exactly one producer block (found none)")
    refuse(
        pair(extra="%f = tir.load %t[0] : f32"),
        [("reverse_compute_inline", {"block": "out"})],
        "reverse_compute_inline: block 'out' reads other positions of %t (it must read one position)",
    )
    refuse(
        pair(load="n-1-w"),
        [("reverse_compute_inline", {"block": "out"})],
        "reverse_compute_inline: block 'out' reads %t[n-1-w], not one distinct iteration variable per dimension",
    )
    two = PAIR.format(store="v", middle="", before="", after=CONSUMER.format(load="w", extra="") + SECOND)
    refuse(text(two), [("reverse_compute_inline", {"block": "out"})], "reverse_compute_inline: %t is also accessed by block 'out2'")
    write_y = WRITE_X.replace("%x", "%y")
    refuse(pair(middle=write_y), [("reverse_compute_inline", {"block": "out"})], "reverse_compute_inline: block 'out' must have exactly one producer block (found 't', 'q')")
    read_out = WRITE_X.replace("reads()", "reads(%out[u])").replace("%z = arith.constant 1.0 : f32", "%z = tir.load %out[u] : f32")
    refuse(pair(middle=read_out), [("reverse_compute_inline", {"block": "out"})], "reverse_compute_inline: block 'q' accesses %out, between 't' and 'out'")
    refuse(pair(middle=read_out), [("reverse_compute_at", {"block": "out", "loop": "i"})], "reverse_compute_at: block 'q' accesses %out, which block 'out' writes, between loop 'i' and 'out'")


SECOND = """
  tir.for j2 in range(n) {
    tir.block "out2" (w2 = spatial(n, j2)) reads(%t[w2]) writes(%y[w2]) {
      %c2 = tir.load %t[w2] : f32
      tir.store %c2, %y[w2]
    }
  }
"""


# -- compute_at ------------------------------------------------------------------------------------
def test_compute_at_chain_with_tail() -> None:
    m = check(chain, [("split", {"loop": "ax0_1", "factors": [None, 3]}), ("compute_at", {"block": "t", "loop": "ax0_1_0"})])
    assert 'tir.block "t" (v_ax0 = spatial(n, ax0_1_0*3+ax0), v_ax1 = spatial(6, ax1)) where(ax0_1_0*3+ax0 < n)' in ir(m)


def test_compute_at_static_exact_split_has_no_predicate() -> None:
    m = check(chain, [("split", {"loop": "ax1_1", "factors": [None, 3]}), ("compute_at", {"block": "t", "loop": "ax1_1_0"})])
    assert 'tir.block "t" (v_ax0 = spatial(n, ax0_1), v_ax1 = spatial(6, ax1_1_0*3+ax1)) reads' in ir(m)


def test_compute_at_softmax_stages() -> None:
    m = check(softmax, [("compute_at", {"block": "sum", "loop": "ax0_2"}), ("compute_at", {"block": "max", "loop": "ax0_2"})])
    assert loop_lines(m) == ["tir.for ax0_2 in range(n) {", "tir.for k0 in range(10) {", "tir.for k0_1 in range(10) {", "tir.for ax1_2 in range(10) {"]


def test_compute_at_reduction_into_parallel_tiles() -> None:
    steps = [("compute_inline", {"block": "E"}), ("split", {"loop": "ax0_2", "factors": [None, 2]}), ("parallel", {"loop": "ax0_2_0"})]
    steps += [("compute_at", {"block": "C", "loop": "ax0_2_0"})]
    m = check(mm_epilogue, steps)
    assert "tir.for ax0_2_0 in range(n ceildiv 2) parallel {" in ir(m)


def test_compute_at_epilogue_chain() -> None:
    check(mm_epilogue, [("split", {"loop": "ax0_2", "factors": [None, 4]}), ("compute_at", {"block": "E", "loop": "ax0_2_0"}), ("compute_at", {"block": "C", "loop": "ax0_2_0"})])
    check(mm_epilogue, [("compute_at", {"block": "E", "loop": "ax1_2"}), ("compute_at", {"block": "C", "loop": "ax1_2"})])


@pytest.mark.parametrize("loop", ["ax2_1", "ax3_1", "k1_1"])
def test_compute_at_padding_window(loop: str) -> None:
    m = check(conv_pad, [("compute_at", {"block": "pad", "loop": loop})], [{"n": 1, "h": 3}])
    assert "v_ax2 = spatial(h+2, ax2_1+" in ir(m)


def test_compute_at_padding_tiles_then_inline() -> None:
    m = check(conv_pad, [("split", {"loop": "ax2_1", "factors": [None, 2]}), ("compute_at", {"block": "pad", "loop": "ax2_1_0"})])
    assert "tir.for ax2 in range(4) {" in ir(m) and "where(ax2_1_0*2+ax2 < h+2)" in ir(m)
    check(conv_pad, [("compute_at", {"block": "pad", "loop": "ax2_1"}), ("compute_inline", {"block": "pad"})])


def test_compute_at_varying_width_takes_the_widest() -> None:
    m = check(text(TRIANGLE), [("compute_at", {"block": "t", "loop": "i"})], [{"n": 3}, {"n": 4}])
    assert 'tir.for a in range(n*3-2) {' in ir(m) and "where" not in ir(m)
    check_pair(pair(load="n-1-w", extra="%f = tir.load %t[0] : f32"), [("split", {"loop": "j", "factors": [None, 3]}), ("compute_at", {"block": "t", "loop": "j_0"})])


def test_compute_at_gather_reads_whole_buffer() -> None:
    m = check_pair(pair(extra=GATHER), [("compute_at", {"block": "t", "loop": "j"})])
    assert "tir.for i in range(n) {" in ir(m).split("tir.for j")[1]


def test_compute_at_refusals() -> None:
    refuse(chain, [("compute_at", {"block": "t", "loop": "ax0"})], "compute_at: loop 'ax0' already encloses block 't'")
    refuse(mm_epilogue, [("compute_at", {"block": "E", "loop": "ax0"})], "compute_at: loop 'ax0' is not an ancestor of a consumer of block 'E'")
    refuse(softmax, [("compute_at", {"block": "max", "loop": "ax0_1"})], "compute_at: block 'norm' reads %mx outside loop 'ax0_1'")
    refuse(
        mm_epilogue,
        [("compute_at", {"block": "relu", "loop": "ax0"})],
        "compute_at: block 'relu' writes the function argument %out (an output): computing only what consumers read would leave the rest unwritten",
    )
    refuse(
        softmax,
        [("parallel", {"loop": "ax1_2"}), ("compute_at", {"block": "sum", "loop": "ax1_2"})],
        "compute_at: iterations of the parallel loop 'ax1_2' would compute overlapping parts of %sm with the reduction 'sum' at the same time",
    )
    refuse(pair(middle=WRITE_X), [("compute_at", {"block": "t", "loop": "j"})], "compute_at: block 'q' writes %x, which block 't' reads, between 't' and loop 'j'")
    refuse(pair(first=True), [("compute_at", {"block": "t", "loop": "j"})], "compute_at: block 't' does not come before loop 'j'")
    refuse(
        text(TRIANGLE.replace("wi*wj", "wj floordiv n")),
        [("compute_at", {"block": "t", "loop": "i"})],
        "compute_at: cannot bound index 'wj floordiv n' of %t in block 'out' over the loops below 'i'",
    )


TRIANGLE = """
tir.func @tri(%x: !tir.buffer<[n*4], f32>, %out: !tir.buffer<[n, 4], f32>) {
  %t = tir.alloc : !tir.buffer<[n*4], f32>
  tir.for a in range(n*4) {
    tir.block "t" (v = spatial(n*4, a)) reads(%x[v]) writes(%t[v]) {
      %0 = tir.load %x[v] : f32
      tir.store %0, %t[v]
    }
  }
  tir.for i in range(n) {
    tir.for j in range(4) {
      tir.block "out" (wi = spatial(n, i), wj = spatial(4, j)) reads(%t[0 : n*4]) writes(%out[wi, wj]) {
        %1 = tir.load %t[wi*wj] : f32
        tir.store %1, %out[wi, wj]
      }
    }
  }
  tir.return
}
"""


# -- reverse_compute_at -------------------------------------------------------------------------------
def test_reverse_compute_at_chain() -> None:
    m = check(chain, [("reverse_compute_at", {"block": "out", "loop": "ax0"})])
    assert loop_lines(m) == ["tir.for ax0 in range(n) {", "tir.for ax1 in range(6) {", "tir.for ax1_1 in range(6) {"]


def test_reverse_compute_at_tiles() -> None:
    m = check(chain, [("split", {"loop": "ax0", "factors": [None, 4]}), ("reverse_compute_at", {"block": "out", "loop": "ax0_0"})])
    assert 'tir.block "out" (v_ax0_1 = spatial(n, ax0_0*4+ax0_1), v_ax1_1 = spatial(6, ax1_1)) where(ax0_0*4+ax0_1 < n)' in ir(m)
    fused = [("split", {"loop": "ax0", "factors": [None, 4]}), ("fuse", {"loops": ["ax0_0", "ax0_1_1"]})]
    check(chain, [*fused, ("reverse_compute_at", {"block": "out", "loop": "ax0_0_ax0_1_1_fused"})])


def test_reverse_compute_at_softmax_and_matmul() -> None:
    m = check(softmax, [("reverse_compute_at", {"block": "norm", "loop": "ax0_1"})])
    assert 'tir.block "norm" (v_ax0_2 = spatial(n, ax0_1), v_ax1_2 = spatial(10, ax1_2))' in ir(m)
    check(mm_epilogue, [("reverse_compute_at", {"block": "E", "loop": "ax0"}), ("reverse_compute_inline", {"block": "relu"})])
    check(mm_epilogue, [("reverse_compute_inline", {"block": "relu"}), ("reverse_compute_at", {"block": "E", "loop": "ax1"})])


def test_reverse_compute_at_refusals() -> None:
    refuse(chain, [("reverse_compute_at", {"block": "out", "loop": "ax0_1"})], "reverse_compute_at: loop 'ax0_1' already encloses block 'out'")
    refuse(softmax, [("reverse_compute_at", {"block": "sum", "loop": "ax0"})], "reverse_compute_at: block 'sum' is a reduction (iteration variable 'v_k0_1' is reduce)")
    refuse(mm_epilogue, [("reverse_compute_at", {"block": "relu", "loop": "ax0"})], "reverse_compute_at: loop 'ax0' must enclose exactly one producer of block 'relu'")
    refuse(
        mm_epilogue,
        [("reverse_compute_at", {"block": "E", "loop": "k0"})],
        "reverse_compute_at: producer 'C' still reduces over 'v_k0' at or above loop 'k0', so %C is not final after one iteration",
    )
    refuse(
        softmax,
        [("reverse_compute_at", {"block": "norm", "loop": "ax0"})],
        "reverse_compute_at: block 'sum' writes %sm, which block 'norm' reads, between loop 'ax0' and 'norm'",
    )
    refuse(pair(first=True), [("reverse_compute_at", {"block": "out", "loop": "i"})], "reverse_compute_at: block 'out' does not come after loop 'i'")
    refuse(
        pair(load="n-1-w"),
        [("reverse_compute_at", {"block": "out", "loop": "i"})],
        "reverse_compute_at: block 'out' reads %t[n-1-w], not one distinct iteration variable per dimension",
    )
    refuse(
        chain,
        [("split", {"loop": "ax0", "factors": [None, 2]}), ("fuse", {"loops": ["ax0_1_1", "ax1"]}), ("reverse_compute_at", {"block": "out", "loop": "ax0_0"})],
        "reverse_compute_at: cannot tell exactly which elements of %t producer 't' writes per iteration of loop 'ax0_0' (binding 'ax0_0*2+(ax0_1_1_ax1_fused floordiv 6)')",
    )


# -- traces ------------------------------------------------------------------------------------------
def test_trace_text_round_trip() -> None:
    module = softmax()
    sch = Schedule(module)
    sch.split("ax0_2", [None, 2])
    sch.compute_at("sum", "ax0_2_0")
    sch.compute_at("max", "ax0_2_0")
    assert sch.get_consumers("max") == ["sum", "norm"]
    text_ = sch.trace.text()
    assert "compute_at(block='sum', loop='ax0_2_0')" in text_
    parsed = Trace.parse(text_)
    assert parsed.text() == text_
    fresh = softmax()
    Schedule(fresh).replay(parsed)
    assert ir(fresh) == ir(module)


# -- random schedules ----------------------------------------------------------------------------------
RANDOM_WORKLOADS: list[tuple[Factory, list[dict[str, int]]]] = [
    (chain, [{"n": 5}]),
    (mm_epilogue, [{"n": 5}]),
    (softmax, [{"n": 3}]),
    (conv_pad, [{"n": 1, "h": 3}]),
    (text(TRANSPOSE), [{"n": 3}]),
    (text(TRIANGLE), [{"n": 3}]),
]


def _random_request(rng: random.Random, sch: Schedule) -> tuple[str, dict[str, Any]]:
    """A request that is often legal: compute_at targets a loop of a consumer, and so on."""
    func = sch.func()
    loops = [op.var_name for op in func.walk() if isinstance(op, ForOp)] or ["none"]
    blocks = [op.name_str for op in func.walk() if isinstance(op, BlockOp)]
    kind = rng.choice(["split", "fuse", "compute_inline", "reverse_compute_inline", "compute_at", "reverse_compute_at", "compute_at"])
    if kind == "split":
        return kind, {"loop": rng.choice(loops), "factors": [None, rng.randint(2, 3)]}
    if kind == "fuse":
        return kind, {"loops": rng.sample(loops, min(2, len(loops)))}
    block = rng.choice(blocks)
    if kind in ("compute_inline", "reverse_compute_inline"):
        return kind, {"block": block}
    query = PRIMITIVES["get_consumers" if kind == "compute_at" else "get_producers"]
    partners = query(func, block)
    pool = PRIMITIVES["get_loops"](func, rng.choice(partners)) if partners else []
    return kind, {"block": block, "loop": rng.choice(pool or loops)}


@pytest.mark.parametrize("seed", range(18))
def test_random_block_schedules(seed: int) -> None:
    """Random legal-or-refused requests never change results; traces replay."""
    rng = random.Random(seed)
    factory, sizes = RANDOM_WORKLOADS[seed % len(RANDOM_WORKLOADS)]
    module = factory()
    sch = Schedule(module)
    for _ in range(rng.randint(2, 5)):
        kind, args = _random_request(rng, sch)
        before = ir(module)
        try:
            sch.apply(kind, **args)
        except ScheduleError:
            assert ir(module) == before, f"{kind}({args}) was refused but changed the IR"
    for env in sizes:
        for got, want in zip(_run(module, env), _run(factory(), env), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    fresh = factory()
    Schedule(fresh).replay(Trace.parse(sch.trace.text()))
    assert ir(fresh) == ir(module)
