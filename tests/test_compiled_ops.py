"""The LLVM backend computes what the tensorir interpreter computes, for every graph op.

The lowering tests (tests/test_lower_{elementwise,nn,reduce,shape,index}.py)
are replayed here as written (a one-op graph function is built, lowered with
graph-lower-to-tensorir and interpreted) while every graph.call_tir the
interpreter runs is recorded: the tir.func and its arrays before and after.
The functions recorded by one test are compiled together (one JitModule, one
LLVM module: compiling costs ~0.1 s a kernel) and every call is repeated
natively on copies of the same arrays. Results must match: integers, bools
and copies exactly; floats with NaN and inf in the same places and finite
values within FLOAT_TOL (FMA contraction and libm against numpy differ in the
last bits). A representative subset of each test's dtypes and attributes is
replayed; every graph op and every element type is compiled at least once
(`EXPECTED_OPS` is checked against the compiled kernels' names), over static
and symbolic dims, empty, size-1 and rank-0 shapes.

Also here: random graphs (tests/strategies.py), random schedules
(tests/test_schedule_property.py's requests on tests/tir_workloads.py),
fixed schedules with non-divisible tails at several sizes (0 and 1
included), and hand-written tensorir for what lowerings do not emit
(vector lanes, i1 vectors, rank-0 and strided buffers, allocs in loops,
parallel loops, libm names as kernel names).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import Float16Type, IntegerType, ModuleOp, StringAttr, f32

import tensorforge.interp.tir as tir_interp
from tensorforge import interp
from tensorforge.codegen.llvm.jit import JitModule
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.elementwise import BINARY_OPS, COMPARE_OPS, ELEMENTWISE_OPS, UNARY_OPS
from tensorforge.dialects.graphops.index import INDEX_OPS
from tensorforge.dialects.graphops.nn import NN_OPS
from tensorforge.dialects.graphops.reduce import REDUCE_OPS
from tensorforge.dialects.graphops.shape import SHAPE_OPS
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.errors import TensorforgeError
from tensorforge.interp.machine import bind_arguments
from tensorforge.ir import parse_module, print_module
from tensorforge.schedule import Schedule, ScheduleError
from tests import test_lower_elementwise as ew
from tests import test_lower_index as ix
from tests import test_lower_nn as nn
from tests import test_lower_reduce as rd
from tests import test_lower_shape as sh
from tests.strategies import Program, graph_programs
from tests.test_schedule_property import _known, _request, _workload

BF16 = np.dtype(ml_dtypes.bfloat16)
FLOAT_TOL = {
    np.dtype(np.float16): (2.0**-9, 2.0**-14), BF16: (2.0**-6, 2.0**-10),
    np.dtype(np.float32): (2e-5, 1e-5), np.dtype(np.float64): (1e-12, 1e-13),
}  # fmt: skip
"""(rtol, atol): an ulp or two for the half types; f32 within the lowering tests' bound (gelu_tanh)."""
CALLS_PER_KERNEL = 3
EXAMPLES = int(os.environ.get("TF_HYPOTHESIS_EXAMPLES", "10"))


# -- recording and comparing ----------------------------------------------------------
@dataclass
class Call:
    func: TirFuncOp
    before: list[np.ndarray]
    after: list[np.ndarray]
    hint: dict[str, int]
    """The caller's symbol values (kernels with only compound dims need them)."""


@contextlib.contextmanager
def recording() -> Iterator[list[Call]]:
    """Every tir.func the interpreter runs (graph.call_tir goes through `run_func`)."""
    calls: list[Call] = []
    original = tir_interp.run_func

    def run_func(func: TirFuncOp, arrays: Sequence[np.ndarray], hint: dict[str, int] | None = None) -> list[np.ndarray]:
        before = [a.copy() for a in arrays]
        out = original(func, arrays, hint)
        calls.append(Call(func, before, [a.copy() for a in out], dict(hint or {})))
        return out

    tir_interp.run_func = run_func
    try:
        yield calls
    finally:
        tir_interp.run_func = original


def op_of(kernel: str) -> str:
    """A one-op lowering names its tir.func after the op (`add`, `add_3`)."""
    return re.sub(r"_\d+$", "", kernel)


def compile_and_compare(calls: Sequence[Call], cpu: str = "native") -> set[str]:
    """Compile the distinct recorded functions in one module, repeat every call
    natively and compare; returns the op names of the compiled kernels."""
    funcs: list[TirFuncOp] = []
    by_text: dict[str, str] = {}
    selected: list[tuple[str, Call]] = []
    count: dict[str, int] = {}
    for call in calls:
        text = print_module(call.func)
        name = by_text.get(text)
        if name is None:
            name = f"k{len(funcs)}_{call.func.sym_name.data}"
            clone = call.func.clone()
            clone.sym_name = StringAttr(name)
            funcs.append(clone)
            by_text[text] = name
        if count.get(name, 0) < CALLS_PER_KERNEL:
            count[name] = count.get(name, 0) + 1
            selected.append((name, call))
    assert funcs, "the replayed cases ran no tir.func"
    jm = JitModule(ModuleOp(funcs), cpu=cpu)
    texts = {v: k for k, v in by_text.items()}
    for name, call in selected:
        arrays = [a.copy() for a in call.before]
        env = bind_arguments(call.func.arg_name_list, call.func.function_type.inputs.data, arrays, name, call.hint)
        jm.kernels[name](arrays, env)
        for i, (got, want) in enumerate(zip(arrays, call.after, strict=True)):
            assert_matches(got, want, f"{name} argument {i} ({call.func.arg_name_list[i]}), env {env}:\n{texts[name]}")
    return {op_of(name.split("_", 1)[1]) for name in by_text.values()}


