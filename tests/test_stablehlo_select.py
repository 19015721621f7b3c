"""StableHLO sort (keys, lexicographic comparators), gather and scatter in general
forms (batching dims included) and run-time case / if: the stablehlo interpreter
against numpy references, and the graph import against the interpreter
(`both`). Programs are hand-written in the syntax JAX prints."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tensorforge.frontends.stablehlo import StableHLOImportError, import_stablehlo, parse_stablehlo
from tensorforge.interp.stablehlo import run_stablehlo
from tests.test_stablehlo_forms import RNG, both, f32

# -- sort -------------------------------------------------------------------------------------
SORT2 = """
func.func public @main(%k: tensor<3x6xf32>, %v: tensor<3x6xi32>) -> (tensor<3x6xf32>, tensor<3x6xi32>) {
  %0:2 = "stablehlo.sort"(%k, %v) <{dimension = 1 : i64, is_stable = true}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<i32>, %d: tensor<i32>):
    %1 = stablehlo.compare DIR, %a, %b, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %1 : tensor<i1>
  }) : (tensor<3x6xf32>, tensor<3x6xi32>) -> (tensor<3x6xf32>, tensor<3x6xi32>)
  return %0#0, %0#1 : tensor<3x6xf32>, tensor<3x6xi32>
}
"""


@pytest.mark.parametrize("direction", ["LT", "GT"])
def test_sort_values_by_keys(direction: str) -> None:
    keys = RNG.integers(0, 3, (3, 6)).astype(np.float32)  # ties: stability matters
    vals = np.tile(np.arange(6, dtype=np.int32), (3, 1))
    got = both(SORT2.replace("DIR", direction), keys, vals)
    order = np.argsort(-keys if direction == "GT" else keys, axis=1, kind="stable")
    np.testing.assert_array_equal(got[0], np.take_along_axis(keys, order, 1))
    np.testing.assert_array_equal(got[1], order)


def test_sort_by_the_second_operand() -> None:
    keys = RNG.integers(0, 3, (3, 6)).astype(np.float32)
    vals = RNG.permutation(18).reshape(3, 6).astype(np.int32)
    text = SORT2.replace("DIR", "GT").replace("%a, %b, TOTALORDER : (tensor<f32>, tensor<f32>)", "%c, %d, SIGNED : (tensor<i32>, tensor<i32>)")
    got = both(text, keys, vals)
    order = np.argsort(-vals, axis=1, kind="stable")
    np.testing.assert_array_equal(got[1], np.take_along_axis(vals, order, 1))
    np.testing.assert_array_equal(got[0], np.take_along_axis(keys, order, 1))


LEX_SORT = """
func.func public @main(%k: tensor<12xf32>, %j: tensor<12xi32>, %v: tensor<12xi32>) -> (tensor<12xf32>, tensor<12xi32>, tensor<12xi32>) {
  %0:3 = "stablehlo.sort"(%k, %j, %v) <{dimension = 0 : i64, is_stable = true}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<i32>, %d: tensor<i32>, %e: tensor<i32>, %f: tensor<i32>):
    %z = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %a0 = stablehlo.compare EQ, %a, %z, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %a1 = stablehlo.select %a0, %z, %a : tensor<i1>, tensor<f32>
    %b0 = stablehlo.compare EQ, %b, %z, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %b1 = stablehlo.select %b0, %z, %b : tensor<i1>, tensor<f32>
    %lt1 = stablehlo.compare DIR, %c, %d, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    %lt0 = stablehlo.compare LT, %a1, %b1, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %eq0 = stablehlo.compare EQ, %a1, %b1, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %tie = stablehlo.and %eq0, %lt1 : tensor<i1>
    %less = stablehlo.or %lt0, %tie : tensor<i1>
    stablehlo.return %less : tensor<i1>
  }) : (tensor<12xf32>, tensor<12xi32>, tensor<12xi32>) -> (tensor<12xf32>, tensor<12xi32>, tensor<12xi32>)
  return %0#0, %0#1, %0#2 : tensor<12xf32>, tensor<12xi32>, tensor<12xi32>
}
"""


@pytest.mark.parametrize("second", ["LT", "GT"])
def test_sort_lexicographic_two_keys(second: str) -> None:
    """lax.sort((k, j, v), num_keys=2) as JAX writes it (canonicalizing selects included)."""
    k = RNG.integers(0, 3, 12).astype(np.float32)
    j = RNG.integers(0, 3, 12).astype(np.int32)
    v = np.arange(12, dtype=np.int32)
    got = both(LEX_SORT.replace("DIR", second), k, j, v)
    order = np.lexsort((j if second == "LT" else -j, k))  # the last key is the primary one; stable
    for out, src in zip(got, (k, j, v), strict=True):
        np.testing.assert_array_equal(out, src[order])


def test_sort_comparator_with_arithmetic_is_refused() -> None:
    text = SORT2.replace("DIR", "LT").replace("%1 = stablehlo.compare LT, %a, %b", "%n = stablehlo.negate %a : tensor<f32>\n    %1 = stablehlo.compare LT, %n, %b")
    with pytest.raises(StableHLOImportError, match="only comparators that order operands by LT/GT keys"):
        import_stablehlo(text)


# -- gather (general form) and run-time case / if ------------------------------------------------
GATHERS = """
func.func public @main(%x: tensor<3x5xf32>, %i: tensor<4x1xi32>, %p: tensor<3x2x2xi32>, %s: tensor<2x2xi32>) -> (tensor<3x4xf32>, tensor<3x2xf32>, tensor<2x2x3xf32>) {
  %0 = "stablehlo.gather"(%x, %i) <{dimension_numbers = #stablehlo.gather<offset_dims = [0], collapsed_slice_dims = [1], start_index_map = [1], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = array<i64: 3, 1>}> : (tensor<3x5xf32>, tensor<4x1xi32>) -> tensor<3x4xf32>
  %1 = "stablehlo.gather"(%x, %p) <{dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [0, 1], start_index_map = [0, 1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1>}> : (tensor<3x5xf32>, tensor<3x2x2xi32>) -> tensor<3x2xf32>
  %2 = "stablehlo.gather"(%x, %s) <{dimension_numbers = #stablehlo.gather<offset_dims = [1, 2], start_index_map = [0, 1], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = array<i64: 2, 3>}> : (tensor<3x5xf32>, tensor<2x2xi32>) -> tensor<2x2x3xf32>
  return %0, %1, %2 : tensor<3x4xf32>, tensor<3x2xf32>, tensor<2x2x3xf32>
}
"""


def test_gather_general_forms() -> None:
    """x[:, idx]; take_along_axis with explicit row indices; windows at clamped 2-D starts."""
    x = f32(3, 5)
    idx = np.array([[4], [0], [2], [2]], np.int32)
    cols = np.array([[1, 4], [0, 0], [3, 2]], np.int32)
    pairs = np.stack([np.repeat(np.arange(3)[:, None], 2, 1), cols], -1).astype(np.int32)
    starts = np.array([[0, 1], [2, 4]], np.int32)  # the second is clamped to [1, 2]
    got = both(GATHERS, x, idx, pairs, starts)
    np.testing.assert_array_equal(got[0], x[:, idx[:, 0]])
    np.testing.assert_array_equal(got[1], np.take_along_axis(x, cols, 1))
    np.testing.assert_array_equal(got[2], np.stack([x[0:2, 1:4], x[1:3, 2:5]]))


BRANCHES = """
func.func public @main(%i: tensor<i32>, %p: tensor<i1>, %x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "stablehlo.case"(%i) ({
    %a = stablehlo.sine %x : tensor<4xf32>
    stablehlo.return %a : tensor<4xf32>
  }, {
    %b = stablehlo.cosine %x : tensor<4xf32>
    stablehlo.return %b : tensor<4xf32>
  }, {
    %c = stablehlo.exponential %x : tensor<4xf32>
    stablehlo.return %c : tensor<4xf32>
  }) : (tensor<i32>) -> tensor<4xf32>
  %1 = "stablehlo.if"(%p) ({
    %d = stablehlo.negate %x : tensor<4xf32>
    stablehlo.return %d : tensor<4xf32>
  }, {
    stablehlo.return %x : tensor<4xf32>
  }) : (tensor<i1>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
"""


@pytest.mark.parametrize("index", [0, 1, 2, 7, -1])
def test_case_and_if_with_run_time_selectors(index: int) -> None:
    """Every branch is imported and selected with where; out-of-range indices take the last branch."""
    x = f32(4)
    for pred in (True, False):
        got = both(BRANCHES, np.int32(index), np.bool_(pred), x)
        np.testing.assert_allclose(got[0], [np.sin, np.cos, np.exp][index if 0 <= index < 3 else 2](x), rtol=1e-6)
        np.testing.assert_array_equal(got[1], -x if pred else x)


SCATTERS = """
func.func public @main(%x: tensor<3x5xf32>, %i: tensor<3x1xi32>, %u: tensor<3x3xf32>, %s: tensor<3x2xi32>, %w: tensor<3x2x3xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %0 = "stablehlo.scatter"(%x, %i, %u) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [0], inserted_window_dims = [1], scatter_dims_to_operand_dims = [1], index_vector_dim = 1>, unique_indices = false}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %1 = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }) : (tensor<3x5xf32>, tensor<3x1xi32>, tensor<3x3xf32>) -> tensor<3x5xf32>
  %2 = "stablehlo.scatter"(%x, %s, %w) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1, 2], scatter_dims_to_operand_dims = [0, 1], index_vector_dim = 1>, unique_indices = false}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    stablehlo.return %b : tensor<f32>
  }) : (tensor<3x5xf32>, tensor<3x2xi32>, tensor<3x2x3xf32>) -> tensor<3x5xf32>
  return %0, %2 : tensor<3x5xf32>, tensor<3x5xf32>
}
"""


def test_scatter_general_forms() -> None:
    """x.at[:, idx].add(u) with a repeated and an out-of-bounds column; 2x3 windows set at 2-D
    starts, one of them out of bounds (the spec skips the whole window)."""
    x = f32(3, 5)
    cols = np.array([[4], [1], [4]], np.int32)
    cols_oob = np.array([[4], [5], [1]], np.int32)
    u = f32(3, 3)
    starts = np.array([[0, 0], [1, 2], [2, 3]], np.int32)  # the last window would end at column 6
    w = f32(3, 2, 3)
    for c in (cols, cols_oob):
        got = both(SCATTERS, x, c, u, starts, w)
        want = x.copy()
        for j, col in enumerate(c[:, 0]):
            if 0 <= col < 5:
                want[:, col] += u[:, j]
        np.testing.assert_allclose(got[0], want, rtol=1e-6)
    want = x.copy()
    want[0:2, 0:3] = w[0]
    want[1:3, 2:5] = w[1]
    np.testing.assert_array_equal(got[1], want)


def test_scatter_of_two_inputs_in_the_interpreter() -> None:
    """Variadic scatter: the body sees (current a, current b, update a, update b); here a sum and a max."""
    text = """
