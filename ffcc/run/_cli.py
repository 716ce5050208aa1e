"""Argument lists and handlers for ``ffcc run``, ``ffcc simulate`` and ``ffcc verify
--dask-local N / --scheduler ADDR``, for :mod:`ffcc.cli` to wire::

    p = add("run", run.cmd_run, "multiply matrices exactly with a coded scheme on workers")
    run.add_run_arguments(p)
    p = add("simulate", run.cmd_simulate, "latency percentiles of coded and uncoded plans")
    run.add_simulate_arguments(p)
    run.add_verify_dask_arguments(verify_parser)   # then, in cmd_verify:
    if run.wants_dask(args): rep = run.verify_from_args(scheme, args)

Handlers return the exit code: 0 success, 1 when the run failed its guarantees (too many
faults, failed Freivalds check). Bad input raises :class:`InputError` (a ValueError),
which the main CLI prints as a usage error (exit 2).
"""

from __future__ import annotations

import math
import sys

from .._argtypes import int_at_least, positive_float
from ._errors import FieldCheckFailed, InputError, TooManyFaults, VerificationFailed
from ._faults import Faults, check_indices, parse_model
from ._inputs import GRAPHS, graph_matrix, load_matrix, random_matrix, save_matrix

__all__ = [
    "add_run_arguments",
    "cmd_run",
    "add_simulate_arguments",
    "cmd_simulate",
    "add_verify_dask_arguments",
    "wants_dask",
    "verify_from_args",
]

NAT, POS = int_at_least(0), int_at_least(1)  # argparse types: >= 0, >= 1

_MODEL_HELP = (
    "straggler model: none, exp:SHIFT,RATE, pareto:SCALE,SHAPE, slow:J1,J2@DELAY, "
    "trace:FILE (one delay per line) or trace-shuffle:FILE"
)


def add_run_arguments(p) -> None:
    """Arguments of ``ffcc run`` (handler :func:`cmd_run`)."""
    src = p.add_argument_group(
        "inputs (one of --A, --graph, --random; none: the main job, " + MAIN_JOB_TEXT + ")"
    )
    src.add_argument("--A", dest="a_path", metavar="A.npy", help="left matrix (.npy)")
    src.add_argument("--B", dest="b_path", metavar="B.npy", help="right matrix (default: A)")
    src.add_argument("--graph", choices=sorted(GRAPHS), help="adjacency of a bundled graph: A @ A")
    src.add_argument("--random", type=POS, metavar="N", help="random N x N integer matrices")
    src.add_argument("--float", action="store_true", help="with --random: float entries")
    sk = p.add_argument_group("sketch (compression-informed pipeline)")
    sk.add_argument(
        "--sketch", action="store_true", help="sketch with Grid CR-MM, plan the codes, run them"
    )
    sk.add_argument(
        "--grid", metavar="M,N,Q", help="Grid CR-MM blocks (default 2,2,16; zero-padded to fit)"
    )
    sk.add_argument("--k", type=POS, help="samples per output block k_ij (default 4)")
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
    flt.add_argument("--model", help=_MODEL_HELP + " (default none)")
    flt.add_argument("--kill", help="workers killed mid-task, e.g. 2,5 (or group:worker)")
    flt.add_argument("--raise", dest="raises", help="workers whose task raises")
    flt.add_argument("--corrupt", help="workers returning corrupted results (Byzantine)")
    out = p.add_argument_group("checks and output")
    out.add_argument(
        "--freivalds", type=int_at_least(0, 64), default=3, help="Freivalds trials (0: off)"
    )
    out.add_argument("--real", action="store_true", help="also run real-valued MatDot")
    out.add_argument("--real-basis", choices=["chebyshev", "monomial"], default="chebyshev")
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


# the main job (``make run``): what a bare ``ffcc run`` runs
MAIN_JOB = {"sketch": True, "graph": "karate", "grid": "2,2,17", "k": 8, "model": "exp:0.02,50"}
MAIN_JOB_TEXT = "--sketch --graph karate --grid 2,2,17 --k 8 -s 1 --model exp:0.02,50"
RUN_DEFAULTS = {"grid": "2,2,16", "k": 4, "m": 4, "model": "none"}
# flags the sketched pipeline does not use: its plan chooses codes, primes and comparisons
SKETCH_IGNORES = {
    "m": ("--m", "the plan chooses each group's code"),
    "primes": ("--primes", "each group's primes follow from its value range"),
    "scheme": ("--scheme", "the plan builds each group's scheme"),
    "real": ("--real", "the real-valued MatDot baseline runs without --sketch only"),
    "compare": ("--compare", "the report compares the plan with MatDot and uncoded itself"),
}