def assert_matches(got: np.ndarray, want: np.ndarray, what: str) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype not in FLOAT_TOL:
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    g64, w64 = got.astype(np.float64), want.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(g64), np.isnan(w64), err_msg=f"NaN positions differ: {what}")
    inf = np.isinf(w64)
    np.testing.assert_array_equal(g64[inf], w64[inf], err_msg=f"infinities differ: {what}")
    fin = np.isfinite(w64)
    rtol, atol = FLOAT_TOL[got.dtype]
    np.testing.assert_allclose(g64[fin], w64[fin], rtol=rtol, atol=atol, err_msg=what)


def replay(*cases: Callable[[], object], expect: Sequence[str] = (), cpu: str = "native") -> set[str]:
    """Run lowering-test cases under the recorder, then compile and compare."""
    with recording() as calls:
        for case in cases:
            case()
    ops = compile_and_compare(calls, cpu)
    missing = set(expect) - ops
    assert not missing, f"no kernel compiled for {sorted(missing)}"
    return ops


def spread(pairs: Sequence[tuple[Any, Any]], step: int) -> list[tuple[Any, Any]]:
    """Every `step`-th (op, dtype) pair, plus the first pair of any op that would be left out:
    each op at least once, dtypes rotating across ops."""
    picked = list(pairs[::step])
    seen = {op for op, _ in picked}
    for op, dt in pairs:
        if op not in seen:
            picked.append((op, dt))
            seen.add(op)
    return picked


def names(ops: Sequence[Any]) -> list[str]:
    return [op.name.removeprefix("graph.") for op in ops]


# -- elementwise ----------------------------------------------------------------------
def _ew_pairs(ops: Sequence[Any]) -> list[tuple[Any, np.dtype]]:
    return [(op, dt) for op in ops for dt in ew.dtypes_for(op)]


EW_BINARY = spread(_ew_pairs([*BINARY_OPS, *COMPARE_OPS]), 4)
EW_UNARY = spread(_ew_pairs(UNARY_OPS), 3)

EXPECT: dict[str, list[str]] = {
    "elementwise_binary": names([op for op, _ in EW_BINARY]),
    "elementwise_unary": names([op for op, _ in EW_UNARY]),
    "where_clip_every_dtype": ["where", "clip"],
    "cast_every_pair": ["cast"],
    "matmul_dense": ["matmul", "dense"],
    "conv_and_transpose": ["conv", "conv_transpose"],
    "pools": ["max_pool", "avg_pool", "global_avg_pool", "adaptive_avg_pool"],
    "reductions": ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_l2"],
    "arg_softmax_cumsum": ["argmax", "argmin", "softmax", "log_softmax", "cumsum"],
    "normalizations": ["layer_norm", "batch_norm", "group_norm", "instance_norm"],
    "shape_ops": ["reshape", "flatten", "transpose", "broadcast_to", "squeeze", "unsqueeze", "tile", "pad", "concat", "split"],
    "concat_split_slice_pad": ["concat", "split", "slice", "pad"],
    "iota_full_fill": ["iota", "full", "zeros_like", "ones_like"],
    "gathers": ["gather", "gather_elements", "gather_nd", "embedding", "one_hot"],
    "scatters": ["scatter_elements", "scatter_nd"],
    "resize_topk_sort": ["resize", "topk", "sort", "argsort"],
}
"""The ops each replaying test asserts it compiled kernels for (elementwise binary/unary: per chunk)."""


def _chunks(items: Sequence[Any], n: int) -> list[list[Any]]:
    return [list(items[i::n]) for i in range(n)]


@pytest.mark.parametrize("part", range(2))
def test_elementwise_binary(part: int) -> None:
    chunk = _chunks(EW_BINARY, 2)[part]
    replay(*[lambda op=op, dt=dt: ew.test_binary_all_pairs_broadcast(op, dt) for op, dt in chunk],
           expect=names([op for op, _ in chunk]))


def test_elementwise_binary_random_operands() -> None:
    """div/mod/fmod/pow/shifts on random operands (each dtype class once), exact float mod."""
    ops = [g.DivOp, g.ModOp, g.FmodOp, g.PowOp, g.ShiftLeftOp, g.ShiftRightOp]
    pairs = spread([(op, dt) for op in ops for dt in ew.dtypes_for(op)], 5)
    replay(*[lambda op=op, dt=dt: ew.test_binary_random_operands_rank_broadcast(op, dt) for op, dt in pairs],
           *[lambda dt=dt: ew.test_float_mod_large_quotients_exact(dt) for dt in (ew.F32, ew.F64)],
           expect=names(ops))


