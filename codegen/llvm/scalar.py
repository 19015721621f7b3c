"""arith/math ops on scalars (and vectors) -> xDSL `llvm` dialect ops.

LLVM intrinsics cover most math (`llvm.exp.f32`, `llvm.maximum.f32`,
saturating `llvm.fptosi.sat`); the rest calls libm (`tanhf`, `erff`, ...),
which the JIT resolves in the running process.
"""

from __future__ import annotations

import functools
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
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.errors import TensorforgeError

Emit = Callable[[Operation], SSAValue]


class CodegenError(TensorforgeError):
    """tensorir the LLVM backend cannot compile (named op and reason)."""


def lltype(t: Attribute) -> Attribute:
    """The LLVM type of a tir value type. bf16 values are their bits (i16): LLVM's
    bfloat support on x86 miscompiles vector shuffles of bf16 (AVX-512, -O3) and
    needs libcalls; bf16 arithmetic is done in f32 here, as ml_dtypes does."""
    if isinstance(t, IndexType):
        return i64
    if isinstance(t, BFloat16Type):
        return i16
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
_FBIN = {arith.AddfOp: llvm.FAddOp, arith.SubfOp: llvm.FSubOp, arith.MulfOp: llvm.FMulOp, arith.DivfOp: llvm.FDivOp,
         llvm.FRemOp: llvm.FRemOp}  # the lowerings emit llvm.frem (C fmod) for float mod: xDSL has no arith.remf
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
        if any(is_bf16(v.type) for v in (*op.operands, *op.results)):
            return self.lower_bf16(op, args)
        return self.lower_typed(op, args, lltype(op.results[0].type))

    def lower_typed(self, op: Operation, args: list[SSAValue], res_t: Attribute) -> SSAValue:
        t = type(op)
        if t in _BIN:
            return self.emit(_BIN[t](args[0], args[1]))
        if t in _FBIN:
            return self.emit(_FBIN[t](args[0], args[1], fast_math=llvm.FastMathAttr(self.flags)))
        if t in _FINTRIN2:
            return self.intrin(_FINTRIN2[t], args, res_t)
        elt_t = res_t.element_type if isinstance(res_t, VectorType) else res_t
        if t is math.ExpOp and isinstance(elt_t, Float32Type):  # vectorizable expansion (vmath.py), lane-wise on vectors
            from tensorforge.codegen.llvm.vmath import exp_f32

            # pyright loads this file twice (codegen.llvm.scalar, and tensorforge.codegen.llvm.scalar through
            # the build/pyright link), so `self` is not the ScalarLowering vmath names: a false mismatch
            return exp_f32(self, args[0])  # pyright: ignore[reportArgumentType]
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
        if w not in (32, 64):  # f16: in f32, rounded once
            ext = [self.emit(llvm.FPExtOp(a, Float32Type())) for a in args]
            out = self.libm(name, ext, Float32Type())
            return self.emit(llvm.FPTruncOp(out, res_t))
        fn = self.declare_libm(name + ("f" if w == 32 else ""), res_t, len(args))
        return self.emit(llvm.CallOp(fn, *args, return_type=res_t))

    def int_const(self, v: int, t: Attribute) -> SSAValue:
        """An integer constant of type `t`, splat when `t` is a vector."""
        if isinstance(t, VectorType):
            from xdsl.dialects.builtin import DenseIntOrFPElementsAttr

            attr = DenseIntOrFPElementsAttr.from_list(t, [v] * t.get_shape()[0])
            return self.emit(llvm.ConstantOp(attr, t))  # type: ignore[arg-type]
        return self.emit(llvm.ConstantOp(IntegerAttr(v, t), t))  # type: ignore[arg-type]

    def float_const(self, v: float, t: Attribute) -> SSAValue:
        """A float constant of type `t`, splat when `t` is a vector."""
        if isinstance(t, VectorType):
            from xdsl.dialects.builtin import DenseIntOrFPElementsAttr

            attr = DenseIntOrFPElementsAttr.from_list(t, [v] * t.get_shape()[0])
            return self.emit(llvm.ConstantOp(attr, t))  # type: ignore[arg-type]
        return self.emit(llvm.ConstantOp(_float_attr(v, t), t))

    def icmp(self, pred: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.ICmpOp(a, b, IntegerAttr(_ICMP.index(pred), i64)))

    def select(self, c: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.SelectOp(c, a, b))

    # -- bf16: bits in i16, arithmetic in f32 -------------------------------------------
    def lower_bf16(self, op: Operation, args: list[SSAValue]) -> SSAValue:
        """An op with bf16 operands or result: widen bf16 operands to f32 (exact),
        compute in f32 and round the result to bf16 (nearest even), as ml_dtypes
        does; moves and sign operations work on the bits."""
        dst = op.results[0].type
        src = op.operands[0].type if op.operands else dst
        if isinstance(op, arith.SelectOp):
            return self.select(args[0], args[1], args[2])
        if isinstance(op, arith.BitcastOp) or (isinstance(op, arith.ExtFOp | arith.TruncFOp) and src == dst):
            return args[0]
        if isinstance(op, arith.NegfOp):
            return self.emit(llvm.XOrOp(args[0], self.int_const(0x8000, lltype(dst))))
        if isinstance(op, math.AbsFOp):
            return self.emit(llvm.AndOp(args[0], self.int_const(0x7FFF, lltype(dst))))
        wide = [self.bf16_to_f32(a) if is_bf16(v.type) else a for a, v in zip(args, op.operands, strict=True)]
        if isinstance(op, arith.ExtFOp):  # bf16 -> f32 / f64
            return wide[0] if width(dst) == 32 else self.emit(llvm.FPExtOp(wide[0], lltype(dst)))
        if isinstance(op, arith.TruncFOp) and is_bf16(dst):  # f32 / f64 -> bf16 (f64 through f32, as ml_dtypes)
            x = args[0] if width(src) == 32 else self.emit(llvm.FPTruncOp(args[0], _like(src, Float32Type())))
            return self.f32_to_bf16(x)
        if isinstance(op, arith.FPToSIOp | arith.FPToUIOp):
            kind = "fptosi" if isinstance(op, arith.FPToSIOp) else "fptoui"
            f32 = _like(src, Float32Type())
            return self.emit(llvm.CallIntrinsicOp(f"llvm.{kind}.sat.{suffix(lltype(dst))}.{suffix(f32)}", wide, [lltype(dst)]))
        res = self.lower_typed(op, wide, _like(dst, Float32Type()) if is_bf16(dst) else lltype(dst))
        return self.f32_to_bf16(res) if is_bf16(dst) else res

    def bf16_to_f32(self, x: SSAValue) -> SSAValue:
        """Exact: the bf16 bits are the high half of the f32's."""
        wide = self.emit(llvm.ZExtOp(x, _like(x.type, i32)))
        return self.emit(llvm.BitcastOp(self.emit(llvm.ShlOp(wide, self.int_const(16, wide.type))), _like(x.type, Float32Type())))

    def f32_to_bf16(self, x: SSAValue) -> SSAValue:
        """Round to nearest even; a NaN stays a (quiet) NaN of the same sign."""
        t32 = _like(x.type, i32)
        bits = self.emit(llvm.BitcastOp(x, t32))
        hi = self.emit(llvm.LShrOp(bits, self.int_const(16, t32)))
        lsb = self.emit(llvm.AndOp(hi, self.int_const(1, t32)))
        rounded = self.emit(llvm.AddOp(bits, self.emit(llvm.AddOp(lsb, self.int_const(0x7FFF, t32)))))
        nan = self.emit(llvm.FCmpOp(x, x, "uno"))
        quiet = self.emit(llvm.OrOp(hi, self.int_const(0x40, t32)))
        out = self.select(nan, quiet, self.emit(llvm.LShrOp(rounded, self.int_const(16, t32))))
        return self.emit(llvm.TruncOp(out, _like(x.type, i16)))

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
        zero = self.int_const(0, t)
        neg = self.emit(llvm.SubOp(zero, a[0]))
        q = floordiv(self, neg, a[1], t)
        return self.emit(llvm.SubOp(zero, q))

    def _CeilDivUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        """Unsigned ceiling division without overflow: a / b, plus 1 when there is a remainder."""
        rem = self.icmp("ne", self.emit(llvm.URemOp(a[0], a[1])), self.int_const(0, t))
        return self.emit(llvm.AddOp(self.emit(llvm.UDivOp(a[0], a[1])), self.emit(llvm.ZExtOp(rem, t))))

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
        from tensorforge.codegen.llvm.compat import UIToFPOp

        return self.emit(UIToFPOp(a[0], t))

    def _FPToSIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        """Saturating (and NaN -> 0): exactly graph.cast's rule."""
        return self.emit(llvm.CallIntrinsicOp(f"llvm.fptosi.sat.{suffix(t)}.{suffix(a[0].type)}", a, [t]))

    def _FPToUIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.CallIntrinsicOp(f"llvm.fptoui.sat.{suffix(t)}.{suffix(a[0].type)}", a, [t]))

    def _BitcastOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.BitcastOp(a[0], t))

    def _RsqrtOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        root = self.intrin("sqrt", a, t)
        one = self.float_const(1.0, t)
        return self.emit(llvm.FDivOp(one, root))

    def _AbsIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        zero = self.int_const(0, t)
        neg = self.emit(llvm.SubOp(zero, a[0]))
        return self.select(self.icmp("slt", a[0], zero), neg, a[0])

    def _FmaOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.intrin("fma", a, t)

    def _IPowIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        """Integer power, wrapping (math.ipowi): square-and-multiply over every
        exponent bit, branch-free so it vectorizes; a negative exponent gives
        1 for base 1, +-1 for base -1 and 0 otherwise (integer 1 / x^-e)."""
        base, e = a
        const = functools.partial(self.int_const, t=t)
        zero, one = const(0), const(1)
        result = one
        bits = width(t)
        for i in range(bits - 1):
            bit = self.emit(llvm.AndOp(self.emit(llvm.LShrOp(e, const(i))), one))
            result = self.select(self.icmp("ne", bit, zero), self.emit(llvm.MulOp(result, base)), result)
            if i < bits - 2:
                base = self.emit(llvm.MulOp(base, base))
        odd = self.icmp("ne", self.emit(llvm.AndOp(e, one)), zero)
        minus_one = const(-1)
        small = self.select(self.icmp("eq", a[0], one), one,
                            self.select(self.icmp("eq", a[0], minus_one), self.select(odd, minus_one, one), zero))
        return self.select(self.icmp("slt", e, zero), small, result)

    def _FPowIOp(self, op: Operation, a: list[SSAValue], t: Attribute) -> SSAValue:
        return self.emit(llvm.CallIntrinsicOp(f"llvm.powi.{suffix(t)}.{suffix(a[1].type)}", a, [t]))