def _resolve_defaults(args) -> str | None:
    """Fill the flags left unset: with no input at all, the main job's values (flags given
    still override); returns the line announcing the main job, or None."""
    announce = None
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
        announce = (
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
    for key, val in RUN_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, val)
    return announce


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
    chosen = [x for x in (args.a_path, args.graph, args.random) if x is not None]
    if len(chosen) != 1:
        raise InputError("give exactly one of --A FILE, --graph NAME or --random N")
    if args.b_path and not args.a_path:
        raise InputError("--B goes with --A (the right factor of A @ B)")
    if args.a_path:
        A = load_matrix(args.a_path)
        B = load_matrix(args.b_path) if args.b_path else A
        for flag, X in (("--A", A), ("--B", B)):
            if X.dtype == object:
                raise InputError(
                    f"{flag}: the matrix holds integers beyond int64; ffcc run multiplies "
                    "int64 or float64 matrices"
                )
    elif args.graph:
        A = B = graph_matrix(args.graph)
    else:
        kind = "float" if args.float else "int"
        A = random_matrix(args.random, seed=args.seed, dtype=kind)
        B = random_matrix(args.random, seed=args.seed + 1, dtype=kind)
    if A.shape[1] != B.shape[0]:
        raise InputError(
            f"A is {A.shape[0]} x {A.shape[1]} and B is {B.shape[0]} x {B.shape[1]}: "
            "A's columns must equal B's rows"
        )
    return A, B


MAX_SKETCH_SAMPLES = 10**6  # m * n * k: beyond this, sketching and planning take minutes


def check_samples(n: int, what: str) -> None:
    """Refuse a sketch of more than :data:`MAX_SKETCH_SAMPLES` samples."""
    if n > MAX_SKETCH_SAMPLES:
        from .._errors import ResourceError

        raise ResourceError(
            f"{what} ask for {n:,} samples (m * n * k); at most {MAX_SKETCH_SAMPLES:,}: "
            "lower k or the grid"
        )


def load_scheme(path, tensors: bool = True):
    """A scheme file, refused up front when parsing it or (``tensors``) forming its worker
    tensors (as verifying and decoding do) would exceed the memory budget."""
    import os

    from .._resources import check_memory
    from ..scheme import load
    from ..verify import tensor_bytes

    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0  # load() says what is wrong with the path
    check_memory(16 * size, f"parsing the scheme file {path} ({size:,} bytes)")  # Python ints
    scheme = load(path)
    if not tensors:
        return scheme
    check_memory(
        tensor_bytes(scheme),
        f"the worker tensors of {path} ({scheme.w:,} workers x {math.prod(scheme.basis):,} "
        "coordinates)",
    )
    return scheme


def check_scheduler(addr: str | None, timeout: float = 3.0) -> None:
    """A TCP scheduler address must parse and accept a connection: a wrong address is the
    user's input (exit 2), not 30 seconds of retries ending in an OSError."""
    if not addr:
        return
    import socket

    proto, sep, rest = addr.rpartition("://")
    if sep and proto not in ("tcp", "tls"):
        return  # inproc://, ucx://, ...: left to Dask
    host, colon, port = rest.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--scheduler {addr!r} must look like tcp://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]") or "localhost", int(port)), timeout).close()
    except OSError as e:
        raise InputError(
            f"--scheduler {addr}: cannot connect ({e.strerror or e}); is `dask scheduler` "
            "running there?"
        ) from None


def check_picture(path, flag: str) -> None:
    """A picture to write later: its directory must exist and matplotlib must know its
    format (checked now, not after minutes of work)."""
    if not path:
        return
    from pathlib import Path

    p = Path(path)
    if not p.resolve().parent.is_dir():
        raise InputError(f"{flag} {path}: the directory does not exist")
    if p.suffix:
        try:
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            raise InputError(f"{flag} needs matplotlib: pip install 'ffcc[plot]'") from None
        known = FigureCanvasBase.get_supported_filetypes()
        if p.suffix[1:].lower() not in known:
            raise InputError(f"{flag} {path}: unknown picture format; use one of "
                             f"{', '.join(sorted(known))}")  # fmt: skip