@pytest.mark.parametrize("part", range(2))
def test_elementwise_unary(part: int) -> None:
    chunk = _chunks(EW_UNARY, 2)[part]
    replay(*[lambda op=op, dt=dt: ew.test_unary(op, dt) for op, dt in chunk], expect=names([op for op, _ in chunk]))


def test_elementwise_unary_properties_and_gelu() -> None:
    cases = [(op, props, ew.FLOATS[i % 4]) for i, (op, props) in enumerate(ew.PROP_CASES)]
    replay(*[lambda op=op, p=p, dt=dt: ew.test_unary_properties(op, p, dt) for op, p, dt in cases],
           *[lambda dt=dt: ew.test_gelu_accurate_for_large_negative_x(dt) for dt in (ew.F32, ew.F64)],
           expect=["leaky_relu", "elu", "hard_sigmoid", "isinf", "gelu", "erf"])


def test_where_clip_every_dtype() -> None:
    replay(*[lambda dt=dt: ew.test_where_three_way_broadcast(dt) for dt in ew.ALL],
           *[lambda dt=dt: ew.test_clip(dt) for dt in (ew.F16, ew.BF16, ew.F64, np.dtype(np.uint8), np.dtype(np.int64))],
           expect=EXPECT["where_clip_every_dtype"])


@pytest.mark.parametrize("part", range(2))
def test_cast_every_pair(part: int) -> None:
    """Every source type to every element type: saturating fptosi/fptoui, uitofp from 64 bits, i1, f16/bf16."""
    replay(*[lambda src=src: ew.test_cast_every_pair(src) for src in ew.ALL[part::2]], expect=EXPECT["cast_every_pair"])


def test_cast_generic_cpu() -> None:
    """Without F16C (x86-64 baseline) half conversions are libgcc calls."""
    replay(*[lambda src=src: ew.test_cast_every_pair(src) for src in (ew.F16, ew.BF16, np.dtype(np.uint64))],
           lambda: ew.test_unary(g.ExpOp, ew.F16), expect=["cast", "exp"], cpu="generic")


def test_elementwise_shapes() -> None:
    """Empty, size-1, rank-0 and broadcast shapes, static and symbolic."""
    binary = [(g.AddOp, ew.F32), (g.DivOp, np.dtype(np.int8)), (g.LtOp, ew.BF16), (g.ShiftRightOp, np.dtype(np.int16))]
    replay(*[lambda op=op, dt=dt, c=c, s=s: ew.test_binary_shapes(op, dt, c, s)
             for op, dt in binary for c, s in ew.SHAPE_CASES],
           *[lambda op=op: ew.test_unary_shapes(op) for op in (g.ExpOp, g.GeluOp, g.CastOp)],
           expect=["add", "div", "lt", "shift_right", "exp", "gelu", "cast"])


# -- nn ---------------------------------------------------------------------------------
def test_matmul_dense() -> None:
    shapes = [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)),
              ((0, 4), (4, 3)), ((3, 0), (0, 2))]
    replay(*[lambda a=a, b=b: nn.test_matmul_shapes(a, b) for a, b in shapes],
           *[lambda dt=dt: nn.test_matmul_dtypes(dt) for dt in (ml_dtypes.bfloat16, np.float16, np.float64, np.int8, np.uint8, np.int64)],
           nn.test_matmul_integer_wraps, nn.test_matmul_symbolic, nn.test_matmul_f16_accumulates_in_f32,
           *[lambda xs=xs, bias=bias: nn.test_dense(xs, bias) for xs, bias in [((5,), True), ((2, 3, 5), False), ((0, 5), True)]],
           *[lambda dt=dt: nn.test_dense_dtypes(dt) for dt in (ml_dtypes.bfloat16, np.int32)],
           nn.test_dense_symbolic_and_empty_contraction,
           expect=EXPECT["matmul_dense"])


def test_conv_and_transpose() -> None:
    replay(*[lambda c=c: nn.test_conv(*c) for c in nn.CONV_CASES[::2]],
           lambda: nn.test_conv_dtypes(np.float16), nn.test_conv_defaults_and_empty_batch, nn.test_conv_symbolic,
           *[lambda c=c: nn.test_conv_transpose(*c) for c in nn.CONV_T_CASES[::2]],
           nn.test_conv_transpose_symbolic_and_f16,
           expect=EXPECT["conv_and_transpose"])


def test_pools() -> None:
    replay(*[lambda c=c: nn.test_max_pool(*c) for c in nn.POOL_CASES[::3]],
           *[lambda c=c, inc=i % 2 == 0: nn.test_avg_pool(*c[:6], include=inc) for i, c in enumerate(nn.POOL_CASES[1::3])],
           lambda: nn.test_pools_channel_last("NHWC"),
           *[lambda dt=dt: nn.test_max_pool_dtypes(dt) for dt in (np.int8, np.uint8, ml_dtypes.bfloat16, np.float64)],
           nn.test_max_pool_nan_and_lowest_fill, nn.test_pools_symbolic, nn.test_avg_pool_window_in_pads_is_nan,
           *[lambda lay=lay, s=s: nn.test_global_avg_pool(lay, s) for lay, s in [(None, (2, 3, 4, 5)), ("NHWC", (2, 4, 5, 3)), (None, (0, 3, 4, 4))]],
           nn.test_global_avg_pool_symbolic_f16,
           *[lambda sp=sp, out=out: nn.test_adaptive_avg_pool(sp, out) for sp, out in [((7,), [3]), ((5,), [8]), ((7, 5), [3, 2])]],
           nn.test_adaptive_avg_pool_channel_last_symbolic,
           expect=EXPECT["pools"])


