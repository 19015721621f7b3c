"""tensorforge: an ML compiler framework in pure Python on xDSL.

The public entry points: `parse_module(text)` (parse + verify, raising
`IRError` with a location), `print_module(module)`, `interp.run(module,
"main", *arrays)` and the graph dialect in `tensorforge.dialects.graph`.
"""

from tensorforge.errors import InputError, InterpError, IRError, TensorforgeError
from tensorforge.ir import make_context, parse_module, print_module, verify_module

__version__ = "0.1.0"


def compile(module, target: str = "llvm", entry: str = "main", **options):
    """Compile graph function `entry` of `module` to native code: a `CompiledModule`.

    Options: cpu ("native", "generic" or a CPU name), params (values of graph.param),
    optimize (True: run graph-optimize first: folding, fusion, NHWC convs), schedule
    ("default" or None), fast_math (False), base_dir (for external constants).
    """
    from tensorforge.runtime import compile_module

    return compile_module(module, target, entry, **options)


def load(path):
    """Load a module saved with `CompiledModule.save` (no recompilation)."""
    from tensorforge.runtime import load as _load

    return _load(path)

__all__ = [
    "compile",
    "load",
    "IRError",
    "InputError",
    "InterpError",
    "TensorforgeError",
    "make_context",
    "parse_module",
    "print_module",
    "verify_module",
]
