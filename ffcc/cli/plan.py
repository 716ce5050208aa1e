"""``ffcc plan``: sketch A·B (or read the samples) and choose the codes."""

from __future__ import annotations

from pathlib import Path

from ..plan import plan, scheme_for_group
from ..run import pipeline
from ..structure import SampleGraph
from ._common import EXIT_OK, NAT, UserError, input_boundary, read_samples
from ._sketching import SKETCH_FLAGS, add_sketch_arguments, sketch_inputs

__all__ = ["add_arguments", "cmd_plan"]

DESCRIPTION = (
    "Sketch A·B with Grid CR-MM (or read samples from a file) and choose codes: prints "
    "the workers of every candidate, the chosen plan and the saving against MatDot."
)


def add_arguments(p) -> None:
    """The arguments of ``ffcc plan`` (handler :func:`cmd_plan`).

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="ffcc plan")
    >>> add_arguments(p)
    >>> a = p.parse_args(["--graph", "florentine", "--grid", "3,3,5", "-s", "2"])
    >>> a.graph, a.grid, a.stragglers, a.byzantine
    ('florentine', '3,3,5', 2, 0)
    """
    p.description = DESCRIPTION
    add_sketch_arguments(p)
    p.add_argument("--samples", help="read the sample pairs from a file instead of sketching")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument("--byzantine", "-b", type=NAT, default=0, help="liars b (default 0)")
    p.add_argument("--keep-repeats", action="store_true", help="code repeated samples apart")
    p.add_argument("--no-verify", action="store_true", help="skip exhaustive group checks")
    p.add_argument(
        "--measure",
        action="store_true",
        help="trim small groups to their measured (span-aware) recovery threshold",
    )
    p.add_argument("--p", type=int, default=65537, help="field prime for the schemes")
    p.add_argument("--out-dir", help="write the chosen plan's scheme files here")
    p.add_argument(
        "--optimize",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="search each group with ffcc optimize within this budget (default 0: off)",
    )


def cmd_plan(args) -> int:
    """``ffcc plan``: calls :func:`ffcc.plan.plan` on the sketch's samples; prints the plan,
    writes its scheme files (``--out-dir``) and draws it (``--draw``).

    Bare, it plans the main job's sketch of the karate club graph:

    >>> from ffcc.cli import main
    >>> main(["plan", "--no-verify"])  # doctest: +ELLIPSIS
    ffcc plan: no input given; sketching the main job's input: ffcc plan --graph karate ...
    32 samples -> 20 products (repeats merged), s = 1, b = 0
    candidate                    workers  groups
      uncoded                         20       1  (tolerates no faults)
      replication                     40       1
      matdot                          40       1  separate compression and coding
    ...
    chosen: ..., ... workers against MatDot's 40: saves ...
    0
    """
    opts = {"merge": not args.keep_repeats, "verify": not args.no_verify,
            "measure": args.measure, "optimize": args.optimize, "p": args.p}  # fmt: skip
    if args.samples:
        given = [
            flag for dest, flag in SKETCH_FLAGS.items() if getattr(args, dest) not in (None, False)
        ]
        if given:
            raise UserError(
                f"{given[0]} describes a sketch, but --samples reads the samples from a file; "
                f"drop {given[0]} or --samples"
            )
        P = plan(read_samples(args.samples), args.stragglers, args.byzantine, **opts)
    else:  # the one wiring: inputs -> sketch -> plan, stopped before the run
        A, B = sketch_inputs(args, "plan")
        with input_boundary("plan"):
            P = pipeline(A, B, grid=(args.m, args.n, args.q), k=args.k, seed=args.seed,
                         stragglers=args.stragglers, byzantine=args.byzantine,
                         plan_options=opts, run=False).plan  # fmt: skip
    if args.out_dir:
        d = Path(args.out_dir)
        d.mkdir(parents=True, exist_ok=True)
        for i, g in enumerate(P.chosen.groups):
            sch = scheme_for_group(P, g, args.p)
            sch.save(d / f"group{i:03d}-{g.construction}.json")
        P.notes.append(f"wrote {len(P.chosen.groups)} scheme files to {d}")
    if args.draw:
        named = {
            f"group {i}: {g.construction}, {g.workers} workers": g.products
            for i, g in enumerate(P.chosen.groups)
        }
        SampleGraph(P.products).draw(args.draw, groups=named)
        P.notes.append(f"wrote {args.draw}")
    print(P.to_json() if args.json else P.summary())
    return EXIT_OK