# -- reduce -----------------------------------------------------------------------------
REDUCE_CASES = spread(rd.CASES, 3)


def _reduction(i: int, op: Any, dt: Any) -> None:
    """tests/test_lower_reduce.py's test_reduction on a third of its axes/keepdims variants."""
    x = rd.rand((2, 3, 4), dt)
    if op is g.ReduceProdOp:
        x = (x % 5 - 2).astype(dt) if np.issubdtype(np.dtype(dt), np.integer) else (x / 2 + 1).astype(dt)
    variants = rd.VARIANTS[i % 3 :: 3]
    rd.lower_and_compare(lambda a: [op(a, axes=ax, keepdims=k).result for ax, k in variants], x)


def test_reductions() -> None:
    replay(*[lambda i=i, op=op, dt=dt: _reduction(i, op, dt) for i, (op, dt) in enumerate(REDUCE_CASES)],
           *[lambda op=op: rd.test_reduction_symbolic(op) for op in (g.ReduceMeanOp, g.ReduceProdOp)],
           rd.test_reduction_symbolic_int_and_f16, rd.test_sum_wraps_and_f16_accumulates_in_f32, rd.test_bool_max_min_are_any_all,
           rd.test_nan_propagates, rd.test_empty_reduction, rd.test_reduce_scalar, rd.test_reduce_all_of_symbolic_to_scalar,
           rd.test_unsigned_and_narrow_ints,
           expect=EXPECT["reductions"])


def test_arg_softmax_cumsum() -> None:
    replay(*[lambda op=op, dt=dt: rd.test_arg_reduce_ties(op, dt) for op, dt in [(g.ArgMaxOp, np.float16), (g.ArgMinOp, np.bool_)]],
           *[lambda op=op: rd.test_arg_reduce_nan_and_symbolic(op) for op in (g.ArgMaxOp, g.ArgMinOp)],
           *[lambda op=op, dt=dt: rd.test_softmax(op, dt) for op, dt in [(g.SoftmaxOp, np.float32), (g.LogSoftmaxOp, np.float16), (g.SoftmaxOp, rd.BF16)]],
           *[lambda op=op: rd.test_softmax_symbolic_and_infinities(op) for op in (g.SoftmaxOp, g.LogSoftmaxOp)],
           lambda: rd.test_cumsum(np.int32), rd.test_cumsum_symbolic_wrap_and_empty,
           expect=EXPECT["arg_softmax_cumsum"])


def test_normalizations() -> None:
    replay(*[lambda dt=dt, ax=ax: rd.test_layer_norm(dt, ax) for dt, ax in [(np.float32, -1), (np.float16, 1), (rd.BF16, 0)]],
           rd.test_layer_norm_symbolic, *[lambda dt=dt: rd.test_batch_norm(dt) for dt in (np.float64, np.float16)],
           *[lambda dt=dt, gr=gr: rd.test_group_norm(dt, gr) for dt, gr in [(np.float32, 2), (rd.BF16, 6)]],
           rd.test_group_norm_ranks_and_symbolic, lambda: rd.test_instance_norm(np.float16), rd.test_instance_norm_symbolic,
           expect=EXPECT["normalizations"])


# -- shape ------------------------------------------------------------------------------
def test_shape_ops() -> None:
    reshapes = [((3, 4, 8), [-1, 32], ["n", 4, 8]), ((5, 6), [-1, 3], ["n", 6]), ((2, 3, 4), [24], ["n", "m", "k"]),
                ((1, 6, 1), [3, 1, 2], None)]
    replay(*[lambda dt=dt: sh.test_reshape_dtypes(dt) for dt in (rd.BF16, np.bool_)],
           *[lambda s=s, t=t, y=y: sh.test_reshape(s, t, y) for s, t, y in reshapes], sh.test_reshape_empty_and_scalar,
           *[lambda a=a: sh.test_flatten(a) for a in (-1, 0, 2)],
           *[lambda dt=dt: sh.test_transpose_dtypes(dt) for dt in (np.float16, np.int8)], sh.test_transpose_default_negative_symbolic,
           sh.test_broadcast_to, sh.test_broadcast_to_bidirectional, sh.test_squeeze_unsqueeze, sh.test_tile,
           *[lambda dt=dt: sh.test_every_layout_op_copies_every_dtype(dt) for dt in (np.float64, np.uint8)],
           expect=EXPECT["shape_ops"])


