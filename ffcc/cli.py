"""The ``ffcc`` command line.

User errors print one line (``ffcc: error: ...``) and exit 2; a check that does not hold
exits 1; success exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ._errors import FailureError, InputError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UserError(InputError):
    """A mistake in what the user asked for; printed as one line, exit 2."""


_USER_ERRORS = (InputError, ValueError, KeyError, OSError)


def _one_line(e: BaseException) -> str:
    msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
    return " ".join(str(msg).split())


class _Parser(argparse.ArgumentParser):
    # arguments registered by a heavy module (ffcc.run) are added when the subcommand is
    # parsed or its help shown, so that `ffcc --help` does not import it
    populate: Callable | None = None

    def _populate(self):
        fill, self.populate = self.populate, None
        if fill is not None:
            fill(self)

    def parse_known_args(self, args=None, namespace=None):
        self._populate()
        return super().parse_known_args(args, namespace)

    def format_help(self):
        self._populate()
        return super().format_help()

    def error(self, message):  # argparse's own usage errors: one line, exit 2
        sys.stderr.write(f"ffcc: error: {message} (see ffcc {self.prog.split()[-1]} --help)\n")
        sys.exit(EXIT_USAGE)


def parse_params(items: list[str] | None) -> dict:
    """``["m=3", "samples=0-0,0-1"]`` -> ``{"m": 3, "samples": "0-0,0-1"}``."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--param {item!r} must look like key=value")
        key, val = item.split("=", 1)
        try:
            out[key.strip()] = int(val)
        except ValueError:
            out[key.strip()] = val
    return out


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserError(f"--shard {text!r} must look like i/n, e.g. 0/4") from None
    if not 0 <= i < n:
        raise UserError(f"--shard {text!r}: need 0 <= i < n")
    return i, n


# -- subcommands ------------------------------------------------------------------------
def cmd_verify(args) -> int:
    from .scheme import load
    from .verify import verify

    scheme = load(args.file)
    if args.stragglers is not None or args.byzantine is not None:
        scheme = scheme.with_faults(args.stragglers, args.byzantine)
    if args.secrecy is not None and not 0 <= args.secrecy <= scheme.w:
        raise UserError(f"--secrecy {args.secrecy} must lie in [0, w = {scheme.w}]")
    if args.check_certificate:
        return _check_certificate(scheme, args)
    if args.ledger:
        return _verify_with_ledger(scheme, args)
    if getattr(args, "dask_local", None) or getattr(args, "scheduler", None):
        rep = _run_module().verify_from_args(scheme, args)
        X = scheme.secrecy if args.secrecy is None else args.secrecy
        if X:
            from .verify import verify_secrecy

            rep.secrecy = verify_secrecy(scheme, X, progress=False if args.json else None)
        print(rep.to_json() if args.json else rep.summary())
        return EXIT_FAIL if rep.ok is False else EXIT_OK
    rep = verify(
        scheme,
        args.R,
        sample=args.sample,
        shard=_parse_shard(args.shard) if args.shard else None,
        count_failures=args.count_failures,
        threshold=args.threshold,
        secrecy=args.secrecy,
        seed=args.seed,
        progress=False if args.json else None,
        certificate=False if args.no_certificate else (True if args.certificate else "auto"),
    )
    print(rep.to_json() if args.json else rep.summary())
    if args.certificate:
        if rep.certificate is None:
            print("no certificate applies to this scheme: nothing written", file=sys.stderr)
        else:
            with open(args.certificate, "w") as fh:
                json.dump(rep.certificate, fh, separators=(",", ":"))
            print(f"wrote the certificate to {args.certificate}", file=sys.stderr)
    return EXIT_FAIL if rep.ok is False else EXIT_OK


def _verify_with_ledger(scheme, args) -> int:
    """``ffcc verify FILE --ledger L``: sharded, resumable exhaustive verification."""
    from .verify import verify_resumable

    if args.ledger_workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.ledger_workers) as ex:
            rep = verify_resumable(
                scheme, args.ledger, shards=args.ledger_shards, R=args.R, mapper=ex.map
            )
    else:
        rep = verify_resumable(scheme, args.ledger, shards=args.ledger_shards, R=args.R)
    print(rep.to_json() if args.json else rep.summary())
    return EXIT_FAIL if rep.holds is False else EXIT_OK


