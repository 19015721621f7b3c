"""Importer conversion of `stablehlo.rng_bit_generator` with a run-time state.

The generators of interp/stablehlo_rng.py written as graph integer ops on
ui32/ui64 tensors (which wrap): Threefry-2x32-20 (adds, rotations as
shift_left | shift_right, xors) and Philox-4x32-10 (64-bit products split into
high and low words). Counters are an iota plus the state's counter word(s);
the layouts, and so the bits, are those of the interpreter. A constant state
never gets here: the importer folds the op with the interpreter. Integer
outputs only (graph has no bitcast for float bits).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import IntegerType, Signedness
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.frontends.stablehlo.importer import Converter, converts
from tensorforge.interp.stablehlo import dtype_of

U32 = IntegerType(32, Signedness.UNSIGNED)
U64 = IntegerType(64, Signedness.UNSIGNED)
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


class _Ops:
    """Small builders over a Converter for ui32/ui64 arithmetic."""

    def __init__(self, cv: Converter) -> None:
        self.cv = cv

    def c32(self, v: int) -> SSAValue:
        return self.cv.const(np.uint32(v & 0xFFFFFFFF), np.dtype(np.uint32))

    def c64(self, v: int) -> SSAValue:
        return self.cv.const(np.uint64(v), np.dtype(np.uint64))

    def add(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.cv.add(g.AddOp(a, b))

    def xor(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.cv.add(g.BitwiseXorOp(a, b))

    def rotl(self, x: SSAValue, r: int) -> SSAValue:
        left = self.cv.add(g.ShiftLeftOp(x, self.c32(r)))
        return self.cv.add(g.BitwiseOrOp(left, self.cv.add(g.ShiftRightOp(x, self.c32(32 - r)))))

    def split(self, v: SSAValue) -> tuple[SSAValue, SSAValue]:
        """A ui64 value as its (low, high) ui32 words."""
        high = self.cv.add(g.ShiftRightOp(v, self.c64(32)))
        return self.cv.add(g.CastOp(v, to=U32)), self.cv.add(g.CastOp(high, to=U32))

    def pack(self, low: SSAValue, high: SSAValue) -> SSAValue:
        wide = self.cv.add(g.ShiftLeftOp(self.cv.add(g.CastOp(high, to=U64)), self.c64(32)))
        return self.cv.add(g.BitwiseOrOp(self.cv.add(g.CastOp(low, to=U64)), wide))

    def word(self, state: SSAValue, i: int) -> SSAValue:
        """state[i] as a ui64 scalar."""
        piece = self.cv.add(g.SliceOp(state, starts=[i], ends=[i + 1], axes=[0], steps=[1]))
        return self.cv.add(g.ReshapeOp(piece, shape=[]))

    def counters(self, base: SSAValue, n: int) -> SSAValue:
        return self.add(self.cv.add(g.IotaOp(start=0, shape=[n], dimension=0, dtype=U64)), base)


def _threefry(b: _Ops, key: tuple[SSAValue, SSAValue], x0: SSAValue, x1: SSAValue) -> tuple[SSAValue, SSAValue]:
    ks = [key[0], key[1], b.xor(b.xor(key[0], key[1]), b.c32(0x1BD11BDA))]
    x0, x1 = b.add(x0, ks[0]), b.add(x1, ks[1])
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x0 = b.add(x0, x1)
            x1 = b.xor(b.rotl(x1, r), x0)
        x0 = b.add(x0, ks[(i + 1) % 3])
        x1 = b.add(b.add(x1, ks[(i + 2) % 3]), b.c32(i + 1))
    return x0, x1


def _mulhilo(b: _Ops, m: int, x: SSAValue) -> tuple[SSAValue, SSAValue]:
    prod = b.cv.add(g.MulOp(b.cv.add(g.CastOp(x, to=U64)), b.c64(m)))
    low, high = b.split(prod)
    return high, low


def _philox(b: _Ops, key: tuple[SSAValue, SSAValue], c: list[SSAValue]) -> list[SSAValue]:
    for i in range(10):
        k0 = b.add(key[0], b.c32(i * 0x9E3779B9))
        k1 = b.add(key[1], b.c32(i * 0xBB67AE85))
        hi0, lo0 = _mulhilo(b, 0xD2511F53, c[0])
        hi1, lo1 = _mulhilo(b, 0xCD9E8D57, c[2])
        c = [b.xor(b.xor(hi1, c[1]), k0), lo1, b.xor(b.xor(hi0, c[3]), k1), lo0]
    return c


@converts(s.HloRngBitGeneratorOp)
def _rng_bit_generator(cv: Converter, op: Operation) -> list[SSAValue | None]:
    assert isinstance(op, s.HloRngBitGeneratorOp)
    out_t = op.output.type
    dtype = dtype_of(out_t)
    if dtype.kind not in "iu":
        raise cv.fail(op, f"{dtype} random bits from a run-time state (graph has no bitcast; integer outputs only)")
    shape = list(out_t.get_shape())  # type: ignore[attr-defined]
    size = int(np.prod(shape, dtype=np.int64))
    width = dtype.itemsize * 8
    b = _Ops(cv)
    state = cv.value(op.operands[0])
    nwords = op.initial_state.type.get_shape()[0]  # type: ignore[attr-defined]
    key = b.split(b.word(state, 0))
    base = b.word(state, 1)
    if op.rng_algorithm.data == "THREE_FRY":
        n = size if width == 64 else -(-size // 2)
        y0, y1 = _threefry(b, key, *b.split(b.counters(base, n)))
        flat = b.pack(y0, y1) if width == 64 else cv.add(g.ConcatOp([y0, y1], axis=0))
        high = None
    else:
        n = -(-size * (2 if width == 64 else 1) // 4)
        low_ctr = b.counters(base, n)
        carry = cv.add(g.CastOp(cv.add(g.LtOp(low_ctr, base)), to=U64))
        high = b.word(state, 2) if nwords > 2 else b.c64(0)
        words = _philox(b, key, [*b.split(low_ctr), *b.split(b.add(carry, high))])
        flat = cv.add(g.ReshapeOp(cv.add(g.ConcatOp([cv.add(g.UnsqueezeOp(w, axes=[1])) for w in words], axis=1)),
                                  shape=[4 * n]))
        if width == 64:
            pairs = cv.add(g.ReshapeOp(flat, shape=[2 * n, 2]))
            halves = [cv.add(g.ReshapeOp(cv.add(g.SliceOp(pairs, starts=[j], ends=[j + 1], axes=[1], steps=[1])), shape=[2 * n]))
                      for j in (0, 1)]
            flat = b.pack(*halves)
    flat = cv.add(g.SliceOp(flat, starts=[0], ends=[size], axes=[0], steps=[1]))
    unsigned = IntegerType(width, Signedness.UNSIGNED)
    bits = cv.add(g.CastOp(cv.add(g.CastOp(flat, to=unsigned)), to=out_t.element_type))  # type: ignore[attr-defined]
    bits = cv.add(g.ReshapeOp(bits, shape=shape))
    return [_next_state(b, state, base, n, high, nwords), bits]


def _next_state(b: _Ops, state: SSAValue, base: SSAValue, n: int, high: SSAValue | None, nwords: int) -> SSAValue:
    """[key, counter + n, (high word + carry)] (THREE_FRY keeps a third word as it was: it has none)."""
    cv = b.cv
    new_base = b.add(base, b.c64(n))
    parts = [cv.add(g.SliceOp(state, starts=[0], ends=[1], axes=[0], steps=[1])), cv.add(g.ReshapeOp(new_base, shape=[1]))]
    if nwords > 2 and high is not None:
        carry = cv.add(g.CastOp(cv.add(g.LtOp(new_base, base)), to=U64))
        parts.append(cv.add(g.ReshapeOp(b.add(high, carry), shape=[1])))
    elif nwords > 2:
        parts.append(cv.add(g.SliceOp(state, starts=[2], ends=[nwords], axes=[0], steps=[1])))
    return cv.add(g.ConcatOp(parts, axis=0))
