"""Compile lowered modules with llvmlite (MCJIT) and call kernels on numpy arrays.

Target options: `cpu="native"` (the host CPU and its features, default), an
explicit CPU name (e.g. "znver4", "skylake-avx512"), or "generic" for a
portable x86-64 baseline.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import llvmlite.binding as llvm_binding
import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from tensorforge.codegen.llvm.lower import LOOP_HINT, ModuleLowering, Options, kernel_symbol, symbol_order
from tensorforge.codegen.llvm.scalar import CodegenError
from tensorforge.dialects.tirops.ops import FuncOp


@functools.cache
def _init() -> None:
    llvm_binding.initialize_native_target()
    llvm_binding.initialize_native_asmprinter()
    gomp = ctypes.util.find_library("gomp")
    if gomp is None:
        raise CodegenError("libgomp is needed for parallel loops and was not found")
    llvm_binding.load_library_permanently(gomp)
    llvm_binding.load_library_permanently(ctypes.util.find_library("m") or "libm.so.6")
    from tensorforge.codegen.llvm.runtime import install

    install()


def target_machine(cpu: str = "native", opt: int = 3) -> llvm_binding.TargetMachine:
    _init()
    target = llvm_binding.Target.from_default_triple()
    if cpu == "native":
        name, features = llvm_binding.get_host_cpu_name(), llvm_binding.get_host_cpu_features().flatten()
    elif cpu == "generic":
        name, features = "x86-64", ""
    else:
        name, features = cpu, ""
    return target.create_target_machine(cpu=name, features=features, opt=opt, reloc="pic", codemodel="jitdefault")


def to_llvm_ir(module: ModuleOp, options: Options | None = None, extra: Sequence[Operation] = ()) -> str:
    """LLVM IR text of every tir.func in `module` plus the `extra` llvm.funcs (what `-t llvm` prints)."""
    from xdsl.backend.llvm.convert import convert_module

    lowering = ModuleLowering(options)
    for op in module.walk():
        if isinstance(op, FuncOp):
            lowering.lower_func(op)
    lowering.funcs.extend(extra)
    return str(convert_module(lowering.module(), fallback_target_triple=None))


def for_cpu(options: Options | None, cpu: str) -> Options:
    """`options` with the vector width of `cpu` filled in where it was left to the target."""
    from dataclasses import replace

    from tensorforge.codegen.llvm.vector import default_vector_bits

    options = options or Options()
    if options.vector_bits is not None:
        return options
    return replace(options, vector_bits=default_vector_bits(cpu))


VECTOR_WIDTH_MAX = 64
"""Largest vectorization factor requested for a `vectorized` loop (elements)."""
VECTOR_UNROLL_MAX = 8
"""A vectorized loop of at most this many vector iterations is fully unrolled after vectorization."""
_HINT_CALL = re.compile(r'^\s*(?:tail\s+)?call\s+(?:\w+\s+)*void\s+@"?' + LOOP_HINT + r'(\w+)"?\(i64 (-?\d+)\)\s*$')
_HINT_DECL = re.compile(r'^\s*declare\b.*@"?' + LOOP_HINT)
_MD_ID = re.compile(r"!(\d+)\b")


def apply_loop_hints(ir_text: str) -> str:
    """Turn the loop-hint marker calls that lowering puts on the latches of
    vectorized and unrolled loops into `llvm.loop` metadata on the latch branch.

    Only `vectorized` loops that vector.py refuses to widen itself get here. Such a
    loop of static extent n asks LLVM's loop vectorizer for the
    largest power-of-two width dividing n (at most VECTOR_WIDTH_MAX) and forbids
    unrolling it beforehand: otherwise the full-unroll pass, which runs first,
    flattens small inner loops and the vectorizer picks an outer loop (gathers).
    A vector loop of a few iterations is unrolled afterwards, so values carried
    across an enclosing loop (accumulators) can live in registers. An `unrolled`
    loop asks for full unrolling.
    """
    if LOOP_HINT not in ir_text:
        return ir_text
    next_id = max((int(m) for m in _MD_ID.findall(ir_text)), default=-1) + 1
    out: list[str] = []
    nodes: list[str] = []
    pending: tuple[str, int] | None = None
    for line in ir_text.splitlines():
        hint = _HINT_CALL.match(line)
        if hint:
            pending = (hint.group(1), int(hint.group(2)))
            continue
        if _HINT_DECL.match(line):
            continue
        if pending is not None and line.lstrip().startswith("br "):
            loop_id = next_id
            props = _loop_properties(*pending)
            ids = [f"!{loop_id + 1 + k}" for k in range(len(props))]
            nodes.append(f"!{loop_id} = distinct !{{!{loop_id}, {', '.join(ids)}}}")
            nodes += [f"{ref} = {text}" for ref, text in zip(ids, props, strict=True)]
            next_id = loop_id + 1 + len(props)
            line = f"{line}, !llvm.loop !{loop_id}"
            pending = None
        out.append(line)
    return "\n".join([*out, *nodes]) + "\n"


def _loop_properties(kind: str, extent: int) -> list[str]:
    if kind == "unrolled":
        return ['!{!"llvm.loop.unroll.full"}']
    props = ['!{!"llvm.loop.unroll.disable"}', '!{!"llvm.loop.vectorize.enable", i1 true}']
    width = 1
    while extent and extent % (width * 2) == 0 and width * 2 <= VECTOR_WIDTH_MAX:
        width *= 2
    if width > 1:
        props.append(f'!{{!"llvm.loop.vectorize.width", i32 {width}}}')
        props.append('!{!"llvm.loop.interleave.count", i32 1}')
    if 0 < extent <= VECTOR_UNROLL_MAX * width:
        props.append('!{!"llvm.loop.vectorize.followup_vectorized", !{!"llvm.loop.unroll.full"}}')
    return props


def optimize(ir_text: str, tm: llvm_binding.TargetMachine, opt: int = 3) -> llvm_binding.ModuleRef:
    mod = llvm_binding.parse_assembly(apply_loop_hints(ir_text))
    mod.verify()
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    pto = llvm_binding.create_pipeline_tuning_options(speed_level=opt)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pb = llvm_binding.create_pass_builder(tm, pto)
    pm = pb.getModulePassManager()
    pm.run(mod, pb)
    return mod


@dataclass
class Kernel:
    """A compiled tir.func: call with numpy arrays (inputs then outputs)."""

    name: str
    symbols: list[str]
    arg_names: list[str]
    fn: object
    engine: object

    def __call__(self, arrays: Sequence[np.ndarray], env: dict[str, int]) -> None:
        ptrs = [ctypes.c_void_p(a.ctypes.data) for a in arrays]
        syms = [ctypes.c_int64(env[s]) for s in self.symbols]
        self.fn(*ptrs, *syms)  # type: ignore[operator]


class JitModule:
    """One llvmlite execution engine holding compiled kernels."""

    def __init__(self, module: ModuleOp, cpu: str = "native", options: Options | None = None, opt: int = 3) -> None:
        self.tm = target_machine(cpu, opt)
        self.ir = to_llvm_ir(module, for_cpu(options, cpu))
        self.mod = optimize(self.ir, self.tm, opt)
        self.engine = llvm_binding.create_mcjit_compiler(self.mod, self.tm)
        self.engine.finalize_object()
        self.kernels: dict[str, Kernel] = {}
        for op in module.walk():
            if isinstance(op, FuncOp):
                self.kernels[op.sym_name.data] = self._kernel(op)

    def _kernel(self, func: FuncOp) -> Kernel:
        name = func.sym_name.data
        addr = self.engine.get_function_address(kernel_symbol(name))
        nbuf = len(func.body.block.args)
        syms = symbol_order(func)
        proto = ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * nbuf), *([ctypes.c_int64] * len(syms)))
        return Kernel(name, syms, func.arg_name_list, proto(addr), self.engine)

    def asm(self) -> str:
        return self.tm.emit_assembly(self.mod)