def test_concat_split_slice_pad() -> None:
    replay(*[lambda dt=dt: sh.test_concat_dtypes(dt) for dt in (np.float32, np.bool_)], sh.test_concat_symbolic_and_middle_axis,
           sh.test_split,
           *[lambda p=p: sh.test_slice(p) for p in [dict(starts=[1, -4], ends=[4, sh.INT64_MAX], axes=[0, 1]),
                                                      dict(starts=[4, 0], ends=[0, 6], axes=[0, -1], steps=[-2, 3])]],
           lambda: sh.test_slice_endpoints_symbolic(-2),
           lambda: sh.test_slice_dtypes(np.float16),
           *[lambda m=m: sh.test_pad_modes(m) for m in ("constant", "reflect", "edge", "wrap")], sh.test_pad_value_negative_axes_dtypes,
           expect=EXPECT["concat_split_slice_pad"])


def test_iota_full_fill() -> None:
    replay(*[lambda r=r: sh.test_iota_range(*r) for r in sh.IOTA_RANGES], sh.test_iota_shape_form, sh.test_full_and_fill_like,
           expect=EXPECT["iota_full_fill"])


# -- index ------------------------------------------------------------------------------
def test_gathers() -> None:
    replay(*[lambda c=c: ix.test_gather(*c) for c in [(np.float16, 1, np.int64), (np.bool_, 1, np.int32), (np.float64, 0, np.int64)]],
           ix.test_gather_scalar_empty_symbolic, *[lambda dt=dt, ax=ax: ix.test_gather_elements(dt, ax) for dt, ax in [(np.float32, 0), (np.int64, -1)]],
           *[lambda c=c: ix.test_gather_nd(*c) for c in [((4, 5, 6), (2, 3, 2), 0), ((2, 3, 5, 6), (2, 3, 4, 2), 2)]],
           ix.test_gather_nd_symbolic, *[lambda dt=dt, s=s: ix.test_embedding(dt, s) for dt, s in [(np.float32, (2, 3)), (ix.BF16, (0,))]],
           ix.test_embedding_symbolic,
           *[lambda a=a, e=e: ix.test_one_hot(a, e) for a, e in [(-1, f32), (1, Float16Type()), (-3, IntegerType(1))]],
           ix.test_one_hot_defaults_symbolic,
           expect=EXPECT["gathers"])


def test_scatters() -> None:
    cases = [("none", 0, np.float32), ("add", -1, np.uint8), ("mul", 0, np.uint8), ("max", -1, np.float32), ("min", 0, np.float32)]
    replay(*[lambda r=r, a=a, dt=dt: ix.test_scatter_elements(r, a, dt) for r, a, dt in cases],
           ix.test_scatter_elements_last_update_wins_symbolic_empty,
           *[lambda r=r, k=k, dt=dt: ix.test_scatter_nd(r, k, dt) for r, (k, dt) in zip(["none", "add", "max"], [(1, np.float64), (2, np.int32), (3, np.float32)], strict=True)],
           ix.test_scatter_nd_symbolic,
           expect=EXPECT["scatters"])


def test_resize_topk_sort() -> None:
    replay(lambda: ix.test_resize_nearest("half_pixel", "round_prefer_floor"), lambda: ix.test_resize_nearest("asymmetric", "floor"),
           *[lambda c=c, dt=dt: ix.test_resize_linear(c, dt) for c, dt in [("half_pixel", np.float32), ("asymmetric", np.float16), ("pytorch_half_pixel", ix.BF16)]],
           lambda: ix.test_resize_symbolic("align_corners"), ix.test_resize_symbolic_sizes_equal_at_run_time, ix.test_resize_trilinear,
           *[lambda lg=lg, ax=ax, dt=dt: ix.test_topk_with_ties(lg, ax, dt) for lg, ax, dt in [(True, -1, np.float32), (False, 0, np.uint8)]],
           ix.test_topk_nan_and_symbolic,
           *[lambda dt=dt, ax=ax, d=d: ix.test_sort_and_argsort(dt, ax, d) for dt, ax, d in [(np.float32, -1, False), (np.bool_, -1, True), (ix.BF16, 0, False)]],
           ix.test_sort_symbolic_and_empty,
           expect=EXPECT["resize_topk_sort"])




def test_every_graph_op_and_dtype_is_compiled() -> None:
    every = {op.name.removeprefix("graph.") for fam in (ELEMENTWISE_OPS, NN_OPS, REDUCE_OPS, SHAPE_OPS, INDEX_OPS) for op in fam}
    covered = {name for ops in EXPECT.values() for name in ops}
    assert every - covered == set()
    dtypes = {dt for _, dt in EW_BINARY + EW_UNARY}
    assert set(ew.ALL) <= dtypes | {ew.BOOL}, sorted(map(str, set(ew.ALL) - dtypes))


# -- random graphs ----------------------------------------------------------------------
@dataclass
class Substituted:
    ran: list[str]
    mismatch: AssertionError | None = None
    reference_failed: bool = False


