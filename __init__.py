"""tensorforge: an ML compiler framework in pure Python on xDSL.

The public entry points: `parse_module(text)` (parse + verify, raising
`IRError` with a location), `print_module(module)`, `interp.run(module,
"main", *arrays)` and the graph dialect in `tensorforge.dialects.graph`.
"""

from tensorforge.errors import InputError, InterpError, IRError, TensorforgeError
from tensorforge.ir import make_context, parse_module, print_module, verify_module

__version__ = "0.1.0"

__all__ = [
    "IRError",
    "InputError",
    "InterpError",
    "TensorforgeError",
    "make_context",
    "parse_module",
    "print_module",
    "verify_module",
]
