"""`python -m tensorforge.rewrites --list canonicalize`: a table's patterns with their algebra."""

from __future__ import annotations

import argparse
import sys

from tensorforge.rewrites import TABLES, get_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tensorforge.rewrites", description=__doc__)
    parser.add_argument("--list", metavar="TABLE", nargs="?", const="", help="list a table's patterns (no name: the tables)")
    args = parser.parse_args(argv)
    if args.list is None or args.list == "":
        print("\n".join(sorted(TABLES)))
        return 0
    try:
        table = get_table(args.list)
    except KeyError as e:
        print(e.args[0], file=sys.stderr)
        return 1
    print(table.listing())
    print(f"({len(table)} patterns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
