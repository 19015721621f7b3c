"""A tensor-expression builder for writing lowerings (TVM's `te.compute`).

A lowering describes each output element as a scalar expression over input
elements; the builder turns each description into a loop nest with one
block (spatial iteration variables, reduce ones for reductions, an init
region, read/write regions), inside one `tir.func`:

    b = PrimFuncBuilder("add")
    x, y = b.input("x", tx), b.input("y", ty)
    out = b.output("out", tout)
    b.compute(out, lambda i: x[i] + y[i])          # i: list of index Exprs
    func = b.finish()

Scalars (`S`) support + - * / and methods for everything else; they are
emitted as `tir.load`, `tir.index`, `arith` and `math` ops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import AnyFloat, FloatAttr, IndexType, IntegerAttr, IntegerType, Signedness
from xdsl.ir import Attribute, Operation, Region, SSAValue

from tensorforge.dialects.graphops.types import BOOL_TYPE, TensorType, element_type_of, is_float, is_unsigned
from tensorforge.dialects.symbolic import Expr, ExprLike
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, IndexOp, LoadOp, ReturnOp, StoreOp
from tensorforge.dialects.tirops.types import BufferType

INDEX = IndexType()


# -- scalar expressions ---------------------------------------------------------------
class S:
    """A scalar expression node with an element type (`index` for positions)."""

    type: Attribute

    def __add__(self, o: S | float) -> S:
        return binary("add", self, lift(o, self))

    def __radd__(self, o: float) -> S:
        return binary("add", lift(o, self), self)

    def __sub__(self, o: S | float) -> S:
        return binary("sub", self, lift(o, self))

    def __rsub__(self, o: float) -> S:
        return binary("sub", lift(o, self), self)

    def __mul__(self, o: S | float) -> S:
        return binary("mul", self, lift(o, self))

    def __rmul__(self, o: float) -> S:
        return binary("mul", lift(o, self), self)

    def __truediv__(self, o: S | float) -> S:
        return binary("div", self, lift(o, self))

    def __rtruediv__(self, o: float) -> S:
        return binary("div", lift(o, self), self)

    def __neg__(self) -> S:
        return Op("neg", (self,), self.type)

    def lt(self, o: S | float) -> S:
        return compare("lt", self, lift(o, self))

    def le(self, o: S | float) -> S:
        return compare("le", self, lift(o, self))

    def gt(self, o: S | float) -> S:
        return compare("gt", self, lift(o, self))

    def ge(self, o: S | float) -> S:
        return compare("ge", self, lift(o, self))

    def eq(self, o: S | float) -> S:
        return compare("eq", self, lift(o, self))

    def ne(self, o: S | float) -> S:
        return compare("ne", self, lift(o, self))

    def cast(self, to: Attribute) -> S:
        return self if to == self.type else Op("cast", (self,), to)


@dataclass(eq=False)
class Const(S):
    value: float | int | bool
    type: Attribute


@dataclass(eq=False)
class Load(S):
    buf: Buf
    indices: tuple[Expr | S, ...]
    type: Attribute


@dataclass(eq=False)
class Index(S):
    expr: Expr
    type: Attribute = field(default_factory=IndexType)


@dataclass(eq=False)
class Op(S):
    kind: str
    args: tuple[S, ...]
    type: Attribute
    extra: Any = None


def lift(v: S | float | int | bool, like: S) -> S:
    return v if isinstance(v, S) else Const(v, like.type)


def const(value: float | int | bool, t: Attribute) -> Const:
    return Const(value, t)


def index(e: ExprLike) -> Index:
    return Index(Expr.lift(e))


def binary(kind: str, a: S, b: S) -> S:
    if a.type != b.type:
        raise TypeError(f"{kind}: operand types differ ({a.type} vs {b.type})")
    return Op(kind, (a, b), a.type)


def compare(kind: str, a: S, b: S) -> S:
    if a.type != b.type:
        raise TypeError(f"{kind}: operand types differ ({a.type} vs {b.type})")
    return Op(kind, (a, b), BOOL_TYPE)


def select(cond: S, a: S, b: S) -> S:
    return Op("select", (cond, a, b), a.type)


def call(fn: str, *args: S) -> S:
    """A `math` function by name: exp, log, tanh, sqrt, erf, floor, ..."""
    return Op(fn, tuple(args), args[0].type)


def maximum(a: S, b: S) -> S:
    return binary("max", a, b)


def minimum(a: S, b: S) -> S:
    return binary("min", a, b)


def logical(kind: str, a: S, b: S) -> S:
    """Bitwise and/or/xor (on i1: logical)."""
    return binary(kind, a, b)


# -- buffers ---------------------------------------------------------------------------
@dataclass(eq=False)
class Buf:
    name: str
    type: BufferType
    value: SSAValue | None = None

    @property
    def shape(self) -> tuple[Expr, ...]:
        return self.type.dims

    @property
    def elt(self) -> Attribute:
        return self.type.element_type

    def __getitem__(self, idx: Any) -> Load:
        items = idx if isinstance(idx, tuple | list) else (idx,)
        if len(items) != self.type.rank:
            raise IndexError(f"{len(items)} indices for rank-{self.type.rank} buffer '{self.name}'")
        return Load(self, tuple(i if isinstance(i, S) else Expr.lift(i) for i in items), self.elt)


# -- the builder -------------------------------------------------------------------------
@dataclass
class _Stage:
    ops: list[Operation]


class PrimFuncBuilder:
    """Collects inputs, outputs, intermediates and stages into one tir.func."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.args: list[Buf] = []
        self.allocs: list[Buf] = []
        self.stages: list[Operation] = []
        self.pending: list[Callable[[], None]] = []
        self.used: set[str] = set()
        self.block_names: set[str] = set()

    def input(self, name: str, t: TensorType | BufferType) -> Buf:
        return self._arg(name, t)

    def output(self, name: str, t: TensorType | BufferType) -> Buf:
        return self._arg(name, t)

    def _arg(self, name: str, t: TensorType | BufferType) -> Buf:
        bt = t if isinstance(t, BufferType) else BufferType(t.dims, t.element_type)
        buf = Buf(self.fresh(name), bt)
        self.args.append(buf)
        return buf

    def alloc(self, name: str, shape: Sequence[ExprLike], elt: Attribute, scope: str = "global") -> Buf:
        buf = Buf(self.fresh(name), BufferType(shape, elt, scope))
        self.allocs.append(buf)
        return buf

    def block_name(self, base: str) -> str:
        name, k = base, 1
        while name in self.block_names:
            name, k = f"{base}_{k}", k + 1
        self.block_names.add(name)
        return name

    def fresh(self, base: str) -> str:
        name = base
        k = 1
        while name in self.used:
            name = f"{base}_{k}"
            k += 1
        self.used.add(name)
        return name

    # -- stages ------------------------------------------------------------------------
    def compute(self, out: Buf, fn: Callable[[list[Expr]], S], name: str | None = None) -> None:
        """out[i] = fn(i) for every i in out's shape."""
        self._stage(out, fn, [], None, None, name)

    def reduce(
        self,
        out: Buf,
        rdom: Sequence[ExprLike],
        fn: Callable[[list[Expr], list[Expr]], S],
        combiner: str,
        init: float | int | bool | S,
        name: str | None = None,
    ) -> None:
        """out[i] = combiner over r in rdom of fn(i, r), starting from init.

        combiner: add, mul, max, min (NaN-propagating for floats), or, and.
        """
        self._stage(out, None, [Expr.lift(d) for d in rdom], (fn, combiner), init, name)

    def _stage(self, out: Buf, fn: Any, rdom: list[Expr], red: Any, init: Any, name: str | None) -> None:
        self.pending.append(lambda: self._build(out, fn, rdom, red, init, name))

    def _build(self, out: Buf, fn: Any, rdom: list[Expr], red: Any, init: Any, name: str | None) -> None:
        stage = self.block_name(name or out.name)
        sp = [(self.fresh(f"ax{i}" if not self.stages else f"ax{i}_{len(self.stages)}"), d) for i, d in enumerate(out.shape)]
        rd = [(self.fresh(f"k{i}" if not self.stages else f"k{i}_{len(self.stages)}"), d) for i, d in enumerate(rdom)]
        iters = [(f"v_{lv}", "spatial", d, Expr.sym(lv)) for lv, d in sp]
        iters += [(f"v_{lv}", "reduce", d, Expr.sym(lv)) for lv, d in rd]
        for it in iters:
            self.used.add(it[0])
        ivs = [Expr.sym(it[0]) for it in iters[: len(sp)]]
        rvs = [Expr.sym(it[0]) for it in iters[len(sp):]]
        em = _Emitter()
        if red is None:
            value = fn(ivs)
            em.store(value, out, ivs)
            init_ops: list[Operation] | None = None
        else:
            body_fn, combiner = red
            x = body_fn(ivs, rvs)
            cur = out[tuple(ivs)]
            em.store(_combine(combiner, cur, x), out, ivs)
            ie = _Emitter()
            ie.store(lift(init, x) if not isinstance(init, S) else init, out, ivs)
            init_ops = ie.ops
        reads = [b for b in em.read_bufs() if red is None or b is not out]
        block = BlockOp.make(
            stage,
            iters,
            [b.value for b in reads],  # type: ignore[misc]
            [em.region(b) for b in reads],
            [out.value],  # type: ignore[list-item]
            [[(i, Expr.const(1)) for i in ivs]],
            em.ops,
            init_ops,
        )
        nest: Operation = block
        for lv, d in reversed(sp + rd):
            nest = ForOp(lv, d, [nest])
        self.stages.append(nest)

    def finish(self) -> FuncOp:
        """Build the tir.func (inputs, then outputs, in the order declared)."""
        func = FuncOp(self.name, [(b.name, b.type) for b in self.args])
        body = func.body.block
        for buf, arg in zip(self.args, body.args, strict=True):
            buf.value = arg
        for buf in self.allocs:
            alloc = AllocOp(buf.type)
            alloc.result.name_hint = buf.name
            buf.value = alloc.result
            body.add_op(alloc)
        for build in self.pending:
            build()
        body.add_ops(self.stages)
        body.add_op(ReturnOp())
        return func


