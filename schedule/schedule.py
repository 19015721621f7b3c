"""`Schedule(module)`: apply primitives to the tir.funcs of a module, recording a trace.

    sch = Schedule(module)                  # the module's only tir.func, or func="name"
    i, j, k = sch.get_loops(sch.get_block("C"))
    io, ii = sch.split(i, [None, 16])
    sch.parallel(io)
    print(sch.trace.text())                 # replay: Schedule(fresh).replay(Trace.parse(text))
"""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import ModuleOp

from tensorforge.dialects.tirops.ops import FuncOp
from tensorforge.schedule.ir_utils import ScheduleError
from tensorforge.schedule.registry import PRIMITIVES, load_all
from tensorforge.schedule.trace import Inst, Trace


class Schedule:
    def __init__(self, module: ModuleOp, func: str | None = None) -> None:
        load_all()
        self.module = module
        self.trace = Trace()
        self.func_name = func or self._only_func()

    def _only_func(self) -> str:
        funcs = [op.sym_name.data for op in self.module.body.block.ops if isinstance(op, FuncOp)]
        if len(funcs) != 1:
            raise ScheduleError(f"the module has {len(funcs)} tir.funcs ({', '.join(funcs) or 'none'}): pass func=...")
        return funcs[0]

    def work_on(self, func: str) -> None:
        self.func_name = func
        self.func()

    def func(self) -> FuncOp:
        for op in self.module.body.block.ops:
            if isinstance(op, FuncOp) and op.sym_name.data == self.func_name:
                return op
        raise ScheduleError(f"no tir.func @{self.func_name} in the module")

    def apply(self, kind: str, **args: Any) -> Any:
        if kind not in PRIMITIVES:
            raise ScheduleError(f"unknown schedule primitive '{kind}' (known: {', '.join(sorted(PRIMITIVES))})")
        func = self.func()
        try:
            result = PRIMITIVES[kind](func, **args)
        except TypeError as e:
            raise ScheduleError(f"{kind}: bad arguments: {e}") from None
        from tensorforge.ir import verify_module

        verify_module(func)
        self.trace.insts.append(Inst(self.func_name, kind, dict(args), _plain(result)))
        return result

    def replay(self, trace: Trace) -> None:
        for inst in trace.insts:
            self.func_name = inst.func
            got = self.apply(inst.kind, **inst.args)
            if inst.result is not None and _plain(got) != inst.result:
                raise ScheduleError(f"replay diverged at {inst.text()}: got {got!r}")

    def __getattr__(self, kind: str) -> Any:
        if kind.startswith("_") or kind not in PRIMITIVES:
            raise AttributeError(kind)
        return lambda *pos, **kw: self.apply(kind, **_named(kind, pos, kw))


def _named(kind: str, pos: tuple[Any, ...], kw: dict[str, Any]) -> dict[str, Any]:
    import inspect

    params = [p for p in inspect.signature(PRIMITIVES[kind]).parameters][1:]
    if len(pos) > len(params):
        raise ScheduleError(f"{kind} takes {len(params)} arguments ({', '.join(params)})")
    return {**dict(zip(params, pos, strict=False)), **kw}


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v
