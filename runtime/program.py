"""The linear program of a lowered graph function: values, kernel calls, results.

After `graph-lower-to-tensorir` an entry function is a sequence of
`graph.call_tir` ops over arguments, constants and parameters. `Program`
numbers every value (a buffer slot) and records each call's inputs and
outputs, which is all the runtime needs to plan memory and call kernels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import SSAValue
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.func import ConstantOp, FuncOp, ParamOp, ReturnOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.errors import InputError, TensorforgeError


class CompileError(TensorforgeError):
    """The module cannot be compiled (with the op or reason named)."""


@dataclass
class Call:
    kernel: str
    inputs: list[int]
    outputs: list[int]


@dataclass
class Program:
    entry: str
    arg_names: list[str]
    res_names: list[str]
    types: list[TensorType] = field(default_factory=list)
    """The type of every value, by value id."""
    args: list[int] = field(default_factory=list)
    constants: dict[int, np.ndarray] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    kernels: dict[str, TirFuncOp] = field(default_factory=dict)


def build_program(
    module: ModuleOp, entry: str, params: dict[str, np.ndarray], base_dir: Path, *, load_data: bool = True
) -> Program:
    """The program of graph function `entry`; `load_data=False` numbers constants and
    parameters without reading their data (enough to emit the entry's code)."""
    func = SymbolTable.lookup_symbol(module, entry)
    if not isinstance(func, FuncOp):
        raise CompileError(f"no graph function @{entry} in the module")
    prog = Program(entry, func.arg_name_list, func.res_name_list)
    ids: dict[SSAValue, int] = {}

    def new(v: SSAValue) -> int:
        assert isinstance(v.type, TensorType)
        ids[v] = len(prog.types)
        prog.types.append(v.type)
        return ids[v]

    for arg in func.body.block.args:
        prog.args.append(new(arg))
    unsupported: list[str] = []
    for op in func.body.block.ops:
        if isinstance(op, ConstantOp | ParamOp) and not load_data:
            new(op.result)
        elif isinstance(op, ConstantOp):
            prog.constants[new(op.result)] = _constant(op, base_dir)
        elif isinstance(op, ParamOp):
            name = op.param_name.data
            if name not in params:
                raise InputError(f"parameter '{name}' was not given to compile (pass params={{'{name}': array}})")
            vid = new(op.result)
            prog.constants[vid] = _check_param(name, op.result.type, params[name])
        elif isinstance(op, CallTirOp):
            kernel = SymbolTable.lookup_symbol(module, op.callee)
            assert isinstance(kernel, TirFuncOp)
            prog.kernels[kernel.sym_name.data] = kernel
            prog.calls.append(Call(kernel.sym_name.data, [ids[v] for v in op.arguments], [new(r) for r in op.res]))
        elif isinstance(op, ReturnOp):
            prog.results = [ids[v] for v in op.arguments]
        else:
            unsupported.append(op.name)
    if unsupported:
        raise CompileError(f"cannot compile @{entry}: ops left after lowering: {', '.join(sorted(set(unsupported)))}")
    return prog


def _constant(op: ConstantOp, base_dir: Path) -> np.ndarray:
    from tensorforge.interp.machine import load_constant
    from tensorforge.interp.registry import EvalContext

    return np.ascontiguousarray(load_constant(EvalContext(base_dir=base_dir), op))


def _check_param(name: str, t: object, value: object) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(value))
    assert isinstance(t, TensorType)
    if arr.dtype != t.dtype or (t.static_shape() is not None and arr.shape != t.static_shape()):
        raise InputError(f"parameter '{name}' is {arr.dtype}{list(arr.shape)}, expected {t}")
    return arr
