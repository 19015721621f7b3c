"""stablehlo.rng_bit_generator: Random123 known-answer vectors, XLA's THREE_FRY
layout, verification, and import (constant states fold; run-time states become
graph integer ops that give the interpreter's bits). Programs are hand-written."""

from __future__ import annotations

import numpy as np
import pytest

from tensorforge.errors import IRError
from tensorforge.frontends.stablehlo import StableHLOImportError, import_stablehlo, parse_stablehlo
from tensorforge.interp.stablehlo import run_stablehlo
from tensorforge.interp.stablehlo_rng import philox4x32, threefry2x32
from tests.test_stablehlo_forms import both


# -- rng_bit_generator -------------------------------------------------------------------------
def test_threefry_and_philox_known_answers() -> None:
    """Random123's known-answer vectors (also JAX's threefry test vectors)."""
    def tf(key: tuple[int, int], ctr: tuple[int, int]) -> list[int]:
        return [int(v[0]) for v in threefry2x32(key, np.array([ctr[0]], np.uint32), np.array([ctr[1]], np.uint32))]

    assert tf((0, 0), (0, 0)) == [0x6B200159, 0x99BA4EFE]
    assert tf((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF)) == [0x1CB996FC, 0xBB002BE7]
    assert tf((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3)) == [0xC4923A9C, 0x483DF7A0]

    def ph(key: tuple[int, int], ctr: tuple[int, ...]) -> list[int]:
        return [int(v[0]) for v in philox4x32(key, [np.array([c], np.uint32) for c in ctr])]

    assert ph((0, 0), (0, 0, 0, 0)) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert ph((0xA4093822, 0x299F31D0), (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344)) == [
        0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


RNG_PROGRAM = """
func.func public @main(%s: tensor<2xui64>) -> (tensor<2xui64>, tensor<2x3xui32>, tensor<2xui64>, tensor<3xui64>, tensor<2xui64>, tensor<5xf32>) {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = THREE_FRY : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2x3xui32>)
  %2, %3 = stablehlo.rng_bit_generator %s, algorithm = THREE_FRY : (tensor<2xui64>) -> (tensor<2xui64>, tensor<3xui64>)
  %4, %5 = "stablehlo.rng_bit_generator"(%0) <{rng_algorithm = #stablehlo<rng_algorithm PHILOX>}> : (tensor<2xui64>) -> (tensor<2xui64>, tensor<5xf32>)
  return %0, %1, %2, %3, %4, %5 : tensor<2xui64>, tensor<2x3xui32>, tensor<2xui64>, tensor<3xui64>, tensor<2xui64>, tensor<5xf32>
}
"""


def test_rng_bit_generator_threefry_layout() -> None:
    """XLA's THREE_FRY layout: key state[0], counters state[1] + i; the state advances by the counters used."""
    state = np.array([0x1234_5678_9ABC_DEF0, 40], np.uint64)
    s1, bits32, s2, bits64, s3, floats = run_stablehlo(parse_stablehlo(RNG_PROGRAM), "main", state)
    key = (0x9ABCDEF0, 0x12345678)
    a, b = threefry2x32(key, np.arange(40, 43, dtype=np.uint32), np.zeros(3, np.uint32))
    np.testing.assert_array_equal(bits32.reshape(-1), np.concatenate([a, b]))
    np.testing.assert_array_equal(s1, [state[0], 43])
    np.testing.assert_array_equal(bits64, a.astype(np.uint64) | (b.astype(np.uint64) << np.uint64(32)))
    np.testing.assert_array_equal(s2, [state[0], 43])
    np.testing.assert_array_equal(s3, [state[0], 45])  # 5 words of PHILOX need 2 counters
    assert floats.dtype == np.float32 and floats.shape == (5,)


def test_rng_bit_generator_import() -> None:
    """A constant state folds to constants; a run-time state has no graph form."""
    text = """
func.func public @main() -> (tensor<2xui64>, tensor<4xui32>) {
  %s = stablehlo.constant dense<[7, 0]> : tensor<2xui64>
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = DEFAULT : (tensor<2xui64>) -> (tensor<2xui64>, tensor<4xui32>)
  return %0, %1 : tensor<2xui64>, tensor<4xui32>
}
"""
    got = both(text)
    np.testing.assert_array_equal(got[0], [7, 1])
    with pytest.raises(StableHLOImportError, match="float32 random bits from a run-time state"):
        import_stablehlo(RNG_PROGRAM)


RNG_CHAIN = """
func.func public @main(%s: tensor<WORDSxui64>) -> (tensor<WORDSxui64>, tensor<2x3xui32>, tensor<5xi64>, tensor<7xui8>) {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = ALG : (tensor<WORDSxui64>) -> (tensor<WORDSxui64>, tensor<2x3xui32>)
  %2, %3 = stablehlo.rng_bit_generator %0, algorithm = ALG : (tensor<WORDSxui64>) -> (tensor<WORDSxui64>, tensor<5xi64>)
  %4, %5 = stablehlo.rng_bit_generator %2, algorithm = ALG : (tensor<WORDSxui64>) -> (tensor<WORDSxui64>, tensor<7xui8>)
  return %4, %1, %3, %5 : tensor<WORDSxui64>, tensor<2x3xui32>, tensor<5xi64>, tensor<7xui8>
}
"""


@pytest.mark.parametrize("algorithm,words", [("THREE_FRY", 2), ("PHILOX", 3), ("DEFAULT", 2)])
def test_rng_bit_generator_run_time_state_imports(algorithm: str, words: int) -> None:
    """The generators as graph integer ops give the interpreter's bits and states (counter carries included)."""
    state = np.array([0x0123_4567_89AB_CDEF, 2**64 - 4, 9][:words], np.uint64)
    got = both(RNG_CHAIN.replace("WORDS", str(words)).replace("ALG", algorithm), state)
    assert len({tuple(v.reshape(-1)[:4].astype(np.int64)) for v in got[1:]}) == 3  # three different draws


def test_rng_bit_generator_verifies_the_state() -> None:
    text = """
func.func public @main(%s: tensor<3xui64>) -> tensor<4xui32> {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = THREE_FRY : (tensor<3xui64>) -> (tensor<3xui64>, tensor<4xui32>)
  return %1 : tensor<4xui32>
}
"""
    with pytest.raises(IRError, match="THREE_FRY needs a rank-1 state of 2 words"):
        parse_stablehlo(text)


def test_rng_bit_generator_unknown_algorithm() -> None:
    text = """
func.func public @main(%s: tensor<2xui64>) -> tensor<4xui32> {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = MERSENNE : (tensor<2xui64>) -> (tensor<2xui64>, tensor<4xui32>)
  return %1 : tensor<4xui32>
}
"""
    with pytest.raises(Exception, match="rng algorithm must be one of DEFAULT, THREE_FRY, PHILOX, got 'MERSENNE'"):
        parse_stablehlo(text)
