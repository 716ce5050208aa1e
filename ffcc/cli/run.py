"""``ffcc run``: multiply matrices on real workers with coded computation (the main job).

A bare ``ffcc run`` runs the main job (as ``make run``); flags given override it. Handlers
return the exit code: 0 success, 1 when the run failed its guarantees (too many faults,
failed Freivalds check); bad input raises :class:`~ffcc.InputError` (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .._argtypes import int_at_least, positive_float
from .._errors import InputError
from .._resources import check_memory
from ..run import (
    Faults,
    FieldCheckFailed,
    TooManyFaults,
    VerificationFailed,
    check_indices,
    parse_model,
    plot_latency,
    random_matrix,
    run_matmul,
    run_sketched,
    save_matrix,
)
from ._common import (
    MODEL_HELP,
    NAT,
    POS,
    SKETCH_GRID,
    SKETCH_K,
    announce,
    check_picture,
    check_samples,
    check_scheduler,
    load_scheme,
    parse_grid,
    process_age,
)
from ._inputs import add_input_arguments, read_inputs

__all__ = ["add_arguments", "cmd_run"]

DESCRIPTION = (
    "The whole pipeline on real workers: (sketch with --sketch ->) plan -> encode -> "
    "dispatch -> first R results -> decode -> reconstruct -> report. Exact over GF(p), "
    "several primes and CRT when the range needs it. With no inputs: the main job (as `make "
    "run`), flags given override it."
)


# the main job (``make run``): what a bare ``ffcc run`` runs
GRID = ",".join(map(str, SKETCH_GRID))
MAIN_JOB = {"sketch": True, "graph": "karate", "grid": GRID, "k": SKETCH_K, "model": "exp:0.02,50"}
MAIN_JOB_TEXT = f"--sketch --graph karate --grid {GRID} --k {SKETCH_K} -s 1 --model exp:0.02,50"
RUN_DEFAULTS = {"grid": GRID, "k": SKETCH_K, "m": 4, "model": "none", "real_basis": "chebyshev"}
# flags the sketched pipeline does not use: its plan chooses codes, primes and comparisons
SKETCH_IGNORES = {
    "m": ("--m", "the plan chooses each group's code"),
    "primes": ("--primes", "each group's primes follow from its value range"),
    "scheme": ("--scheme", "the plan builds each group's scheme"),
    "real": ("--real", "the real-valued MatDot baseline runs without --sketch only"),
    "compare": ("--compare", "the report compares the plan with MatDot and uncoded itself"),
}


def add_arguments(p) -> None:
    """The arguments of ``ffcc run`` (handler :func:`cmd_run`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc run")
    >>> add_arguments(p)
    >>> a = p.parse_args(["--random", "8", "-s", "2"])
    >>> a.random, a.stragglers, a.sketch
    (8, 2, False)
    """
    p.description = DESCRIPTION
    src = p.add_argument_group(
        "inputs (one of --A, --graph, --random; none: the main job, " + MAIN_JOB_TEXT + ")"
    )
    add_input_arguments(src, random_help="random N x N integer matrices")
    src.add_argument("--float", action="store_true", help="with --random: float entries")
    sk = p.add_argument_group("sketch (compression-informed pipeline)")
    sk.add_argument(
        "--sketch", action="store_true", help="sketch with Grid CR-MM, plan the codes, run them"
    )
    sk.add_argument(
        "--grid", metavar="M,N,Q", help=f"Grid CR-MM blocks (default {GRID}; zero-padded to fit)"
    )
    sk.add_argument("--k", type=POS, help=f"samples per output block k_ij (default {SKETCH_K})")
    code = p.add_argument_group("code")
    code.add_argument("--m", type=POS, help="MatDot inner blocks m (default 4)")
    code.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    code.add_argument("--byzantine", "-b", type=NAT, default=0, help="liars b (default 0)")
    code.add_argument("--scheme", metavar="FILE", help="a scheme file with basis (m, m) instead")
    code.add_argument(
        "--frac-bits", type=int_at_least(0, 60), help="fixed-point fraction bits for floats (20)"
    )
    code.add_argument("--primes", help="comma-separated primes instead of the automatic choice")
    eng = p.add_argument_group("workers")
    eng.add_argument(
        "--executor",
        choices=["auto", "local", "dask", "threads", "inline"],
        default="auto",
        help="auto (default): threads for small jobs, local processes otherwise",
    )
    eng.add_argument("--processes", type=POS, help="local pool size (default: one per worker)")
    eng.add_argument("--dask-local", type=POS, metavar="N", help="dask: start a LocalCluster of N")
    eng.add_argument("--scheduler", metavar="ADDR", help="dask: connect to this scheduler")
    eng.add_argument(
        "--timeout", type=positive_float, help="give up after this many seconds per group"
    )
    flt = p.add_argument_group("faults")
    flt.add_argument("--model", help=MODEL_HELP + " (default none)")
    flt.add_argument("--kill", help="workers killed mid-task, e.g. 2,5 (or group:worker)")
    flt.add_argument("--raise", dest="raises", help="workers whose task raises")
    flt.add_argument("--corrupt", help="workers returning corrupted results (Byzantine)")
    out = p.add_argument_group("checks and output")
    out.add_argument(
        "--freivalds", type=int_at_least(0, 64), default=3, help="Freivalds trials (0: off)"
    )
    out.add_argument("--real", action="store_true", help="also run real-valued MatDot")
    out.add_argument(
        "--real-basis",
        choices=["chebyshev", "monomial"],
        help="with --real: the evaluation basis (default chebyshev)",
    )
    out.add_argument(
        "--compare",
        action="append",
        metavar="NAME=W",
        help="worker count of another scheme for the report (repeatable)",
    )
    out.add_argument("--seed", type=NAT, default=0, help="random seed (default 0)")
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--plot", metavar="PNG", help="write the worker latency plot")
    out.add_argument("--output", "-o", metavar="C.npy", help="save the product")


def _resolve_defaults(args) -> str | None:
    """Fill the flags left unset: with no input at all, the main job's values (flags given
    still override); returns the line announcing the main job, or None."""
    line = None
    if args.a_path is None and args.graph is None and args.random is None and not args.b_path:
        exact_only = [flag for dest, (flag, _) in SKETCH_IGNORES.items() if getattr(args, dest)]
        if exact_only and not args.sketch:
            raise InputError(
                f"{exact_only[0]} applies to an exact multiplication of your inputs: give --A "
                "FILE, --graph NAME or --random N (a bare `ffcc run` runs the sketched main job)"
            )
        for key, val in MAIN_JOB.items():
            if getattr(args, key) in (None, False):
                setattr(args, key, val)
        line = (
            "ffcc run: no inputs given; running the main job: ffcc run --sketch --graph "
            f"{args.graph} --grid {args.grid} --k {args.k} -s {args.stragglers} --model "
            f"{args.model}"
        )
    if args.sketch:
        given = [(flag, why) for dest, (flag, why) in SKETCH_IGNORES.items() if getattr(args, dest)]
        if given:
            flag, why = given[0]
            raise InputError(f"{flag} does not apply with --sketch ({why}); drop {flag}")
    else:
        for dest, flag in (("grid", "--grid M,N,Q"), ("k", "--k K")):
            if getattr(args, dest) is not None:
                raise InputError(f"{flag} sets the sketch; add --sketch or drop it")
    if args.float and args.random is None:
        raise InputError(
            "--float sets the entries of generated matrices: add --random N or drop it"
        )
    if args.real_basis is not None and not args.real:
        raise InputError("--real-basis chooses the basis of --real: add --real or drop it")
    for key, val in RUN_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, val)
    return line


def _compare(items) -> dict:
    out = {}
    for it in items or []:
        k, eq, v = it.partition("=")
        try:
            out[k.strip()] = int(v)
        except ValueError:
            raise InputError(f"--compare {it!r} must look like NAME=WORKERS") from None
        if not eq or not k.strip() or out[k.strip()] < 1:
            raise InputError(f"--compare {it!r} must look like NAME=WORKERS, WORKERS >= 1")
    return out


def _inputs(args):
    given = read_inputs(args)
    if given is not None:
        return given[:2]
    kind = "float" if args.float else "int"
    A = random_matrix(args.random, seed=args.seed, kind=kind)
    B = random_matrix(args.random, seed=args.seed + 1, kind=kind)
    return A, B


def _check_output(args) -> None:
    """-o must not overwrite an input (a failed or partial run would destroy it) and
    output directories must exist before the run, not after it."""

    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise InputError(f"--output {args.output}: the directory does not exist")
    check_picture(args.plot, "--plot")
    if not args.output:
        return
    out = Path(args.output).resolve()
    for flag in ("a_path", "b_path", "scheme"):
        src = getattr(args, flag, None)
        if src and Path(src).resolve() == out:
            raise InputError(f"-o {args.output} is also an input; write the product elsewhere")
    if out.is_dir():
        raise InputError(f"-o {args.output} is a directory; give a file name, e.g. C.npy")


def _write_product(path, C) -> None:
    fmt = save_matrix(path, C)
    if fmt != "npy":
        print(
            f"ffcc: {path}: entries exceed int64; written as {fmt} (residues and moduli in an "
            ".npz archive, see docs/matrix-files.md; ffcc.run.load_matrix reads it back)",
            file=sys.stderr,
        )


def _executor_options(args):
    executor = args.executor
    if args.dask_local or args.scheduler:
        executor = "dask"
    if args.processes and executor == "auto":
        executor = "local"  # a pool size asks for processes
    if args.processes and executor != "local":
        raise InputError("--processes sizes the local pool; it does not apply to Dask")
    if (args.dask_local or args.scheduler) and args.executor not in ("auto", "dask"):
        raise InputError(
            f"--dask-local/--scheduler run on Dask, not --executor {args.executor}; drop one"
        )
    if args.dask_local and args.scheduler:
        raise InputError("give --dask-local N (start a cluster) or --scheduler ADDR, not both")
    if executor == "dask":
        check_scheduler(args.scheduler)
        opts = {"scheduler": args.scheduler, "n_workers": args.dask_local or 2}
        if args.timeout:  # also bounds the wait for the scheduler and its first worker
            opts["timeout"] = args.timeout
        return executor, opts
    if executor == "local" and args.processes:
        return executor, {"processes": args.processes}
    return executor, {}


def cmd_run(args) -> int:
    """``ffcc run``: calls :func:`ffcc.run.run_matmul` (or :func:`ffcc.run.run_sketched`
    with ``--sketch``); prints the report. Exit 1 when the run failed its guarantees.

    >>> from ffcc.cli import main
    >>> main(["run", "--random", "8", "--executor", "inline"])  # doctest: +ELLIPSIS
    run 8x8 @ 8x8 on inline: 1 groups, total ...
    workers: plan 8
    ...
      group 0 matdot-m4 [exact]: w = 8, R = 7, s = 1, b = 0, waited for 7, primes [65537] ...
        scheme verified exhaustively in GF(65537) (8 7-subsets)
    ...
    checked: yes, by freivalds
    0
    """
    startup = process_age()  # interpreter start-up and imports
    main_job = _resolve_defaults(args)
    if main_job:
        announce(main_job, json=args.json)
    _check_output(args)
    model = parse_model(args.model)
    faults = Faults.parse(args.kill, args.raises, args.corrupt)
    executor, opts = _executor_options(args)
    primes = _primes(args.primes)
    A, B = _inputs(args)
    if args.sketch:
        return _run_sketched(args, A, B, executor, opts, model, faults, startup)
    scheme = None
    if args.scheme:
        scheme = load_scheme(args.scheme)
        w = scheme.w
    else:
        m, s, b = args.m, args.stragglers, args.byzantine
        if m > A.shape[1]:
            raise InputError(
                f"--m {m}: A has only {A.shape[1]} columns to split; choose m <= {A.shape[1]}"
            )
        w = 2 * m - 1 + s + 2 * b
        check_memory(32 * w * m * m, f"MatDot with m = {m} ({w} workers)", fix="lower --m")
    check_indices(faults, model, [w])
    try:
        C, rep = run_matmul(
            A,
            B,
            m=args.m,
            stragglers=args.stragglers,
            byzantine=args.byzantine,
            scheme=scheme,
            frac_bits=args.frac_bits,
            primes=primes,
            executor=executor,
            executor_options=opts,
            straggler_model=model,
            faults=faults,
            freivalds=args.freivalds,
            real=args.real,
            real_basis=args.real_basis,
            seed=args.seed,
            progress=False if args.json else None,
            timeout=args.timeout,
            workers_compare=_compare(args.compare),
        )
    except (TooManyFaults, VerificationFailed, FieldCheckFailed) as e:
        print(f"ffcc: run failed: {e}", file=sys.stderr)
        return 1
    return _report(args, C, rep, startup)


def _report(args, C, rep, startup) -> int:
    """Write the product (``-o``) and the plot (``--plot``), print the report and the
    warnings of what was not checked; exit 0."""
    if startup is not None:
        rep.timings = {"startup": startup, **rep.timings}
    if args.output:
        _write_product(args.output, C)
    if args.plot:
        rep.notes.append(f"wrote {plot_latency(rep, args.plot)}")
    print(rep.to_json() if args.json else rep.summary())
    _warn_unchecked(rep)
    return 0


def _warn_unchecked(rep) -> None:
    for gi, q in rep.unverified_fields:
        print(
            f"ffcc: warning: group {gi}'s scheme is NOT verified in GF({q}), a field it ran "
            "in (too many subsets to enumerate, no certificate applies)",
            file=sys.stderr,
        )
    if not rep.checked:
        print(
            "ffcc: warning: the product is UNCHECKED (b = 0, no spare result, --freivalds 0)",
            file=sys.stderr,
        )


def _primes(text):
    if not text:
        return None
    try:
        primes = [int(x) for x in text.split(",")]
    except ValueError:
        raise InputError(f"--primes {text!r} must be comma-separated primes, e.g. 65537") from None
    if any(q < 2 or q >= 1 << 63 for q in primes):
        raise InputError(f"--primes {text!r}: each prime must lie in [2, 2^63)")
    return primes


def _run_sketched(args, A, B, executor, opts, model, faults, startup=None) -> int:
    grid = parse_grid(args.grid)
    check_samples(grid[0] * grid[1] * args.k, "--grid M,N and --k")
    try:
        C, rep, _ = run_sketched(
            A,
            B,
            grid=grid,
            k=args.k,
            stragglers=args.stragglers,
            byzantine=args.byzantine,
            frac_bits=args.frac_bits,
            seed=args.seed,
            executor=executor,
            executor_options=opts,
            straggler_model=model,
            faults=faults,
            freivalds=args.freivalds,
            progress=False if args.json else None,
            timeout=args.timeout,
        )
    except (TooManyFaults, VerificationFailed, FieldCheckFailed) as e:
        print(f"ffcc: run failed: {e}", file=sys.stderr)
        return 1
    return _report(args, C, rep, startup)