def _check_output(args) -> None:
    """-o must not overwrite an input (a failed or partial run would destroy it) and
    output directories must exist before the run, not after it."""
    from pathlib import Path

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
    """``ffcc run``: calls :func:`ffcc.run.run_matmul`; prints the report."""
    from .._resources import check_memory
    from ._pipeline import run_matmul
    from ._report import plot_latency, process_age

    startup = process_age()  # interpreter start-up and imports
    announce = _resolve_defaults(args)
    if announce:
        print(announce, file=sys.stderr if args.json else sys.stdout, flush=True)
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
    from ._report import plot_latency
    from ._sketched import run_sketched

    try:
        grid = tuple(int(x) for x in args.grid.split(","))
    except ValueError:
        grid = ()
    if len(grid) != 3 or min(grid) < 1:
        raise InputError(f"--grid {args.grid!r} must be three positive integers M,N,Q, e.g. 2,2,16")
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
    if startup is not None:
        rep.timings = {"startup": startup, **rep.timings}
    if args.output:
        _write_product(args.output, C)
    if args.plot:
        rep.notes.append(f"wrote {plot_latency(rep, args.plot)}")
    print(rep.to_json() if args.json else rep.summary())
    _warn_unchecked(rep)
    return 0


def add_simulate_arguments(p) -> None:
    """Arguments of ``ffcc simulate`` (handler :func:`cmd_simulate`)."""
    p.add_argument("--model", default="exp:0.05,20", help=_MODEL_HELP + " (default exp:0.05,20)")
    p.add_argument("--runs", type=POS, default=200, help="runs to sample (default 200)")
    p.add_argument("--k", type=POS, help="products k: adds uncoded x1, x2 and MatDot 2k-1+s")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="s for the MatDot line")
    p.add_argument("--plan", metavar="W1:R1+W2:R2", help="the compression-informed plan's groups")
    p.add_argument(
        "--config",
        action="append",
        metavar="SPEC",
        help="uncoded:KxR, NAME=W:R or NAME=W1:R1+W2:R2 (repeatable)",
    )
    p.add_argument("--seed", type=NAT, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--plot", metavar="PNG", help="write the latency CDF plot")


def cmd_simulate(args) -> int:
    """``ffcc simulate``: calls :func:`ffcc.run.simulate`; prints the percentile table."""
    from ._simulate import coded, parse_config, plan_config, plot_cdf, simulate, uncoded

    configs = []
    if args.k:
        k, s = args.k, args.stragglers
        configs += [uncoded(k, 1), uncoded(k, 2), coded(2 * k - 1 + s, 2 * k - 1, "MatDot")]
    if args.plan:
        cfg = parse_config(args.plan)
        configs.append(plan_config(cfg.groups, "plan"))
    configs += [parse_config(c) for c in args.config or []]
    if not configs:
        raise InputError("nothing to simulate: give --k K, --plan or --config")
    check_picture(args.plot, "--plot")
    model = parse_model(args.model)
    check_indices(None, model, [max(c.workers for c in configs)])
    res = simulate(
        configs,
        model,
        runs=args.runs,
        seed=args.seed,
        progress=False if args.json else None,
    )
    if args.plot:
        plot_cdf(res, args.plot)
    print(res.to_json() if args.json else res.summary())
    return 0


def add_verify_dask_arguments(p) -> None:
    """``--dask-local N``, ``--scheduler ADDR`` and ``--shards N`` for ``ffcc verify``."""
    p.add_argument("--dask-local", type=POS, metavar="N", help="verify on a local Dask cluster")
    p.add_argument("--scheduler", metavar="ADDR", help="verify on this Dask scheduler")
    p.add_argument("--shards", type=POS, help="rank ranges to split into (default 4 per thread)")


def wants_dask(args) -> bool:
    return bool(getattr(args, "dask_local", None) or getattr(args, "scheduler", None))


def verify_from_args(scheme, args):
    """The merged :class:`~ffcc.verify.VerifyReport` of a Dask-split verification."""
    from ._verify import verify_dask

    if getattr(args, "sample", None) or getattr(args, "shard", None):
        raise InputError(
            "--dask-local/--scheduler split an exhaustive check; drop --sample/--shard"
        )
    ledger = getattr(args, "ledger", None)  # resumable: finished shards recorded there
    return verify_dask(
        scheme,
        getattr(args, "R", None),
        shards=args.shards or (getattr(args, "ledger_shards", None) if ledger else None),
        scheduler=args.scheduler,
        n_workers=args.dask_local or 2,
        progress=False if getattr(args, "json", False) else None,
        ledger=ledger,
    )