def _check_certificate(scheme, args) -> int:
    """``ffcc verify FILE --check-certificate CERT``: re-check a certificate, exit 0 or 1."""
    from ._certificate import CertificateError
    from ._json import parse_json
    from .verify import check_certificate

    with open(args.check_certificate) as fh:
        cert = parse_json(fh.read(), f"certificate {args.check_certificate}")
    try:
        check_certificate(scheme, cert, args.R)
    except CertificateError as e:
        print(f"REJECTED: {_one_line(e)}")
        return EXIT_FAIL
    print(
        f"certificate CHECKS: every {cert['R']}-subset of the {scheme.w} workers of "
        f"{scheme.name} decodes (evaluation code of degree {cert['degree']})"
    )
    return EXIT_OK


def cmd_show(args) -> int:
    from . import codes

    if args.name not in codes.CATALOG:
        raise UserError(f"unknown construction {args.name!r}; see `ffcc codes --names`")
    form = codes.symbolic_form(args.name, **parse_params(args.param))
    print(form)
    same = form.check(form.scheme())
    print(f"  the catalog's numeric scheme is this form at its nodes (mod p): {same}")
    return EXIT_OK if same else EXIT_FAIL


def cmd_export(args) -> int:
    from . import codes

    scheme = codes.build(args.name, **parse_params(args.param))
    text = json.dumps(scheme.to_dict(), indent=None if args.compact else 1)
    if args.output in (None, "-"):
        print(text)
    else:
        with open(args.output, "w") as fh:
            fh.write(text + "\n")
        print(f"wrote {args.output}: {scheme!r}", file=sys.stderr)
    return EXIT_OK


def cmd_codes(args) -> int:
    from .codes import CATALOG

    if args.names:
        print("\n".join(sorted(CATALOG)))
        return EXIT_OK
    rows = []
    for name in sorted(CATALOG):
        c = CATALOG[name]
        rows.append(
            {
                "name": name,
                "summary": c.summary,
                "threshold": c.threshold,
                "defaults": c.defaults,
                "workers_at_defaults": c.workers(**c.defaults),
                "reference": c.reference,
                "params": c.param_help,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=1))
        return EXIT_OK
    for r in rows:
        print(f"{r['name']}: {r['summary']}")
        print(f"    threshold: {r['threshold']}")
        defaults = ", ".join(f"{k}={v}" for k, v in r["defaults"].items())
        print(f"    defaults:  {defaults}  (w = {r['workers_at_defaults']})")
        for k, v in r["params"].items():
            print(f"    --param {k}=...  {v}")
        print(f"    reference: {r['reference']}")
    return EXIT_OK


def _load_npy(path: str, name: str):
    import numpy as np

    try:
        X = np.load(path, allow_pickle=False)
    except ValueError as e:
        raise UserError(f"{name} file {path}: {e} (object arrays are refused)") from None
    if X.ndim != 2:
        raise UserError(f"{name} file {path} holds a {X.ndim}-d array; need a 2-d matrix")
    return X


