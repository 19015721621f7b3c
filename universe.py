"""Registration of tensorforge's dialects, passes and targets with xDSL."""

from __future__ import annotations

import functools
from collections.abc import Callable

from xdsl.context import Context
from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.universe import Universe


@functools.cache
def _multiverse() -> Universe:
    return Universe.get_multiverse()


def register_dialects(ctx: Context) -> None:
    """Every dialect xDSL ships plus ours, loaded lazily by name."""
    for name, factory in _multiverse().all_dialects.items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, factory)
    for name, factory in tensorforge_dialects().items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, factory)


def tensorforge_dialects() -> dict[str, Callable[[], Dialect]]:
    def graph():
        from tensorforge.dialects.graph import Graph

        return Graph

    def tir():
        from tensorforge.dialects.tensorir import TensorIR

        return TensorIR

    def stablehlo():
        from tensorforge.dialects.stablehlo import StableHLO

        return StableHLO

    def chlo():
        from tensorforge.dialects.chlo import Chlo

        return Chlo

    return {"graph": graph, "tir": tir, "stablehlo": stablehlo, "chlo": chlo}


def tensorforge_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory; xDSL's passes are added by the driver."""
    from tensorforge.transforms import PASSES

    return dict(PASSES)
