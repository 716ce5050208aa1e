"""The ``ffcc`` command line.

Exit codes: 0 success; 1 a check or run failed (``ffcc: failed: ...``, one line);
2 the input was wrong (``ffcc: error: ...``, one line naming what and how to fix it);
3 a bug in ffcc itself (``ffcc: internal error: ...``, one line; ``--debug`` shows the
traceback). A closed output pipe (``ffcc codes | head -1``) ends quietly with 0.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import sys
import traceback
from collections.abc import Callable

from ._argtypes import int_at_least, positive_float
from ._errors import FailureError, InputError

NAT, POS = int_at_least(0), int_at_least(1)  # argparse types: >= 0, >= 1
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
DEMO_MAX_S = 10  # the demo verifies codes exhaustively; larger s takes minutes
COMPARE_MAX_RANDOM = 512  # compare measures every construction by exhaustive checks


class UserError(InputError):
    """A mistake in what the user asked for; printed as one line, exit 2."""


# OS errors that mean "the file or place the user named is wrong": exit 2, not a bug
_FILE_ERRNOS = {
    errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENOSPC,
    errno.EROFS, errno.EEXIST, errno.ENAMETOOLONG, errno.EFBIG, errno.ELOOP, errno.EDQUOT,
}  # fmt: skip


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
        sys.stderr.write(f"ffcc: error: {_one_line(message)} (see {self.prog} --help)\n")
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
VERIFY_BUDGET_S = 600.0  # refuse an exhaustive check estimated longer, unless --force


def cmd_verify(args) -> int:
    from ._resources import check_memory
    from .run._cli import check_scheduler, load_scheme
    from .verify import estimate_seconds, tensor_bytes, verify

    check_scheduler(args.scheduler)
    scheme = load_scheme(args.file, tensors=False)  # a certificate needs no tensors
    if args.stragglers is not None or args.byzantine is not None:
        scheme = scheme.with_faults(args.stragglers, args.byzantine)
    if args.secrecy is not None and not 0 <= args.secrecy <= scheme.w:
        raise UserError(f"--secrecy {args.secrecy} must lie in [0, w = {scheme.w}]")
    if args.check_certificate:
        return _check_certificate(scheme, args)
    R = scheme.R if args.R is None else args.R
    if R > scheme.w:
        raise UserError(f"--R {R}: the scheme has only {scheme.w} workers; choose R <= {scheme.w}")
    shard = _parse_shard(args.shard) if args.shard else None
    dask = bool(getattr(args, "dask_local", None) or getattr(args, "scheduler", None))
    cert = _try_certificate(scheme, R, args, dask, shard)
    if cert is None and args.sample is None and shard is None:
        check_memory(
            tensor_bytes(scheme),
            f"the worker tensors of {args.file} ({scheme.w:,} workers x "
            f"{math.prod(scheme.basis):,} coordinates)",
        )
        count, seconds = estimate_seconds(scheme, R)
        parallel = (args.dask_local or 1) if dask else 1
        seconds /= parallel
        if seconds > args.budget and not args.force:
            from ._errors import ResourceError

            raise ResourceError(
                f"checking all {_count(count)} subsets of size {R} would take about "
                f"{_duration(seconds)} (budget {_duration(args.budget)}); use --sample N, "
                "--shard i/n, --ledger FILE, --budget SECONDS or --force"
            )
        if not args.json:
            print(
                f"verify: {_count(count)} subsets of size {R}; estimated {_duration(seconds)}"
                + (f" on {parallel} workers" if parallel > 1 else ""),
                file=sys.stderr,
            )
    if args.ledger and not dask:  # with Dask, the shards of the ledger run on the cluster
        return _verify_with_ledger(scheme, args)
    if dask:
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
        shard=shard,
        count_failures=args.count_failures,
        threshold=args.threshold,
        secrecy=args.secrecy,
        seed=args.seed,
        progress=False if args.json else None,
        certificate=cert if cert is not None else False,
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


def _try_certificate(scheme, R, args, dask, shard) -> dict | None:
    """A certificate when one is asked for (``--certificate``) or when the count is large
    (above ``CERTIFY_ABOVE``); None when none applies or enumeration is asked for."""
    from ._certificate import certify
    from .verify import CERTIFY_ABOVE, subset_count

    if (
        args.no_certificate or dask or shard is not None or args.sample is not None
        or args.count_failures or args.ledger or scheme.outputs is not None
    ):  # fmt: skip
        return None
    if not args.certificate and subset_count(scheme, R) <= CERTIFY_ABOVE:
        return None
    return certify(scheme, R)


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
    params = parse_params(args.param)
    form = codes.symbolic_form(args.name, **params)
    same = form.check(form.scheme())
    if args.json:
        print(json.dumps({"name": args.name, "params": params, "form": str(form),
                          "numeric_scheme_matches": bool(same)}))  # fmt: skip
        return EXIT_OK if same else EXIT_FAIL
    print(form)
    print(f"  the catalog's numeric scheme is this form at its nodes (mod p): {same}")
    return EXIT_OK if same else EXIT_FAIL


def _count(n: int) -> str:
    """21 -> '21'; C(199, 99) -> '4.53e+58' (exact digits only while they are readable)."""
    from decimal import Decimal

    return f"{n:,}" if n < 10**15 else format(Decimal(n), ".3g")


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds > 1e300:
        return "longer than the age of the universe"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400 * 365:
        return f"{seconds / 3600:,.0f} h"
    return f"{seconds / (86400 * 365):.2g} years"


def cmd_export(args) -> int:
    from . import codes
    from ._resources import check_memory

    if args.name not in codes.CATALOG:
        raise UserError(
            f"unknown construction {args.name!r}; see `ffcc codes --names` "
            f"({', '.join(sorted(codes.CATALOG))})"
        )
    entry = codes.CATALOG[args.name]
    params = parse_params(args.param)
    unknown = sorted(set(params) - set(entry.defaults))
    if unknown:
        known = ", ".join(sorted(entry.defaults))
        raise UserError(f"{args.name} takes --param {known}; not {', '.join(unknown)}")
    for key, val in params.items():
        default = entry.defaults[key]
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(val, str):
            raise UserError(f"--param {key}={val}: {key} takes an integer (default {default})")
    with _input_boundary(f"export {args.name}"):
        w = int(entry.workers(**{**entry.defaults, **params}))
    # every construction has basis sizes below ~2w: coefficients and tensors are O(w^2)
    check_memory(48 * w * w, f"export {args.name} with {w:,} workers", fix="choose smaller params")
    with _input_boundary(f"export {args.name}"):
        scheme = codes.build(args.name, **params)
    size = scheme.w * sum(scheme.basis) * (len(str(scheme.p)) + (2 if args.compact else 4))
    check_memory(3 * size, f"the scheme file of {scheme.w:,} workers (about {size:,} bytes)")
    text = json.dumps(scheme.to_dict(), indent=None if args.compact else 1)
    if args.output in (None, "-"):
        if args.json:
            raise UserError("--json prints a summary instead of the scheme: add -o FILE")
        print(text)
    else:
        with open(args.output, "w") as fh:
            fh.write(text + "\n")
        if args.json:
            summary = {"name": args.name, "w": scheme.w, "R": scheme.R, "s": scheme.stragglers,
                       "b": scheme.byzantine, "p": scheme.p, "file": args.output}  # fmt: skip
            print(json.dumps(summary))
        else:
            print(f"wrote {args.output} ({len(text) + 1:,} bytes): {scheme!r}", file=sys.stderr)
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


class _input_boundary:
    """Turn the ValueError/TypeError/KeyError a library call raises on the user's values
    into a one-line input error (exit 2). Used only around calls whose arguments come
    straight from the command line, so bugs elsewhere still surface as exit 3."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (ValueError, TypeError, KeyError)):
            if isinstance(exc, InputError):
                return False
            raise UserError(f"{self.what}: {_one_line(exc)}") from exc
        return False


