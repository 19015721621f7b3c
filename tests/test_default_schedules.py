"""Default CPU schedules (schedule/rules): for lowered matmul, dense, conv2d,
softmax, layer_norm, reductions, pooling and elementwise chains, with static
and symbolic shapes, `apply_default_schedule` must give functions whose
compiled results equal the interpreter on the unscheduled function, with the
loops parallel / vectorized / unrolled as the rules intend, traces that
replay, and no ScheduleError escaping on anything else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from tensorforge import pipelines
from tensorforge.codegen.llvm.jit import JitModule
from tensorforge.dialects import graph as g
from tensorforge.dialects.tirops.ops import BlockOp, ForOp
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.interp.tir import run_func
from tensorforge.ir import print_module
from tensorforge.schedule import Schedule
from tensorforge.schedule.rules import LOG, apply_default_schedule
from tests.helpers import build_func, tensor


@dataclass
class Case:
    shapes: list[list[Any]]
    body: Callable[..., Any]
    env: dict[str, int] = field(default_factory=dict)
    fuse: bool = False
    expect: Sequence[str] = ("parallel", "vectorized")
    """Loop kinds that must enclose the function's output-writing block(s)."""
    dtype: Any = np.float32
    rtol: float = 1e-4


def _relu_dense_bias(x: Any, w: Any, b: Any) -> Any:
    return g.ReluOp(g.DenseOp(x, w, b).results[0])


def _chain(x: Any, a: Any, b: Any, c: Any) -> Any:
    return g.MulOp(g.ReluOp(g.AddOp(g.MulOp(x, a).results[0], b).results[0]).results[0], c)


def _conv_bias_relu(x: Any, w: Any, b: Any) -> Any:
    return g.ReluOp(g.ConvOp(x, w, b, pads=[1, 1, 1, 1]).results[0])


CASES: dict[str, Case] = {
    # matmul / batched matmul / dense
    "matmul": Case([[128, 64], [64, 128]], g.MatmulOp, expect=("parallel", "vectorized")),
    "matmul_odd": Case([[30, 20], [20, 50]], g.MatmulOp, expect=("vectorized",)),
    "matmul_symbolic": Case([["n", 32], [32, 40]], g.MatmulOp, {"n": 37}, expect=("parallel", "vectorized")),
    "matmul_symbolic_k": Case([[16, "k"], ["k", 64]], g.MatmulOp, {"k": 19}, expect=("vectorized",)),
    "batch_matmul": Case([[4, 64, 32], [4, 32, 64]], g.MatmulOp, expect=("parallel", "vectorized")),
    "batch_matmul_broadcast": Case([["b", 8, 16], [16, 32]], g.MatmulOp, {"b": 3}, expect=("vectorized",)),
    "dense_bias_relu": Case([[64, 64], [96, 64], [96]], _relu_dense_bias, fuse=True, expect=("parallel", "vectorized")),
    "dense_symbolic": Case([["n", 40], [24, 40], [24]], _relu_dense_bias, {"n": 9}, fuse=True, expect=("vectorized",)),
    "matmul_i32": Case([[16, 12], [12, 32]], g.MatmulOp, dtype=np.int32, expect=("vectorized",)),
    # convolutions
    "conv_nchw": Case([[1, 8, 10, 10], [16, 8, 3, 3]], lambda x, w: g.ConvOp(x, w, pads=[1, 1, 1, 1]), expect=("parallel", "vectorized")),
    "conv_nhwc": Case([[1, 9, 9, 4], [3, 3, 4, 32]], lambda x, w: g.ConvOp(x, w, pads=[1, 1, 1, 1], layout="NHWC"),
                      expect=("parallel", "vectorized")),
    "conv_bias_relu": Case([[2, 4, 8, 8], [16, 4, 3, 3], [16]], _conv_bias_relu, fuse=True, expect=("parallel", "vectorized")),
    "conv_strided_symbolic": Case([["n", 3, 11, 9], [8, 3, 3, 3]], lambda x, w: g.ConvOp(x, w, strides=[2, 2]), {"n": 2},
                                  expect=("vectorized",)),
    # reductions
    "softmax": Case([[64, 256]], lambda x: g.SoftmaxOp(x, axis=-1), fuse=True),
    "softmax_symbolic": Case([["n", 100]], lambda x: g.SoftmaxOp(x, axis=-1), {"n": 5}, fuse=True, expect=("parallel",)),
    "softmax_3d": Case([[2, 3, 64]], lambda x: g.SoftmaxOp(x, axis=-1), fuse=True, expect=()),
    "layer_norm": Case([["n", 128], [128], [128]], lambda x, s, b: g.LayerNormOp(x, s, b, axis=-1), {"n": 6}, fuse=True,
                       expect=("parallel", "vectorized")),
    "reduce_sum_last": Case([[16, 512]], lambda x: g.ReduceSumOp(x, axes=[-1]), expect=()),
    "reduce_sum_first": Case([[64, 48]], lambda x: g.ReduceSumOp(x, axes=[0]), expect=("vectorized",)),
    "reduce_max_symbolic": Case([["n", "m"]], lambda x: g.ReduceMaxOp(x, axes=[1], keepdims=True), {"n": 3, "m": 77}, expect=()),
    "reduce_all": Case([[37, 29]], lambda x: g.ReduceSumOp(x), expect=()),
    # pooling
    "max_pool": Case([[1, 4, 16, 16]], lambda x: g.MaxPoolOp(x, kernel=[2, 2], strides=[2, 2]), expect=("vectorized",)),
    "avg_pool_pad": Case([["n", 3, 9, 9]], lambda x: g.AvgPoolOp(x, kernel=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]), {"n": 2}, expect=()),
    "global_avg_pool": Case([[2, 8, 7, 7]], g.GlobalAvgPoolOp, expect=()),
    # elementwise / injective
    "chain": Case([[1 << 16], [1], [1], [1]], _chain, fuse=True),
    "chain_symbolic": Case([["n", 37], [37], [1], ["n", 37]], _chain, {"n": 5}, fuse=True, expect=("vectorized",)),
    "chain_2d": Case([[64, 300], [300], [1], [64, 300]], _chain, fuse=True),
    "transpose": Case([[33, 65]], lambda x: g.TransposeOp(x, perm=[1, 0]), expect=("vectorized",)),
    # (not a lone graph.exp: a kernel named @exp would shadow libm's exp in the JIT)
    "exp_f64": Case([["n"]], lambda x: g.AddOp(g.ExpOp(x).results[0], x), {"n": 1000}, fuse=True, dtype=np.float64),
}


