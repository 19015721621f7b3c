"""`tensorforge-run`: interpret a function of a textual IR file on .npy inputs.

    tensorforge-run model.mlir --entry main --input x=x.npy --input w=w.npy -o out.npz --print

Inputs are matched to arguments by name (or by position when given without
`name=`). Every user error is one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.errors import InputError, TensorforgeError
from tensorforge.ir import parse_module


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tensorforge-run", description="Interpret a function of a tensorforge IR file.")
    p.add_argument("input_file", nargs="?", help="IR file (stdin when absent or '-')")
    p.add_argument("--entry", default="main", help="function to run (default: main)")
    p.add_argument("--input", "-i", action="append", default=[], metavar="NAME=FILE.npy",
                   help="an argument: NAME=FILE (.npy, or .npz with one array) or FILE for the next positional argument")
    p.add_argument("--param", action="append", default=[], metavar="NAME=FILE.npy", help="a graph.param value")
    p.add_argument("-o", "--output", help="write results to this .npz (keys: result names)")
    p.add_argument("--print", action="store_true", help="print the results")
    return p


def _load(path: str) -> np.ndarray:
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"cannot open '{path}': no such file") from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read '{path}' as .npy/.npz: {e}") from None
    if isinstance(data, np.ndarray):
        return data
    keys = list(data.keys())
    if len(keys) != 1:
        raise InputError(f"'{path}' holds {len(keys)} arrays; give a .npy or an .npz with exactly one")
    return data[keys[0]]


def _split(spec: str) -> tuple[str | None, str]:
    if "=" in spec:
        name, path = spec.split("=", 1)
        return name, path
    return None, spec


def _arguments(func: FuncOp, specs: Sequence[str]) -> list[np.ndarray]:
    names = func.arg_name_list
    by_name: dict[str, np.ndarray] = {}
    positional: list[np.ndarray] = []
    for spec in specs:
        name, path = _split(spec)
        if name is None:
            positional.append(_load(path))
            continue
        if name not in names:
            raise InputError(f"@{func.sym_name.data} has no argument '{name}' (arguments: {', '.join(names)})")
        by_name[name] = _load(path)
    args: list[np.ndarray] = []
    pos = iter(positional)
    for n in names:
        if n in by_name:
            args.append(by_name[n])
            continue
        nxt = next(pos, None)
        if nxt is None:
            raise InputError(f"no value for argument '{n}' of @{func.sym_name.data} (use --input {n}=FILE.npy)")
        args.append(nxt)
    if next(pos, None) is not None:
        raise InputError(f"too many inputs for @{func.sym_name.data} ({len(names)} arguments)")
    return args


def run_cli(args: argparse.Namespace) -> int:
    from tensorforge import interp

    if args.input_file in (None, "-"):
        text, name, base = sys.stdin.read(), "<stdin>", Path.cwd()
    else:
        try:
            text = Path(args.input_file).read_text()
        except OSError as e:
            raise InputError(f"cannot open '{args.input_file}': {e.strerror}") from None
        name, base = args.input_file, Path(args.input_file).resolve().parent
    module = parse_module(text, name)
    func = SymbolTable.lookup_symbol(module, args.entry)
    if not isinstance(func, FuncOp):
        raise InputError(f"no graph function @{args.entry} in {name}")
    params = {n: _load(p) for n, p in (_split(s) for s in args.param) if n is not None}
    results = interp.run(module, args.entry, *_arguments(func, args.input), params=params, base_dir=base)
    named = dict(zip(func.res_name_list, results, strict=True))
    if args.output:
        np.savez(args.output, allow_pickle=True, **named)  # the default, explicit: no result can be taken for the flag
    if args.print or not args.output:
        for n, v in named.items():
            print(f"{n}: {v.dtype}{list(v.shape)}")
            print(np.array2string(v, threshold=200))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return 0 if e.code in (0, None) else 1
    try:
        return run_cli(args)
    except TensorforgeError as e:
        print(f"tensorforge-run: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        raise
    except Exception as e:
        print(f"tensorforge-run: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