@contextlib.contextmanager
def compiled_kernels(jm: JitModule) -> Iterator[Substituted]:
    """graph.call_tir runs the compiled kernel; each call is checked against the
    interpreter on the same (compiled-so-far) inputs. The interpreter wraps
    errors raised inside an op, so what failed is noted here."""
    original = tir_interp.run_func
    state = Substituted([])

    def run_func(func: TirFuncOp, arrays: Sequence[np.ndarray], hint: dict[str, int] | None = None) -> list[np.ndarray]:
        name = func.sym_name.data
        try:
            want = original(func, [a.copy() for a in arrays], hint)
        except TensorforgeError:
            state.reference_failed = True
            raise
        got = [a.copy() for a in arrays]  # C-contiguous
        jm.kernels[name](got, bind_arguments(func.arg_name_list, func.function_type.inputs.data, got, name, hint))
        try:
            for i, (gv, wv) in enumerate(zip(got, want, strict=True)):
                assert_matches(gv, wv, f"@{name} argument {i}:\n{print_module(func)}")
        except AssertionError as e:
            state.mismatch = e
            raise
        state.ran.append(name)
        return got

    tir_interp.run_func = run_func
    try:
        yield state
    finally:
        tir_interp.run_func = original


@settings(max_examples=EXAMPLES)
@given(prog=graph_programs(max_ops=6))
def test_random_graphs(prog: Program) -> None:
    """Lowered random graphs with every graph.call_tir running the compiled kernel.
    Programs the interpreter cannot run once lowered (a lowering or interpreter
    limitation, not the backend's) are rejected."""
    module = prog.module.clone()
    ew.lower(module)
    jm = JitModule(module)
    with compiled_kernels(jm) as state:
        try:
            interp.run(module, "main", *[a.copy() for a in prog.inputs])
        except TensorforgeError:
            if state.mismatch is not None:
                raise state.mismatch from None
            assume(not state.reference_failed)
            raise
    assert len(state.ran) == len([op for op in module.walk() if isinstance(op, g.CallTirOp)])


# -- schedules --------------------------------------------------------------------------
def arrays_for(func: TirFuncOp, env: dict[str, int], n_inputs: int, seed: int = 0) -> list[np.ndarray]:
    """Random inputs and zeroed outputs for `func` at the sizes `env`."""
    rng = np.random.default_rng(seed)
    out = []
    for i, t in enumerate(func.function_type.inputs.data):
        shape = tuple(d.evaluate(env) for d in t.dims)  # type: ignore[attr-defined]
        a = rng.standard_normal(shape).astype(t.dtype) if i < n_inputs else np.zeros(shape, t.dtype)  # type: ignore[attr-defined]
        out.append(a)
    return out


def compiled_equals_interpreted(module: ModuleOp, sizes: Sequence[dict[str, int]], n_inputs: int, inputs: list[np.ndarray] | None = None) -> None:
    (func,) = [op for op in module.body.block.ops if isinstance(op, TirFuncOp)]
    jm = JitModule(module)
    for env in sizes:
        arrays = inputs + arrays_for(func, env, n_inputs)[n_inputs:] if inputs is not None else arrays_for(func, env, n_inputs)
        want = tir_interp.run_func(func, [a.copy() for a in arrays])
        got = [a.copy() for a in arrays]
        jm.kernels[func.sym_name.data](got, env)
        for i, (gv, wv) in enumerate(zip(got, want, strict=True)):
            assert_matches(gv, wv, f"argument {i}, sizes {env}:\n{print_module(module)}")


SCHEDULED = ["matmul", "conv2d", "softmax", "layer_norm", "exp", "add", "chain"]