func.func public @main(%a: tensor<5xf32>, %b: tensor<5xi32>, %i: tensor<3x1xi32>, %u: tensor<3xf32>, %v: tensor<3xi32>) -> (tensor<5xf32>, tensor<5xi32>) {
  %0:2 = "stablehlo.scatter"(%a, %b, %i, %u, %v) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, unique_indices = false}> ({
  ^bb0(%p: tensor<f32>, %q: tensor<i32>, %r: tensor<f32>, %s: tensor<i32>):
    %1 = stablehlo.add %p, %r : tensor<f32>
    %2 = stablehlo.maximum %q, %s : tensor<i32>
    stablehlo.return %1, %2 : tensor<f32>, tensor<i32>
  }) : (tensor<5xf32>, tensor<5xi32>, tensor<3x1xi32>, tensor<3xf32>, tensor<3xi32>) -> (tensor<5xf32>, tensor<5xi32>)
  return %0#0, %0#1 : tensor<5xf32>, tensor<5xi32>
}
"""
    a, b = np.zeros(5, np.float32), np.full(5, 2, np.int32)
    i = np.array([[1], [3], [1]], np.int32)
    u, v = np.array([1, 2, 3], np.float32), np.array([5, 1, -1], np.int32)
    got = run_stablehlo(parse_stablehlo(text), "main", a, b, i, u, v)
    np.testing.assert_array_equal(got[0], [0, 4, 0, 2, 0])
    np.testing.assert_array_equal(got[1], [2, 5, 2, 2, 2])
    with pytest.raises(StableHLOImportError, match="only single-input scatters"):
        import_stablehlo(text)


BATCHED = """
func.func public @main(%x: tensor<3x5xf32>, %i: tensor<3x2x1xi32>, %u: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x5xf32>) {
  %0 = "stablehlo.gather"(%x, %i) <{dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1>}> : (tensor<3x5xf32>, tensor<3x2x1xi32>) -> tensor<3x2xf32>
  %1 = "stablehlo.scatter"(%x, %i, %u) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [1], input_batching_dims = [0], scatter_indices_batching_dims = [0], scatter_dims_to_operand_dims = [1], index_vector_dim = 2>, unique_indices = false}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %2 = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %2 : tensor<f32>
  }) : (tensor<3x5xf32>, tensor<3x2x1xi32>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x5xf32>
}
"""


def test_gather_and_scatter_with_batching_dims() -> None:
    """take_along_axis and its scatter-add as recent JAX prints them (operand/input batching dims)."""
    x, u = f32(3, 5), f32(3, 2)
    cols = np.array([[1, 4], [0, 0], [3, 2]], np.int32)
    got = both(BATCHED, x, cols[..., None], u)
    np.testing.assert_array_equal(got[0], np.take_along_axis(x, cols, 1))
    want = x.copy()
    for r, c in itertools.product(range(3), range(2)):
        want[r, cols[r, c]] += u[r, c]
    np.testing.assert_allclose(got[1], want, rtol=1e-6)