def _load_npy(path: str, name: str):
    from .run import load_matrix

    X = load_matrix(path)
    if X.dtype == object:
        raise UserError(f"--{name} {path}: integers beyond int64; sketches need real numbers")
    return X


SKETCH_GRID, SKETCH_K = (2, 2, 17), 8  # the main job's sketch (`ffcc run`, `make run`)


def _input_matrices(args):
    """A and B from .npy files, Gaussian from a seed (``--random N``, ``--strong`` skews block
    norms) or a bundled graph's adjacency (``--graph NAME``, default karate: A = B)."""
    import numpy as np

    if sum(x is not None for x in (args.A or args.B or None, args.size, args.graph)) > 1:
        raise UserError("give one input: --A/--B FILES, --random N or --graph NAME")
    if args.A or args.B:
        if not (args.A and args.B):
            raise UserError("give both --A and --B, or neither (then they are generated)")
        return _load_npy(args.A, "A"), _load_npy(args.B, "B"), f"--A {args.A} --B {args.B}"
    if args.size is None:
        from .run import graph_matrix

        name = args.graph or "karate"
        A = graph_matrix(name).astype(np.float64)
        return A, A, f"the {name} graph's adjacency A ({A.shape[0]} x {A.shape[1]}), A·A"
    from ._resources import check_memory

    n = args.size
    check_memory(6 * 8 * n * n, f"generated {n:,} x {n:,} matrices", fix="lower --random")
    rng = np.random.default_rng(args.seed)
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))
    if args.skew:
        # strongly unequal block norms: scale inner block iota by 10^(-3 iota / q)
        q = args.q
        scale = np.repeat(10.0 ** (-3 * np.arange(q) / q), n // q if n % q == 0 else 1)
        if scale.size == n:
            A = A * scale[None, :]
            B = B * scale[:, None]
    return A, B, f"Gaussian {n} x {n} matrices (seed {args.seed})"


def _grid(args) -> None:
    """``--grid M,N,Q`` (the documented form) or ``-m -n -q`` (kept), into args.m, n, q."""
    if args.grid is not None:
        if any(x is not None for x in (args.m, args.n, args.q)):
            raise UserError("give --grid M,N,Q or -m/-n/-q, not both")
        try:
            grid = tuple(int(x) for x in args.grid.split(","))
        except ValueError:
            grid = ()
        if len(grid) != 3 or min(grid) < 1:
            raise UserError(f"--grid {args.grid!r} must be three positive integers M,N,Q")
        args.m, args.n, args.q = grid
    for key, val in zip("mnq", SKETCH_GRID, strict=True):
        if getattr(args, key) is None:
            setattr(args, key, val)


def _sketch(args):
    from .run._cli import check_picture, check_samples
    from .sketch import grid_crmm, pad_to_grid

    _grid(args)
    check_samples(args.m * args.n * args.k, "--grid M,N and --k")
    check_picture(getattr(args, "draw", None), "--draw")
    A, B, args.input_text = _input_matrices(args)
    if A.ndim == 2 and B.ndim == 2 and A.shape[1] == B.shape[0]:
        A, B, args.padding = pad_to_grid(A, B, args.m, args.n, args.q)  # exact, see its doc
    with _input_boundary("sketch"):
        return grid_crmm(A, B, args.m, args.n, args.q, args.k, args.seed)


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
    pad = [int(x) for x in getattr(args, "padding", (0, 0, 0))]
    out = {
        **summ,
        "input": args.input_text,
        "grid": [sk.m, sk.n, sk.q],
        "k": args.k,
        "padding": pad,
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
    print(f"input: {args.input_text}")
    print(
        f"Grid CR-MM: A cut {sk.m} x {sk.q}, B cut {sk.q} x {sk.n}, k = {args.k} samples per "
        f"output block, {summ['samples']} samples"
        + (f"; zero-padded by {pad[0]} rows, {pad[1]} inner, {pad[2]} columns (exact: zero "
           "blocks are never sampled)" if any(pad) else "")
    )  # fmt: skip
    print(
        f"sample graph: {summ['distinct_pairs']} distinct pairs ({summ['repeats']} repeats) on "
        f"{summ['a_blocks']} A-blocks and {summ['b_blocks']} B-blocks, "
        f"{summ['components']} components (largest {summ['largest_component']} samples), "
        f"u1 = {summ['u1']}, u2 = {summ['u2']}"
    )
    print(
        f"relative error ||C - C^||/||C|| = {rel:.4f} for this draw; {exp_rel:.4f} expected "
        f"(exact sqrt(E||C - C^||^2)/||C||), which Lemma 1 bounds by {bound_rel:.4f}"
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
        if not n:
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

    from ._json import parse_json

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_SAMPLES_BYTES + 1)
    except OSError as e:
        raise UserError(f"cannot read samples file {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise UserError(f"samples file {path} is not text (UTF-8)") from None
    if len(text) > MAX_SAMPLES_BYTES:
        raise UserError(f"samples file {path} is larger than {MAX_SAMPLES_BYTES:,} bytes")
    if text.lstrip().startswith("["):
        data = parse_json(text, f"samples file {path}")
        ok = isinstance(data, list) and all(
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(x, (int, str)) and not isinstance(x, bool) for x in pair)
            for pair in data
        )
        if not ok:
            raise UserError(
                f"samples file {path}: expected a JSON list of [a, b] pairs of integers or "
                'strings, e.g. [[0, 1], [1, 2]] or [["A0", "B1"]]'
            )
        if not data:
            raise UserError(f"samples file {path} holds no samples")
        return [(a, b) for a, b in data]
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


MAX_SAMPLES_BYTES = 64 * 2**20


def cmd_claims(args) -> int:
    try:
        import proofs
    except ImportError:
        raise UserError("the proofs package is not installed; run from a source checkout") from None
    only = None
    if args.only is not None:
        only = [x.strip().upper() for x in args.only.split(",") if x.strip()]
        known = proofs.claim_ids()
        bad = [x for x in only if x not in known]
        if not only or bad:
            raise UserError(
                f"--only {args.only!r}: "
                + (f"unknown claim id(s) {', '.join(bad)}" if bad else "no claim id given")
                + f"; choose from {','.join(known)}"
            )
    results = proofs.run_all(
        quick=not args.full, only=only, progress=None if not args.json else False
    )
    print(proofs.to_json(results) if args.json else proofs.table(results))
    # 1 when a verdict moved from the recorded one or a negative control was not rejected
    broken = any(not r.expected or not r.negative_rejected for r in results)
    return EXIT_FAIL if broken else EXIT_OK


def cmd_demo(args) -> int:
    from .demo import demo

    if args.stragglers > DEMO_MAX_S:
        from ._errors import ResourceError

        raise ResourceError(
            f"demo -s {args.stragglers}: the tour verifies every subset of its codes, and the "
            f"time grows steeply with s (s = 16 takes minutes); choose -s <= {DEMO_MAX_S}"
        )
    if not args.json:
        return demo(seed=args.seed, stragglers=args.stragglers, out=sys.stdout)
    import io

    results: dict = {}
    code = demo(seed=args.seed, stragglers=args.stragglers, out=io.StringIO(), results=results)
    print(json.dumps(results))
    return code


# -- parser -----------------------------------------------------------------------------
def _run_module():
    from . import run

    return run


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ffcc")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="ffcc",
        description="Exact finite-field toolkit for compression-informed coded computing.",
    )
    ap.add_argument("--debug", action="store_true", help="show the traceback of an error")
    ap.add_argument("--version", action="version", version=f"ffcc {_version()}")
    ap.add_argument(
        "--memory-budget",
        metavar="SIZE",
        help="refuse work estimated to need more memory, e.g. 4G (default: half the free RAM; "
        "env FFCC_MEMORY_BUDGET)",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    ap.subparsers = {}

    def add(name: str, fn: Callable, help_: str, desc: str | None = None):
        p = sub.add_parser(name, help=help_, description=desc or help_)
        p.set_defaults(fn=fn)
        ap.subparsers[name] = p
        return p

    p = add(
        "demo",
        cmd_demo,
        "a short tour: build, verify and run coded multiplications exactly",
    )
    p.add_argument("--seed", type=NAT, default=0, help="random seed (default 0)")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
    p.add_argument("--json", action="store_true", help="print the tour's results as JSON")

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
    p.add_argument("--R", type=POS, help="check subsets of this size instead of w - s - 2b")
    p.add_argument("--stragglers", "-s", type=NAT, help="override the file's stragglers s")
    p.add_argument("--byzantine", "-b", type=NAT, help="override the file's byzantine b")
    p.add_argument("--sample", type=POS, help="check N random subsets only (reported as SAMPLED)")
    p.add_argument("--shard", help="check shard i of n rank ranges, written i/n")
    p.add_argument("--count-failures", action="store_true", help="count every failing subset")
    p.add_argument("--seed", type=NAT, default=0, help="seed for --sample")
    p.add_argument(
        "--secrecy",
        type=NAT,
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
    p.add_argument("--ledger-shards", type=POS, default=64, help="shards with --ledger (64)")
    p.add_argument("--ledger-workers", type=POS, default=1, help="processes with --ledger (1)")
    p.add_argument(
        "--budget",
        type=positive_float,
        default=VERIFY_BUDGET_S,
        metavar="SECONDS",
        help=f"refuse an exhaustive check estimated longer (default {VERIFY_BUDGET_S:.0f})",
    )
    p.add_argument("--force", action="store_true", help="check every subset whatever it costs")
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
    p.add_argument("--json", action="store_true", help="with -o: print a JSON summary")

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
    p.add_argument("--json", action="store_true", help="print JSON")

    def sketch_args(p):
        p.add_argument("--A", help="A as a .npy file (allow_pickle=False)")
        p.add_argument("--B", help="B as a .npy file")
        p.add_argument("--graph", metavar="NAME", help="a bundled graph's A·A (default karate)")
        p.add_argument(
            "--random", "--size", dest="size", type=POS, metavar="N", help="Gaussian N x N A, B"
        )
        p.add_argument("--skew", action="store_true", help="generate strongly unequal norms")
        p.add_argument("--seed", type=NAT, default=0, help="seed for generation and sampling")
        grid = ",".join(map(str, SKETCH_GRID))
        p.add_argument(
            "--grid", metavar="M,N,Q", help=f"Grid CR-MM blocks (default {grid}; zero-padded)"
        )
        p.add_argument("-m", type=POS, help="block rows of A (or --grid)")
        p.add_argument("-n", type=POS, help="block columns of B (or --grid)")
        p.add_argument("-q", type=POS, help="inner blocks (or --grid)")
        p.add_argument(
            "--k", "-k", type=POS, default=SKETCH_K, help=f"samples per output block ({SKETCH_K})"
        )
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

    p = add(
        "run",
        lambda args: _run_module().cmd_run(args),
        "multiply matrices on real workers with coded computation (the main job)",
        "The whole pipeline on real workers: (sketch with --sketch ->) plan -> encode -> "
        "dispatch -> first R results -> decode -> reconstruct -> report. Exact over GF(p), "
        "several primes and CRT when the range needs it. With no inputs: the main job (as `make "
        "run`), flags given override it.",
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
    p.add_argument(
        "--random",
        type=int_at_least(1, COMPARE_MAX_RANDOM),
        metavar="N",
        help=f"N random samples instead (at most {COMPARE_MAX_RANDOM})",
    )
    p.add_argument("--blocks", type=POS, default=4, help="with --random: blocks per side (4)")
    p.add_argument("--seed", type=NAT, default=0, help="with --random: seed")
    p.add_argument("--stragglers", "-s", type=NAT, default=1, help="stragglers s (default 1)")
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
    """Run the command line; returns the exit code (argparse usage errors raise
    ``SystemExit(2)``). ``--debug`` anywhere before a ``--`` prints tracebacks."""
    argv = list(sys.argv[1:] if argv is None else argv)
    head = argv[: argv.index("--")] if "--" in argv else argv
    debug = "--debug" in head
    if debug:
        argv.remove("--debug")
    ap = build_parser()
    args, extra = ap.parse_known_args(argv)
    if extra:  # name the subcommand's help, not the top level's
        ap.subparsers[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    _refuse_dash_dash_values(ap, args)
    from ._resources import ENV

    budget_before = os.environ.get(ENV)
    try:
        if args.memory_budget is not None:
            from ._resources import parse_bytes

            os.environ[ENV] = str(parse_bytes(args.memory_budget, "--memory-budget"))
        code = args.fn(args)
        sys.stdout.flush()  # a closed pipe raises here, inside the handler below
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("ffcc: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        code, line = _classify(e)
        if debug:
            traceback.print_exc()
        print(line, file=sys.stderr)
        return code
    finally:  # main() may run in-process (tests): leave the environment as it was
        if budget_before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = budget_before


def _refuse_dash_dash_values(ap, args) -> None:
    """argparse turns ``--m=--`` into the value ``[]`` (it strips the ``--``); refuse it."""
    sub = ap.subparsers[args.command]
    for action in sub._actions:
        val = getattr(args, action.dest, None)
        if action.option_strings and action.nargs is None and isinstance(val, list):
            if val == [] or [] in val:
                flag = "/".join(action.option_strings)
                sub.error(f"argument {flag}: expected one value, got '--'")


def _classify(e: BaseException) -> tuple[int, str]:
    """The exit code and the one line for an exception that reached the command line."""
    if isinstance(e, FailureError):
        return EXIT_FAIL, f"ffcc: failed: {_one_line(e)}"
    if isinstance(e, InputError):
        return EXIT_USAGE, f"ffcc: error: {_one_line(e)}"
    if isinstance(e, OSError) and (e.errno in _FILE_ERRNOS or e.filename is not None):
        where = f"{e.filename}: " if e.filename else ""
        return EXIT_USAGE, f"ffcc: error: {where}{e.strerror or _one_line(e)}"
    if isinstance(e, MemoryError):
        return EXIT_USAGE, (
            f"ffcc: error: out of memory ({_one_line(e) or 'MemoryError'}); use smaller inputs "
            "or lower --memory-budget so that ffcc refuses before allocating"
        )
    return EXIT_BUG, (
        f"ffcc: internal error: {type(e).__name__}: {_one_line(e)[:300]} "
        "(rerun with --debug for the traceback)"
    )


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the interpreter's final
    flush does not print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout has no file descriptor (tests)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