def _combine(combiner: str, cur: S, x: S) -> S:
    kinds = {"add": "add", "mul": "mul", "max": "max", "min": "min", "or": "or", "and": "and"}
    if combiner not in kinds:
        raise ValueError(f"unknown combiner '{combiner}'")
    return binary(kinds[combiner], cur, x)


# -- emission -----------------------------------------------------------------------------
class _Emitter:
    """Turns scalar expression trees into ops, memoized, recording reads."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []
        self.done: dict[int, SSAValue] = {}
        self.alive: list[S] = []  # memo keys are ids: keep the keyed objects (temporaries too) alive
        self.reads: dict[int, tuple[Buf, list[tuple[Expr | None, ...]]]] = {}

    def read_bufs(self) -> list[Buf]:
        return [b for b, _ in self.reads.values()]

    def region(self, buf: Buf) -> list[tuple[Expr, Expr]]:
        """The accessed region: exact for one point access, else the whole buffer."""
        accesses = self.reads[id(buf)][1]
        first = accesses[0]
        if all(a == first for a in accesses) and all(e is not None for e in first):
            return [(e, Expr.const(1)) for e in first]  # type: ignore[misc]
        return [(Expr.const(0), d) for d in buf.shape]

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def value(self, s: S) -> SSAValue:
        key = id(s)
        if key not in self.done:
            self.done[key] = self._emit(s)
            self.alive.append(s)
        return self.done[key]

    def store(self, s: S, buf: Buf, idx: Sequence[Expr]) -> None:
        v = self.value(s.cast(buf.elt) if s.type != buf.elt else s)
        self.ops.append(StoreOp(v, buf.value, list(idx)))  # type: ignore[arg-type]

    def _emit(self, s: S) -> SSAValue:
        if isinstance(s, Const):
            if is_unsigned(s.type):
                return _unsigned_const(self, int(s.value), s.type)  # type: ignore[arg-type]
            return self.add(arith.ConstantOp(_const_attr(s.value, s.type), s.type))
        if isinstance(s, Index):
            return self.add(IndexOp(s.expr))
        if isinstance(s, Load):
            return self._load(s)
        assert isinstance(s, Op)
        if s.kind == "cast" and isinstance(s.args[0].type, IndexType) and is_float(s.type):
            return self.value(Op("cast", (s.args[0].cast(IntegerType(64)),), s.type))  # index -> i64 -> float
        args = [self.value(a) for a in s.args]
        return self.add(_scalar_op(s, args))

    def _load(self, s: Load) -> SSAValue:
        exprs: list[Expr] = []
        dyn: list[SSAValue] = []
        for i in s.indices:
            if isinstance(i, Expr):
                exprs.append(i)
                continue
            v = self.value(i.cast(INDEX))
            from tensorforge.dialects.tirops.syntax import ssa_placeholder

            exprs.append(ssa_placeholder(len(dyn)))
            dyn.append(v)
        entry = self.reads.setdefault(id(s.buf), (s.buf, []))
        entry[1].append(tuple(None if isinstance(i, S) else i for i in s.indices))
        return self.add(LoadOp(s.buf.value, exprs, s.buf.elt, dyn))  # type: ignore[arg-type]


def _const_attr(value: float | int | bool, t: Attribute) -> IntegerAttr | FloatAttr:
    if isinstance(t, IndexType):
        return IntegerAttr(int(value), t)
    if is_float(t):
        return FloatAttr(float(value), t)  # type: ignore[arg-type]
    assert isinstance(t, IntegerType)
    v = int(value)
    if t.width.data == 1:
        v = 1 if v else 0
        return IntegerAttr(v, t)
    if is_unsigned(t) and v < 0:
        v += 1 << t.width.data
    return IntegerAttr(v, t)


_FLOAT_OPS: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": arith.AddfOp, "sub": arith.SubfOp, "mul": arith.MulfOp, "div": arith.DivfOp,
    "max": arith.MaximumfOp, "min": arith.MinimumfOp,
}
_INT_OPS: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": arith.AddiOp, "sub": arith.SubiOp, "mul": arith.MuliOp, "div": arith.DivSIOp,
    "max": arith.MaxSIOp, "min": arith.MinSIOp, "and": arith.AndIOp, "or": arith.OrIOp, "xor": arith.XOrIOp,
    "mod": arith.RemSIOp, "shl": arith.ShLIOp, "shr": arith.ShRSIOp,
}
_UINT_OPS: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    **_INT_OPS, "div": arith.DivUIOp, "max": arith.MaxUIOp, "min": arith.MinUIOp, "mod": arith.RemUIOp,
    "shr": arith.ShRUIOp,
}
_MATH: dict[str, Callable[..., Operation]] = {
    "exp": math.ExpOp, "log": math.LogOp, "log1p": math.Log1pOp, "expm1": math.ExpM1Op, "sqrt": math.SqrtOp,
    "rsqrt": math.RsqrtOp, "tanh": math.TanhOp, "sin": math.SinOp, "cos": math.CosOp, "tan": math.TanOp,
    "erf": math.ErfOp, "floor": math.FloorOp, "ceil": math.CeilOp, "roundeven": math.RoundEvenOp,
    "round": math.RoundOp, "trunc": math.TruncOp, "fabs": math.AbsFOp, "iabs": math.AbsIOp, "pow": math.PowFOp,
    "atan": math.AtanOp, "copysign": math.CopySignOp,
}
_CMPF = {"lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge", "eq": "oeq", "ne": "une"}
_CMPI = {"lt": "slt", "le": "sle", "gt": "sgt", "ge": "sge", "eq": "eq", "ne": "ne"}
_CMPU = {"lt": "ult", "le": "ule", "gt": "ugt", "ge": "uge", "eq": "eq", "ne": "ne"}


def _scalar_op(s: Op, args: list[SSAValue]) -> Operation:
    t0 = s.args[0].type
    if s.kind == "select":
        return arith.SelectOp(args[0], args[1], args[2])
    if s.kind == "cast":
        return _cast(args[0], t0, s.type)
    if s.kind == "neg":
        if is_float(t0):
            return arith.NegfOp(args[0])
        raise TypeError("integer negation: use const(0, t) - x")
    if s.kind in _CMPF:
        if is_float(t0):
            return arith.CmpfOp(args[0], args[1], _CMPF[s.kind])
        table = _CMPU if is_unsigned(t0) or (isinstance(t0, IndexType) and False) else _CMPI
        return arith.CmpiOp(args[0], args[1], table[s.kind])
    if s.kind in _MATH:
        return _MATH[s.kind](*args)
    if is_float(t0):
        return _FLOAT_OPS[s.kind](args[0], args[1])
    table = _UINT_OPS if is_unsigned(t0) else _INT_OPS
    if s.kind not in table:
        raise TypeError(f"no integer op '{s.kind}'")
    return table[s.kind](args[0], args[1])


def _width(t: Attribute) -> int:
    if isinstance(t, IndexType):
        return 64
    if isinstance(t, IntegerType):
        return t.width.data
    return {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}[str(t)]


def _cast(v: SSAValue, src: Attribute, dst: Attribute) -> Operation:
    """Plain conversions (no saturation: lowerings clamp first where the graph op saturates)."""
    if isinstance(src, IndexType) or isinstance(dst, IndexType):
        if is_float(dst):
            return arith.SIToFPOp(arith.IndexCastOp(v, IntegerType(64)).result, _as_float(dst))
        return arith.IndexCastOp(v, dst)
    if is_float(src) and is_float(dst):
        return arith.ExtFOp(v, dst) if _width(dst) > _width(src) or str(src) == "bf16" else arith.TruncFOp(v, dst)
    if is_float(src):
        return arith.FPToUIOp(v, _as_int(dst)) if is_unsigned(dst) else arith.FPToSIOp(v, _as_int(dst))
    if is_float(dst):
        fdst = _as_float(dst)
        return arith.UIToFPOp(v, fdst) if is_unsigned(src) or src == BOOL_TYPE else arith.SIToFPOp(v, fdst)
    if _width(dst) > _width(src):
        idst = _as_int(dst)
        return arith.ExtUIOp(v, idst) if is_unsigned(src) or src == BOOL_TYPE else arith.ExtSIOp(v, idst)
    if _width(dst) < _width(src):
        return arith.TruncIOp(v, _as_int(dst))
    return arith.BitcastOp(v, dst)


def _as_int(t: Attribute) -> IntegerType:
    """Element types that are neither float nor index are integers (i1 included)."""
    assert isinstance(t, IntegerType), t
    return t


def _as_float(t: Attribute) -> AnyFloat:
    """The `is_float` element types, typed for the arith float-conversion ops."""
    assert is_float(t), t
    return cast(AnyFloat, t)


def elt_of(dtype: Any) -> Attribute:
    return element_type_of(np.dtype(dtype))


def _unsigned_const(em: _Emitter, value: int, t: IntegerType) -> SSAValue:
    """arith.constant only takes signless integers: the bit pattern as iN, bitcast to uiN."""
    width = t.width.data
    bits = value % (1 << width)
    signed = bits - (1 << width) if bits >= 1 << (width - 1) else bits
    plain = IntegerType(width)
    c = em.add(arith.ConstantOp(IntegerAttr(signed, plain), plain))
    return em.add(arith.BitcastOp(c, t))


_ = (Region, Signedness)


# -- additions for the elementwise lowerings ----------------------------------------------
# Float remainder (C fmod) is llvm.frem: xDSL 0.74 has no arith.remf. Integer power is math.ipowi.
from xdsl.dialects import llvm  # noqa: E402

_FLOAT_OPS["mod"] = llvm.FRemOp
_MATH["ipowi"] = math.IPowIOp
