"""``ffcc simulate``: latency percentiles of uncoded, MatDot and planned codes under a
straggler model, by sampling (no real sleeps)."""

from __future__ import annotations

from .._errors import InputError
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
from ._common import MODEL_HELP, NAT, POS, check_picture

__all__ = ["add_arguments", "cmd_simulate"]


def add_arguments(p) -> None:
    """The arguments of ``ffcc simulate`` (handler :func:`cmd_simulate`)."""
    p.add_argument("--model", default="exp:0.05,20", help=MODEL_HELP + " (default exp:0.05,20)")
    p.add_argument("--runs", type=POS, default=200, help="runs to sample (default 200)")
    p.add_argument("--k", type=POS, help="products k: adds uncoded x1, x2 and MatDot 2k-1+s")
    p.add_argument("--stragglers", "-s", type=NAT, help="with --k: s of the MatDot line (1)")
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
    configs = []
    if args.stragglers is not None and not args.k:
        raise InputError("-s sets the MatDot line of --k K: add --k or drop -s")
    if args.k:
        k, s = args.k, 1 if args.stragglers is None else args.stragglers
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
