"""The reference interpreter: runs every tensorforge dialect on numpy.

`tensorforge.interp.run(module, "main", *arrays) -> list[np.ndarray]`.
"""

from __future__ import annotations

import importlib

_FAMILIES = (
    "tensorforge.interp.elementwise",
    "tensorforge.interp.nn",
    "tensorforge.interp.reduce",
    "tensorforge.interp.shape",
    "tensorforge.interp.index",
    "tensorforge.interp.stablehlo",
    "tensorforge.interp.attention",
)


def load_all() -> None:
    """Import every module that registers op implementations."""
    for name in _FAMILIES:
        importlib.import_module(name)


from tensorforge.interp.machine import run  # noqa: E402

__all__ = ["run", "load_all"]
