"""arith/math ops on scalars (and vectors) -> xDSL `llvm` dialect ops.

LLVM intrinsics cover most math (`llvm.exp.f32`, `llvm.maximum.f32`,
saturating `llvm.fptosi.sat`); the rest calls libm (`tanhf`, `erff`, ...),
which the JIT resolves in the running process.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import arith, llvm, math
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    VectorType,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.errors import TensorforgeError

Emit = Callable[[Operation], SSAValue]


class CodegenError(TensorforgeError):
    """tensorir the LLVM backend cannot compile (named op and reason)."""


def lltype(t: Attribute) -> Attribute:
    if isinstance(t, IndexType):
        return i64
    if isinstance(t, IntegerType):
        return IntegerType(t.width.data)  # signless
    if isinstance(t, VectorType):
        return VectorType(lltype(t.element_type), t.get_shape())
    return t


def suffix(t: Attribute) -> str:
    """LLVM's intrinsic type suffix: f32, i64, v8f32."""
    if isinstance(t, VectorType):
        return f"v{t.get_shape()[0]}{suffix(t.element_type)}"
    if isinstance(t, Float32Type):
        return "f32"
    if isinstance(t, Float64Type):
        return "f64"
    if isinstance(t, Float16Type):
        return "f16"
    if isinstance(t, BFloat16Type):
        return "bf16"
    if isinstance(t, IntegerType | IndexType):
        return f"i{64 if isinstance(t, IndexType) else t.width.data}"
    raise CodegenError(f"no LLVM type suffix for {t}")


def width(t: Attribute) -> int:
    if isinstance(t, VectorType):
        return width(t.element_type)
    if isinstance(t, IndexType):
        return 64
    if isinstance(t, IntegerType):
        return t.width.data
    return {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}[suffix(t)]


_BIN = {
    arith.AddiOp: llvm.AddOp, arith.SubiOp: llvm.SubOp, arith.MuliOp: llvm.MulOp,
    arith.DivSIOp: llvm.SDivOp, arith.DivUIOp: llvm.UDivOp, arith.RemSIOp: llvm.SRemOp,
    arith.RemUIOp: llvm.URemOp, arith.AndIOp: llvm.AndOp, arith.OrIOp: llvm.OrOp, arith.XOrIOp: llvm.XOrOp,
    arith.ShLIOp: llvm.ShlOp, arith.ShRSIOp: llvm.AShrOp, arith.ShRUIOp: llvm.LShrOp,
}
_FBIN = {arith.AddfOp: llvm.FAddOp, arith.SubfOp: llvm.FSubOp, arith.MulfOp: llvm.FMulOp, arith.DivfOp: llvm.FDivOp}
_FINTRIN2 = {
    arith.MaximumfOp: "maximum", arith.MinimumfOp: "minimum", arith.MaxnumfOp: "maxnum", arith.MinnumfOp: "minnum",
    math.PowFOp: "pow", math.CopySignOp: "copysign",
}
_FINTRIN1 = {
    math.ExpOp: "exp", math.Exp2Op: "exp2", math.LogOp: "log", math.Log2Op: "log2", math.Log10Op: "log10",
    math.SqrtOp: "sqrt", math.SinOp: "sin", math.CosOp: "cos", math.FloorOp: "floor", math.CeilOp: "ceil",
    math.AbsFOp: "fabs", math.RoundEvenOp: "roundeven", math.RoundOp: "round", math.TruncOp: "trunc",
}
_LIBM1 = {math.ErfOp: "erf", math.Log1pOp: "log1p", math.ExpM1Op: "expm1", math.CbrtOp: "cbrt",
          math.AsinhOp: "asinh", math.AcoshOp: "acosh", math.AtanhOp: "atanh", math.TanOp: "tan",
          math.TanhOp: "tanh", math.AsinOp: "asin", math.AcosOp: "acos", math.AtanOp: "atan",
          math.SinhOp: "sinh", math.CoshOp: "cosh"}
_LIBM2 = {math.Atan2Op: "atan2"}
_ICMP = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]


