"""`tensorforge-opt`: xDSL's opt driver with tensorforge's dialects, passes and
targets, and one-line diagnostics instead of tracebacks for every user error."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import IO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.arg_spec import ArgSpec, parse_pipeline
from xdsl.utils.exceptions import ArgSpecParseError, ParseError, VerifyException
from xdsl.xdsl_opt_main import xDSLOptMain

from tensorforge.errors import IRError, TensorforgeError
from tensorforge.ir import LocatingParser, verify_module


class TensorforgeOptMain(xDSLOptMain):
    def register_all_dialects(self) -> None:
        from tensorforge.universe import register_dialects

        register_dialects(self.ctx)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        from tensorforge.universe import tensorforge_passes

        for name, factory in tensorforge_passes().items():
            self.register_pass(name, factory)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument("--list-pipelines", action=_ListPipelines, nargs=0,
                                help="print the named pipelines (usable with -p) and their pass text, then exit")

    def register_all_targets(self) -> None:
        super().register_all_targets()
        from tensorforge.codegen.llvm.target import LLVMTarget

        self.available_targets["llvm"] = lambda: LLVMTarget  # LLVM IR of the tir.funcs (replaces xDSL's)

    def register_all_frontends(self) -> None:
        super().register_all_frontends()
        self.available_frontends["mlir"] = self._parse_mlir

    def _parse_mlir(self, io: IO[bytes] | IO[str]) -> ModuleOp:
        """xDSL hands frontends binary streams (files opened "rb", BytesIO chunks); text ones work too."""
        text = io.read()
        if isinstance(text, bytes):
            text = text.decode()
        name = self.args.input_file or "<stdin>"
        return LocatingParser(self.ctx, text, name, getattr(self, "_line_offset", 0)).parse_module()

    def parse_chunk(self, chunk: IO[bytes], file_extension: str, offset: int = 0) -> ModuleOp | None:
        self._line_offset = offset
        module = self.available_frontends[file_extension](chunk)  # type: ignore[arg-type]
        if not self.args.disable_verify:
            try:
                verify_module(module)
            except IRError as e:
                raise VerifyException(str(e)) from None
        return module

    def setup_pipeline(self) -> None:
        from tensorforge.pipelines import expand_pipeline

        self.args.passes = expand_pipeline(self.args.passes)
        validate_pipeline(self.args.passes, self.available_passes)
        super().setup_pipeline()

    def apply_passes(self, prog: ModuleOp) -> None:
        try:
            super().apply_passes(prog)
        except IRError as e:
            raise VerifyException(str(e)) from None


class _ListPipelines(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from tensorforge import pipelines

        for name in pipelines.names():
            print(f"{name}: {pipelines.get(name)}")
        parser.exit(0)


def validate_pipeline(spec: str, available: dict[str, Callable[[], type[ModulePass]]]) -> None:
    """Name the offending pass and option instead of xDSL's generic messages."""
    for p in parse_pipeline(spec):
        if p.name not in available:
            raise ValueError(f"unknown pass '{p.name}' (tensorforge-opt --help lists the passes)")
        cls = available[p.name]()
        known = {f.name.replace("_", "-") for f in dataclasses.fields(cls)}
        for key, value in p.parameters.items():
            opt_name = key.replace("_", "-")
            if opt_name not in known:
                options = ", ".join(sorted(known)) or "none"
                raise ValueError(f"pass '{p.name}' has no option '{opt_name}' (options: {options})")
            try:
                cls.from_pass_spec(ArgSpec(p.name, {key: value}))
            except (ValueError, TypeError) as e:
                raise ValueError(f"pass '{p.name}': bad value for option '{opt_name}': {e}") from None


def _pipeline_message(e: ArgSpecParseError) -> str:
    lines = [ln for ln in str(e).splitlines()[1:] if ln.strip()]
    msg = lines[-1].strip() if lines else "malformed pipeline"
    where = lines[0].split(":")[-1] if lines else "?"
    spec = lines[1] if len(lines) > 1 else ""
    return f"invalid pass pipeline '{spec}' at column {where}: {msg}"


def _diagnose(e: BaseException, input_name: str) -> str:
    if isinstance(e, ArgSpecParseError):
        return f"error: {_pipeline_message(e)}"
    if isinstance(e, ParseError):
        lines = [ln for ln in str(e).splitlines() if ln.strip()]
        span = e.span
        loc = span.get_location() if span is not None else input_name
        return f"{loc}: error: {lines[-1].strip() if lines else 'parse error'}"
    if isinstance(e, VerifyException | TensorforgeError):
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        return f"error: {msg}"
    if isinstance(e, FileNotFoundError):
        return f"error: cannot open '{e.filename}': {e.strerror}"
    if isinstance(e, OSError):
        return f"error: {e.strerror or e}: {getattr(e, 'filename', '')}"
    msg = (str(e).strip() or type(e).__name__).splitlines()[0]
    if isinstance(e, ValueError | KeyError):
        return f"error: {msg}"
    return f"internal error: {type(e).__name__}: {msg} (please report this)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        tool = TensorforgeOptMain(args=argv)
        tool.run()
    except SystemExit as e:  # argparse errors and --help
        return 0 if e.code in (0, None) else 1
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        name = (argv[0] if argv else None) or "<stdin>"
        print(f"tensorforge-opt: {_diagnose(e, name)}", file=sys.stderr)
        return 1
    return 0


__all__ = ["main", "TensorforgeOptMain", "PassPipeline", "argparse"]

if __name__ == "__main__":
    sys.exit(main())
