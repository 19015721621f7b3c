"""Parsing, verifying and printing modules, with source locations on every op.

`parse_module(text)` is the one entry point tools and users share: it parses,
records `file:line:col` on each op, verifies, and raises `IRError` (never a
bare xDSL exception) with the location of the offending op.
"""

from __future__ import annotations

from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Attribute, Operation
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import ParseError, VerifyException

from tensorforge.errors import IRError


def make_context(allow_unregistered: bool = False) -> Context:
    """A context with every xDSL dialect and every tensorforge dialect."""
    from tensorforge.universe import register_dialects

    ctx = Context(allow_unregistered=allow_unregistered)
    register_dialects(ctx)
    return ctx


class LocatingParser(Parser):
    """A parser that attaches `file:line:col` to ops that have no `loc(...)`."""

    def __init__(self, ctx: Context, text: str, name: str = "<input>", line_offset: int = 0) -> None:
        super().__init__(ctx, text, name)
        self.file_name = name
        self.line_offset = line_offset

    def parse_type(self) -> Attribute:
        start = self._current_token.span
        try:
            return super().parse_type()
        except VerifyException as e:
            self.raise_error(str(e).splitlines()[0], start)

    def parse_operation(self) -> Operation:
        start = self._current_token.span
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):
            line, col = _line_col(start)
            op.location = FileLineColLoc(StringAttr(self.file_name), IntAttr(line + self.line_offset), IntAttr(col))
        return op


def _line_col(span: object) -> tuple[int, int]:
    loc = span.get_location()  # type: ignore[attr-defined]
    text = str(loc)
    parts = text.rsplit(":", 2)
    return int(parts[-2]), int(parts[-1])


def location_of(op: Operation) -> str | None:
    loc = op.location
    if isinstance(loc, FileLineColLoc):
        return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
    return None


def parse_module(text: str, name: str = "<input>", ctx: Context | None = None, verify: bool = True) -> ModuleOp:
    """Parse (and verify) textual IR; raises IRError with a location."""
    ctx = ctx or make_context()
    try:
        module = LocatingParser(ctx, text, name).parse_module()
    except ParseError as e:
        raise IRError(_parse_message(e), _parse_location(e)) from None
    if verify:
        verify_module(module)
    return module


def _parse_message(e: ParseError) -> str:
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "parse error"


def _parse_location(e: ParseError) -> str | None:
    span = getattr(e, "span", None)
    if span is None:
        return None
    line, col = _line_col(span)
    return f"{span.input.name}:{line}:{col}"


def verify_module(module: Operation) -> None:
    """Verify; on failure find the innermost failing op and report its location."""
    try:
        module.verify()
    except VerifyException:
        failing = _first_failing(module)
        if failing is None:
            raise
        op, msg = failing
        raise IRError(f"'{op.name}' op {msg}", location_of(op)) from None


def _first_failing(root: Operation) -> tuple[Operation, str] | None:
    for op in root.walk():
        try:
            op.verify(verify_nested_ops=False)
        except VerifyException as e:
            return op, str(e).splitlines()[0] if str(e) else "failed to verify"
        except Exception as e:  # a verifier crashed: still report it, with its op
            return op, f"verifier error: {type(e).__name__}: {e}"
    return None


def print_module(module: Operation, generic: bool = False) -> str:
    out = StringIO()
    Printer(stream=out, print_generic_format=generic).print_op(module)
    return out.getvalue() + "\n"
