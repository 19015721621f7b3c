"""Which `vectorized` loops vector.py can widen, and how (the analysis half).

`plan_loop` walks the loop body once: every op must have a vector form, every
access gets its offset step per lane (after `_in_range` simplifies split and
packed indices over the loop's range), stores must be contiguous or a
recognized reduction, and no lane may read what another lane writes. The
result is a `Plan` (width, per-access steps, reductions) or None: keep the
scalar path. See vector.py's docstring for the refused cases.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from xdsl.dialects import arith, math, scf
from xdsl.dialects.builtin import BFloat16Type, VectorType, i1
from xdsl.ir import Operation, SSAValue

from tensorforge.codegen.llvm import scalar as sc
from tensorforge.dialects.symbolic import Expr, OpAtom
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, IndexOp, LoadOp, ReturnOp, StoreOp
from tensorforge.dialects.tirops.types import BufferType

LIBM = {**sc._LIBM1, **sc._LIBM2}
_HANDLED = {
    "CmpiOp", "CmpfOp", "SelectOp", "NegfOp", "MaxSIOp", "MinSIOp", "MaxUIOp", "MinUIOp", "FloorDivSIOp",
    "CeilDivSIOp", "CeilDivUIOp", "ExtFOp", "TruncFOp", "ExtSIOp", "ExtUIOp", "TruncIOp", "IndexCastOp",
    "SIToFPOp", "UIToFPOp", "FPToSIOp", "FPToUIOp", "BitcastOp", "RsqrtOp", "AbsIOp", "FmaOp", "IPowIOp",
}
_REDUCE = {
    arith.AddiOp: "add", arith.MuliOp: "mul", arith.AndIOp: "and", arith.OrIOp: "or", arith.XOrIOp: "xor",
    arith.MaxSIOp: "smax", arith.MinSIOp: "smin", arith.MaxUIOp: "umax", arith.MinUIOp: "umin",
    arith.AddfOp: "fadd", arith.MulfOp: "fmul", arith.MaximumfOp: "fmaximum", arith.MinimumfOp: "fminimum",
}
"""Combiners of reductions along the vector loop. Integer ones are exact in any order; fadd/fmul
use LLVM's ordered reduction (start value, then lane 0, 1, ...: the scalar loop's order, exact);
IEEE maximum/minimum are associative and commutative."""
_WIDENABLE = (set(sc._BIN) | set(sc._FBIN) | set(sc._FINTRIN1) | set(sc._FINTRIN2) | set(LIBM) | {math.ExpOp})


def default_vector_bits(cpu: str = "native") -> int:
    """512 on AVX-512 hosts, 256 with AVX, 128 otherwise ("generic": 128; a named CPU: 256)."""
    if cpu == "generic":
        return 128
    if cpu != "native":
        return 256
    return _host_bits()


@functools.cache
def _host_bits() -> int:
    import llvmlite.binding as llvm_binding

    from tensorforge.codegen.llvm.jit import _init

    _init()
    features = llvm_binding.get_host_cpu_features()
    if features.get("avx512f"):
        return 512
    return 256 if features.get("avx") else 128


@dataclass
class Plan:
    """How to widen one loop: the width and, per access, its lane pattern."""

    width: int
    access: dict[Operation, int | None] = field(default_factory=dict)
    """Load/store/index -> offset step per lane (0: invariant, 1: contiguous), None when not affine."""
    reductions: dict[StoreOp, tuple[LoadOp, Operation, str]] = field(default_factory=dict)
    """Accumulator store -> (its load, the combining op, the llvm.vector.reduce kind)."""
    skip: set[Operation] = field(default_factory=set)
    """Accumulator loads and combining ops: emitted with their store, as scalars."""
    offset: dict[Operation, Expr] = field(default_factory=dict)
    """Load/store -> its element offset over the loop's names (simplified by _in_range: no
    floordiv/mod of v left to compute per chunk); absent for data-dependent indices."""


# -- analysis ---------------------------------------------------------------------------
def plan_loop(fl: object, loop: ForOp) -> Plan | None:
    """The plan for `loop`, or None when it must keep the scalar path (see module doc)."""
    bits = getattr(fl.parent.options, "vector_bits", None)  # type: ignore[attr-defined]
    bits = default_vector_bits() if bits is None else bits
    if bits < 0 or bits & (bits - 1):
        raise sc.CodegenError(f"vector_bits must be 0 (off) or a power of two, got {bits}")
    e = loop.extent_expr
    if bits <= 0 or not e.is_const() or e.value() < 2:
        return None
    checked = getattr(fl, "checked", frozenset())
    walker = _Analysis(loop, checked)
    if not walker.ops(loop.body.block.ops) or not walker.dependences_ok():
        return None
    width = max(bits // (walker.elem_bits if walker.offsets else walker.value_bits), 1)
    width = min(width, 1 << (e.value().bit_length() - 1))
    if width < 2:
        return None
    skip = {op for load, combine, _ in walker.reductions.values() for op in (load, combine)}
    return Plan(width, walker.access, walker.reductions, skip, walker.offset)


class _Analysis:
    def __init__(self, loop: ForOp, checked: frozenset[tuple[int, int]]) -> None:
        self.loop = loop
        self.v = loop.var_name
        self.n = loop.extent_expr.value()
        self.checked = checked
        self.lanes: dict[str, Expr] = {self.v: Expr.sym(self.v)}
        self.access: dict[Operation, int | None] = {}
        self.offsets: dict[SSAValue, list[tuple[bool, Expr | None]]] = {}
        self.reductions: dict[StoreOp, tuple[LoadOp, Operation, str]] = {}
        self.accumulators: set[SSAValue] = set()
        self.offset: dict[Operation, Expr] = {}
        self.elem_bits = 8
        """Widest element loaded or stored: it sets the lane count (index and compute types may be wider)."""
        self.value_bits = 8

    def ops(self, ops: object) -> bool:
        return all(self.op(o) for o in ops)  # type: ignore[attr-defined]

    def op(self, op: Operation) -> bool:
        if isinstance(op, ReturnOp | scf.YieldOp | arith.ConstantOp):
            return self.value_types(op)
        if isinstance(op, BlockOp):
            return self.block(op)
        if isinstance(op, LoadOp | StoreOp):
            return self.memory(op)
        if isinstance(op, IndexOp):
            self.access[op] = _step(_in_range(op.expr.data.substitute(self.lanes), self.v, self.n), self.v)
            return True
        if op.regions or not (type(op) in _WIDENABLE or type(op).__name__ in _HANDLED):
            return False
        return self.value_types(op)

    def value_types(self, op: Operation) -> bool:
        for v in (*op.operands, *op.results):
            t = v.type
            if isinstance(t, VectorType | BFloat16Type):
                return False
            if not isinstance(t, BufferType) and t != i1:
                self.value_bits = max(self.value_bits, sc.width(sc.lltype(t)))
        return True

    def block(self, op: BlockOp) -> bool:
        for name, _, _, binding in op.iters:
            self.lanes[name] = binding.substitute(self.lanes)
        for k, (lhs, rhs) in enumerate(op.predicate_pairs):
            if (id(op), k) not in self.checked and self.depends(lhs) | self.depends(rhs):
                return False
        reduce_vary = any(kind == "reduce" and self.depends(self.lanes[n]) for n, kind, _, _ in op.iters)
        if op.init.blocks and (reduce_vary or not self.ops(op.init.block.ops)):
            return False
        return self.ops(op.body.block.ops)

    def depends(self, e: Expr) -> bool:
        return self.v in e.substitute(self.lanes).free_symbols()

    def memory(self, op: LoadOp | StoreOp) -> bool:
        if not self.value_types(op):
            return False
        elt = op.buffer.type.element_type  # type: ignore[attr-defined]
        self.elem_bits = max(self.elem_bits, 8 if elt == i1 else sc.width(sc.lltype(elt)))
        if any(self.loop.is_ancestor(d.owner) for d in op.dyn_indices if isinstance(d.owner, Operation)):
            return False  # an index computed per lane: no gathers by vector index here
        t = op.buffer.type
        assert isinstance(t, BufferType)
        offset = Expr.const(0)
        for idx, stride in zip(op.indices, t.stride_exprs(), strict=True):
            offset = offset + idx.data.substitute(self.lanes) * stride
        offset = _in_range(offset, self.v, self.n)
        step = _step(offset, self.v)
        self.access[op] = step
        if isinstance(op, StoreOp) and step != 1 and not (step == 0 and self.reduction(op)):
            return False
        self.offsets.setdefault(op.buffer, []).append((isinstance(op, StoreOp), None if op.dyn_indices else offset))
        if not op.dyn_indices:
            self.offset[op] = offset
        return True

    def reduction(self, store: StoreOp) -> bool:
        """`B[c] = B[c] op x` with c independent of v: one accumulator for all lanes,
        combined in lane order (exact: see _REDUCE)."""
        combine = store.value.owner
        if not isinstance(combine, Operation) or type(combine) not in _REDUCE or store.value.uses.get_length() != 1:
            return False
        loads = [a.owner for a in combine.operands if isinstance(a.owner, LoadOp) and a.owner.buffer == store.buffer]
        if len(loads) != 1 or loads[0].result.uses.get_length() != 1 or loads[0].dyn_indices or store.dyn_indices:
            return False
        if self.access.get(loads[0]) != 0 or sc.lltype(store.value.type) == i1:
            return False
        self.reductions[store] = (loads[0], combine, _REDUCE[type(combine)])
        self.accumulators.add(store.buffer)
        return True

    def dependences_ok(self) -> bool:
        """A buffer stored in the loop is accessed at one offset only (each lane its own
        element); an accumulator only by its one load and one store."""
        for buf, accesses in self.offsets.items():
            if not any(is_store for is_store, _ in accesses):
                continue
            offsets = {off for _, off in accesses}
            if len(offsets) != 1 or None in offsets or (buf in self.accumulators and len(accesses) != 2):
                return False
        return True


def _in_range(e: Expr, v: str, n: int) -> Expr:
    """`e` with `(c*v + r) floordiv d` -> `r/d` and `(c*v + r) mod d` -> `c*v` where
    this holds for every v in [0, n): 0 <= c*(n-1) < d and d divides r (every
    coefficient). Packed layouts (`j floordiv 64`, `j mod 64` over a split j)
    become affine in v, so their accesses are recognized as contiguous."""
    total = Expr.const(0)
    for mono, coeff in e.terms.items():
        prod = Expr.const(coeff)
        for atom, p in mono:
            factor = Expr.sym(atom) if isinstance(atom, str) else _atom_in_range(atom, v, n)
            for _ in range(p):
                prod = prod * factor
        total = total + prod
    return total


def _atom_in_range(atom: OpAtom, v: str, n: int) -> Expr:
    keep = Expr({((atom, 1),): 1})
    lhs, rhs = atom.args
    if atom.op not in ("floordiv", "mod") or not rhs.is_const() or rhs.value() <= 0:
        return keep
    lhs, d = _in_range(lhs, v, n), rhs.value()
    vpart = Expr({m: c for m, c in lhs.terms.items() if m == ((v, 1),)})
    rest = lhs - vpart
    c = vpart.terms.get(((v, 1),), 0)
    if v in rest.free_symbols() or not 0 <= c * (n - 1) < d or any(k % d for k in rest.terms.values()):
        return keep
    return Expr({m: k // d for m, k in rest.terms.items()}) if atom.op == "floordiv" else vpart


def _step(e: Expr, v: str) -> int | None:
    """The change of `e` per unit of `v` when `e` is affine in v with a constant step, else None."""
    step = 0
    for mono, coeff in e.terms.items():
        power = 0
        for atom, p in mono:
            if isinstance(atom, str):
                power += p if atom == v else 0
                continue
            if any(v in arg.free_symbols() for arg in atom.args):
                return None
        if power > 1 or (power == 1 and len(mono) != 1):
            return None  # v squared, or v times another name (a symbolic step)
        step += coeff if power == 1 else 0
    return step
