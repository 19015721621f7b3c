"""Lower a `tir.func` to an `llvm.func` of xDSL's llvm dialect.

ABI: `void @name(ptr noalias %buf0, ..., i64 %sym0, ...)` with one pointer
per buffer argument (row-major unless the buffer type has strides) and one
i64 per function symbol, in sorted name order (`symbol_order`). Loops become
CFG blocks with an induction-variable block argument (a phi); index
expressions become i64 arithmetic; loads/stores address elements with GEP.
Parallel loops are outlined and run on libgomp's thread pool (`GOMP_parallel`);
`vectorized` loops become explicit vector code where vector.py can widen them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects import arith, llvm, scf
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    UnitAttr,
    VectorType,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from tensorforge.codegen.llvm.scalar import CodegenError, ScalarLowering, floordiv, is_bf16, lltype
from tensorforge.dialects.symbolic import Expr, OpAtom
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, IndexOp, LoadOp, ReturnOp, StoreOp
from tensorforge.dialects.tirops.syntax import SSA_PREFIX
from tensorforge.dialects.tirops.types import BufferType

PTR = llvm.LLVMPointerType()
VOID = llvm.LLVMVoidType()
LOOP_HINT = "__tensorforge_loop_hint_"
"""Prefix of the marker functions called on the latch of vectorized/unrolled loops."""
STACK_LIMIT = 16 * 1024
"""Static buffers up to this many bytes live on the stack; larger ones use malloc."""


def symbol_order(func: FuncOp) -> list[str]:
    return sorted(func.symbols())


_C_MATH = ["exp", "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "pow", "sqrt", "cbrt", "sin", "cos",
    "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "atan2", "asinh", "acosh", "atanh", "erf", "erfc",
    "floor", "ceil", "round", "roundeven", "trunc", "rint", "nearbyint", "fabs", "fmod", "copysign", "fmax", "fmin",
    "fmaximum", "fminimum", "fma", "ldexp", "frexp", "sincos", "lround", "llround", "lrint", "llrint", "hypot"]
RESERVED = frozenset(
    [*_C_MATH, *(n + "f" for n in _C_MATH), "memset", "memcpy", "memmove", "malloc", "calloc", "free", "abort",
     "GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads"]
)
"""C library names that kernels call or that LLVM emits calls to (llvm.exp.f64 -> `exp`, zero-fill loops
-> `memset`): a kernel with one of these names (a tir.func called `tanh` or `exp`) would shadow it."""


def kernel_symbol(name: str) -> str:
    """The LLVM symbol of the tir.func `name`: its name, or `name.kernel` where that is a C library name."""
    return f"{name}.kernel" if name in RESERVED or name.startswith("__") else name


@dataclass
class Options:
    contract: bool = True
    """Allow FMA contraction of fmul+fadd."""
    fast_math: bool = False
    """Full fast-math (reassociation, no NaN/inf guarantees): only when asked."""
    vector_bits: int | None = None
    """Vector register width for `vectorized` loops (vector.py): None picks the
    host's (vector.default_vector_bits), 0 leaves every such loop to LLVM's loop
    vectorizer (scalar code plus `llvm.loop` hints)."""


@dataclass
class _Scope:
    """What lowered code can refer to: names, SSA values and buffers."""

    names: dict[str, SSAValue] = field(default_factory=dict)
    values: dict[SSAValue, SSAValue] = field(default_factory=dict)
    bufs: dict[SSAValue, SSAValue] = field(default_factory=dict)


class ModuleLowering:
    """Collects the llvm.funcs (kernels, outlined parallel bodies, declarations)."""

    def __init__(self, options: Options | None = None) -> None:
        from tensorforge.codegen.llvm.compat import register

        register()  # bf16 and uitofp in xDSL's LLVM translation
        self.options = options or Options()
        self.funcs: list[Operation] = []
        self.declared: set[str] = set()

    def declare(self, name: str, ret: Attribute, args: list[Attribute]) -> str:
        if name not in self.declared:
            self.declared.add(name)
            ftype = llvm.LLVMFunctionType(args, ret)
            self.funcs.append(llvm.FuncOp(name, ftype, linkage=llvm.LinkageAttr("external")))
        return name

    def lower_func(self, func: FuncOp) -> None:
        FuncLowering(self, func).run()

    def module(self) -> ModuleOp:
        return ModuleOp(list(self.funcs))


class FuncLowering:
    def __init__(self, parent: ModuleLowering, func: FuncOp) -> None:
        self.parent = parent
        self.func = func
        self.symbols = symbol_order(func)
        nbuf = len(func.body.block.args)
        ftype = llvm.LLVMFunctionType([PTR] * nbuf + [i64] * len(self.symbols), VOID)
        self.entry = Block(arg_types=[PTR] * nbuf + [i64] * len(self.symbols))
        self.region = Region(self.entry)
        self.block = self.entry
        noalias = DictionaryAttr({"llvm.noalias": UnitAttr(), "llvm.nocapture": UnitAttr()})
        attrs = ArrayAttr([noalias] * nbuf + [DictionaryAttr({})] * len(self.symbols))
        self.llfunc = llvm.FuncOp(kernel_symbol(func.sym_name.data), ftype, linkage=llvm.LinkageAttr("external"), body=self.region,
                                  other_props={"arg_attrs": attrs})
        self.scope = _Scope()
        for arg, ll in zip(func.body.block.args, self.entry.args[:nbuf], strict=True):
            self.scope.bufs[arg] = ll
        for name, ll in zip(self.symbols, self.entry.args[nbuf:], strict=True):
            self.scope.names[name] = ll
        self.frees: list[SSAValue] = []
        self.scalar = ScalarLowering(self.emit, self.libm, parent.options.contract, parent.options.fast_math)

    # -- emission ---------------------------------------------------------------------
    def emit(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0] if op.results else None  # type: ignore[return-value]

    def new_block(self, arg_types: list[Attribute] | None = None) -> Block:
        b = Block(arg_types=arg_types or [])
        self.region.add_block(b)
        return b

    def const(self, v: int, t: Attribute = i64) -> SSAValue:
        return self.emit(llvm.ConstantOp(IntegerAttr(v, t), t))  # type: ignore[arg-type]

    def libm(self, name: str, t: Attribute, nargs: int) -> str:
        return self.parent.declare(name, t, [t] * nargs)

    def run(self) -> None:
        self.ops(self.func.body.block.ops)
        for p in self.frees:
            self.emit(llvm.CallOp(self.parent.declare("free", VOID, [PTR]), p))
        self.emit(llvm.ReturnOp())
        self.parent.funcs.append(self.llfunc)

    # -- index expressions ---------------------------------------------------------------
    def expr(self, e: Expr, dyn: list[SSAValue] | None = None) -> SSAValue:
        if e.is_const():
            return self.const(e.value())
        total: SSAValue | None = None
        for mono, coeff in e.terms.items():
            term: SSAValue | None = None
            for atom, power in mono:
                for _ in range(power):
                    v = self.atom(atom, dyn or [])
                    term = v if term is None else self.emit(llvm.MulOp(term, v))
            if term is None:
                term = self.const(coeff)
            elif coeff != 1:
                term = self.emit(llvm.MulOp(term, self.const(coeff)))
            total = term if total is None else self.emit(llvm.AddOp(total, term))
        assert total is not None
        return total

    def atom(self, a: str | OpAtom, dyn: list[SSAValue]) -> SSAValue:
        if isinstance(a, str):
            if a.startswith(SSA_PREFIX):
                return dyn[int(a[len(SSA_PREFIX):])]
            if a not in self.scope.names:
                raise CodegenError(f"@{self.func.sym_name.data}: name '{a}' is not bound here")
            return self.scope.names[a]
        x, y = (self.expr(arg, dyn) for arg in a.args)
        if a.op == "floordiv":
            return floordiv(self.scalar, x, y, i64)
        if a.op == "ceildiv":
            zero = self.const(0)
            return self.emit(llvm.SubOp(zero, floordiv(self.scalar, self.emit(llvm.SubOp(zero, x)), y, i64)))
        if a.op == "mod":
            q = floordiv(self.scalar, x, y, i64)
            return self.emit(llvm.SubOp(x, self.emit(llvm.MulOp(q, y))))
        pred = "sgt" if a.op == "max" else "slt"
        return self.scalar.select(self.scalar.icmp(pred, x, y), x, y)

    # -- statements -------------------------------------------------------------------------
    def ops(self, ops: object) -> None:
        """Lower a region's ops; heap buffers it allocated are freed at its end
        (a tir.alloc is local to its region: one inside a loop body is per iteration)."""
        mark = len(self.frees)
        for op in list(ops):  # type: ignore[call-overload]
            self.op(op)
        for p in reversed(self.frees[mark:]):
            self.emit(llvm.CallOp(self.parent.declare("free", VOID, [PTR]), p))
        del self.frees[mark:]

    def op(self, op: Operation) -> None:
        if isinstance(op, ForOp):
            self.loop(op)
        elif isinstance(op, BlockOp):
            self.block_op(op)
        elif isinstance(op, LoadOp):
            self.scope.values[op.result] = self.load(op)
        elif isinstance(op, StoreOp):
            self.store(op)
        elif isinstance(op, AllocOp):
            self.alloc(op)
        elif isinstance(op, IndexOp):
            self.scope.values[op.result] = self.expr(op.expr.data)
        elif isinstance(op, arith.ConstantOp):
            t = lltype(op.result.type)
            value = op.value
            if isinstance(value, IntegerAttr):
                value = IntegerAttr(value.value.data, t)  # type: ignore[arg-type]
            elif is_bf16(op.result.type) and isinstance(value, FloatAttr):  # bf16 values are their bits
                from tensorforge.codegen.llvm.compat import bf16_bits

                value = IntegerAttr(bf16_bits(value.value.data), t)  # type: ignore[arg-type]
            self.scope.values[op.result] = self.emit(llvm.ConstantOp(value, t))
        elif isinstance(op, scf.IfOp):
            self.if_op(op)
        elif isinstance(op, ReturnOp | scf.YieldOp):
            return
        else:
            args = [self.scope.values[v] for v in op.operands]
            self.scope.values[op.results[0]] = self.scalar.lower(op, args)

    def loop(self, op: ForOp) -> None:
        guards = hoistable_guards(op, getattr(self, "checked", frozenset()), set(self.scope.names))
        if guards:
            # a tail predicate that no loop of this perfect nest changes: test it once
            # here, not per iteration (inside, it would block vectorization and keep
            # accumulators in memory)
            conds = [self.scalar.icmp("slt", self.expr(a), self.expr(b)) for _, (a, b) in guards]
            saved = getattr(self, "checked", frozenset())
            self.checked = saved | {key for key, _ in guards}
            self.guarded(self.all_of(conds), lambda: self.loop(op))
            self.checked = saved
            return
        versions = versionable_guards(op, getattr(self, "checked", frozenset()) | getattr(self, "versioned", frozenset()),
                                      set(self.scope.names))
        if versions:
            self.versioned_loop(op, versions)
            return
        if op.kind.data == "parallel":
            from tensorforge.codegen.llvm.parallel import lower_parallel

            lower_parallel(self, op)
            return
        if op.kind.data == "vectorized":
            from tensorforge.codegen.llvm.vector import try_vectorize

            if try_vectorize(self, op):
                return
        hint = None
        if op.kind.data in ("vectorized", "unrolled"):
            hint = (op.kind.data, op.extent_expr.value() if op.extent_expr.is_const() else 0)
        self.serial_loop(op.var_name, self.expr(op.extent_expr), lambda: self.ops(op.body.block.ops), hint=hint)

    def versioned_loop(self, op: ForOp, versions: list[tuple[tuple[int, int], tuple[Expr, Expr]]]) -> None:
        """Two copies of the nest: without the tail predicates when even their
        largest left side over the nest passes (full tiles), with them otherwise."""
        conds = [self.scalar.icmp("slt", self.expr(hi), self.expr(rhs)) for _, (hi, rhs) in versions]
        keys = {key for key, _ in versions}
        checked, versioned = getattr(self, "checked", frozenset()), getattr(self, "versioned", frozenset())
        fast, slow, cont = self.new_block(), self.new_block(), self.new_block()
        self.emit(llvm.CondBrOp(self.all_of(conds), fast, [], slow, []))
        for block, marks in ((fast, (checked | keys, versioned)), (slow, (checked, versioned | keys))):
            self.block = block
            self.checked, self.versioned = marks
            self.loop(op)
            self.emit(llvm.BrOp(cont))
        self.checked, self.versioned = checked, versioned
        self.block = cont

    def serial_loop(
        self, var: str, extent: SSAValue, body: object, start: SSAValue | None = None, hint: tuple[str, int] | None = None
    ) -> None:
        header = self.new_block([i64])
        inner = self.new_block()
        exit_ = self.new_block()
        self.emit(llvm.BrOp(header, start if start is not None else self.const(0)))
        self.block = header
        iv = header.args[0]
        cond = self.scalar.icmp("slt", iv, extent)
        self.emit(llvm.CondBrOp(cond, inner, [], exit_, []))
        self.block = inner
        saved = self.scope.names.get(var)
        self.scope.names[var] = iv
        body()  # type: ignore[operator]
        self.scope.names.pop(var)
        if saved is not None:
            self.scope.names[var] = saved
        nxt = self.emit(llvm.AddOp(iv, self.const(1)))
        if hint is not None:  # a marker call on the latch: jit.apply_loop_hints makes it `llvm.loop` metadata
            kind, static_extent = hint
            self.emit(llvm.CallOp(self.parent.declare(f"{LOOP_HINT}{kind}", VOID, [i64]), self.const(static_extent)))
        self.emit(llvm.BrOp(header, nxt))
        self.block = exit_

    def guarded(self, cond: SSAValue, body: object) -> None:
        then = self.new_block()
        cont = self.new_block()
        self.emit(llvm.CondBrOp(cond, then, [], cont, []))
        self.block = then
        body()  # type: ignore[operator]
        self.emit(llvm.BrOp(cont))
        self.block = cont

    def block_op(self, op: BlockOp) -> None:
        for name, _, _, binding in op.iters:
            self.scope.names[name] = self.expr(binding)
        checked = getattr(self, "checked", frozenset())
        pairs = [p for k, p in enumerate(op.predicate_pairs) if (id(op), k) not in checked]
        if not pairs:
            self.block_body(op)
        else:
            conds = [self.scalar.icmp("slt", self.expr(a), self.expr(b)) for a, b in pairs]
            self.guarded(self.all_of(conds), lambda: self.block_body(op))
        for name, _, _, _ in op.iters:  # out of scope: a later parallel loop must not capture them
            self.scope.names.pop(name, None)

    def block_body(self, op: BlockOp) -> None:
        if op.init.blocks:
            reduce_vars = [self.scope.names[n] for n, kind, _, _ in op.iters if kind == "reduce"]
            zero = self.const(0)
            conds = [self.scalar.icmp("eq", v, zero) for v in reduce_vars]
            if conds:
                self.guarded(self.all_of(conds), lambda: self.ops(op.init.block.ops))
            else:
                self.ops(op.init.block.ops)
        self.ops(op.body.block.ops)

    def all_of(self, conds: list[SSAValue]) -> SSAValue:
        out = conds[0]
        for c in conds[1:]:
            out = self.emit(llvm.AndOp(out, c))
        return out

    # -- memory -----------------------------------------------------------------------------
    def address(self, op: LoadOp | StoreOp) -> SSAValue:
        t = op.buffer.type
        assert isinstance(t, BufferType)
        dyn = [self.scope.values[v] for v in op.dyn_indices]
        offset: Expr | None = None
        parts: list[SSAValue] = []
        for idx, stride in zip(op.indices, t.stride_exprs(), strict=True):
            e = idx.data
            if any(s.startswith(SSA_PREFIX) for s in e.free_symbols()):
                parts.append(self.emit(llvm.MulOp(self.expr(e, dyn), self.expr(stride))))
                continue
            offset = e * stride if offset is None else offset + e * stride
        total = self.expr(offset if offset is not None else Expr.const(0), dyn)
        for p in parts:
            total = self.emit(llvm.AddOp(total, p))
        base = self.scope.bufs[op.buffer]
        return self.emit(llvm.GEPOp.from_mixed_indices(base, [total], lltype(t.element_type)))

    def load(self, op: LoadOp) -> SSAValue:
        ptr = self.address(op)
        rt = lltype(op.result.type)
        if not isinstance(rt, VectorType):
            return self.emit(llvm.LoadOp(ptr, rt))
        self.check_lanes(op)
        align = _elem_bytes(op.buffer.type)  # type: ignore[arg-type]
        if rt.element_type != i1:
            return self.emit(llvm.LoadOp(ptr, rt, alignment=align))
        # <N x i1> in memory is N bits: bool lanes are N bytes, loaded as <N x i8>
        byte = self.emit(llvm.LoadOp(ptr, VectorType(IntegerType(8), rt.get_shape()), alignment=align))
        return self.emit(llvm.TruncOp(byte, rt))

    def store(self, op: StoreOp) -> None:
        ptr = self.address(op)
        value = self.scope.values[op.value]
        vt = value.type
        if not isinstance(vt, VectorType):
            self.emit(llvm.StoreOp(value, ptr))
            return
        self.check_lanes(op)
        if vt.element_type == i1:
            value = self.emit(llvm.ZExtOp(value, VectorType(IntegerType(8), vt.get_shape())))
        self.emit(llvm.StoreOp(value, ptr, alignment=_elem_bytes(op.buffer.type)))  # type: ignore[arg-type]

    def check_lanes(self, op: LoadOp | StoreOp) -> None:
        """Vector lanes are consecutive elements of the last dim: its stride must be 1."""
        t = op.buffer.type
        assert isinstance(t, BufferType)
        strides = t.stride_exprs()
        if strides and strides[-1] != Expr.const(1):
            raise CodegenError(f"@{self.func.sym_name.data}: vector {op.name} on a buffer whose last stride is {strides[-1]}, not 1")

    def alloc(self, op: AllocOp) -> None:
        t = op.result.type
        assert isinstance(t, BufferType)
        count = Expr.const(1)
        for d in t.dims:
            count = count * d
        if t.strides.data:
            count = Expr.const(1) + sum((((d - 1) * s) for d, s in zip(t.dims, t.stride_exprs(), strict=True)), Expr.const(0))
        nbytes = count * _elem_bytes(t)
        # zero-filled, as the interpreter's (and graph.call_tir's) buffers: lowerings rely on it
        # (a sum over a symbolic extent that is 0 at run time never runs its init)
        if nbytes.is_const() and nbytes.value() <= STACK_LIMIT:
            # bytes (i8): llvmlite types the alloca's pointer, and every llvm.memset call must agree
            ptr = self.entry_alloca(max(nbytes.value(), 1), IntegerType(8))
            zero8 = self.emit(llvm.ConstantOp(IntegerAttr(0, IntegerType(8)), IntegerType(8)))
            self.emit(llvm.CallIntrinsicOp("llvm.memset.p0.i64", [ptr, zero8, self.const(nbytes.value()), self.const(0, i1)], []))
        else:
            calloc = self.parent.declare("calloc", PTR, [i64, i64])
            ptr = self.emit(llvm.CallOp(calloc, self.expr(count.max(1)), self.const(_elem_bytes(t)), return_type=PTR))
            self.frees.append(ptr)
        self.scope.bufs[op.result] = ptr

    def entry_alloca(self, count: int, elt: Attribute) -> SSAValue:
        """A static stack buffer, allocated in the entry block (once per call, even
        when the tir.alloc is inside a loop: an alloca there would grow the stack)."""
        size = llvm.ConstantOp(IntegerAttr(count, i64), i64)
        alloca = llvm.AllocaOp(size.result, elt, alignment=64)
        first = self.entry.first_op
        if first is None:
            self.entry.add_ops([size, alloca])
        else:
            self.entry.insert_ops_before([size, alloca], first)
        return alloca.results[0]

    def if_op(self, op: scf.IfOp) -> None:
        result_types = [lltype(r.type) for r in op.results]
        then, other = self.new_block(), self.new_block()
        merge = self.new_block(result_types)
        self.emit(llvm.CondBrOp(self.scope.values[op.cond], then, [], other, []))
        for block, region in ((then, op.true_region), (other, op.false_region)):
            self.block = block
            yielded: list[SSAValue] = []
            if region.blocks:
                self.ops(region.block.ops)
                term = region.block.last_op
                if isinstance(term, scf.YieldOp):
                    yielded = [self.scope.values[v] for v in term.operands]
            self.emit(llvm.BrOp(merge, *yielded))
        self.block = merge
        for r, arg in zip(op.results, merge.args, strict=True):
            self.scope.values[r] = arg


def hoistable_guards(
    loop: ForOp, checked: frozenset[tuple[int, int]], bound: set[str]
) -> list[tuple[tuple[int, int], tuple[Expr, Expr]]]:
    """Predicates of the one block at the bottom of the perfect nest `loop` starts
    that use none of the nest's loop variables (only names bound outside it):
    ((id(block), index), (lhs, rhs)) for each not already checked."""
    inner = {loop.var_name}
    cur: Operation = loop
    while isinstance(cur, ForOp):
        ops = list(cur.body.block.ops)
        if len(ops) != 1:
            return []
        cur = ops[0]
        if isinstance(cur, ForOp):
            inner.add(cur.var_name)
    if not isinstance(cur, BlockOp) or not cur.predicates.data:
        return []
    out = []
    for k, (lhs, rhs) in enumerate(cur.predicate_pairs):
        names = lhs.free_symbols() | rhs.free_symbols()
        if (id(cur), k) not in checked and not names & inner and names <= bound:
            out.append(((id(cur), k), (lhs, rhs)))
    return out


def versionable_guards(
    loop: ForOp, done: frozenset[tuple[int, int]], bound: set[str]
) -> list[tuple[tuple[int, int], tuple[Expr, Expr]]]:
    """Tail predicates `lhs < rhs` of the block at the bottom of the perfect nest
    `loop` starts that use exactly one of the nest's loop variables, linearly
    and increasing (a split's tail): "the whole nest is in range" can be tested
    once here. Lowering visits loops outside in, so the first loop where this
    holds is the highest. Returns ((id(block), index), (largest lhs, rhs))."""
    extents = {loop.var_name: loop.extent_expr}
    cur: Operation = loop
    while isinstance(cur, ForOp):
        ops = list(cur.body.block.ops)
        if len(ops) != 1:
            return []
        cur = ops[0]
        if isinstance(cur, ForOp):
            extents[cur.var_name] = cur.extent_expr
    if not isinstance(cur, BlockOp) or not cur.predicates.data:
        return []
    out = []
    for k, (lhs, rhs) in enumerate(cur.predicate_pairs):
        used = lhs.free_symbols() & set(extents)
        if (id(cur), k) in done or len(used) != 1 or rhs.free_symbols() & set(extents):
            continue
        (v,) = used
        step = lhs.substitute({v: Expr.sym(v) + 1}) - lhs
        if not step.is_const() or step.value() <= 0:
            continue
        hi = lhs.substitute({v: extents[v] - 1})
        if (hi.free_symbols() | rhs.free_symbols()) <= bound:
            out.append(((id(cur), k), (hi, rhs)))
    return out


def _elem_bytes(t: BufferType) -> int:
    from tensorforge.codegen.llvm.scalar import width

    return max(width(lltype(t.element_type)) // 8, 1)


_ = (IntegerType, i1, i32)