def is_bf16(t: Attribute) -> bool:
    return isinstance(t.element_type if isinstance(t, VectorType) else t, BFloat16Type)


def _like(t: Attribute, elt: Attribute) -> Attribute:
    """`elt`, or a vector of `elt` with t's lanes when t is a vector."""
    return VectorType(elt, t.get_shape()) if isinstance(t, VectorType) else elt


def _float_attr(v: float, t: Attribute) -> Attribute:
    from xdsl.dialects.builtin import FloatAttr

    return FloatAttr(v, t)  # type: ignore[arg-type]


def floordiv(s: ScalarLowering, a: SSAValue, b: SSAValue, t: Attribute) -> SSAValue:
    """Floor division: sdiv, then subtract 1 when the remainder's sign differs from b's."""
    q = s.emit(llvm.SDivOp(a, b))
    r = s.emit(llvm.SRemOp(a, b))
    zero = s.int_const(0, t)
    nonzero = s.icmp("ne", r, zero)
    sign_r = s.icmp("slt", r, zero)
    sign_b = s.icmp("slt", b, zero)
    differ = s.emit(llvm.XOrOp(sign_r, sign_b))
    fix = s.emit(llvm.AndOp(nonzero, differ))
    fix_w = s.emit(llvm.ZExtOp(fix, t))
    return s.emit(llvm.SubOp(q, fix_w))
