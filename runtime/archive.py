"""Save and load compiled modules: object code + constants + metadata in one zip.

    compiled.save("model.tfm"); again = tensorforge.load("model.tfm")

A load never recompiles: it maps the saved object code into a fresh JIT
engine. Files from another format version, for a CPU this host lacks, or
that are truncated/corrupt give a clear `ArchiveError`.
"""

from __future__ import annotations

import ctypes
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from tensorforge.errors import TensorforgeError

FORMAT = 1
MAGIC = "tensorforge-compiled-module"


class ArchiveError(TensorforgeError):
    """A saved compiled module cannot be loaded."""


def _host_features() -> set[str]:
    import llvmlite.binding as llvm_binding

    return {f for f in llvm_binding.get_host_cpu_features().flatten().split(",") if f.startswith("+")}


def save(compiled: Any, path: str | Path) -> None:
    import llvmlite.binding as llvm_binding

    from tensorforge import __version__
    from tensorforge.codegen.llvm.jit import target_machine
    from tensorforge.ir import print_module

    prog = compiled.prog
    cpu = compiled.info["cpu"]
    tm = target_machine(cpu)
    obj = tm.emit_object(llvm_binding.parse_assembly(compiled._ir))
    meta = {
        "magic": MAGIC,
        "format": FORMAT,
        "tensorforge": __version__,
        "entry": prog.entry,
        "cpu": cpu,
        "features": sorted(_host_features()) if cpu == "native" else [],
        "constants": {str(k): f"c{k}" for k in prog.constants},
        "info": {k: v for k, v in compiled.info.items() if isinstance(v, int | float | str)},
    }
    consts = io.BytesIO()
    np.savez(consts, **{f"c{k}": v for k, v in prog.constants.items()})
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta.json", json.dumps(meta, indent=1))
        z.writestr("module.mlir", _module_without_constants(compiled._lowered, prog))
        z.writestr("kernels.o", obj)
        z.writestr("constants.npz", consts.getvalue())
    _ = print_module


def _module_without_constants(lowered: Any, prog: Any) -> str:
    """The lowered module with entry constants turned into parameters named by value id."""
    from xdsl.rewriter import Rewriter
    from xdsl.traits import SymbolTable

    from tensorforge.dialects.graphops.func import ConstantOp, FuncOp, ParamOp
    from tensorforge.ir import print_module

    m = lowered.clone()
    func = SymbolTable.lookup_symbol(m, prog.entry)
    assert isinstance(func, FuncOp), prog.entry  # the program was built from this entry function
    vid = len(func.body.block.args)
    for op in list(func.body.block.ops):
        if isinstance(op, ConstantOp):
            Rewriter.replace_op(op, ParamOp(f"__tf_c{vid}", op.result.type))
        vid += len(op.results)
    return print_module(m)


def load(path: str | Path) -> Any:
    """Load a module saved by `CompiledModule.save` (no recompilation)."""
    import llvmlite.binding as llvm_binding

    from tensorforge import __version__
    from tensorforge.codegen.llvm.jit import target_machine
    from tensorforge.ir import parse_module
    from tensorforge.runtime.compiled import CompiledModule
    from tensorforge.runtime.entry import ENTRY
    from tensorforge.runtime.program import build_program
    from tensorforge.runtime.threads import load_native_runtime

    load_native_runtime()
    try:
        with zipfile.ZipFile(path) as z:
            meta = json.loads(z.read("meta.json"))
            text = z.read("module.mlir").decode()
            obj = z.read("kernels.o")
            with np.load(io.BytesIO(z.read("constants.npz"))) as store:
                consts = {k: store[k] for k in store.files}
    except FileNotFoundError:
        raise ArchiveError(f"cannot load '{path}': no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as e:
        raise ArchiveError(f"cannot load '{path}': not a tensorforge compiled module or corrupt ({e})") from None
    if meta.get("magic") != MAGIC:
        raise ArchiveError(f"cannot load '{path}': not a tensorforge compiled module")
    if meta.get("format") != FORMAT or meta.get("tensorforge") != __version__:
        raise ArchiveError(
            f"cannot load '{path}': saved by tensorforge {meta.get('tensorforge')} (format {meta.get('format')}), "
            f"this is {__version__} (format {FORMAT}); recompile the model"
        )
    missing = set(meta.get("features", [])) - _host_features()
    if missing:
        raise ArchiveError(f"cannot load '{path}': compiled for a CPU with {', '.join(sorted(missing)[:6])} which this host lacks; recompile")
    module = parse_module(text)
    params = {f"__tf_c{k}": consts[name] for k, name in meta["constants"].items()}
    prog = build_program(module, meta["entry"], params, Path.cwd())
    tm = target_machine(meta["cpu"])
    engine = llvm_binding.create_mcjit_compiler(llvm_binding.parse_assembly(""), tm)
    engine.add_object_file(llvm_binding.ObjectFileRef.from_data(obj))
    engine.finalize_object()
    addr = engine.get_function_address(ENTRY)
    if not addr:
        raise ArchiveError(f"cannot load '{path}': the object code has no entry point")
    fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(addr)
    cm = CompiledModule(prog, fn, (engine, tm), dict(meta.get("info", {})) | {"cpu": meta["cpu"]})
    cm._lowered = module  # type: ignore[attr-defined]
    cm._ir = None  # type: ignore[attr-defined]
    return cm