@pytest.mark.parametrize("name", SCHEDULED)
@settings(max_examples=max(EXAMPLES // 2, 3))
@given(data=st.data())
def test_random_schedules(name: str, data: st.DataObject) -> None:
    """tests/test_schedule_property.py's random primitive sequences; compiled == interpreted."""
    w = _workload(name)
    module = w.fresh()
    sch = Schedule(module)
    for _ in range(data.draw(st.integers(1, 6))):
        kind, args = _request(data.draw, sch.func())
        if kind not in _known():
            continue
        with contextlib.suppress(ScheduleError):
            sch.apply(kind, **args)
    compiled_equals_interpreted(module, [w.symbols], len(w.inputs), [a.copy() for a in w.inputs])


def _tile(sch: Schedule, func: TirFuncOp) -> list[str]:
    """Split the outermost loop by 3 (parallel outer), the innermost by 4
    (vectorized inner): non-divisible tails; what applied."""
    from tests.test_schedule_property import _loops

    applied = []
    loops = [lp.var_name for lp in _loops(func)]
    with contextlib.suppress(ScheduleError):
        outer, _ = sch.split(loops[0], [None, 3])
        sch.parallel(outer)
        applied.append("parallel")
    with contextlib.suppress(ScheduleError):
        _, inner = sch.split(loops[-1], [None, 4])
        sch.vectorize(inner)
        applied.append("vectorize")
    with contextlib.suppress(ScheduleError):
        sch.unroll(loops[1])
        applied.append("unroll")
    return applied


@pytest.mark.parametrize("name", ["matmul", "softmax", "layer_norm", "exp", "add", "chain"])
def test_tiled_schedules_every_size(name: str) -> None:
    """Parallel, vectorized and unrolled loops with tails, at sizes 0, 1 and non-multiples."""
    w = _workload(name)
    module = w.fresh()
    sch = Schedule(module)
    applied = _tile(sch, sch.func())
    assert "parallel" in applied
    (sym,) = w.symbols
    compiled_equals_interpreted(module, [{sym: n} for n in (0, 1, 2, 7, 13)], len(w.inputs))


# -- hand-written tensorir ----------------------------------------------------------------
HAND = """
tir.func @lanes(%X: !tir.buffer<[n, 8], f32>, %M: !tir.buffer<[n, 8], i1>, %H: !tir.buffer<[n, 8], bf16>, %Y: !tir.buffer<[n, 8], f32>, %N: !tir.buffer<[n, 8], i1>, %G: !tir.buffer<[n, 8], bf16>) {
  tir.for i in range(n) {
    tir.for j in range(2) {
      tir.block "Y" (vi = spatial(n, i), vj = spatial(2, j)) reads(%X[vi, vj*4 : 4], %M[vi, 0 : 8], %H[vi, vj*4 : 4]) writes(%Y[vi, vj*4 : 4], %N[vi, vj*4 : 4], %G[vi, vj*4 : 4]) {
        %x = tir.load %X[vi, vj*4] : vector<4xf32>
        %m = tir.load %M[vi, vj*4] : vector<4xi1>
        %h = tir.load %H[vi, vj*4] : vector<4xbf16>
        %e = math.exp %x : vector<4xf32>
        %p = arith.mulf %e, %x : vector<4xf32>
        %c = tir.load %M[vi, 4-vj*4] : vector<4xi1>
        %s = arith.maximumf %p, %x : vector<4xf32>
        %n = arith.xori %m, %c : vector<4xi1>
        %hf = arith.extf %h : vector<4xbf16> to vector<4xf32>
        %hs = arith.addf %hf, %x : vector<4xf32>
        %ht = arith.truncf %hs : vector<4xf32> to vector<4xbf16>
        tir.store %s, %Y[vi, vj*4]
        tir.store %n, %N[vi, vj*4]
        tir.store %ht, %G[vi, vj*4]
      }
    }
  }
  tir.return
}
tir.func @rank0(%A: !tir.buffer<[], f32>, %I: !tir.buffer<[], i1>, %B: !tir.buffer<[], f32>, %J: !tir.buffer<[], i1>) {
  tir.block "B" () reads(%A[], %I[]) writes(%B[], %J[]) {
    %a = tir.load %A[] : f32
    %i = tir.load %I[] : i1
    %t = arith.constant true
    %n = arith.xori %i, %t : i1
    %c = arith.addf %a, %a : f32
    %s = arith.select %i, %c, %a : f32
    tir.store %s, %B[]
    tir.store %n, %J[]
  }
  tir.return
}
tir.func @allocs(%X: !tir.buffer<[n, 8], f32>, %Y: !tir.buffer<[n, 8], f32>) {
  tir.for i in range(n) parallel {
    %small = tir.alloc : !tir.buffer<[4, 8], f32, local, [9, 1]>
    %big = tir.alloc : !tir.buffer<[5000], f32>
    tir.for j in range(8) {
      tir.block "S" (vi = spatial(n, i), vj = spatial(8, j)) reads(%X[vi, vj], %small[1, vj], %big[vj*600]) writes(%small[1, vj], %big[vj*600]) {
        %x = tir.load %X[vi, vj] : f32
        %o = tir.load %small[1, vj] : f32
        %b = tir.load %big[vj*600] : f32
        %s = arith.addf %x, %o : f32
        %t = arith.addf %s, %b : f32
        tir.store %t, %small[1, vj]
        tir.store %s, %big[vj*600]
      }
    }
    tir.for j2 in range(8) {
      tir.block "Y" (vi2 = spatial(n, i), vj2 = spatial(8, j2)) reads(%small[1, vj2], %big[vj2*600]) writes(%Y[vi2, vj2]) {
        %a = tir.load %small[1, vj2] : f32
        %b = tir.load %big[vj2*600] : f32
        %c = arith.mulf %a, %b : f32
        tir.store %c, %Y[vi2, vj2]
      }
    }
  }
  tir.return
}
tir.func @tanh(%X: !tir.buffer<[n], f64>, %Y: !tir.buffer<[n], f64>) {
  tir.for i in range(n) {
    tir.block "Y" (vi = spatial(n, i)) reads(%X[vi]) writes(%Y[vi]) {
      %x = tir.load %X[vi] : f64
      %t = math.tanh %x : f64
      %e = math.exp %t : f64
      tir.store %e, %Y[vi]
    }
  }
  tir.return
}
tir.func @exp(%X: !tir.buffer<[n], f64>, %Y: !tir.buffer<[n], f64>) {
  tir.for i in range(n) {
    tir.block "Y" (vi = spatial(n, i)) reads(%X[vi]) writes(%Y[vi]) {
      %x = tir.load %X[vi] : f64
      %e = math.exp %x : f64
      %f = math.floor %e : f64
      tir.store %f, %Y[vi]
    }
  }
  tir.return
}
tir.func @half_math(%X: !tir.buffer<[n], f16>, %Z: !tir.buffer<[n], f16>, %Y: !tir.buffer<[n], f16>, %W: !tir.buffer<[n], f16>) {
  tir.for i in range(n) {
    tir.block "Y" (vi = spatial(n, i)) reads(%X[vi], %Z[vi]) writes(%Y[vi], %W[vi]) {
      %x = tir.load %X[vi] : f16
      %z = tir.load %Z[vi] : f16
      %a = math.atan2 %x, %z : f16
      %k = arith.constant 3 : i32
      %p = math.fpowi %x, %k : f16, i32
      tir.store %a, %Y[vi]
      tir.store %p, %W[vi]
    }
  }
  tir.return
}
tir.func @gather_if(%X: !tir.buffer<[n], f32>, %I: !tir.buffer<[m], i64>, %Y: !tir.buffer<[m], f32>) {
  tir.for i in range(m) {
    tir.block "Y" (vi = spatial(m, i)) reads(%X[0 : n], %I[vi]) writes(%Y[vi]) {
      %j = tir.load %I[vi] : i64
      %zero = arith.constant 0 : i64
      %neg = arith.cmpi slt, %j, %zero : i64
      %r = scf.if %neg -> (f32) {
        %c = arith.constant -1.0 : f32
        scf.yield %c : f32
      } else {
        %ji = arith.index_cast %j : i64 to index
        %g = tir.load %X[%ji] : f32
        scf.yield %g : f32
      }
      tir.store %r, %Y[vi]
    }
  }
  tir.return
}
"""
"""What lowerings do not emit: vector lanes (f32, i1, bf16), rank-0 buffers, a strided
alloc and a heap alloc inside a parallel loop, kernels named like libm functions they
call (f64 `tanh`, `exp`), two-argument libm and powi on f16, scf.if around a gather."""


def _hand_arrays(name: str, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    arrays = {
        "lanes": [f32(n, 8), rng.random((n, 8)) < 0.5, rng.standard_normal((n, 8)).astype(BF16),
                  np.zeros((n, 8), np.float32), np.zeros((n, 8), bool), np.zeros((n, 8), BF16)],
        "rank0": [np.array(-1.5, np.float32), np.array(n % 2 == 1), np.zeros((), np.float32), np.zeros((), bool)],
        "allocs": [f32(n, 8), np.zeros((n, 8), np.float32)],
        "tanh": [rng.standard_normal(n), np.zeros(n)],
        "exp": [rng.standard_normal(n) * 3, np.zeros(n)],
        "half_math": [rng.standard_normal(n).astype(np.float16), rng.standard_normal(n).astype(np.float16),
                      np.zeros(n, np.float16), np.zeros(n, np.float16)],
        "gather_if": [f32(max(n, 1)), rng.integers(-1, max(n, 1), 2 * n), np.zeros(2 * n, np.float32)],
    }
    return arrays[name]


@pytest.mark.parametrize("cpu", ["native", "generic"])
def test_hand_written_tensorir(cpu: str) -> None:
    module = parse_module(HAND)
    funcs = [op for op in module.body.block.ops if isinstance(op, TirFuncOp)]
    jm = JitModule(module, cpu=cpu)
    rng = np.random.default_rng(0)
    for n in (0, 1, 5):
        for func in funcs:
            name = func.sym_name.data
            arrays = _hand_arrays(name, n, rng)
            want = tir_interp.run_func(func, [a.copy() for a in arrays])
            got = [a.copy() for a in arrays]
            env = bind_arguments(func.arg_name_list, func.function_type.inputs.data, got, name)
            jm.kernels[name](got, env)
            for i, (gv, wv) in enumerate(zip(got, want, strict=True)):
                assert_matches(gv, wv, f"@{name} argument {i}, n = {n}")


# -- tensorforge-opt -t llvm --------------------------------------------------------------
TARGET_INPUT = Path(__file__).parent.parent / "filecheck" / "codegen" / "llvm_target.mlir"


@pytest.mark.parametrize("spec", ["llvm", "llvm{opt=2 cpu=generic fast-math=true}", "llvm{contract=false}"])
def test_opt_target_llvm_parses(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`tensorforge-opt -t llvm` prints IR that LLVM parses and verifies, one definition per kernel."""
    import llvmlite.binding as llvm_binding

    from tensorforge.tools.opt import main

    out = tmp_path / "out.ll"
    assert main([str(TARGET_INPUT), "-t", spec, "-o", str(out)]) == 0, capsys.readouterr().err
    text = out.read_text()
    mod = llvm_binding.parse_assembly(text)
    mod.verify()
    defined = {f.name for f in mod.functions if not f.is_declaration}
    assert {"copy", "scale_parallel", "to_int", "bf16_add", "tanh.kernel", "scratch"} <= defined
    if spec == "llvm{contract=false}":
        assert "contract" not in text


def test_opt_target_llvm_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tensorforge.tools.opt import main

    assert main([str(TARGET_INPUT), "-t", "llvm{opt=9}"]) == 1
    assert "opt must be 0 to 3" in capsys.readouterr().err
