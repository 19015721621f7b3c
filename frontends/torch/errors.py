"""The error a torch import raises when a model uses what tensorforge cannot import."""

from __future__ import annotations

from tensorforge.errors import TensorforgeError


class UnsupportedModelError(TensorforgeError):
    """The exported program uses ops (or op variants) with no graph-dialect conversion.

    `ops` maps each ATen overload name (`aten.foo.default`) to the reasons given
    for it (empty when the op has no converter at all), so one error lists them all.
    """

    def __init__(self, ops: dict[str, list[str]]) -> None:
        self.ops = ops
        lines = [f"  {name}: {'; '.join(reasons) if reasons else 'no conversion to the graph dialect'}"
                 for name, reasons in sorted(ops.items())]
        count = len(ops)
        super().__init__(
            f"cannot import the exported program: {count} unsupported op{'s' if count != 1 else ''}\n" + "\n".join(lines)
        )


class Unsupported(Exception):
    """Raised by a converter for an op variant it cannot express; collected by the importer."""

    def __init__(self, reason: str, op: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.op = op
