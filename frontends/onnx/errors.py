"""Errors of the ONNX importer: one report lists everything a model needs that
the importer cannot give it, so a user sees all the gaps at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tensorforge.errors import TensorforgeError


@dataclass(frozen=True)
class Issue:
    """One reason a model cannot be imported.

    `kind` is "op" (no converter for the op at that opset), "input" (a tensor
    input that must be static is computed at run time) or "node" (a converter
    refused the node: an unsupported attribute value, element type, ...).
    """

    kind: str
    op: str
    opset: int
    node: str
    detail: str = ""
    inputs: tuple[str, ...] = ()  # for "input": the graph inputs the value comes from

    def describe(self) -> str:
        where = f"node '{self.node}'" if self.node else "a node"
        if self.kind == "op":
            return f"unsupported op {self.op} (opset {self.opset}) at {where}"
        if self.kind == "input":
            src = f" (from graph input(s) {', '.join(repr(n) for n in self.inputs)})" if self.inputs else ""
            return f"{self.op}-{self.opset} at {where}: unsupported dynamic input: {self.detail}{src}"
        if self.kind == "model":
            return self.detail
        return f"{self.op}-{self.opset} at {where}: {self.detail}"


class UnsupportedModelError(TensorforgeError):
    """The model uses ops, inputs or features the importer does not support.

    `issues` holds every problem found; the message lists unsupported ops
    first (each op once, with its opset and the nodes using it), then the rest.
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        ops = sorted({(i.op, i.opset) for i in self.issues if i.kind == "op"})
        self.unsupported_ops = [f"{op} (opset {opset})" for op, opset in ops]
        super().__init__(_format(self.issues))

    @property
    def specializable(self) -> list[str] | None:
        """Graph inputs whose values, if fixed, may remove every issue: set when
        each issue is a dynamic input computed from graph inputs only."""
        if not self.issues or any(i.kind != "input" or not i.inputs for i in self.issues):
            return None
        return sorted({n for i in self.issues for n in i.inputs})


def _format(issues: Sequence[Issue]) -> str:
    lines: list[str] = []
    by_op: dict[tuple[str, int], list[str]] = {}
    for i in issues:
        if i.kind == "op":
            by_op.setdefault((i.op, i.opset), []).append(i.node)
    for (op, opset), nodes in sorted(by_op.items()):
        named = ", ".join(f"'{n}'" for n in nodes[:5] if n) + (" ..." if len(nodes) > 5 else "")
        lines.append(f"unsupported op {op} (opset {opset}): {len(nodes)} node(s)" + (f" {named}" if named else ""))
    lines += [i.describe() for i in issues if i.kind != "op"]
    head = f"cannot import the ONNX model: {len(lines)} problem(s)"
    return head + "\n" + "\n".join(f"  - {line}" for line in lines)
