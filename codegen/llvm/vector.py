"""Explicit LLVM vector code for `vectorized` loops.

A `tir.for v in range(N) vectorized` loop of static extent whose body this
module can widen is lowered to a loop over chunks of W lanes whose values are
`<W x T>` vectors, plus a scalar tail for the last N mod W iterations:

    tir.for j in range(20) vectorized {           vector.body: (j = 16*t, t < 1)
      tir.block "C" (vj = spatial(20, j)) ..  ->    %a = load <16 x float>, ptr %A + j
        %a = tir.load %A[vj] : f32                  %s = load float, ptr %S   ; splat
        %s = tir.load %S[0] : f32                   %c = fmul contract <16 x float> %a, %s
        %c = arith.mulf %a, %s : f32                store <16 x float> %c, ptr %C + j
        tir.store %c, %C[vj]                      tail: the scalar loop for j in [16, 20)

Per access (its flattened offset as a function of v, analysed in
vector_plan.py): stride 1 -> one vector load/store; independent of v -> a
scalar load splat to all lanes; any other offset -> a gather, one scalar load
per lane (loads only). arith/math ops work on vectors as on scalars
(scalar.py; `math.exp` f32 by vmath.exp_f32 lane-wise; libm functions without
vector variants one call per lane). A reduction along v (`S[c] = S[c] op x`,
c independent of v) reduces each chunk horizontally into the scalar
accumulator: `llvm.vector.reduce.add/mul/and/or/xor/smax/...` for integers
(exact), the ordered `llvm.vector.reduce.fadd/fmul` for floats (lane order,
the scalar loop's rounding), `fmaximum/fminimum`.

A loop is refused, and lowered as before (scalar code with `llvm.loop`
vectorize metadata, see jit.apply_loop_hints), when its extent is symbolic or
below 2, when it holds nested loops, `scf.if`, `tir.alloc`, bf16 or vector
values or `math.fpowi`, a store that is neither contiguous nor a recognized
reduction (strided stores, scatters), a buffer both stored and accessed at
another offset (a dependence between lanes; an accumulator read a second
time), a data-dependent index computed inside the loop, or a block predicate
or block `init` guard that depends on v (split tails are versioned before this
runs, lower.versionable_guards: full tiles vectorize, the last one is scalar).
"""

from __future__ import annotations

from xdsl.dialects import arith, llvm, scf
from xdsl.dialects.builtin import DenseArrayBase, IndexType, IntegerType, VectorType, i1, i32
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.codegen.llvm import scalar as sc
from tensorforge.codegen.llvm.vector_plan import LIBM, Plan, default_vector_bits, plan_loop
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, IndexOp, LoadOp, ReturnOp, StoreOp
from tensorforge.dialects.tirops.types import BufferType

UNROLL_MAX = 8
"""A vector loop of at most this many chunks is fully unrolled (accumulators stay in registers)."""
__all__ = ["UNROLL_MAX", "default_vector_bits", "plan_loop", "try_vectorize"]


def try_vectorize(fl: object, loop: ForOp) -> bool:
    """Lower `loop` to vector code if it can be (True), else leave it to the caller."""
    plan = plan_loop(fl, loop)
    if plan is None:
        return False
    from tensorforge.codegen.llvm.lower import FuncLowering

    assert isinstance(fl, FuncLowering)
    n, w = loop.extent_expr.value(), plan.width
    chunks, rest = divmod(n, w)
    v = loop.var_name

    def chunk() -> None:
        base = fl.emit(llvm.MulOp(fl.scope.names[v], fl.const(w)))
        _Emitter(fl, loop, plan).run(base)

    if chunks == 1:
        fl.scope.names[v] = fl.const(0)
        _Emitter(fl, loop, plan).run(fl.scope.names[v])
        fl.scope.names.pop(v)
    else:
        fl.serial_loop(v, fl.const(chunks), chunk, hint=("unrolled", chunks) if chunks <= UNROLL_MAX else None)
    if rest:
        fl.serial_loop(v, fl.const(n), lambda: fl.ops(loop.body.block.ops), start=fl.const(chunks * w),
                       hint=("unrolled", rest))
    return True


