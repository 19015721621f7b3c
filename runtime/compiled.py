"""`CompiledModule`: a graph function compiled to one native entry point.

Calling it binds the symbolic dims from the arguments (errors name the
argument), then — once per binding, cached — computes every buffer's shape,
the kernels' symbol values and the static memory plan (a workspace reused
across calls). Each call then fills the argument/result pointers and makes
ONE native call that runs all kernels.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorforge.codegen.llvm.lower import symbol_order
from tensorforge.errors import InputError
from tensorforge.runtime.entry import slot_layout
from tensorforge.runtime.plan import ALIGN, Interval, Plan, plan_memory
from tensorforge.runtime.program import Program


@dataclass
class _Binding:
    """Everything that depends only on the symbol values of one call shape."""

    shapes: list[tuple[int, ...]]
    plan: Plan
    workspace: np.ndarray
    slots: Any  # ctypes array of void*
    syms: Any  # ctypes array of int64
    arg_slots: list[tuple[int, int]]  # (slot, argument index)
    out_slots: list[tuple[int, int]]  # (slot, result index)


def as_array(x: Any, name: str) -> np.ndarray:
    """numpy arrays as they are; DLPack tensors (torch) zero-copy."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "__dlpack__"):
        try:
            return np.from_dlpack(x)
        except (TypeError, RuntimeError, BufferError) as e:
            raise InputError(f"argument '{name}': cannot view it through DLPack ({e}); pass a CPU tensor") from None
    return np.asarray(x)


