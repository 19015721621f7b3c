"""graph -> StableHLO -> graph for convolutions, pooling, iota and sorting.

Each module is run three ways on the same inputs: the graph interpreter on the
original, the stablehlo interpreter on the exported text, and the graph
interpreter on the re-imported module.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp, f32, i32, i64
from xdsl.ir import Block, Operation, Region

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.frontends.stablehlo import StableHLOExportError, export_stablehlo, import_stablehlo, parse_stablehlo
from tensorforge.interp import run
from tensorforge.interp.stablehlo import run_stablehlo

RNG = np.random.default_rng(3)


def module(build: Callable[..., list[Operation]], *shapes: list[int], elt: object = f32) -> ModuleOp:
    args = [TensorType(list(s), elt) for s in shapes]
    block = Block(arg_types=args)
    ops = build(*block.args)
    for op in ops:
        block.add_op(op)
    block.add_op(g.ReturnOp(*ops[-1].results))
    outs = [(f"y{i}", r.type) for i, r in enumerate(ops[-1].results)]
    return ModuleOp([g.FuncOp("main", [(f"x{i}", t) for i, t in enumerate(args)], outs, Region(block))])


def round_trip(m: ModuleOp, *inputs: np.ndarray, expect: list[str]) -> str:
    want = run(m, "main", *inputs)[0]
    text = export_stablehlo(m)
    for name in expect:
        assert f'"stablehlo.{name}"' in text
    for got in (run_stablehlo(parse_stablehlo(text), "main", *inputs)[0], run(import_stablehlo(text), "main", *inputs)[0]):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    return text


def x32(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def test_conv_nchw_with_bias_groups_and_padding() -> None:
    m = module(lambda x, w, b: [g.ConvOp(x, w, b, strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1], groups=2)],
               [2, 4, 7, 6], [6, 2, 3, 2], [6])
    round_trip(m, x32(2, 4, 7, 6), x32(6, 2, 3, 2), x32(6), expect=["convolution"])


def test_conv_channels_last() -> None:
    m = module(lambda x, w: [g.ConvOp(x, w, layout="NHWC", pads=[1, 1, 1, 1])], [1, 5, 5, 3], [3, 3, 3, 4])
    round_trip(m, x32(1, 5, 5, 3), x32(3, 3, 3, 4), expect=["convolution"])


@pytest.mark.parametrize("groups", [1, 2])
def test_conv_transpose_becomes_a_dilated_convolution(groups: int) -> None:
    m = module(lambda x, w, b: [g.ConvTransposeOp(x, w, b, strides=[2, 3], dilations=[1, 2], pads=[1, 0, 0, 2],
                                                  output_padding=[1, 0], groups=groups)],
               [2, 4, 3, 4], [4, 3, 3, 2], [3 * groups])
    text = round_trip(m, x32(2, 4, 3, 4), x32(4, 3, 3, 2), x32(3 * groups), expect=["convolution"])
    assert "lhs_dilation = array<i64: 2, 3>" in text and "window_reversal" in text


def test_max_pool_and_avg_pool() -> None:
    x = x32(2, 3, 7, 6)
    mp = module(lambda x: [g.MaxPoolOp(x, kernel=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1], dilations=[1, 2])], [2, 3, 7, 6])
    round_trip(mp, x, expect=["reduce_window", "maximum"])
    for include in (True, False):
        ap = module(lambda x, include=include: [g.AvgPoolOp(x, kernel=[3, 3], strides=[2, 1], pads=[1, 1, 1, 0],
                                                            count_include_pad=include)], [2, 3, 7, 6])
        round_trip(ap, x, expect=["reduce_window", "divide"])
    ap_nhwc = module(lambda x: [g.AvgPoolOp(x, kernel=[2, 2], strides=[2, 2], layout="NHWC")], [2, 6, 6, 3])
    round_trip(ap_nhwc, x32(2, 6, 6, 3), expect=["reduce_window"])


def test_iota() -> None:
    m = module(lambda x: (lambda io: [io, g.AddOp(x, io)])(g.IotaOp(start=3, delta=2, shape=[4, 5], dimension=1, dtype=i32)),
               [4, 5], elt=i32)
    round_trip(m, RNG.integers(-5, 5, (4, 5)).astype(np.int32), expect=["iota"])


@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_argsort(descending: bool) -> None:
    x = RNG.integers(0, 4, (3, 7)).astype(np.float32)  # ties: the order of equal keys is checked
    x[0, 2] = np.nan
    srt = module(lambda x: [g.SortOp(x, axis=1, descending=descending, stable=True)], [3, 7])
    round_trip(srt, x, expect=["sort"])
    arg = module(lambda x: [g.ArgsortOp(x, axis=0, descending=descending, stable=True)], [3, 7])
    round_trip(arg, x, expect=["sort", "iota"])


def test_ceil_mode_pooling() -> None:
    """The overhang past the end pad is never counted (torch's rule) and never wins."""
    x = x32(1, 2, 7, 6)
    for include in (True, False):
        ap = module(lambda x, include=include: [g.AvgPoolOp(x, kernel=[3, 2], strides=[2, 2], pads=[1, 0, 1, 0],
                                                            ceil_mode=True, count_include_pad=include)], [1, 2, 7, 6])
        round_trip(ap, x, expect=["reduce_window"])
    mp = module(lambda x: [g.MaxPoolOp(x, kernel=[2, 2], strides=[2, 2], ceil_mode=True)], [1, 2, 7, 5])
    round_trip(mp, x32(1, 2, 7, 5), expect=["reduce_window"])


def ints(low: int, high: int, *shape: int) -> np.ndarray:
    return RNG.integers(low, high, shape).astype(np.int64)


def test_gather_embedding_gather_nd() -> None:
    x = x32(4, 5, 3)
    i = ints(-5, 5, 2, 3)
    def with_index(build: Callable[..., list[Operation]], shapes: list[list[int]]) -> ModuleOp:
        args = [TensorType(shapes[0], f32), TensorType(shapes[1], i64)]
        block = Block(arg_types=args)
        ops = build(*block.args)
        for op in ops:
            block.add_op(op)
        block.add_op(g.ReturnOp(ops[-1]))
        f = g.FuncOp("main", [("x", args[0]), ("i", args[1])], [("y", ops[-1].results[0].type)], Region(block))
        return ModuleOp([f])

    round_trip(with_index(lambda x, i: [g.GatherOp(x, i, axis=1)], [[4, 5, 3], [2, 3]]), x, i, expect=["gather"])
    w = x32(10, 4)
    round_trip(with_index(lambda w, i: [g.EmbeddingOp(w, i)], [[10, 4], [2, 3]]), w, ints(0, 10, 2, 3), expect=["gather"])
    nd = np.stack([ints(-4, 4, 3, 2)[..., 0], ints(-5, 5, 3, 2)[..., 1]], -1)
    round_trip(with_index(lambda x, i: [g.GatherNDOp(x, i)], [[4, 5, 3], [3, 2]]), x, nd, expect=["gather"])
    for reduction in ("none", "add", "max"):
        upd = x32(3, 3)

        def build(x: object, i: object, reduction: str = reduction, upd: np.ndarray = upd) -> list[Operation]:
            c = g.ConstantOp(dense(upd))
            return [c, g.ScatterNDOp(x, i, c.results[0], reduction=reduction)]

        uniq = np.array([[0, 1], [3, -1], [-2, 2]], np.int64)
        round_trip(with_index(build, [[4, 5, 3], [3, 2]]), x, uniq, expect=["scatter"])


def dense(a: np.ndarray) -> object:
    from tensorforge.dialects.graphops.dense import dense_from_array

    return dense_from_array(a)


@pytest.mark.parametrize("last", [False, True])
def test_argmax_argmin(last: bool) -> None:
    x = RNG.integers(0, 3, (4, 6)).astype(np.float32)
    x[1, 3] = np.nan
    for cls in (g.ArgMaxOp, g.ArgMinOp):
        m = module(lambda x, cls=cls: [cls(x, axis=1, keepdims=True, select_last_index=last)], [4, 6])
        round_trip(m, x, expect=["reduce", "iota"])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum(exclusive: bool, reverse: bool) -> None:
    m = module(lambda x: [g.CumSumOp(x, axis=1, exclusive=exclusive, reverse=reverse)], [3, 5])
    round_trip(m, x32(3, 5), expect=["reduce_window"])


def test_dense_global_avg_pool_shift_right_fill_like() -> None:
    round_trip(module(lambda x, w, b: [g.DenseOp(x, w, b)], [2, 3, 4], [5, 4], [5]), x32(2, 3, 4), x32(5, 4), x32(5),
               expect=["dot_general"])
    round_trip(module(lambda x: [g.GlobalAvgPoolOp(x)], [2, 3, 4, 5]), x32(2, 3, 4, 5), expect=["reduce", "divide"])
    a = np.array([[-16, 7, -1, 5]], np.int32)
    b = np.array([[2, 1, 40, -1]], np.int32)
    round_trip(module(lambda a, b: [g.ShiftRightOp(a, b)], [1, 4], [1, 4], elt=i32), a, b, expect=["shift_right_arithmetic"])
    round_trip(module(lambda x: (lambda o: [o, g.AddOp(x, o)])(g.OnesLikeOp(x)), [2, 3]), x32(2, 3), expect=["constant"])


def test_forms_without_translation_are_listed() -> None:
    def build(x: object, i: object) -> list[Operation]:
        a = g.GatherNDOp(x, i, batch_dims=1)
        b = g.GroupNormOp(x, g.ConstantOp(dense(np.ones(3, np.float32))).results[0],
                          g.ConstantOp(dense(np.zeros(3, np.float32))).results[0], num_groups=1, channel_axis=-1)
        return [a, b.scale.owner, b.bias.owner, b]  # type: ignore[attr-defined]

    args = [TensorType([2, 4, 3], f32), TensorType([2, 1], i64)]
    block = Block(arg_types=args)
    ops = build(*block.args)
    for op in ops:
        block.add_op(op)
    block.add_op(g.ReturnOp(ops[0], ops[-1]))
    f = g.FuncOp("main", [("x", args[0]), ("i", args[1])], [("a", ops[0].results[0].type), ("b", ops[-1].results[0].type)],
                 Region(block))
    with pytest.raises(StableHLOExportError) as info:
        export_stablehlo(ModuleOp([f]))
    assert "graph.gather_nd: gather_nd with batch_dims is not exported" in str(info.value)
    assert "graph.group_norm: channel-last group_norm is not exported" in str(info.value)


def _indexed(build: Callable[..., list[Operation]], x_shape: list[int], i_shape: list[int], elt: object = f32) -> ModuleOp:
    args = [TensorType(x_shape, elt), TensorType(i_shape, i64)]
    block = Block(arg_types=args)
    ops = build(*block.args)
    for op in ops:
        block.add_op(op)
    block.add_op(g.ReturnOp(*ops[-1].results))
    outs = [(f"y{i}", r.type) for i, r in enumerate(ops[-1].results)]
    return ModuleOp([g.FuncOp("main", [("x", args[0]), ("i", args[1])], outs, Region(block))])


def round_trip_all(m: ModuleOp, *inputs: np.ndarray, expect: list[str]) -> None:
    """As round_trip, for every result."""
    wants = run(m, "main", *inputs)
    text = export_stablehlo(m)
    for name in expect:
        assert f'"stablehlo.{name}"' in text
    for gots in (run_stablehlo(parse_stablehlo(text), "main", *inputs), run(import_stablehlo(text), "main", *inputs)):
        for got, want in zip(gots, wants, strict=True):
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("largest,is_sorted", [(True, True), (False, True), (True, False)])
def test_topk(largest: bool, is_sorted: bool) -> None:
    x = RNG.integers(0, 4, (3, 7)).astype(np.float32)
    x[1, 4] = np.nan
    m = module(lambda x: [g.TopKOp(x, k=3, axis=1, largest=largest, sorted=is_sorted)], [3, 7])
    text = export_stablehlo(m)
    assert '"stablehlo.sort"' in text
    wants = run(m, "main", x)
    for gots in (run_stablehlo(parse_stablehlo(text), "main", x), run(import_stablehlo(text), "main", x)):
        for got, want in zip(gots, wants, strict=True):
            np.testing.assert_array_equal(got, want)


def test_gather_scatter_elements_and_one_hot() -> None:
    x = x32(4, 5)
    idx = np.array([[0, -1, 2], [3, 3, -5], [1, 0, 0]], np.int64)  # smaller than x in the other dim
    round_trip_all(_indexed(lambda x, i: [g.GatherElementsOp(x, i, axis=1)], [4, 5], [3, 3]), x, idx, expect=["gather"])
    upd = x32(3, 3)
    for reduction in ("none", "add", "min"):
        def build(x: object, i: object, reduction: str = reduction) -> list[Operation]:
            c = g.ConstantOp(dense(upd))
            return [c, g.ScatterElementsOp(x, i, c.results[0], axis=0, reduction=reduction)]

        rows = np.array([[0, 3, 2], [1, -1, 0], [2, 0, 1]], np.int64)
        round_trip_all(_indexed(build, [4, 5], [3, 3]), x, rows, expect=["scatter"])
    hot = _indexed(lambda x, i: [g.OneHotOp(i, depth=4, axis=0, on_value=2.0, off_value=-1.0)], [1], [2, 3])
    round_trip_all(hot, x32(1), np.array([[0, 3, -1], [4, -6, 2]], np.int64), expect=["iota", "select"])


def test_mod_reduce_l2_tile() -> None:
    a = np.array([[7, -7, 7, -7, 5, 0]], np.int32)
    b = np.array([[3, 3, -3, -3, 0, 2]], np.int32)
    round_trip(module(lambda a, b: [g.ModOp(a, b)], [1, 6], [1, 6], elt=i32), a, b, expect=["remainder"])
    af, bf = a.astype(np.float32) + 0.5, b.astype(np.float32) + 0.25
    round_trip(module(lambda a, b: [g.ModOp(a, b)], [1, 6], [1, 6]), af, bf, expect=["remainder"])
    round_trip(module(lambda x: [g.ReduceL2Op(x, axes=[0, 2], keepdims=True)], [2, 3, 4]), x32(2, 3, 4), expect=["sqrt"])
    round_trip(module(lambda x: [g.TileOp(x, repeats=[2, 1, 3])], [2, 3, 1]), x32(2, 3, 1), expect=["broadcast_in_dim"])


def test_attention_with_broadcast_batch_and_mask() -> None:
    causal = np.triu(np.full((4, 5), -np.inf, np.float32), 2)
    m = module(lambda q, k, v, mask: [g.AttentionOp(q, k, v, mask, scale=0.3)], [2, 3, 4, 8], [3, 5, 8], [1, 5, 6], [4, 5])
    round_trip(m, x32(2, 3, 4, 8), x32(3, 5, 8), x32(1, 5, 6), causal, expect=["dot_general", "exponential"])
    plain = module(lambda q, k, v: [g.AttentionOp(q, k, v)], [2, 4, 8], [2, 5, 8], [2, 5, 3])
    round_trip(plain, x32(2, 4, 8), x32(2, 5, 8), x32(2, 5, 3), expect=["dot_general"])
