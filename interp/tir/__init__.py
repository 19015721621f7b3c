"""The tensorir interpreter: compiled (and cached) to numpy code per binding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorforge.dialects.tirops.ops import FuncOp
from tensorforge.errors import InterpError

_CACHE: dict[tuple[str, tuple[tuple[str, int], ...]], Any] = {}
_CACHE_LIMIT = 256


def compile_func(func: FuncOp, env: dict[str, int]) -> Any:
    from tensorforge.interp.tir.codegen import Codegen, GridRuntime
    from tensorforge.interp.tir.scalar_ops import Runtime
    from tensorforge.ir import print_module

    key = (print_module(func), tuple(sorted(env.items())))
    if key in _CACHE:
        return _CACHE[key]
    gen = Codegen(func, dict(env))
    source = gen.generate()
    namespace: dict[str, Any] = {"_np": np, "_rt": Runtime, "_rt_grid": GridRuntime, **gen.consts}
    try:
        exec(compile(source, f"<tir @{func.sym_name.data}>", "exec"), namespace)
    except SyntaxError as e:  # a codegen bug: show the generated line
        raise InterpError(f"tensorir codegen produced invalid Python for @{func.sym_name.data}: {e}") from e
    kernel = namespace["_kernel"]
    kernel.source = source
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = kernel
    return kernel


def run_func(func: FuncOp, arrays: Sequence[np.ndarray], hint: dict[str, int] | None = None) -> list[np.ndarray]:
    """Run a tir.func on arrays (modified in place); returns them. `hint`: the
    caller's symbol values, for symbols the buffer shapes cannot determine."""
    from tensorforge.interp.machine import bind_arguments

    where = f"@{func.sym_name.data}"
    env = bind_arguments(func.arg_name_list, func.function_type.inputs.data, arrays, where, hint)
    kernel = compile_func(func, env)
    with np.errstate(all="ignore"):
        try:
            kernel(list(arrays))
        except InterpError:
            raise
        except (IndexError, ValueError, TypeError) as e:
            raise InterpError(f"{where}: {type(e).__name__}: {e}") from e
    return list(arrays)
