"""Runs graph modules on xDSL's interpreter framework with numpy values.

`run(module, "main", *arrays)` checks the arguments against the function's
types, binds its symbolic dims, runs every op through its registered numpy
implementation and checks each result against its declared type under the
bindings, so an unprovable shape assumption (`n` vs `m`) fails loudly here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    ReturnedValues,
    impl,
    impl_callable,
    impl_terminator,
    register_impls,
)
from xdsl.ir import Attribute, Operation
from xdsl.traits import SymbolTable

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import array_from_dense
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import InputError, InterpError, TensorforgeError
from tensorforge.interp.registry import IMPLS, EvalContext


def bind_arguments(
    names: Sequence[str], types: Sequence[Attribute], arrays: Sequence[Any], where: str, hint: dict[str, int] | None = None
) -> dict[str, int]:
    """Check arrays against declared types and bind symbols; errors name the argument.

    `hint` gives values for symbols the shapes cannot determine (a kernel whose
    buffers are only [n*n] takes n from its caller); every dim is still checked."""
    if len(arrays) != len(types):
        raise InputError(f"{where} takes {len(types)} arguments ({', '.join(names)}), got {len(arrays)}")
    env: dict[str, int] = {}
    pending: list[tuple[Any, int, str]] = []
    for name, t, a in zip(names, types, arrays, strict=True):
        if not hasattr(t, "dims"):
            continue
        pending += _bind_one(name, t, a, env, where)
    # dims written as expressions are checked once every argument has bound its symbols
    for dim, size, what in pending:
        _check_dim(dim, size, env, what)
    for dim, size, what in pending:
        for sym in dim.free_symbols() - env.keys():
            if hint is not None and sym in hint:
                env[sym] = hint[sym]
        _check_dim(dim, size, env, what)
    for dim, size, what in pending:
        if dim.free_symbols() - env.keys():
            raise InputError(f"{what} is {size}, but '{dim}' cannot be determined from the arguments")
    return env


def _bind_one(name: str, t: Any, a: Any, env: dict[str, int], where: str) -> list[tuple[Any, int, str]]:
    if not isinstance(a, np.ndarray):
        raise InputError(f"{where}: argument '{name}' must be a numpy array, got {type(a).__name__}")
    if a.dtype != t.dtype:
        raise InputError(f"{where}: argument '{name}' has dtype {a.dtype}, expected {t.dtype} ({t})")
    if a.ndim != t.rank:
        raise InputError(f"{where}: argument '{name}' has rank {a.ndim} (shape {list(a.shape)}), expected rank {t.rank} ({t})")
    pending = []
    for i, (dim, size) in enumerate(zip(t.dims, a.shape, strict=True)):
        if dim.is_symbol():
            sym = next(iter(dim.free_symbols()))
            if sym in env and env[sym] != size:
                raise InputError(
                    f"{where}: argument '{name}' dim {i} is {size}, but '{sym}' is already bound to {env[sym]}"
                )
            env[sym] = size
            continue
        pending.append((i, dim, size))
    return [(dim, size, f"{where}: argument '{name}' dim {i}") for i, dim, size in pending]


def _check_dim(dim: Any, size: int, env: dict[str, int], what: str) -> None:
    free = dim.free_symbols() - env.keys()
    if len(free) == 1 and dim.is_symbol():
        env[free.pop()] = size
        return
    if len(free) == 1:
        _solve_affine(dim, free.pop(), size, env, what)
        return
    if free:
        return  # not determinable from this value alone
    want = dim.evaluate(env)
    if want != size:
        expected = str(want) if dim.is_const() else f"{dim} = {want}"
        raise InputError(f"{what} is {size}, expected {expected}")


def _solve_affine(dim: Any, sym: str, size: int, env: dict[str, int], what: str) -> None:
    """Bind `sym` from a dim `a*sym + b` (a kernel buffer [n*2] binds n); others wait."""
    from tensorforge.dialects.symbolic import Expr

    known = dim.substitute({k: Expr.const(v) for k, v in env.items()})
    b = known.substitute({sym: Expr.const(0)})
    a = known.substitute({sym: Expr.const(1)}) - b
    if not (a.is_const() and b.is_const()) or a.value() == 0 or known != a * Expr.sym(sym) + b:
        return
    value, rest = divmod(size - b.value(), a.value())
    if rest or value < 0:
        raise InputError(f"{what} is {size}, but '{dim}' = {size} has no non-negative integer solution for '{sym}'")
    env[sym] = value


def check_results(ctx: EvalContext, op: Operation, values: Sequence[Any]) -> None:
    for i, (res, v) in enumerate(zip(op.results, values, strict=True)):
        t = res.type
        if not isinstance(t, TensorType):
            continue
        if not isinstance(v, np.ndarray):
            raise InterpError(f"{op.name}: result #{i} is not an array (interpreter bug)")
        if v.dtype != t.dtype:
            raise InterpError(f"{op.name}: result #{i} has dtype {v.dtype}, type says {t.dtype} (interpreter bug)")
        if v.ndim != t.rank:
            raise InterpError(f"{op.name}: result #{i} has shape {list(v.shape)}, type says {t}")
        for d, (dim, size) in enumerate(zip(t.dims, v.shape, strict=True)):
            try:
                _check_dim(dim, size, ctx.env, f"{op.name}: result #{i} dim {d}")
            except InputError as e:
                raise InterpError(f"{e} (operand shapes {[list(np.shape(a)) for a in _operand_values(op)]})") from None


def _check_returned(ctx: EvalContext, func: g.FuncOp, results: Sequence[Any]) -> None:
    for name, t, v in zip(func.res_name_list, func.function_type.outputs.data, results, strict=True):
        if not isinstance(t, TensorType):
            continue
        for d, (dim, size) in enumerate(zip(t.dims, np.shape(v), strict=True)):
            try:
                _check_dim(dim, size, ctx.env, f"@{func.sym_name.data}: result '{name}' dim {d}")
            except InputError as e:
                raise InterpError(str(e)) from None


def _operand_values(op: Operation) -> list[Any]:
    return list(getattr(op, "_tf_last_args", []))


def load_constant(ctx: EvalContext, op: g.ConstantOp) -> np.ndarray:
    t = op.result.type
    assert isinstance(t, TensorType)
    value = op.value
    if isinstance(value, DenseIntOrFPElementsAttr):
        return array_from_dense(value, t)
    path = Path(value.file.data)
    path = path if path.is_absolute() else ctx.base_dir / path
    try:
        with np.load(path) as store:
            arr = store[value.key.data]
    except (OSError, KeyError, ValueError) as e:
        raise InterpError(f"graph.constant: cannot load '{value.key.data}' from {path}: {e}") from None
    if arr.shape != t.static_shape() or arr.dtype != t.dtype:
        raise InterpError(f"graph.constant: '{value.key.data}' in {path} is {arr.dtype}{list(arr.shape)}, type says {t}")
    return arr


@register_impls
class GraphFunctions(InterpreterFunctions):
    """Function-level ops; every other graph op dispatches through `IMPLS`."""

    def __init__(self, ctx: EvalContext) -> None:
        self.ctx = ctx

    @impl_callable(g.FuncOp)
    def call_func(self, interpreter: Interpreter, op: g.FuncOp, args: PythonValues) -> PythonValues:
        where = f"@{op.sym_name.data}"
        env = bind_arguments(op.arg_name_list, op.function_type.inputs.data, args, where)
        self.ctx.frames.append(env)
        try:
            results = interpreter.run_ssacfg_region(op.body, args, op.sym_name.data)
            _check_returned(self.ctx, op, results)
        finally:
            self.ctx.frames.pop()
        return results

    @impl_terminator(g.ReturnOp)
    def run_return(self, interpreter: Interpreter, op: g.ReturnOp, args: PythonValues):
        return ReturnedValues(args), ()

    @impl(g.CallOp)
    def run_call(self, interpreter: Interpreter, op: g.CallOp, args: PythonValues) -> PythonValues:
        callee = SymbolTable.lookup_symbol(op, op.callee)
        if callee is None:
            raise InterpError(f"graph.call: no function {op.callee}")
        results = interpreter.call_op(callee, args)
        check_results(self.ctx, op, results)
        return results

    @impl(g.CallTirOp)
    def run_call_tir(self, interpreter: Interpreter, op: g.CallTirOp, args: PythonValues) -> PythonValues:
        from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
        from tensorforge.interp.tir import run_func

        callee = SymbolTable.lookup_symbol(op, op.callee)
        if not isinstance(callee, TirFuncOp):
            raise InterpError(f"graph.call_tir: no tir.func {op.callee}")
        outs = []
        for r in op.res:
            t = r.type
            assert isinstance(t, TensorType)
            outs.append(np.zeros(self.ctx.dims(t), t.dtype))
        run_func(callee, [*args, *outs], hint=self.ctx.env)
        check_results(self.ctx, op, outs)
        return tuple(outs)

    @impl(g.ConstantOp)
    def run_constant(self, interpreter: Interpreter, op: g.ConstantOp, args: PythonValues) -> PythonValues:
        return (load_constant(self.ctx, op),)

    @impl(g.ParamOp)
    def run_param(self, interpreter: Interpreter, op: g.ParamOp, args: PythonValues) -> PythonValues:
        name = op.param_name.data
        if name not in self.ctx.params:
            raise InputError(f"parameter '{name}' was not given (pass params={{'{name}': array}})")
        t = op.result.type
        assert isinstance(t, TensorType)
        env = bind_arguments([name], [t], [self.ctx.params[name]], "graph.param")
        self.ctx.env.update({k: v for k, v in env.items() if k not in self.ctx.env})
        return (self.ctx.params[name],)


def _dispatch(self: GraphFunctions, interpreter: Interpreter, op: Operation, args: PythonValues) -> PythonValues:
    fn = IMPLS.get(type(op))
    if fn is None:
        raise InterpError(f"the interpreter has no implementation of {op.name}")
    op._tf_last_args = args  # type: ignore[attr-defined]
    try:
        with np.errstate(all="ignore"):
            out = fn(self.ctx, op, *args)
    except TensorforgeError:
        raise
    except Exception as e:  # numpy refused: report it against the op and its location
        shapes = ", ".join(f"{getattr(a, 'dtype', '?')}{list(np.shape(a))}" for a in args)
        raise InterpError(f"{op.name}{_at(op)} failed on operands ({shapes}): {e}") from e
    values = out if isinstance(out, tuple) else (out,)
    check_results(self.ctx, op, values)
    if self.ctx.observer is not None:
        self.ctx.observer(op, tuple(args))
    return values


def _at(op: Operation) -> str:
    from tensorforge.ir import location_of

    loc = location_of(op)
    return f" at {loc}" if loc else ""


def _root_error(e: BaseException) -> TensorforgeError | None:
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, TensorforgeError):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


def make_functions(ctx: EvalContext) -> InterpreterFunctions:
    """GraphFunctions plus a dispatcher for every op registered in `IMPLS`."""
    from tensorforge.interp import load_all

    load_all()
    ns: dict[str, Any] = {}
    for op_type in IMPLS:
        ns[f"run_{op_type.__name__}"] = impl(op_type)(_dispatch)
    cls = register_impls(type("AllGraphFunctions", (GraphFunctions,), ns))
    return cls(ctx)


def run(
    module: ModuleOp,
    entry: str,
    *arrays: Any,
    params: dict[str, np.ndarray] | None = None,
    base_dir: str | Path | None = None,
    observer: Callable[[Operation, tuple[Any, ...]], None] | None = None,
) -> list[np.ndarray]:
    """Interpret `@entry` of `module` on numpy arrays; returns its results.
    `observer(op, operands)` sees every graph op after it ran (calibration)."""
    func = SymbolTable.lookup_symbol(module, entry)
    if func is None:
        raise InputError(f"no function @{entry} in the module")
    from xdsl.dialects import func as xfunc

    from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp

    if isinstance(func, xfunc.FuncOp):  # a StableHLO program (func.func of stablehlo ops)
        from tensorforge.interp.stablehlo import run_stablehlo

        return list(run_stablehlo(module, entry, *arrays))

    if isinstance(func, TirFuncOp):  # loop-level entry: buffers in, buffers (written) out
        from tensorforge.interp.tir import run_func

        return run_func(func, [np.asarray(a) for a in arrays])
    ctx = EvalContext(params=dict(params or {}), base_dir=Path(base_dir) if base_dir else Path.cwd(), observer=observer)
    interpreter = Interpreter(module)
    interpreter.register_implementations(make_functions(ctx))
    values = [np.asarray(a) if isinstance(a, np.generic | int | float | bool) else a for a in arrays]
    try:
        results = interpreter.call_op(func, tuple(values))
    except TensorforgeError:
        raise
    except Exception as e:
        root = _root_error(e)
        if root is not None:
            raise root from None
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InterpError(f"interpretation of @{entry} failed: {first}") from e
    return list(results)
