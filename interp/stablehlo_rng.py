"""numpy implementation of `stablehlo.rng_bit_generator`.

The StableHLO spec makes the bits implementation-defined (only "a deterministic
function of initial_state"), so no output can be checked against the spec
itself. We follow XLA's expansion (xla/service/rng_bit_generator_expander.cc
and xla/client/lib/prng.cc) as far as it is documented:

THREE_FRY (state ui64[2]): Threefry-2x32 with 20 rounds (Random123; checked
  against its known-answer vectors). key = state[0] split into (low, high)
  32-bit words; counters are state[1] + iota(n) as 64-bit values split the same
  way. 32-bit outputs: n = ceil(size / 2); the two output word streams are
  concatenated (all first words, then all second words) and cut to size.
  64-bit outputs: n = size; each value is first | second << 32. The new state
  is [state[0], state[1] + n].
PHILOX and DEFAULT (state ui64[2] or [3]; DEFAULT is PHILOX, as on XLA's CPU
  and GPU backends): Philox-4x32 with 10 rounds (Random123, checked against its
  known-answer vectors). key = state[0] split into two words; the 128-bit
  counter is state[1] (low half) and state[2] (high half, 0 when absent) plus
  iota(n); each counter gives four 32-bit words, laid out counter by counter.
  XLA additionally scrambles the key, which we do not reproduce, so PHILOX bits
  differ from XLA's; the shapes, types and state updates are the same.
Narrower outputs (8/16-bit) take the low bits of 32-bit words; float outputs
are the bits reinterpreted.
"""

from __future__ import annotations

import numpy as np

from tensorforge.dialects import stablehlo as s
from tensorforge.errors import InterpError
from tensorforge.interp.registry import EvalContext, graph_impl
from tensorforge.interp.stablehlo import dtype_of

Array = np.ndarray
U32 = np.uint32
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def _rotl(x: Array, r: int) -> Array:
    return (x << U32(r)) | (x >> U32(32 - r))


def threefry2x32(key: tuple[int, int], x0: Array, x1: Array) -> tuple[Array, Array]:
    """Threefry-2x32-20 of the counter words (x0, x1) under a two-word key."""
    ks = [U32(key[0]), U32(key[1]), U32(key[0] ^ key[1] ^ 0x1BD11BDA)]
    x0, x1 = np.asarray(x0, U32) + ks[0], np.asarray(x1, U32) + ks[1]
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x0 = x0 + x1
            x1 = _rotl(x1, r) ^ x0
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + U32(i + 1)
    return x0, x1


def _mulhilo(a: int, b: Array) -> tuple[Array, Array]:
    prod = np.uint64(a) * b.astype(np.uint64)
    return (prod >> np.uint64(32)).astype(U32), prod.astype(U32)


def philox4x32(key: tuple[int, int], ctr: list[Array]) -> list[Array]:
    """Philox-4x32-10 of four counter words under a two-word key."""
    k0, k1 = U32(key[0]), U32(key[1])
    c = [np.asarray(w, U32) for w in ctr]
    for i in range(10):
        if i:
            k0, k1 = U32((int(k0) + 0x9E3779B9) & 0xFFFFFFFF), U32((int(k1) + 0xBB67AE85) & 0xFFFFFFFF)
        hi0, lo0 = _mulhilo(0xD2511F53, c[0])
        hi1, lo1 = _mulhilo(0xCD9E8D57, c[2])
        c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
    return c


def _split(v: Array) -> tuple[Array, Array]:
    v = np.asarray(v, np.uint64)
    return v.astype(U32), (v >> np.uint64(32)).astype(U32)


def _threefry_words(state: Array, n: int) -> tuple[Array, Array]:
    """The two output word streams for counters state[1] + 0..n-1."""
    lo, hi = _split(state[0])
    ctr = state[1] + np.arange(n, dtype=np.uint64)
    return threefry2x32((int(lo), int(hi)), *_split(ctr))


def _philox_words(state: Array, n: int) -> Array:
    """[n, 4] output words for the 128-bit counters (state[1], state[2]) + 0..n-1."""
    lo, hi = _split(state[0])
    base_lo = state[1]
    base_hi = state[2] if state.size > 2 else np.uint64(0)
    ctr_lo = base_lo + np.arange(n, dtype=np.uint64)
    ctr_hi = base_hi + (ctr_lo < base_lo).astype(np.uint64)  # carry
    words = philox4x32((int(lo), int(hi)), [*_split(ctr_lo), *_split(ctr_hi)])
    return np.stack(words, axis=-1)


def _advance(state: Array, algorithm: str, n: int) -> Array:
    out = state.copy()
    out[1] = state[1] + np.uint64(n)
    if algorithm != "THREE_FRY" and state.size > 2 and out[1] < state[1]:
        out[2] = state[2] + np.uint64(1)
    return out


def random_bits(algorithm: str, state: Array, shape: tuple[int, ...], dtype: np.dtype) -> tuple[Array, Array]:
    """(new state, bits of `shape` and `dtype`)."""
    size = int(np.prod(shape, dtype=np.int64))
    width = dtype.itemsize * 8
    if width not in (8, 16, 32, 64) or dtype == np.bool_:
        raise InterpError(f"stablehlo.rng_bit_generator: {dtype} outputs are not supported")
    words_per = 2 if width == 64 else 1
    if algorithm == "THREE_FRY":
        n = size if width == 64 else -(-size // 2)
        a, b = _threefry_words(state, n)
        flat = (a.astype(np.uint64) | (b.astype(np.uint64) << np.uint64(32))) if width == 64 else np.concatenate([a, b])[:size]
    else:
        n = -(-size * words_per // 4)
        words = _philox_words(state, n).reshape(-1)[: size * words_per]
        flat = _pack64(words) if width == 64 else words
    unsigned = np.dtype(f"u{dtype.itemsize}")
    bits = flat.astype(unsigned).reshape(shape).view(dtype)
    return _advance(state, algorithm, n), bits


def _pack64(words: Array) -> Array:
    pairs = words.reshape(-1, 2).astype(np.uint64)
    return pairs[:, 0] | (pairs[:, 1] << np.uint64(32))


@graph_impl(s.HloRngBitGeneratorOp)
def _rng_bit_generator(ctx: EvalContext, op: s.HloRngBitGeneratorOp, state: Array) -> tuple[Array, Array]:
    algorithm = op.rng_algorithm.data
    out_t = op.output.type
    shape = tuple(out_t.get_shape())  # type: ignore[attr-defined]
    with np.errstate(over="ignore"):
        return random_bits(algorithm, np.asarray(state, np.uint64), shape, dtype_of(out_t))