def _input_matrices(args):
    """A and B from .npy files, or Gaussian from a seed (``--strong`` skews block norms)."""
    import numpy as np

    if args.A or args.B:
        if not (args.A and args.B):
            raise UserError("give both --A and --B, or neither (then they are generated)")
        return _load_npy(args.A, "A"), _load_npy(args.B, "B")
    rng = np.random.default_rng(args.seed)
    n = args.size
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))
    if args.skew:
        # strongly unequal block norms: scale inner block iota by 10^(-3 iota / q)
        q = args.q
        scale = np.repeat(10.0 ** (-3 * np.arange(q) / q), n // q if n % q == 0 else 1)
        if scale.size == n:
            A = A * scale[None, :]
            B = B * scale[:, None]
    return A, B


def _sketch(args):
    from .sketch import grid_crmm

    A, B = _input_matrices(args)
    k = args.k
    return grid_crmm(A, B, args.m, args.n, args.q, k, args.seed)


def _graph_summary(sk) -> dict:
    from .structure import SampleGraph

    g = SampleGraph(sk.samples)
    comps = g.components()
    u1, u2 = g.u()
    return {
        "samples": g.k,
        "distinct_pairs": len(g.edges),
        "a_blocks": len(g.left),
        "b_blocks": len(g.right),
        "components": len(comps),
        "largest_component": max(len(c.samples) for c in comps),
        "u1": u1,
        "u2": u2,
        "repeats": g.k - len(g.edges),
    }


def cmd_sketch(args) -> int:
    import numpy as np

    sk = _sketch(args)
    summ = _graph_summary(sk)
    C = sk.A @ sk.B
    est = sk.estimate()
    rel = float(np.linalg.norm(C - est) / max(np.linalg.norm(C), 1e-300))
    exp_rel = float(np.sqrt(sk.expected_sq_error.sum()) / max(np.linalg.norm(C), 1e-300))
    bound_rel = float(np.sqrt(sk.lemma1_bound.sum()) / max(np.linalg.norm(C), 1e-300))
    out = {
        **summ,
        "grid": [sk.m, sk.n, sk.q],
        "relative_error": rel,
        "expected_relative_error": exp_rel,
        "lemma1_relative_bound": bound_rel,
    }
    if args.draw:
        from .structure import SampleGraph

        SampleGraph(sk.samples).draw(args.draw)
        out["picture"] = args.draw
    if args.json:
        print(json.dumps(out))
        return EXIT_OK
    print(f"Grid CR-MM: A cut {sk.m} x {sk.q}, B cut {sk.q} x {sk.n}, {summ['samples']} samples")
    print(
        f"sample graph: {summ['distinct_pairs']} distinct pairs ({summ['repeats']} repeats) on "
        f"{summ['a_blocks']} A-blocks and {summ['b_blocks']} B-blocks, "
        f"{summ['components']} components (largest {summ['largest_component']} samples), "
        f"u1 = {summ['u1']}, u2 = {summ['u2']}"
    )
    print(
        f"relative error ||C - C^||/||C|| = {rel:.4f}; expected (exact) sqrt(E||.||^2)/||C|| "
        f"= {exp_rel:.4f}; Lemma 1 bound {bound_rel:.4f}"
    )
    if args.draw:
        print(f"wrote {args.draw}")
    return EXIT_OK


def cmd_plan(args) -> int:
    from .plan import plan

    if args.samples:
        samples = _read_samples(args.samples)
    else:
        samples = _sketch(args).samples
    P = plan(
        samples,
        args.stragglers,
        args.byzantine,
        merge=not args.keep_repeats,
        verify=not args.no_verify,
        measure=args.measure,
        optimize=args.optimize,
        p=args.p,
    )
    if args.out_dir:
        from pathlib import Path

        from .plan import scheme_for_group

        d = Path(args.out_dir)
        d.mkdir(parents=True, exist_ok=True)
        for i, g in enumerate(P.chosen.groups):
            sch = scheme_for_group(P, g, args.p)
            sch.save(d / f"group{i:03d}-{g.construction}.json")
        P.notes.append(f"wrote {len(P.chosen.groups)} scheme files to {d}")
    if args.draw:
        from .structure import SampleGraph

        named = {
            f"group {i}: {g.construction}, {g.workers} workers": g.products
            for i, g in enumerate(P.chosen.groups)
        }
        SampleGraph(P.products).draw(args.draw, groups=named)
        P.notes.append(f"wrote {args.draw}")
    print(P.to_json() if args.json else P.summary())
    return EXIT_OK


def cmd_compare(args) -> int:
    from .plan import compare

    if args.samples:
        samples = _read_samples(args.samples)
    else:
        import numpy as np

        rng = np.random.default_rng(args.seed)
        n = args.random
        if not n or n < 1:
            raise UserError("give --samples FILE or --random N (a random sample multigraph)")
        pick = rng.integers(0, args.blocks, size=(n, 2))
        samples = [(int(a), int(b)) for a, b in pick]
    rows = compare(samples, args.stragglers, merge=not args.keep_repeats, p=args.p)
    if args.json:
        print(json.dumps(rows))
        return EXIT_OK
    k = rows[0]["k"]
    print(f"{k} products, s = {args.stragglers}")
    print(f"{'construction':<34}{'formula':>9}{'measured':>10}  note")
    for r in rows:
        meas = "-" if r["measured"] is None else r["measured"]
        print(f"{r['construction']:<34}{r['formula']:>9}{meas:>10}  {r['note']}")
    return EXIT_OK


def cmd_optimize(args) -> int:
    from .optimize import optimize

    if args.time_limit <= 0:
        raise UserError(f"--time-limit must be positive, got {args.time_limit}")
    res = optimize(
        _read_samples(args.samples),
        args.stragglers,
        time_limit=args.time_limit,
        p=args.p,
        seed=args.seed,
        progress=None if not args.json else False,
    )
    if args.out:
        res.scheme.save(args.out)
        res.notes.append(f"wrote {args.out}")
    print(res.to_json() if args.json else res.summary())
    return EXIT_OK


def _read_samples(path: str):
    """A samples file: JSON list of [a, b] pairs, or lines 'a b' / 'a,b' / 'a-b'."""
    import re

    try:
        text = open(path).read()
    except OSError as e:
        raise UserError(f"cannot read samples file {path}: {e.strerror}") from None
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
            pairs = [(_hashable(a), _hashable(b)) for a, b in data]
        except (json.JSONDecodeError, TypeError, ValueError):
            raise UserError(f"samples file {path}: expected a JSON list of [a, b] pairs") from None
        return pairs
    pairs = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        parts = re.split(r"[\s,\-]+", line)
        if len(parts) != 2:
            raise UserError(f"samples file {path}, line {n}: expected two ids, got {line!r}")
        pairs.append(tuple(parts))
    if not pairs:
        raise UserError(f"samples file {path} holds no samples")
    return pairs


def _hashable(x):
    return tuple(x) if isinstance(x, list) else x


def cmd_claims(args) -> int:
    try:
        import proofs
    except ImportError:
        raise UserError("the proofs package is not installed; run from a source checkout") from None
    only = args.only.split(",") if args.only else None
    results = proofs.run_all(
        quick=not args.full, only=only, progress=None if not args.json else False
    )
    print(proofs.to_json(results) if args.json else proofs.table(results))
    # 1 when a verdict moved from the recorded one or a negative control was not rejected
    broken = any(not r.expected or not r.negative_rejected for r in results)
    return EXIT_FAIL if broken else EXIT_OK


def cmd_demo(args) -> int:
    from .demo import demo

    return demo(seed=args.seed, stragglers=args.stragglers, out=sys.stdout)


# -- parser -----------------------------------------------------------------------------
def _run_module():
    from . import run

    return run


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="ffcc",
        description="Exact finite-field toolkit for compression-informed coded computing.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(name: str, fn: Callable, help_: str, desc: str | None = None):
        p = sub.add_parser(name, help=help_, description=desc or help_)
        p.set_defaults(fn=fn)
        return p

    p = add(
        "demo",
        cmd_demo,
        "a short tour: build, verify and run coded multiplications exactly",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--stragglers", "-s", type=int, default=1, help="stragglers s (default 1)")

    p = add(
        "verify",
        cmd_verify,
        "check that every R-subset of a scheme file's workers decodes every target",
        "Verify a scheme file exhaustively: every subset of R = w - s - 2b workers must "
        "determine every target. Exits 0 if it holds, 1 if a subset fails, 2 on bad input.",
    )
    p.add_argument("file", help="a scheme file (ffcc-scheme/2 or /1 JSON)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--threshold", action="store_true", help="also find the smallest working R")
    p.add_argument("--R", type=int, help="check subsets of this size instead of w - s - 2b")
    p.add_argument("--stragglers", "-s", type=int, help="override the file's stragglers s")
    p.add_argument("--byzantine", "-b", type=int, help="override the file's byzantine b")
    p.add_argument("--sample", type=int, help="check N random subsets only (reported as SAMPLED)")
    p.add_argument("--shard", help="check shard i of n rank ranges, written i/n")
    p.add_argument("--count-failures", action="store_true", help="count every failing subset")
    p.add_argument("--seed", type=int, default=0, help="seed for --sample")
    p.add_argument(
        "--secrecy",
        type=int,
        metavar="X",
        help="also check that no X colluding workers learn anything about the data "
        "(default: the file's 'secrecy'; 0 skips)",
    )
    p.add_argument(
        "--certificate", metavar="FILE", help="prove without enumeration and write the proof"
    )
    p.add_argument("--check-certificate", metavar="FILE", help="re-check a certificate file")
    p.add_argument("--no-certificate", action="store_true", help="always enumerate")
    p.add_argument("--ledger", metavar="FILE", help="enumerate in shards, resumable from FILE")
    p.add_argument("--ledger-shards", type=int, default=64, help="shards with --ledger (64)")
    p.add_argument("--ledger-workers", type=int, default=1, help="processes with --ledger (1)")
    p.populate = lambda p: _run_module().add_verify_dask_arguments(p)

    p = add(
        "export",
        cmd_export,
        "write a scheme file for a catalogued construction",
        "Write a scheme file for construction NAME (see `ffcc codes --names`), with "
        "parameters given as --param key=value.",
    )
    p.add_argument("name", help="construction name")
    p.add_argument("--param", "-p", action="append", help="a parameter, key=value (repeatable)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--compact", action="store_true", help="write one line of JSON")

    p = add(
        "show",
        cmd_show,
        "print the symbolic form of a catalogued construction",
        "Print construction NAME symbolically (sympy): encoder polynomials in z, the product "
        "polynomial h, the targets as functionals of h, the worker nodes and the decoding "
        "map in node symbols; then check the numeric scheme against it.",
    )
    p.add_argument("name", help="construction name")
    p.add_argument("--param", "-p", action="append", help="a parameter, key=value (repeatable)")

    def sketch_args(p):
        p.add_argument("--A", help="A as a .npy file (allow_pickle=False)")
        p.add_argument("--B", help="B as a .npy file")
        p.add_argument("--size", type=int, default=256, help="generated A, B are size^2")
        p.add_argument("--skew", action="store_true", help="generate strongly unequal norms")
        p.add_argument("--seed", type=int, default=0, help="seed for generation and sampling")
        p.add_argument("-m", type=int, default=4, help="block rows of A (default 4)")
        p.add_argument("-n", type=int, default=4, help="block columns of B (default 4)")
        p.add_argument("-q", type=int, default=16, help="inner blocks (default 16)")
        p.add_argument("-k", type=int, default=4, help="samples per output block k_ij")
        p.add_argument("--draw", metavar="PNG", help="draw the sample graph to this file")
        p.add_argument("--json", action="store_true", help="print JSON")

    p = add(
        "sketch",
        cmd_sketch,
        "sketch A·B with Grid CR-MM and summarise the sample graph",
    )
    sketch_args(p)

    p = add(
        "plan",
        cmd_plan,
        "plan the coding of a sketch's products (compression-informed)",
        "Sketch A·B with Grid CR-MM (or read samples from a file) and choose codes: prints "
        "the workers of every candidate, the chosen plan and the saving against MatDot.",
    )
    sketch_args(p)
    p.add_argument("--samples", help="read the sample pairs from a file instead of sketching")
    p.add_argument("--stragglers", "-s", type=int, default=1, help="stragglers s (default 1)")
    p.add_argument("--byzantine", "-b", type=int, default=0, help="liars b (default 0)")
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

    p = add(
        "run",
        lambda args: _run_module().cmd_run(args),
        "multiply matrices on real workers with coded computation (the main job)",
        "The whole pipeline on real workers: (sketch with --sketch ->) plan -> encode -> "
        "dispatch -> first R results -> decode -> reconstruct -> report. Exact over GF(p), "
        "several primes and CRT when the range needs it.",
    )
    p.populate = lambda p: _run_module().add_run_arguments(p)
    p = add(
        "simulate",
        lambda args: _run_module().cmd_simulate(args),
        "latency percentiles of uncoded, MatDot and planned codes under a straggler model",
    )
    p.populate = lambda p: _run_module().add_simulate_arguments(p)

    p = add(
        "claims",
        cmd_claims,
        "run the paper's claims as executable proofs and print the verdicts",
    )
    p.add_argument("--full", action="store_true", help="full parameter ranges (minutes)")
    p.add_argument("--only", help="comma-separated claim ids, e.g. C04,C05")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add(
        "compare",
        cmd_compare,
        "worker counts of every applicable construction for one sample structure",
        "For one input structure (sampled pairs), print every applicable construction's "
        "worker count: the formula and the value the exhaustive verifier measures.",
    )
    p.add_argument("--samples", help="a samples file (JSON [[a, b], ...] or lines 'a b')")
    p.add_argument("--random", type=int, metavar="N", help="N random samples instead")
    p.add_argument("--blocks", type=int, default=4, help="with --random: blocks per side (4)")
    p.add_argument("--seed", type=int, default=0, help="with --random: seed")
    p.add_argument("--stragglers", "-s", type=int, default=1, help="stragglers s (default 1)")
    p.add_argument("--keep-repeats", action="store_true", help="code repeated samples apart")
    p.add_argument("--p", type=int, default=65537, help="field prime")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add(
        "optimize",
        cmd_optimize,
        "search for the fewest workers any linear scheme needs for a sample structure",
        "Search catalog codes, biclique frame codes and monomial exponent codes for the "
        "sampled products, verify the best exhaustively, and put a lower bound valid for "
        "every linear scheme beside it (closed when they meet).",
    )
    p.add_argument("--samples", required=True, help="a samples file (JSON [[a, b], ...])")
    p.add_argument("--stragglers", "-s", type=int, default=1, help="stragglers s (default 1)")
    p.add_argument("--time-limit", type=float, default=10.0, help="search seconds (10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the randomised searches")
    p.add_argument("--p", type=int, default=65537, help="field prime")
    p.add_argument("--out", metavar="SCHEME.json", help="write the best scheme file here")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("codes", cmd_codes, "list the catalogued constructions")
    p.add_argument("--names", action="store_true", help="one construction name per line")
    p.add_argument("--json", action="store_true", help="print the catalog as JSON")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        print("ffcc: interrupted", file=sys.stderr)
        return 130
    except FailureError as e:
        print(f"ffcc: failed: {_one_line(e)}", file=sys.stderr)
        return EXIT_FAIL
    except _USER_ERRORS as e:
        print(f"ffcc: error: {_one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
