"""`python -m bench`: run the benchmarks, print their figures, write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from bench import BENCHMARKS, Context, Options, run_benchmark, sizes_of
from bench.common import load_average, log, machine_summary, remove_tree
from bench.report import DOCUMENT, section, write_document


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    defaults = Options()
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(BENCHMARKS),
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=positive_int,
        default=defaults.sizes,
        metavar="N",
        help="dataset sizes of the sized benchmarks (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="generator seed")
    stress = parser.add_argument_group("stress")
    stress.add_argument(
        "--duration",
        type=float,
        default=defaults.duration,
        help="seconds of load per run (default: %(default)s)",
    )
    stress.add_argument(
        "--writers",
        type=positive_int,
        default=defaults.writers,
        help="concurrent admin writers (default: %(default)s)",
    )
    stress.add_argument(
        "--readers",
        type=positive_int,
        default=defaults.readers,
        help="concurrent readers (default: %(default)s)",
    )
    stress.add_argument(
        "--stress-size",
        type=positive_int,
        default=defaults.stress_size,
        help="initiatives in the stress database (default: %(default)s)",
    )
    stress.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        help="client timeout per request in seconds (default: %(default)s)",
    )
    stress.add_argument(
        "--compare-deferred",
        action="store_true",
        help="rerun the SQLite load with SQLITE_TRANSACTION_MODE=DEFERRED",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure PostgreSQL: scratch databases are created and "
        "dropped through this URL (e.g. postgresql://postgres@127.0.0.1/postgres)",
    )
    parser.add_argument(
        "--no-write",
        action="store_true",
        help=f"print the figures without writing {DOCUMENT.relative_to(DOCUMENT.parents[1])}",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (databases, server logs)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(
        sizes=args.sizes,
        duration=args.duration,
        writers=args.writers,
        readers=args.readers,
        stress_size=args.stress_size,
        compare_deferred=args.compare_deferred,
        timeout=args.timeout,
        postgres_url=args.postgres,
        seed=args.seed,
        verbose=not args.quiet,
    )
    names = args.only or list(BENCHMARKS)
    root = Path(tempfile.mkdtemp(prefix="pepites-bench-"))
    ctx = Context(options, root)
    sections: dict[str, str] = {}
    missed: list[str] = []
    try:
        for name in names:
            benchmark = BENCHMARKS[name]
            load_at_start = load_average()
            rows = run_benchmark(name, ctx)
            text = section(
                benchmark,
                rows,
                when=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                machine=machine_summary(load_at_start),
                sizes=sizes_of(benchmark, options),
                notes=ctx.notes[name],
                targets=ctx.targets[name],
            )
            print(text, flush=True)
            sections[name] = text
            missed += [text for text, ok in ctx.targets[name] if not ok]
            if not args.no_write:
                write_document(sections, order=list(BENCHMARKS))
    finally:
        ctx.close()
        if args.keep:
            log(f"kept {root}")
        else:
            remove_tree(root)
    if not args.no_write:
        log(f"figures written to {DOCUMENT}")
    for text in missed:
        log(f"target missed: {text}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