class ScalarLowering:
    """Lowers one arith/math op given its already-lowered operands."""

    def __init__(self, emit: Emit, declare_libm: Callable[[str, Attribute, int], str], contract: bool, fast: bool) -> None:
        self.emit = emit
        self.declare_libm = declare_libm
        from xdsl.dialects.utils.fast_math import FastMathFlag

        self.flags: str | list[FastMathFlag] = "fast" if fast else ([FastMathFlag.ALLOW_CONTRACT] if contract else "none")

    def lower(self, op: Operation, args: list[SSAValue]) -> SSAValue:
        t = type(op)
        res_t = lltype(op.results[0].type)
        if t in _BIN:
            return self.emit(_BIN[t](args[0], args[1]))
        if t in _FBIN:
            return self.emit(_FBIN[t](args[0], args[1], fast_math=llvm.FastMathAttr(self.flags)))
        if t in _FINTRIN2:
            return self.intrin(_FINTRIN2[t], args, res_t)
        if t in _FINTRIN1:
            return self.intrin(_FINTRIN1[t], args, res_t)
        if t in _LIBM1 or t in _LIBM2:
            return self.libm((_LIBM1 | _LIBM2)[t], args, res_t)
        handler = getattr(self, f"_{t.__name__}", None)
        if handler is None:
            raise CodegenError(f"the LLVM backend cannot lower {op.name}")
        return handler(op, args, res_t)

    def intrin(self, name: str, args: list[SSAValue], res_t: Attribute, arg_t: Attribute | None = None) -> SSAValue:
        full = f"llvm.{name}.{suffix(arg_t or res_t)}"
        return self.emit(llvm.CallIntrinsicOp(full, args, [res_t]))

    def libm(self, name: str, args: list[SSAValue], res_t: Attribute) -> SSAValue:
        if isinstance(res_t, VectorType):
            raise CodegenError(f"{name} on vectors is not supported (no libm vector variant)")
        w = width(res_t)
        if w not in (32, 64):
            ext = self.emit(llvm.FPExtOp(args[0], Float32Type()))
            out = self.libm(name, [ext, *args[1:]], Float32Type())
            return self.emit(llvm.FPTruncOp(out, res_t))
        fn = self.declare_libm(name + ("f" if w == 32 else ""), res_t, len(args))
        return self.emit(llvm.CallOp(fn, *args, return_type=res_t))

    def icmp(self, pred: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.ICmpOp(a, b, IntegerAttr(_ICMP.index(pred), i64)))

    def select(self, c: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.SelectOp(c, a, b))

    # -- the rest, one method per op ----------------------------------------------------
    def _CmpiOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.icmp(arith.CMPI_COMPARISON_OPERATIONS[op.predicate.value.data], a[0], a[1])  # type: ignore[attr-defined]

    def _CmpfOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        pred = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]  # type: ignore[attr-defined]
        return self.emit(llvm.FCmpOp(a[0], a[1], "_false" if pred == "false" else "_true" if pred == "true" else pred))

    def _SelectOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.select(a[0], a[1], a[2])

    def _NegfOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.FNegOp(a[0]))

    def _minmax(self, pred: str, a: list[SSAValue]) -> SSAValue:
        return self.select(self.icmp(pred, a[0], a[1]), a[0], a[1])

    def _MaxSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self._minmax("sgt", a)

    def _MinSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self._minmax("slt", a)

    def _MaxUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self._minmax("ugt", a)

    def _MinUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self._minmax("ult", a)

    def _FloorDivSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return floordiv(self, a[0], a[1], t)

    def _CeilDivSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        zero = self.emit(llvm.ConstantOp(IntegerAttr(0, t), t))  # type: ignore[arg-type]
        neg = self.emit(llvm.SubOp(zero, a[0]))
        q = floordiv(self, neg, a[1], t)
        return self.emit(llvm.SubOp(zero, q))

    def _ExtFOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.FPExtOp(a[0], t))

    def _TruncFOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.FPTruncOp(a[0], t))

    def _ExtSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.SExtOp(a[0], t))

    def _ExtUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.ZExtOp(a[0], t))

    def _TruncIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.TruncOp(a[0], t))

    def _IndexCastOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        src, dst = width(op.operands[0].type), width(t)
        if src == dst:
            return a[0]
        return self.emit(llvm.SExtOp(a[0], t) if dst > src else llvm.TruncOp(a[0], t))

    def _SIToFPOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.SIToFPOp(a[0], t))

    def _UIToFPOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        src = width(op.operands[0].type)
        if src >= 64:
            raise CodegenError("uitofp from 64-bit integers is not supported by the LLVM backend")
        wide = self.emit(llvm.ZExtOp(a[0], i64))
        return self.emit(llvm.SIToFPOp(wide, t))

    def _FPToSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        """Saturating (and NaN -> 0): exactly graph.cast's rule."""
        return self.emit(llvm.CallIntrinsicOp(f"llvm.fptosi.sat.{suffix(t)}.{suffix(op.operands[0].type)}", a, [t]))

    def _FPToUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.CallIntrinsicOp(f"llvm.fptoui.sat.{suffix(t)}.{suffix(op.operands[0].type)}", a, [t]))

    def _BitcastOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.BitcastOp(a[0], t))

    def _RsqrtOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        root = self.intrin("sqrt", a, t)
        one = self.emit(llvm.ConstantOp(_float_attr(1.0, t), t))
        return self.emit(llvm.FDivOp(one, root))

    def _AbsIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        zero = self.emit(llvm.ConstantOp(IntegerAttr(0, t), t))  # type: ignore[arg-type]
        neg = self.emit(llvm.SubOp(zero, a[0]))
        return self.select(self.icmp("slt", a[0], zero), neg, a[0])

    def _FmaOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.intrin("fma", a, t)

    def _FPowIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.CallIntrinsicOp(f"llvm.powi.{suffix(t)}.{suffix(op.operands[1].type)}", a, [t]))


def _float_attr(v: float, t: Attribute) -> Attribute:
    from xdsl.dialects.builtin import FloatAttr

    return FloatAttr(v, t)  # type: ignore[arg-type]


def floordiv(s: ScalarLowering, a: SSAValue, b: SSAValue, t: Attribute) -> SSAValue:
    """Floor division: sdiv, then subtract 1 when the remainder's sign differs from b's."""
    q = s.emit(llvm.SDivOp(a, b))
    r = s.emit(llvm.SRemOp(a, b))
    zero = s.emit(llvm.ConstantOp(IntegerAttr(0, t), t))  # type: ignore[arg-type]
    nonzero = s.icmp("ne", r, zero)
    sign_r = s.icmp("slt", r, zero)
    sign_b = s.icmp("slt", b, zero)
    differ = s.emit(llvm.XOrOp(sign_r, sign_b))
    fix = s.emit(llvm.AndOp(nonzero, differ))
    fix_w = s.emit(llvm.ZExtOp(fix, t))
    return s.emit(llvm.SubOp(q, fix_w))
