"""numpy spellings of the `arith` and `math` ops used in tensorir bodies.

Each entry maps an op class to a template over its operand names; the same
template works on numpy scalars (scalar loops) and arrays (vectorized loop
nests), and keeps the operand dtype as LLVM would (integers wrap, f32 stays
f32). Runtime helpers (`_rt.*`) implement the rounding-sensitive cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects import arith, math
from xdsl.dialects.arith import CMPF_COMPARISON_OPERATIONS, CMPI_COMPARISON_OPERATIONS
from xdsl.ir import Operation

from tensorforge.dialects.graphops.types import numpy_dtype

Template = Callable[[Operation, list[str]], str]


def _bin(fmt: str) -> Template:
    return lambda op, a: fmt.format(*a)


def _dtype_name(t: object) -> str:
    from xdsl.dialects.builtin import IndexType, VectorType

    if isinstance(t, VectorType):
        t = t.element_type
    if isinstance(t, IndexType):
        return "_rt.INDEX"
    return f"_rt.dt({str(numpy_dtype(t))!r})"  # type: ignore[arg-type]


def _cast(op: Operation, a: list[str]) -> str:
    return f"_rt.astype({a[0]}, {_dtype_name(op.results[0].type)})"


def _unsigned(op: Operation, a: list[str], fmt: str) -> str:
    t = _dtype_name(op.operands[0].type)
    return fmt.format(*[f"_rt.as_unsigned({x}, {t})" for x in a], t=t)


CMPI = {
    "eq": "({0} == {1})", "ne": "({0} != {1})", "slt": "({0} < {1})", "sle": "({0} <= {1})",
    "sgt": "({0} > {1})", "sge": "({0} >= {1})",
}
CMPF = {
    "false": "_rt.full_like_bool({0}, False)", "true": "_rt.full_like_bool({0}, True)",
    "oeq": "({0} == {1})", "ogt": "({0} > {1})", "oge": "({0} >= {1})", "olt": "({0} < {1})",
    "ole": "({0} <= {1})", "one": "(({0} != {1}) & ~_rt.unordered({0}, {1}))", "ord": "~_rt.unordered({0}, {1})",
    "ueq": "(({0} == {1}) | _rt.unordered({0}, {1}))", "ugt": "~({0} <= {1})", "uge": "~({0} < {1})",
    "ult": "~({0} >= {1})", "ule": "~({0} > {1})", "une": "({0} != {1})", "uno": "_rt.unordered({0}, {1})",
}


def _cmpi(op: Operation, a: list[str]) -> str:
    pred = CMPI_COMPARISON_OPERATIONS[op.predicate.value.data]  # type: ignore[attr-defined]
    if pred in CMPI:
        return CMPI[pred].format(*a)
    sym = {"ult": "<", "ule": "<=", "ugt": ">", "uge": ">="}[pred]
    return _unsigned(op, a, "({0} " + sym + " {1})")


def _cmpf(op: Operation, a: list[str]) -> str:
    return CMPF[CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]].format(*a)  # type: ignore[attr-defined]


SCALAR_OPS: dict[type[Operation], Template] = {
    arith.AddiOp: _bin("({0} + {1})"),
    arith.SubiOp: _bin("({0} - {1})"),
    arith.MuliOp: _bin("({0} * {1})"),
    arith.DivSIOp: _bin("_rt.divsi({0}, {1})"),
    arith.DivUIOp: lambda op, a: _unsigned(op, a, "_rt.astype({0} // {1}, {t})"),
    arith.RemSIOp: _bin("_rt.remsi({0}, {1})"),
    arith.RemUIOp: lambda op, a: _unsigned(op, a, "_rt.astype({0} % {1}, {t})"),
    arith.FloorDivSIOp: _bin("({0} // {1})"),
    arith.CeilDivSIOp: _bin("(-((-{0}) // {1}))"),
    arith.CeilDivUIOp: lambda op, a: _unsigned(op, a, "_rt.astype(-((-{0}) // {1}), {t})"),
    arith.MaxSIOp: _bin("_np.maximum({0}, {1})"),
    arith.MinSIOp: _bin("_np.minimum({0}, {1})"),
    arith.MaxUIOp: lambda op, a: _unsigned(op, a, "_rt.astype(_np.maximum({0}, {1}), {t})"),
    arith.MinUIOp: lambda op, a: _unsigned(op, a, "_rt.astype(_np.minimum({0}, {1}), {t})"),
    arith.AndIOp: _bin("({0} & {1})"),
    arith.OrIOp: _bin("({0} | {1})"),
    arith.XOrIOp: _bin("({0} ^ {1})"),
    arith.ShLIOp: _bin("_rt.shl({0}, {1})"),
    arith.ShRSIOp: _bin("_rt.shrs({0}, {1})"),
    arith.ShRUIOp: lambda op, a: _unsigned(op, a, "_rt.astype({0} >> {1}, {t})"),
    arith.CmpiOp: _cmpi,
    arith.CmpfOp: _cmpf,
    arith.SelectOp: _bin("_np.where({0}, {1}, {2})"),
    arith.AddfOp: _bin("({0} + {1})"),
    arith.SubfOp: _bin("({0} - {1})"),
    arith.MulfOp: _bin("({0} * {1})"),
    arith.DivfOp: _bin("({0} / {1})"),
    arith.NegfOp: _bin("(-{0})"),
    arith.MaximumfOp: _bin("_np.maximum({0}, {1})"),
    arith.MinimumfOp: _bin("_np.minimum({0}, {1})"),
    arith.MaxnumfOp: _bin("_np.fmax({0}, {1})"),
    arith.MinnumfOp: _bin("_np.fmin({0}, {1})"),
    arith.IndexCastOp: _cast,
    arith.FPToSIOp: _cast,
    arith.FPToUIOp: _cast,
    arith.SIToFPOp: _cast,
    arith.UIToFPOp: lambda op, a: _unsigned(op, a, "_rt.astype({0}, " + _dtype_name(op.results[0].type) + ")"),
    arith.ExtFOp: _cast,
    arith.TruncFOp: _cast,
    arith.ExtSIOp: _cast,
    arith.ExtUIOp: lambda op, a: _unsigned(op, a, "_rt.astype({0}, " + _dtype_name(op.results[0].type) + ")"),
    arith.TruncIOp: _cast,
    arith.BitcastOp: lambda op, a: f"_rt.bitcast({a[0]}, {_dtype_name(op.results[0].type)})",
    math.AbsFOp: _bin("_np.abs({0})"),
    math.AbsIOp: _bin("_np.abs({0})"),
    math.ExpOp: _bin("_np.exp({0})"),
    math.Exp2Op: _bin("_np.exp2({0})"),
    math.ExpM1Op: _bin("_np.expm1({0})"),
    math.LogOp: _bin("_np.log({0})"),
    math.Log2Op: _bin("_np.log2({0})"),
    math.Log10Op: _bin("_np.log10({0})"),
    math.Log1pOp: _bin("_np.log1p({0})"),
    math.SqrtOp: _bin("_np.sqrt({0})"),
    math.RsqrtOp: _bin("_rt.rsqrt({0})"),
    math.TanhOp: _bin("_np.tanh({0})"),
    math.SinOp: _bin("_np.sin({0})"),
    math.CosOp: _bin("_np.cos({0})"),
    math.TanOp: _bin("_np.tan({0})"),
    math.AtanOp: _bin("_np.arctan({0})"),
    math.Atan2Op: _bin("_np.arctan2({0}, {1})"),
    math.SinhOp: _bin("_np.sinh({0})"),
    math.CoshOp: _bin("_np.cosh({0})"),
    math.AsinOp: _bin("_np.arcsin({0})"),
    math.AcosOp: _bin("_np.arccos({0})"),
    math.AsinhOp: _bin("_np.arcsinh({0})"),
    math.AcoshOp: _bin("_np.arccosh({0})"),
    math.AtanhOp: _bin("_np.arctanh({0})"),
    math.CbrtOp: _bin("_np.cbrt({0})"),
    math.ErfOp: _bin("_rt.erf({0})"),
    math.FloorOp: _bin("_np.floor({0})"),
    math.CeilOp: _bin("_np.ceil({0})"),
    math.RoundEvenOp: _bin("_np.rint({0})"),
    math.RoundOp: _bin("_rt.round_away({0})"),
    math.TruncOp: _bin("_np.trunc({0})"),
    math.PowFOp: _bin("_np.power({0}, {1})"),
    math.IPowIOp: _bin("_rt.ipowi({0}, {1})"),
    math.FPowIOp: _bin("_rt.fpowi({0}, {1})"),
    math.CopySignOp: _bin("_np.copysign({0}, {1})"),
    math.FmaOp: _bin("({0} * {1} + {2})"),
}


class Runtime:
    """Helpers the generated code calls as `_rt.*`."""

    INDEX = np.dtype(np.int64)

    @staticmethod
    def dt(name: str) -> np.dtype:
        if name == "bfloat16":
            import ml_dtypes

            return np.dtype(ml_dtypes.bfloat16)
        return np.dtype(name)

    @staticmethod
    def astype(x: Any, dtype: np.dtype) -> Any:
        if isinstance(x, np.ndarray):
            return x.astype(dtype)
        if dtype == Runtime.INDEX:
            return int(x)  # type: ignore[call-overload]
        return dtype.type(x)

    @staticmethod
    def as_unsigned(x: Any, dtype: np.dtype) -> Any:
        if dtype == Runtime.INDEX or dtype.kind != "i":
            return x
        return np.asarray(x).astype(dtype).view(np.dtype(f"u{dtype.itemsize}"))

    @staticmethod
    def divsi(a: Any, b: Any) -> Any:
        """Signed division truncating toward zero (numpy's // floors)."""
        q = np.floor_divide(a, b)
        r = a - q * b  # type: ignore[operator]
        return q + ((r != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))).astype(np.asarray(q).dtype)

    @staticmethod
    def remsi(a: Any, b: Any) -> Any:
        return np.fmod(a, b)

    @staticmethod
    def shl(a: Any, b: Any) -> Any:
        return np.left_shift(a, b)

    @staticmethod
    def shrs(a: Any, b: Any) -> Any:
        return np.right_shift(a, b)

    @staticmethod
    def bitcast(x: Any, dtype: np.dtype) -> Any:
        return np.asarray(x).view(dtype) if isinstance(x, np.ndarray) else np.asarray(x).view(dtype)[()]

    @staticmethod
    def rsqrt(x: Any) -> Any:
        return np.reciprocal(np.sqrt(x))

    @staticmethod
    def erf(x: Any) -> Any:
        from tensorforge.interp.elementwise import erf as _erf

        arr = np.asarray(x)
        out = np.asarray(_erf(arr)).astype(arr.dtype)
        return out if isinstance(x, np.ndarray) else out[()]

    @staticmethod
    def round_away(x: Any) -> Any:
        return np.copysign(np.floor(np.abs(x) + np.asarray(0.5, dtype=np.asarray(x).dtype)), x)

    @staticmethod
    def ipowi(a: Any, b: Any) -> Any:
        return np.power(a, b)

    @staticmethod
    def fpowi(a: Any, b: Any) -> Any:
        return np.power(a, np.asarray(b).astype(np.asarray(a).dtype))

    @staticmethod
    def unordered(a: Any, b: Any) -> Any:
        return np.isnan(a) | np.isnan(b)

    @staticmethod
    def full_like_bool(a: Any, v: bool) -> Any:
        return np.full(np.shape(a), v) if isinstance(a, np.ndarray) else np.bool_(v)


# llvm.frem (C fmod): xDSL 0.74 has no arith.remf; the elementwise lowerings use it for float mod/fmod.
from xdsl.dialects import llvm  # noqa: E402

SCALAR_OPS[llvm.FRemOp] = _bin("_np.fmod({0}, {1})")
