"""Schedule traces: every primitive call as one line of text, replayable.

    # tensorforge schedule trace
    func @matmul
    split(loop="i", factors=[None, 16]) -> ["i_0", "i_1"]
    parallel(loop="i_0")

Handles are names (blocks by name, loops by variable), and primitives name
new loops and blocks deterministically, so a trace replays on a fresh copy of
the module and reproduces the same names. Replay checks each recorded result.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

HEADER = "# tensorforge schedule trace"


@dataclass
class Inst:
    func: str
    kind: str
    args: dict[str, Any]
    result: Any = None

    def text(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        line = f"{self.kind}({args})"
        return line if self.result is None else f"{line} -> {self.result!r}"


@dataclass
class Trace:
    insts: list[Inst] = field(default_factory=list)

    def text(self) -> str:
        lines = [HEADER]
        current = None
        for inst in self.insts:
            if inst.func != current:
                lines.append(f"func @{inst.func}")
                current = inst.func
            lines.append(inst.text())
        return "\n".join(lines) + "\n"

    @staticmethod
    def parse(text: str) -> Trace:
        trace = Trace()
        func = None
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("func @"):
                func = line[len("func @"):].strip()
                continue
            if func is None:
                raise ValueError(f"trace line {lineno}: a 'func @name' line must come first")
            trace.insts.append(_parse_inst(func, line, lineno))
        return trace


def _parse_inst(func: str, line: str, lineno: int) -> Inst:
    call_text, _, result_text = line.partition(" -> ")
    try:
        node = ast.parse(call_text.strip(), mode="eval").body
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.args:
            raise ValueError("expected name(key=value, ...)")
        args = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg is not None}
        result = ast.literal_eval(result_text.strip()) if result_text else None
    except (SyntaxError, ValueError) as e:
        raise ValueError(f"trace line {lineno}: cannot parse '{line}': {e}") from None
    return Inst(func, node.func.id, args, result)
