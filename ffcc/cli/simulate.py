"""``ffcc simulate``: latency percentiles of uncoded, MatDot and planned codes under a
straggler model, by sampling (no real sleeps)."""

from __future__ import annotations

from .._errors import InputError
from ..plan import plan
from ..run import (
    check_indices,
    coded,
    parse_config,
    parse_model,
    plan_config,
    plot_cdf,
    simulate,
    uncoded,
)
from ._common import MODEL_HELP, NAT, POS, announce, check_picture
from ._sketching import MAIN_JOB_SKETCH, main_job_samples

__all__ = ["add_arguments", "cmd_simulate"]


def add_arguments(p) -> None:
    """The arguments of ``ffcc simulate`` (handler :func:`cmd_simulate`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc simulate")
    >>> add_arguments(p)
    >>> a = p.parse_args(["--k", "4", "--config", "plan=5:4+4:3"])
    >>> a.k, a.config, a.model
    (4, ['plan=5:4+4:3'], 'exp:0.05,20')
    """
    p.add_argument("--model", default="exp:0.05,20", help=MODEL_HELP + " (default exp:0.05,20)")
    p.add_argument("--runs", type=POS, default=200, help="runs to sample (default 200)")
    p.add_argument("--k", type=POS, help="products k: adds uncoded x1, x2 and MatDot 2k-1+s")
    p.add_argument(
        "--stragglers", "-s", type=NAT, help="with --k or bare: s of MatDot and the plan (1)"
    )
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
    """``ffcc simulate``: calls :func:`ffcc.run.simulate`; prints the percentile table.

    Four products uncoded, replicated twice and by MatDot (2k - 1 + s = 8 workers):

    >>> from ffcc.cli import main
    >>> main(["simulate", "--k", "4", "--runs", "50"])  # doctest: +ELLIPSIS
    latency over 50 runs, model ShiftedExponential(shift=0.05, rate=20.0) (seed 0)
    configuration workers       p50       p95       p99
    uncoded x1         4 ...
    ...
    uncoded x2         8 ...
    ...
    MatDot             8 ...
    ...
    0
    """
    check_picture(args.plot, "--plot")
    model = parse_model(args.model)  # checked before the bare default announces itself
    configs = []
    if not (args.k or args.plan or args.config):
        args.k, args.plan = _main_job(args)
    if args.stragglers is not None and not args.k:
        raise InputError("-s sets the MatDot line of --k K: add --k or drop -s")
    if args.k:
        k, s = args.k, 1 if args.stragglers is None else args.stragglers
        configs += [uncoded(k, 1), uncoded(k, 2), coded(2 * k - 1 + s, 2 * k - 1, "MatDot")]
    if args.plan:
        cfg = parse_config(args.plan)
        configs.append(plan_config(cfg.groups, "plan"))
    configs += [parse_config(c) for c in args.config or []]
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


def _main_job(args) -> tuple[int, str]:
    """``--k`` and ``--plan`` of the main job's sketch (distinct products, and the groups
    ``ffcc plan`` chooses for them at s stragglers), announced as the bare default."""
    s = 1 if args.stragglers is None else args.stragglers
    P = plan(main_job_samples(), s, 0, verify=False)  # worker counts only: no checks
    spec = "+".join(f"{g.workers}:{g.workers - s}" for g in P.chosen.groups)
    k = len(P.products)
    announce(
        f"ffcc simulate: no configuration given; simulating the main job's sketch "
        f"({MAIN_JOB_SKETCH}: {k} products) as --k {k} -s {s} --plan {spec} (what `ffcc "
        "plan` chooses); choose with --k K, --plan W1:R1+... or --config SPEC",
        json=args.json,
    )
    return k, spec