class CompiledModule:
    def __init__(self, prog: Program, entry_fn: Any, keepalive: Any, info: dict[str, Any]) -> None:
        self.prog = prog
        self._entry = entry_fn
        self._keepalive = keepalive
        self.info = info
        self._bindings: dict[tuple[tuple[str, int], ...], _Binding] = {}
        self._checked: dict[tuple[tuple[tuple[int, ...], np.dtype], ...], _Binding] = {}
        """Argument shapes and dtypes already checked -> their binding (the fast path of a call)."""
        self._slots, self._syms = slot_layout(prog)
        self._direct = self._direct_results()

    @property
    def peak_memory(self) -> int:
        """Workspace bytes of the most recent binding (intermediates only)."""
        if not self._bindings:
            return 0
        return next(reversed(self._bindings.values())).plan.peak

    def memory_report(self) -> dict[str, int]:
        b = next(reversed(self._bindings.values()), None)
        return {"peak_bytes": b.plan.peak if b else 0, "without_reuse_bytes": b.plan.naive if b else 0}

    def save(self, path: str) -> None:
        """Write object code, constants and metadata; `tensorforge.load(path)` reads it back."""
        from tensorforge.runtime.archive import save

        if getattr(self, "_ir", None) is None:
            raise InputError("this module was loaded from a file: save the original compiled module instead")
        save(self, path)

    # -- calling ----------------------------------------------------------------------
    def __call__(self, *args: Any, out: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
        from tensorforge.interp.machine import bind_arguments

        prog = self.prog
        arrays = [np.asarray(as_array(a, n), order="C") for a, n in zip(args, prog.arg_names, strict=False)]  # keeps 0-d arrays 0-d
        key = tuple((a.shape, a.dtype) for a in arrays) if len(arrays) == len(args) else None
        binding = self._checked.get(key) if key is not None else None
        if binding is None:  # shapes and dtypes not seen yet: check them and bind the symbols
            env = bind_arguments(prog.arg_names, [prog.types[v] for v in prog.args], arrays if len(arrays) == len(args) else list(args), f"@{prog.entry}")
            binding = self._binding(env)
            if key is not None and len(self._checked) < 64:
                self._checked[key] = binding
        outs = self._outputs(binding, out)
        for slot, i in binding.arg_slots:
            binding.slots[slot] = arrays[i].ctypes.data
        for slot, r in binding.out_slots:
            binding.slots[slot] = outs[r].ctypes.data
        self._entry(binding.slots, binding.syms)
        self._copy_direct_results(arrays, outs)
        return outs

    def _outputs(self, binding: _Binding, out: Sequence[np.ndarray] | None) -> list[np.ndarray]:
        prog = self.prog
        results: list[np.ndarray] = []
        for r, vid in enumerate(prog.results):
            shape, dtype = binding.shapes[vid], prog.types[vid].dtype
            if out is None:
                results.append(np.zeros(shape, dtype))  # lowerings may rely on zeroed outputs
                continue
            if len(out) != len(prog.results):
                raise InputError(f"@{prog.entry} has {len(prog.results)} results, out= gives {len(out)}")
            given = out[r]
            if given.shape != shape or given.dtype != dtype or not given.flags.c_contiguous:
                raise InputError(f"out[{r}] ('{prog.res_names[r]}') must be a contiguous {dtype}{list(shape)}, got {given.dtype}{list(given.shape)}")
            results.append(given)
        return results

    def _copy_direct_results(self, arrays: list[np.ndarray], outs: list[np.ndarray]) -> None:
        """Results that are arguments, constants or repeated values: copies."""
        for r, kind, src in self._direct:
            if kind == "result":
                outs[r][...] = outs[src]
            elif kind == "constant":
                outs[r][...] = self.prog.constants[src]
            else:
                outs[r][...] = arrays[src]

    def _direct_results(self) -> list[tuple[int, str, int]]:
        """(result index, "result" | "constant" | "argument", source) of results no kernel writes."""
        prog = self.prog
        produced = {o for c in prog.calls for o in c.outputs}
        first: dict[int, int] = {}
        direct: list[tuple[int, str, int]] = []
        for r, vid in enumerate(prog.results):
            if vid in produced and vid not in first:
                first[vid] = r
            elif vid in first:
                direct.append((r, "result", first[vid]))
            elif vid in prog.constants:
                direct.append((r, "constant", vid))
            else:
                direct.append((r, "argument", prog.args.index(vid)))
        return direct

    def _binding(self, env: dict[str, int]) -> _Binding:
        key = tuple(sorted(env.items()))
        if key not in self._bindings:
            self._bindings[key] = self._bind(env)
        return self._bindings[key]

    def _bind(self, env: dict[str, int]) -> _Binding:
        from tensorforge.interp.machine import bind_arguments

        prog = self.prog
        shapes = [_shape(t, env, prog.entry) for t in prog.types]
        produced = {o: i for i, c in enumerate(prog.calls) for o in c.outputs}
        results = set(prog.results)
        last_use: dict[int, int] = {}
        for i, c in enumerate(prog.calls):
            for v in c.inputs:
                last_use[v] = i
        temps = [v for v in produced if v not in results]
        intervals = [
            Interval(v, int(np.prod(shapes[v])) * prog.types[v].dtype.itemsize, produced[v], last_use.get(v, produced[v]))
            for v in temps
        ]
        plan = plan_memory(intervals)
        workspace = np.zeros(plan.peak + ALIGN, np.uint8)
        base = workspace.ctypes.data
        base += (-base) % ALIGN
        nslots = sum(len(s) for s in self._slots)
        nsyms = sum(len(s) for s in self._syms)
        slots = (ctypes.c_void_p * max(nslots, 1))()
        syms = (ctypes.c_int64 * max(nsyms, 1))()
        arg_slots: list[tuple[int, int]] = []
        out_slots: list[tuple[int, int]] = []
        result_index = {}
        for r, v in enumerate(prog.results):
            result_index.setdefault(v, r)
        for call, slot_ids, sym_ids in zip(prog.calls, self._slots, self._syms, strict=True):
            kernel = prog.kernels[call.kernel]
            for slot, v in zip(slot_ids, [*call.inputs, *call.outputs], strict=True):
                if v in prog.constants:
                    slots[slot] = prog.constants[v].ctypes.data
                elif v in plan.offsets:
                    slots[slot] = base + plan.offsets[v]
                elif v in prog.args:
                    arg_slots.append((slot, prog.args.index(v)))
                else:
                    out_slots.append((slot, result_index[v]))
            fake = [np.broadcast_to(np.zeros((), prog.types[v].dtype), shapes[v]) for v in [*call.inputs, *call.outputs]]
            kenv = bind_arguments(kernel.arg_name_list, kernel.function_type.inputs.data, fake, f"@{kernel.sym_name.data}", env)
            for s, name in zip(sym_ids, symbol_order(kernel), strict=True):
                syms[s] = kenv[name]
        return _Binding(shapes, plan, workspace, slots, syms, arg_slots, out_slots)


def _shape(t: Any, env: dict[str, int], entry: str) -> tuple[int, ...]:
    try:
        return tuple(d.evaluate(env) for d in t.dims)
    except ValueError as e:
        raise InputError(f"@{entry}: the shape {t} cannot be computed from the arguments ({e})") from None