class _Emitter:
    """Emits one chunk of W lanes: lane 0 is at `base`; tir values map to vectors."""

    def __init__(self, fl: object, loop: ForOp, plan: Plan) -> None:
        self.fl = fl
        self.loop = loop
        self.plan = plan
        self.w = plan.width
        self.vals: dict[SSAValue, SSAValue] = {}
        self.binds: list[tuple[str, Expr]] = []
        self.base: SSAValue | None = None

    def emit(self, op: Operation) -> SSAValue:
        return self.fl.emit(op)  # type: ignore[attr-defined]

    def run(self, base: SSAValue) -> None:
        self.base = base
        self.fl.scope.names[self.loop.var_name] = base  # type: ignore[attr-defined]
        self.ops(self.loop.body.block.ops)

    def ops(self, ops: object) -> None:
        for op in list(ops):  # type: ignore[call-overload]
            self.op(op)

    def op(self, op: Operation) -> None:
        fl = self.fl
        if isinstance(op, ReturnOp | scf.YieldOp) or op in self.plan.skip:
            return
        if op in self.plan.reductions:
            self.reduce_store(op)  # type: ignore[arg-type]
        elif isinstance(op, BlockOp):
            self.block(op)
        elif isinstance(op, LoadOp):
            self.vals[op.result] = self.load(op)
        elif isinstance(op, StoreOp):
            self.store(op)
        elif isinstance(op, IndexOp):
            self.vals[op.result] = self.index(op)
        elif isinstance(op, arith.ConstantOp):
            fl.op(op)  # type: ignore[attr-defined]
            self.vals[op.result] = self.splat(fl.scope.values[op.result])  # type: ignore[attr-defined]
        else:
            self.vals[op.results[0]] = self.compute(op)

    def block(self, op: BlockOp) -> None:
        fl = self.fl
        names = fl.scope.names  # type: ignore[attr-defined]
        for name, _, _, binding in op.iters:
            names[name] = fl.expr(binding)  # type: ignore[attr-defined]
            self.binds.append((name, binding))
        checked = getattr(fl, "checked", frozenset())
        pairs = [p for k, p in enumerate(op.predicate_pairs) if (id(op), k) not in checked]
        if pairs:  # independent of the lanes (plan_loop): one test for the chunk
            conds = [fl.scalar.icmp("slt", fl.expr(a), fl.expr(b)) for a, b in pairs]  # type: ignore[attr-defined]
            fl.guarded(fl.all_of(conds), lambda: self.block_body(op))  # type: ignore[attr-defined]
        else:
            self.block_body(op)
        del self.binds[len(self.binds) - len(op.iters):]
        for name, _, _, _ in op.iters:
            names.pop(name, None)

    def block_body(self, op: BlockOp) -> None:
        fl = self.fl
        if op.init.blocks:
            zero = fl.const(0)  # type: ignore[attr-defined]
            conds = [fl.scalar.icmp("eq", fl.scope.names[n], zero) for n, kind, _, _ in op.iters if kind == "reduce"]  # type: ignore[attr-defined]
            if conds:
                fl.guarded(fl.all_of(conds), lambda: self.ops(op.init.block.ops))  # type: ignore[attr-defined]
            else:
                self.ops(op.init.block.ops)
        self.ops(op.body.block.ops)

    # -- values ------------------------------------------------------------------------
    def vtype(self, t: Attribute) -> VectorType:
        return VectorType(t, [self.w])

    def operand(self, v: SSAValue) -> SSAValue:
        if v in self.vals:
            return self.vals[v]
        return self.splat(self.fl.scope.values[v])  # type: ignore[attr-defined]

    def splat(self, s: SSAValue) -> SSAValue:
        vt = self.vtype(s.type)
        undef = self.emit(llvm.UndefOp(vt))
        one = self.emit(llvm.InsertElementOp(undef, s, self.lane_index(0)))
        return self.emit(llvm.ShuffleVectorOp(one, undef, DenseArrayBase.from_list(i32, [0] * self.w), vt))

    def lane_index(self, lane: int) -> SSAValue:
        return self.fl.const(lane, i32)  # type: ignore[attr-defined]

    def extract(self, vec: SSAValue, lane: int) -> SSAValue:
        """Lane `lane` of `vec` (a one-lane shuffle bitcast to the element: xDSL has no extractelement)."""
        assert isinstance(vec.type, VectorType)
        elt = vec.type.element_type
        one = self.emit(llvm.ShuffleVectorOp(vec, vec, DenseArrayBase.from_list(i32, [lane]), VectorType(elt, [1])))
        return self.emit(llvm.BitcastOp(one, elt))

    def per_lane(self, scalar_at: object, t: Attribute) -> SSAValue:
        """A vector built lane by lane from `scalar_at(lane)` (gathers, non-affine indices, libm)."""
        vec = self.emit(llvm.UndefOp(self.vtype(t)))
        for lane in range(self.w):
            vec = self.emit(llvm.InsertElementOp(vec, scalar_at(lane), self.lane_index(lane)))  # type: ignore[operator]
        return vec

    def at_lane(self, lane: int, fn: object) -> SSAValue:
        """`fn()` with the loop variable and block iteration variables bound for one lane."""
        fl = self.fl
        names = fl.scope.names  # type: ignore[attr-defined]
        keys = [self.loop.var_name, *(n for n, _ in self.binds)]
        saved = {k: names[k] for k in keys}
        names[self.loop.var_name] = self.emit(llvm.AddOp(self.base, fl.const(lane)))  # type: ignore[attr-defined]
        for name, binding in self.binds:
            names[name] = fl.expr(binding)  # type: ignore[attr-defined]
        out = fn()  # type: ignore[operator]
        names.update(saved)
        return out

    # -- memory and indices --------------------------------------------------------------
    def load(self, op: LoadOp) -> SSAValue:
        step = self.plan.access[op]
        elt = sc.lltype(op.result.type)
        if step == 0:
            return self.splat(self.scalar_load(op))
        if step != 1:
            return self.per_lane(lambda lane: self.at_lane(lane, lambda: self.scalar_load(op)), elt)
        align = _elem_bytes(op.buffer.type)
        mem_t = self.vtype(IntegerType(8) if elt == i1 else elt)  # bools are bytes in memory
        loaded = self.emit(llvm.LoadOp(self.vector_ptr(self.address(op), mem_t), mem_t, alignment=align))  # type: ignore[attr-defined]
        return loaded if elt != i1 else self.emit(llvm.TruncOp(loaded, self.vtype(i1)))

    def store(self, op: StoreOp) -> None:
        value = self.operand(op.value)
        if sc.lltype(op.value.type) == i1:
            value = self.emit(llvm.ZExtOp(value, self.vtype(IntegerType(8))))
        ptr = self.vector_ptr(self.address(op), value.type)
        self.emit(llvm.StoreOp(value, ptr, alignment=_elem_bytes(op.buffer.type)))

    def reduce_store(self, op: StoreOp) -> None:
        """acc = acc op x[lane 0] op x[lane 1] ...: a horizontal reduction of the chunk
        into the scalar accumulator (ordered for fadd/fmul, see _REDUCE)."""
        fl = self.fl
        load, combine, kind = self.plan.reductions[op]
        acc = self.scalar_load(load)
        first = combine.operands[0] == load.result
        vec = self.operand(combine.operands[1] if first else combine.operands[0])
        elt = sc.lltype(op.value.type)
        name = f"llvm.vector.reduce.{kind}.{sc.suffix(vec.type)}"
        if kind in ("fadd", "fmul"):
            total = self.emit(llvm.CallIntrinsicOp(name, [acc, vec], [elt]))
        else:
            part = self.emit(llvm.CallIntrinsicOp(name, [vec], [elt]))
            total = fl.scalar.lower_typed(combine, [acc, part] if first else [part, acc], elt)  # type: ignore[attr-defined]
        self.emit(llvm.StoreOp(total, self.address(op)))

    def address(self, op: LoadOp | StoreOp) -> SSAValue:
        """The element's address, from the plan's simplified offset where there is one."""
        offset = self.plan.offset.get(op)
        if offset is None:
            return self.fl.address(op)  # type: ignore[attr-defined]
        elt = sc.lltype(op.buffer.type.element_type)  # type: ignore[attr-defined]
        index = self.fl.expr(offset)  # type: ignore[attr-defined]
        return self.emit(llvm.GEPOp.from_mixed_indices(self.fl.scope.bufs[op.buffer], [index], elt))  # type: ignore[attr-defined]

    def scalar_load(self, op: LoadOp) -> SSAValue:
        return self.emit(llvm.LoadOp(self.address(op), sc.lltype(op.result.type)))

    def vector_ptr(self, ptr: SSAValue, vt: Attribute) -> SSAValue:
        """`ptr` retyped to point at a vector: xDSL's translation gives GEPs element-typed
        pointers, and llvmlite checks a store's value against a typed pointer."""
        return self.emit(llvm.GEPOp.from_mixed_indices(ptr, [0], vt))

    def index(self, op: IndexOp) -> SSAValue:
        fl = self.fl
        e = op.expr.data
        step = self.plan.access[op]
        if step is None:
            return self.per_lane(lambda lane: self.at_lane(lane, lambda: fl.expr(e)), sc.lltype(IndexType()))  # type: ignore[attr-defined]
        first = self.splat(fl.expr(e))  # type: ignore[attr-defined]
        if step == 0:
            return first
        steps = _dense_i64([k * step for k in range(self.w)])
        lanes = self.emit(llvm.ConstantOp(steps, self.vtype(sc.lltype(IndexType()))))  # type: ignore[arg-type]
        return self.emit(llvm.AddOp(first, lanes))

    # -- arithmetic ----------------------------------------------------------------------------
    def compute(self, op: Operation) -> SSAValue:
        fl = self.fl
        args = [self.operand(v) for v in op.operands]
        elt = sc.lltype(op.results[0].type)
        if type(op) not in LIBM:
            return fl.scalar.lower_typed(op, args, self.vtype(elt))  # type: ignore[attr-defined]

        def lane_call(lane: int) -> SSAValue:
            return fl.scalar.lower_typed(op, [self.extract(a, lane) for a in args], elt)  # type: ignore[attr-defined]

        return self.per_lane(lane_call, elt)


def _dense_i64(values: list[int]) -> Attribute:
    from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, i64

    return DenseIntOrFPElementsAttr.from_list(VectorType(i64, [len(values)]), values)


def _elem_bytes(t: Attribute) -> int:
    assert isinstance(t, BufferType)
    return max(sc.width(sc.lltype(t.element_type)) // 8, 1)
