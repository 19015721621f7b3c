"""Compile-time evaluation of kernel calls on constants (weight pre-packing).

After scheduling, `tir-hoist-constant-stages` moves stages that only read
constants (the packing of a dense layer's weights into panels) into kernels of
their own, called on `graph.constant`s. `fold_constant_calls` runs those calls
once, natively, and replaces them with the constants they produce, so a call of
the compiled model no longer repeats them. Kernels and constants left unused
are erased.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.func import ConstantOp, FuncOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp

FOLD_OPT_LEVEL = 0
"""LLVM optimization level for kernels evaluated once at compile time: their run time
hardly matters, while -O3 code generation costs seconds."""


def prepack(module: ModuleOp, entry: str, cpu: str, base_dir: Path) -> int:
    """Hoist constant-only stages of the scheduled kernels and evaluate them; returns
    the number of calls folded."""
    from xdsl.context import Context

    from tensorforge.transforms.hoist_constant_stages import HoistConstantStagesPass

    HoistConstantStagesPass().apply(Context(), module)
    return fold_constant_calls(module, entry, cpu, base_dir)


def fold_constant_calls(module: ModuleOp, entry: str, cpu: str, base_dir: Path) -> int:
    """Replace `graph.call_tir`s of `entry` whose operands are all constants by constants."""
    func = SymbolTable.lookup_symbol(module, entry)
    if not isinstance(func, FuncOp):
        return 0
    calls = [op for op in func.body.block.ops if isinstance(op, CallTirOp) and _foldable(module, op)]
    if not calls:
        return 0
    from tensorforge.codegen.llvm.jit import JitModule

    kernels = {c.callee.root_reference.data for c in calls}
    jm = JitModule(ModuleOp([_kernel(module, k).clone() for k in sorted(kernels)]), cpu, opt=FOLD_OPT_LEVEL)
    folded = 0
    for call in calls:
        if not all(isinstance(a.owner, ConstantOp) for a in call.arguments):
            continue  # an operand was produced by a call that could not be folded
        inputs = [_value(a.owner, base_dir) for a in call.arguments]  # type: ignore[arg-type]
        outputs = [np.zeros(_static(r.type), r.type.dtype) for r in call.res]  # type: ignore[attr-defined]
        jm.kernels[call.callee.root_reference.data]([*inputs, *outputs], {})
        for r, arr in zip(call.res, outputs, strict=True):
            const = ConstantOp(dense_from_array(arr), r.type)  # type: ignore[arg-type]
            func.body.block.insert_op_before(const, call)
            r.replace_all_uses_with(const.result)
        call.detach()
        call.erase()
        folded += 1
    _erase_dead(module, func)
    return folded


def _foldable(module: ModuleOp, call: CallTirOp) -> bool:
    kernel = _kernel(module, call.callee.root_reference.data)
    if kernel.symbols() or not all(isinstance(a.owner, ConstantOp | CallTirOp) for a in call.arguments):
        return False
    return all(isinstance(r.type, TensorType) and r.type.static_shape() is not None for r in call.res)


def _kernel(module: ModuleOp, name: str) -> TirFuncOp:
    kernel = SymbolTable.lookup_symbol(module, name)
    assert isinstance(kernel, TirFuncOp)
    return kernel


def _static(t: object) -> tuple[int, ...]:
    assert isinstance(t, TensorType)
    shape = t.static_shape()
    assert shape is not None
    return tuple(shape)


def _value(op: ConstantOp, base_dir: Path) -> np.ndarray:
    from tensorforge.interp.machine import load_constant
    from tensorforge.interp.registry import EvalContext

    return np.ascontiguousarray(load_constant(EvalContext(base_dir=base_dir), op))


def _erase_dead(module: ModuleOp, func: FuncOp) -> None:
    """Constants of `func` and tir.funcs that nothing uses any more."""
    for op in reversed(list(func.body.block.ops)):
        if isinstance(op, ConstantOp) and not op.result.uses:
            op.detach()
            op.erase()
    called = {c.callee.root_reference.data for c in module.walk() if isinstance(c, CallTirOp)}
    for op in list(module.body.block.ops):
        if isinstance(op, TirFuncOp) and op.sym_name.data not in called:
            op.detach()
            op.erase()