def _lowered(case: Case) -> ModuleOp:
    module = build_func([tensor(s, case.dtype) for s in case.shapes], case.body)
    if case.fuse:
        pipelines.run(module, "graph-fuse-ops")
    pipelines.run(module, "graph-lower-to-tensorir")
    return ModuleOp([op.clone() for op in module.body.block.ops if isinstance(op, TirFuncOp)])


def _arrays(func: TirFuncOp, env: dict[str, int], dtype: Any, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for t in func.function_type.inputs.data:
        shape = tuple(d.evaluate(env) for d in t.dims)  # type: ignore[attr-defined]
        a = rng.standard_normal(shape)
        kind = str(t.element_type)  # type: ignore[attr-defined]
        if kind.startswith("i"):
            out.append((a * 10).astype(f"int{kind[1:]}"))
        else:
            out.append(a.astype(f"float{kind[1:]}"))
    return out


def _kinds_around(func: TirFuncOp, block: BlockOp) -> set[str]:
    kinds = set()
    cur = block.parent_op()
    while cur is not None and cur is not func:
        if isinstance(cur, ForOp):
            kinds.add(cur.kind.data)
        cur = cur.parent_op()
    return kinds


def _output_blocks(func: TirFuncOp) -> list[BlockOp]:
    args = set(func.body.block.args)
    return [b for b in func.walk() if isinstance(b, BlockOp) and any(w in args for w in b.writes)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_schedule_matches_interpreter(name: str) -> None:
    case = CASES[name]
    plain = _lowered(case)
    scheduled = _lowered(case)
    LOG.clear()
    traces = apply_default_schedule(scheduled, cpu_threads=2)
    jm = JitModule(scheduled)
    for func, sfunc in zip(plain.body.block.ops, scheduled.body.block.ops, strict=True):
        assert isinstance(func, TirFuncOp) and isinstance(sfunc, TirFuncOp)
        fname = func.sym_name.data
        arrays = _arrays(func, case.env, case.dtype, seed=len(name))
        want = run_func(func, [a.copy() for a in arrays])
        got = [a.copy() for a in arrays]
        jm.kernels[fname](got, case.env)
        for w, r in zip(want, got, strict=True):
            if np.issubdtype(w.dtype, np.integer):
                np.testing.assert_array_equal(r, w)
            else:
                np.testing.assert_allclose(r, w, rtol=case.rtol, atol=case.rtol)
        assert traces[fname].insts, f"no schedule recorded for @{fname}"
        for block in _output_blocks(sfunc):
            missing = set(case.expect) - _kinds_around(sfunc, block)
            assert not missing, f"@{fname} block '{block.name_str}' lacks {missing} loops (log: {LOG})\n{print_module(sfunc)}"
        _check_replay(case, fname, traces[fname].text(), sfunc)


def _check_replay(case: Case, fname: str, text: str, scheduled: TirFuncOp) -> None:
    from tensorforge.schedule.trace import Trace

    fresh = _lowered(case)
    sch = Schedule(fresh, func=fname)
    sch.replay(Trace.parse(text))
    replayed = next(op for op in fresh.body.block.ops if isinstance(op, TirFuncOp) and op.sym_name.data == fname)
    assert print_module(replayed) == print_module(scheduled)


def _find(func: TirFuncOp, kind: str) -> list[ForOp]:
    return [op for op in func.walk() if isinstance(op, ForOp) and op.kind.data == kind]


def test_matmul_structure() -> None:
    """Register tile: an unrolled row loop around a vectorized column loop of a
    static width, under a reduction loop; init hoisted; B packed."""
    m = _lowered(CASES["matmul"])
    apply_default_schedule(m, cpu_threads=2)
    func = m.body.block.first_op
    assert isinstance(func, TirFuncOp)
    blocks = {b.name_str: b for b in func.walk() if isinstance(b, BlockOp)}
    main = blocks["T_matmul"]
    assert not main.init.blocks, "the init must be decomposed out of the reduction"
    assert "T_matmul_init" in blocks and any(n.endswith("_global") for n in blocks), sorted(blocks)
    chain = []
    cur = main.parent_op()
    while isinstance(cur, ForOp):
        chain.append(cur)
        cur = cur.parent_op()
    vec, unr = chain[0], chain[1]
    assert vec.kind.data == "vectorized" and vec.extent_expr.is_const() and vec.extent_expr.value() in (16, 32, 64)
    assert unr.kind.data == "unrolled"
    assert not main.predicates.data


def test_epilogue_stays_in_the_tile_loop() -> None:
    m = _lowered(CASES["dense_bias_relu"])
    apply_default_schedule(m, cpu_threads=2)
    func = m.body.block.first_op
    assert isinstance(func, TirFuncOp)
    (par,) = [op for op in func.body.block.ops if isinstance(op, ForOp) and op.kind.data == "parallel" and
              any(isinstance(b, BlockOp) and not b.init.blocks and b.name_str.startswith("acc") for b in op.walk())]
    names = {b.name_str for b in par.walk() if isinstance(b, BlockOp)}
    out = [b.name_str for b in _output_blocks(func)]
    assert set(out) <= names, (out, names)


def test_softmax_rows_parallel_and_reductions_vectorized() -> None:
    m = _lowered(CASES["softmax"])
    apply_default_schedule(m, cpu_threads=2)
    func = m.body.block.first_op
    assert isinstance(func, TirFuncOp)
    loops = [op for op in func.body.block.ops if isinstance(op, ForOp)]
    assert len(loops) == 1 and loops[0].kind.data == "parallel", "one parallel row loop holds the whole softmax"
    rf = [b for b in func.walk() if isinstance(b, BlockOp) and b.name_str.endswith("_rf")]
    assert len(rf) == 2 and all("vectorized" in _kinds_around(func, b) for b in rf)


def test_single_thread_has_no_parallel_loops() -> None:
    m = _lowered(CASES["matmul"])
    apply_default_schedule(m, cpu_threads=1)
    func = m.body.block.first_op
    assert isinstance(func, TirFuncOp)
    assert not _find(func, "parallel") and _find(func, "vectorized")


def test_vectorized_loops_have_no_predicates_for_divisible_static_shapes() -> None:
    for name in ("matmul", "chain", "softmax", "conv_nchw", "conv_nhwc"):
        m = _lowered(CASES[name])
        apply_default_schedule(m, cpu_threads=2)
        for loop in _find(m.body.block.first_op, "vectorized"):  # type: ignore[arg-type]
            for b in loop.walk():
                if isinstance(b, BlockOp):
                    assert not b.predicates.data, f"{name}: block '{b.name_str}' has a tail predicate in a vector loop"


@pytest.mark.parametrize(
    "make",
    [
        lambda x: g.CumSumOp(x, axis=1),
        lambda x: g.ArgMaxOp(x, axis=1),
        lambda x: g.TopKOp(x, k=2, axis=-1),
        lambda x: g.ConcatOp([x, x], axis=0),
        lambda x: g.GatherOp(x, g.ArgMaxOp(x, axis=0).results[0], axis=1),
    ],
    ids=["cumsum", "argmax", "topk", "concat", "gather"],
)
def test_never_raises_and_stays_correct(make: Callable[..., Any]) -> None:
    case = Case([["n", 6]], make, {"n": 4}, expect=())
    plain = _lowered(case)
    scheduled = _lowered(case)
    apply_default_schedule(scheduled, cpu_threads=2)
    jm = JitModule(scheduled)
    for func in plain.body.block.ops:
        assert isinstance(func, TirFuncOp)
        arrays = _arrays(func, case.env, np.float32, seed=3)
        want = run_func(func, [a.copy() for a in arrays])
        got = [a.copy() for a in arrays]
        jm.kernels[func.sym_name.data](got, case.env)
        for w, r in zip(want, got, strict=True):
            np.testing.assert_allclose(r, w, rtol=1e-5, atol=1e-6)


def test_vectorized_loops_reach_llvm_as_loop_metadata() -> None:
    """`vectorized` loops become explicit vector code (codegen/llvm/vector.py) and
    `unrolled` ones llvm.loop hints, and the matmul's micro-kernel comes out as
    wide vector FMAs (not gathers)."""
    from tensorforge.codegen.llvm.jit import apply_loop_hints

    m = _lowered(CASES["matmul"])
    apply_default_schedule(m, cpu_threads=2)
    jm = JitModule(m)
    hinted = apply_loop_hints(jm.ir)
    assert "x float>" in jm.ir and "llvm.loop.unroll.full" in hinted
    assert "__tensorforge_loop_hint_" not in hinted
    opt = str(jm.mod)
    assert "x float>" in opt and "gather" not in opt
