"""`compile`: graph module -> lowered, scheduled tensorir -> one native entry point."""

from __future__ import annotations

import ctypes
import time
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from tensorforge.codegen.llvm.lower import ModuleLowering, Options
from tensorforge.runtime.compiled import CompiledModule
from tensorforge.runtime.entry import ENTRY, build_entry
from tensorforge.runtime.prepack import prepack
from tensorforge.runtime.program import CompileError, Program, build_program
from tensorforge.runtime.threads import load_native_runtime


def prepare(module: ModuleOp, entry: str, schedule: str | None, optimize: bool = True) -> ModuleOp:
    """Clone, inline calls, optimize (graph-optimize: folding, fusion, layouts),
    lower to tensorir and apply the default schedules."""
    from tensorforge import pipelines

    m = module.clone()
    pipelines.run(m, f'graph-inline{{entry="{entry}"}}')  # also drops private functions no longer called
    if optimize:
        pipelines.run(m, "graph-optimize")
    pipelines.run(m, "graph-lower-to-tensorir,tir-dedup-funcs")  # identical kernels compile once
    if schedule == "default":
        _default_schedule(m)
    elif schedule not in (None, "none"):
        raise CompileError(f"unknown schedule '{schedule}' (use 'default' or None)")
    return m


def _default_schedule(m: ModuleOp) -> None:
    try:
        from tensorforge.schedule.rules import apply_default_schedule
        from tensorforge.schedule.rules.common import COMPILED_MIN_PARALLEL_POINTS
    except ImportError:
        return
    apply_default_schedule(m, min_parallel_points=COMPILED_MIN_PARALLEL_POINTS)


def native_code(prog: Program, cpu: str, options: Options) -> tuple[Any, Any, str]:
    """(entry function, engine keep-alive, optimized LLVM IR) for a program."""
    import llvmlite.binding as llvm_binding
    from xdsl.backend.llvm.convert import convert_module

    from tensorforge.codegen.llvm.jit import for_cpu, optimize, target_machine

    lowering = ModuleLowering(for_cpu(options, cpu))
    for kernel in prog.kernels.values():
        lowering.lower_func(kernel)
    lowering.funcs.append(build_entry(prog))
    tm = target_machine(cpu)
    mod = optimize(str(convert_module(lowering.module(), fallback_target_triple=None)), tm)
    ir_text = str(mod)
    engine = llvm_binding.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(engine.get_function_address(ENTRY))
    return fn, (engine, tm), ir_text


def compile_module(
    module: ModuleOp,
    target: str = "llvm",
    entry: str = "main",
    *,
    cpu: str = "native",
    params: dict[str, np.ndarray] | None = None,
    schedule: str | None = "default",
    fast_math: bool = False,
    base_dir: str | Path | None = None,
    optimize: bool = True,
) -> CompiledModule:
    """Compile graph function `entry` of `module` for the CPU."""
    if target not in ("llvm", "cpu"):
        raise CompileError(f"unknown target '{target}' (this build supports 'llvm')")
    start = time.perf_counter()
    load_native_runtime()
    lowered = prepare(module, entry, schedule, optimize)
    base = Path(base_dir) if base_dir else Path.cwd()
    folded = prepack(lowered, entry, cpu, base) if schedule == "default" else 0
    prog = build_program(lowered, entry, dict(params or {}), base)
    fn, keep, ir_text = native_code(prog, cpu, Options(fast_math=fast_math))
    info = {
        "cpu": cpu,
        "kernels": len(prog.kernels),
        "calls": len(prog.calls),
        "prepacked": folded,
        "compile_seconds": time.perf_counter() - start,
    }
    cm = CompiledModule(prog, fn, keep, info)
    cm._lowered = lowered  # type: ignore[attr-defined]
    cm._ir = ir_text  # type: ignore[attr-defined]
    return cm
