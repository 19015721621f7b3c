"""Compile a `tir.func` to a Python function over numpy arrays.

Loop nests become Python `for` loops, except the innermost perfectly nested
loops around a single block, which become one vectorized numpy evaluation
over their whole iteration grid (loop variables are broadcast `arange`s).
Reductions whose update is `C[i] = C[i] <op> x` vectorize with `ufunc.at`;
anything the vectorizer cannot prove safe runs as scalar Python. Loop kinds
(parallel, vectorized, thread bindings) do not change results.

Symbol values are known when a function is compiled (one compilation per
binding, cached), so every extent is a constant in the generated code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, VectorType
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects.symbolic import Expr, OpAtom
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, IndexOp, LoadOp, ReturnOp, StoreOp
from tensorforge.dialects.tirops.syntax import SSA_PREFIX
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.errors import InterpError
from tensorforge.interp.tir.scalar_ops import SCALAR_OPS

GRID_LIMIT = 1 << 22
"""Largest iteration grid evaluated at once (elements)."""

COMBINERS: dict[type[Operation], str] = {
    arith.AddfOp: "_np.add", arith.AddiOp: "_np.add", arith.MulfOp: "_np.multiply", arith.MuliOp: "_np.multiply",
    arith.MaximumfOp: "_np.maximum", arith.MinimumfOp: "_np.minimum", arith.MaxnumfOp: "_np.fmax",
    arith.MinnumfOp: "_np.fmin", arith.MaxSIOp: "_np.maximum", arith.MinSIOp: "_np.minimum",
    arith.OrIOp: "_np.bitwise_or", arith.AndIOp: "_np.bitwise_and",
    arith.MaxUIOp: "_np.maximum", arith.MinUIOp: "_np.minimum",  # unsigned numpy dtypes compare unsigned
}


@dataclass
class _Grid:
    """The loops evaluated as one numpy grid, and whether they carry a reduction."""

    loops: list[ForOp]
    reduce_in_grid: bool


@dataclass
class Codegen:
    func: FuncOp
    env: dict[str, int]
    lines: list[str] = field(default_factory=list)
    names: dict[SSAValue, str] = field(default_factory=dict)
    var_names: dict[str, str] = field(default_factory=dict)
    consts: dict[str, object] = field(default_factory=dict)
    depth: int = 1

    # -- naming ---------------------------------------------------------------------
    def value(self, v: SSAValue) -> str:
        if v not in self.names:
            self.names[v] = f"_s{len(self.names)}"
        return self.names[v]

    def var(self, name: str) -> str:
        if name not in self.var_names:
            self.var_names[name] = f"_i{len(self.var_names)}"
        return self.var_names[name]

    def const(self, value: object) -> str:
        key = f"_k{len(self.consts)}"
        self.consts[key] = value
        return key

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    # -- index expressions ---------------------------------------------------------
    def expr(self, e: Expr, dyn: Sequence[SSAValue] = ()) -> str:
        e = e.substitute({k: Expr.const(v) for k, v in self.env.items() if k in e.free_symbols()})
        if e.is_const():
            return str(e.value())
        terms = []
        for mono, coeff in e.terms.items():
            factors = [self.atom(a, dyn) for a, p in mono for _ in range(p)]
            if coeff != 1 or not factors:
                factors.append(str(coeff))
            terms.append("*".join(factors))
        return "(" + " + ".join(terms) + ")"

    def atom(self, a: str | OpAtom, dyn: Sequence[SSAValue]) -> str:
        if isinstance(a, str):
            if a.startswith(SSA_PREFIX):
                return self.value(dyn[int(a[len(SSA_PREFIX):])])
            return self.var(a)
        x, y = (self.expr(arg, dyn) for arg in a.args)
        return {
            "floordiv": f"({x} // {y})",
            "ceildiv": f"(-((-{x}) // {y}))",
            "mod": f"({x} % {y})",
            "max": f"_np.maximum({x}, {y})",
            "min": f"_np.minimum({x}, {y})",
        }[a.op]

    def extent(self, e: Expr) -> int:
        try:
            return e.evaluate(self.env)
        except ValueError as err:
            raise InterpError(f"@{self.func.sym_name.data}: cannot evaluate extent '{e}': {err}") from None

    # -- entry ---------------------------------------------------------------------
    def generate(self) -> str:
        args = ", ".join(self.value(a) for a in self.func.body.block.args)
        self.lines.append("def _kernel(_args):")
        self.emit(f"{args}{',' if len(self.func.body.block.args) == 1 else ''} = _args")
        self.ops(self.func.body.block.ops)
        self.emit("return None")
        return "\n".join(self.lines) + "\n"

    def ops(self, ops: Iterable[Operation], vector: bool = False, mask: str | None = None, grid: _Grid | None = None) -> None:
        for op in ops:
            self.op(op, vector, mask, grid)

    def op(self, op: Operation, vector: bool, mask: str | None, grid: _Grid | None) -> None:
        if isinstance(op, ForOp):
            self.loop(op)
        elif isinstance(op, BlockOp):
            self.block(op, None)
        elif isinstance(op, LoadOp):
            self.load(op, mask if vector else None)
        elif isinstance(op, StoreOp):
            self.store(op, vector, mask, grid)
        elif isinstance(op, AllocOp):
            t = op.result.type
            assert isinstance(t, BufferType)
            shape = tuple(self.extent(d) for d in t.dims)
            self.emit(f"{self.value(op.result)} = _np.zeros({shape}, {self.const(t.dtype)})")
        elif isinstance(op, IndexOp):
            self.emit(f"{self.value(op.result)} = {self.expr(op.expr.data)}")
        elif isinstance(op, arith.ConstantOp):
            self.emit(f"{self.value(op.result)} = {self.const(_constant(op))}")
        elif isinstance(op, scf.IfOp):
            self.if_op(op)
        elif isinstance(op, ReturnOp | scf.YieldOp):
            return
        elif type(op) in SCALAR_OPS:
            args = [self.value(v) for v in op.operands]
            self.emit(f"{self.value(op.results[0])} = {SCALAR_OPS[type(op)](op, args)}")
        else:
            raise InterpError(f"the tensorir interpreter has no implementation of {op.name}")

    # -- loops -----------------------------------------------------------------------
    def loop(self, op: ForOp) -> None:
        if self.extent(op.extent_expr) <= 0:
            return  # an empty iteration space: the body never runs (and its constant indices are never checked)
        chain = _perfect_chain(op)
        grid = self.choose_grid(chain) if chain else None
        scalar_loops = chain[: len(chain) - len(grid.loops)] if grid else [op]
        if grid is None:
            scalar_loops = [op]
        for loop in scalar_loops:
            self.emit(f"for {self.var(loop.var_name)} in range({self.extent(loop.extent_expr)}):")
            self.depth += 1
        if grid is None:
            self.emit("pass")  # the body may emit nothing (only empty loops)
            self.ops(op.body.block.ops)
            self.depth -= 1
            return
        ndim = len(grid.loops)
        for axis, loop in enumerate(grid.loops):
            shape = [1] * ndim
            shape[axis] = -1
            self.emit(f"{self.var(loop.var_name)} = _np.arange({self.extent(loop.extent_expr)}).reshape({tuple(shape)})")
        block = grid.loops[-1].body.block.first_op
        assert isinstance(block, BlockOp)
        self.block(block, grid)
        self.depth -= len(scalar_loops)

    def choose_grid(self, chain: list[ForOp]) -> _Grid | None:
        block = chain[-1].body.block.first_op
        assert isinstance(block, BlockOp)
        if not _vectorizable_body(block):
            return None
        for start in range(len(chain)):
            loops = chain[start:]
            size = 1
            for loop in loops:
                size *= max(self.extent(loop.extent_expr), 1)
            if size > GRID_LIMIT:
                continue
            grid_vars = {loop.var_name for loop in loops}
            reduce_in_grid = any(kind == "reduce" and binding.free_symbols() & grid_vars for _, kind, _, binding in block.iters)
            if reduce_in_grid and _combiner_store(block) is None:
                continue
            return _Grid(loops, reduce_in_grid)
        return None

    # -- blocks ------------------------------------------------------------------------
    def block(self, op: BlockOp, grid: _Grid | None) -> None:
        vector = grid is not None
        for name, _, _, binding in op.iters:
            self.emit(f"{self.var(name)} = {self.expr(binding)}")
        mask = None
        if op.predicates.data:
            conds = " & ".join(f"({self.expr(a)} < {self.expr(b)})" for a, b in op.predicate_pairs)
            mask = "_m"
            self.emit(f"_m = {conds}")
            if not vector:
                self.emit("if _m:")
                self.depth += 1
        if op.init.blocks:
            self.init(op, vector, mask, grid)
        self.ops(op.body.block.ops, vector, mask if vector else None, grid)
        if op.predicates.data and not vector:
            self.depth -= 1

    def init(self, op: BlockOp, vector: bool, mask: str | None, grid: _Grid | None) -> None:
        reduce_vars = [self.var(name) for name, kind, _, _ in op.iters if kind == "reduce"]
        cond = " & ".join(f"({v} == 0)" for v in reduce_vars) or "True"
        if mask:
            cond = f"({cond}) & {mask}"
        if not vector:
            self.emit(f"if {cond}:")
            self.depth += 1
            self.ops(op.init.block.ops)
            self.depth -= 1
            return
        self.emit(f"_im = {cond}")
        self.ops(op.init.block.ops, True, "_im", _Grid(grid.loops if grid else [], False))

    # -- memory ------------------------------------------------------------------------
    def index(self, op: LoadOp | StoreOp) -> str:
        dyn = list(op.dyn_indices)
        parts = [self.expr(e.data, dyn) for e in op.indices]
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def lanes(self, op: LoadOp | StoreOp, t: object) -> str | None:
        if not isinstance(t, VectorType):
            return None
        dyn = list(op.dyn_indices)
        parts = [self.expr(e.data, dyn) for e in op.indices]
        last = parts[-1]
        n = t.get_shape()[0]
        return "(" + ", ".join([*parts[:-1], f"slice({last}, {last} + {n})"]) + ",)"

    def load(self, op: LoadOp, mask: str | None = None) -> None:
        if mask is not None:  # grid points outside the predicate may index out of bounds: clamp them
            self.emit(f"{self.value(op.result)} = _rt_grid.load({self.value(op.buffer)}, {self.index(op)}, {mask})")
            return
        idx = self.lanes(op, op.result.type) or self.index(op)
        copy = ".copy()" if isinstance(op.result.type, VectorType) else ""
        self.emit(f"{self.value(op.result)} = {self.value(op.buffer)}[{idx}]{copy}")

    def store(self, op: StoreOp, vector: bool, mask: str | None, grid: _Grid | None) -> None:
        buf, val = self.value(op.buffer), self.value(op.value)
        if not vector:
            idx = self.lanes(op, op.value.type) or self.index(op)
            self.emit(f"{buf}[{idx}] = {val}")
            return
        assert grid is not None
        if grid.reduce_in_grid:
            combine = _combiner_of(op)
            assert combine is not None
            ufunc, other = combine
            self.emit(f"_rt_grid.accumulate({ufunc}, {buf}, {self.index(op)}, {self.value(other)}, {mask or 'None'})")
            return
        self.emit(f"_rt_grid.store({buf}, {self.index(op)}, {val}, {mask or 'None'})")

    # -- control flow --------------------------------------------------------------------
    def if_op(self, op: scf.IfOp) -> None:
        results = [self.value(r) for r in op.results]
        self.emit(f"if {self.value(op.cond)}:")
        self.branch(op.true_region, results)
        self.emit("else:")
        self.branch(op.false_region, results)

    def branch(self, region: object, results: list[str]) -> None:
        self.depth += 1
        self.emit("pass")
        blocks = getattr(region, "blocks", [])
        if blocks:
            block = blocks[0]
            self.ops(block.ops)
            term = block.last_op
            if isinstance(term, scf.YieldOp):
                for r, v in zip(results, term.operands, strict=True):
                    self.emit(f"{r} = {self.value(v)}")
        self.depth -= 1


def _constant(op: arith.ConstantOp) -> object:
    from tensorforge.dialects.graphops.types import numpy_dtype

    v = op.value
    t = op.result.type
    from xdsl.dialects.builtin import IndexType

    if isinstance(t, IndexType):
        assert isinstance(v, IntegerAttr)
        return int(v.value.data)
    if isinstance(v, FloatAttr | IntegerAttr):
        return numpy_dtype(t).type(v.value.data)
    raise InterpError(f"unsupported constant {v}")


def _perfect_chain(op: ForOp) -> list[ForOp]:
    """Loops from `op` down, each holding only the next, the last only a block."""
    chain = [op]
    while True:
        ops = list(chain[-1].body.block.ops)
        if len(ops) != 1:
            return []
        inner = ops[0]
        if isinstance(inner, BlockOp):
            return chain
        if not isinstance(inner, ForOp):
            return []
        chain.append(inner)


_VECTOR_SAFE = (LoadOp, StoreOp, IndexOp, arith.ConstantOp)


def _vectorizable_body(block: BlockOp) -> bool:
    ops = [op for region in (block.init, block.body) for b in region.blocks for op in b.ops]
    for op in ops:
        if not isinstance(op, _VECTOR_SAFE) and type(op) not in SCALAR_OPS:
            return False
        if any(isinstance(r.type, VectorType) for r in op.results):
            return False
        if isinstance(op, StoreOp) and isinstance(op.value.type, VectorType):
            return False
    stores = [op for op in block.body.block.ops if isinstance(op, StoreOp)]
    written = {s.buffer: _key(s) for s in stores}
    if len(written) != len(stores):
        return False
    for op in block.body.block.ops:
        if isinstance(op, LoadOp) and op.buffer in written and _key(op) != written[op.buffer]:
            return False
    return True


def _key(op: LoadOp | StoreOp) -> tuple[object, ...]:
    return (tuple(op.indices), tuple(op.dyn_indices))


def _combiner_of(store: StoreOp) -> tuple[str, SSAValue] | None:
    producer = store.value.owner
    if not isinstance(producer, Operation) or type(producer) not in COMBINERS:
        return None
    a, b = producer.operands
    for self_read, other in ((a, b), (b, a)):
        load = self_read.owner
        if isinstance(load, LoadOp) and load.buffer == store.buffer and _key(load) == _key(store):
            if len(list(self_read.uses)) != 1 or _depends_on(other, self_read):
                return None
            return COMBINERS[type(producer)], other
    return None


def _depends_on(v: SSAValue, target: SSAValue) -> bool:
    if v == target:
        return True
    owner = v.owner
    if not isinstance(owner, Operation):
        return False
    return any(_depends_on(o, target) for o in owner.operands)


def _combiner_store(block: BlockOp) -> StoreOp | None:
    stores = [op for op in block.body.block.ops if isinstance(op, StoreOp)]
    if len(stores) != 1:
        return None
    return stores[0] if _combiner_of(stores[0]) is not None else None


class GridRuntime:
    """Stores from a vectorized grid: broadcast, mask, then assign or accumulate."""

    @staticmethod
    def _prepare(idx: tuple[object, ...], val: object, mask: object) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
        arrays = np.broadcast_arrays(*[np.asarray(i) for i in idx], np.asarray(val), np.asarray(True if mask is None else mask))
        *index, value, keep = arrays
        if mask is not None:
            index = [i[keep] for i in index]
            value = value[keep]
        return tuple(index), value

    @staticmethod
    def load(buf: np.ndarray, idx: tuple[object, ...], mask: object) -> np.ndarray:
        arrays = np.broadcast_arrays(*[np.asarray(i) for i in idx], np.asarray(mask))
        *index, keep = arrays
        safe = tuple(np.where(keep, i, 0) for i in index)
        return buf[safe]

    @staticmethod
    def store(buf: np.ndarray, idx: tuple[object, ...], val: object, mask: object) -> None:
        buf, idx = _rank0_as_rank1(buf, idx)
        index, value = GridRuntime._prepare(idx, val, mask)
        _check_bounds(buf, index)
        buf[index] = value

    @staticmethod
    def accumulate(ufunc: np.ufunc, buf: np.ndarray, idx: tuple[object, ...], val: object, mask: object) -> None:
        buf, idx = _rank0_as_rank1(buf, idx)
        index, value = GridRuntime._prepare(idx, val, mask)
        _check_bounds(buf, index)
        ufunc.at(buf, index, value.astype(buf.dtype, copy=False))


def _check_bounds(buf: np.ndarray, index: tuple[np.ndarray, ...]) -> None:
    for axis, (i, n) in enumerate(zip(index, buf.shape, strict=True)):
        if i.size and (i.min() < 0 or i.max() >= n):
            raise InterpError(f"store index out of bounds on axis {axis} (size {n}): [{i.min()}, {i.max()}]")


def _rank0_as_rank1(buf: np.ndarray, idx: tuple[object, ...]) -> tuple[np.ndarray, tuple[object, ...]]:
    """A rank-0 buffer as a 1-element view, so grid stores and ufunc.at get an index to broadcast."""
    if buf.ndim != 0:
        return buf, idx
    return buf.reshape(1), (0,)
