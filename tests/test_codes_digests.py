"""Regression guard: every catalog construction, over a grid of parameters and primes, builds
exactly the scheme it built before the builders were derived from one exact form per
construction (``tests/data/scheme_digests.json``, recorded from the hand-written builders).

The digest is SHA-256 of the scheme's class name and its complete file dictionary (encoders,
targets, params, nodes, masks, outputs). Regenerate only for an intended change:
``FFCC_RECORD_DIGESTS=1 pytest tests/test_codes_digests.py``, and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ffcc import codes

DATA = Path(__file__).parent / "data" / "scheme_digests.json"
BIG = (1 << 61) - 1  # = 3 mod 4: threem takes the GF(p^2) path
PRIMES = (65537, 101, 103, BIG)  # 101 = 1 mod 4, 103 = 3 mod 4

GRID = {
    "matdot": [{"m": 1, "s": 0}, {"m": 3, "s": 2}, {"m": 4, "s": 1, "weights": "1,-2,3,5"},
               {"m": 40, "s": 9}],
    "polynomial": [{"m": 1, "n": 1, "s": 0}, {"m": 3, "n": 2, "s": 2}, {"m": 2, "n": 4, "s": 1}],
    "entangled-polynomial": [{"m": 1, "n": 2, "q": 3, "s": 0}, {"m": 2, "n": 2, "q": 2, "s": 1},
                             {"m": 2, "n": 3, "q": 2, "s": 3}],
    "polydot": [{"m": 2, "n": 1, "q": 3, "s": 1}, {"m": 2, "n": 2, "q": 2, "s": 0}],
    "lagrange": [{"k": 1, "s": 0}, {"k": 3, "s": 1, "b": 1}, {"k": 2, "s": 1, "b": 1, "d": 3},
                 {"k": 4, "systematic": True}, {"k": 9, "s": 2}],
    "locality-dependency": [{"k": 2, "s": 0}, {"k": 4, "s": 2, "alphas": "2,3,5"},
                            {"k": 6, "s": 1, "alphas": "1,-1,2,7,3"}],
    "locality-coordinates": [{"s": 0}, {"samples": "0-0,0-0,0-1,1-1", "merge": 0, "s": 1},
                             {"samples": "0-0,0-1,1-0,1-1", "s": 2},
                             {"samples": "0-0,0-1,1-0,1-1", "s": 1, "span_aware": 1},
                             {"samples": "0-0,0-1,0-2,1-0,2-0,3-3", "s": 1}],
    "threem": [{"K": 1, "s": 0}, {"K": 2, "s": 1, "layout": "global"},
               {"K": 3, "s": 2, "layout": "global"}, {"K": 2, "s": 0, "layout": "blocks"},
               {"K": 2, "s": 1, "targets": "products", "layout": "global"},
               {"K": 1, "s": 3, "targets": "products", "layout": "blocks"},
               {"K": 3, "s": 1, "targets": "products"}],
    "secure-matdot": [{"m": 2, "X": 1, "s": 1}, {"m": 3, "X": 2, "s": 0},
                      {"m": 2, "X": 2, "nodes": "3,5,7,9,11,13,15,17"}],
    "gasp-big": [{"K": 2, "L": 2, "T": 1}, {"K": 3, "L": 2, "T": 2, "s": 0}],
    "gasp-r": [{"K": 3, "L": 2, "T": 2, "r": 1}, {"K": 3, "L": 2, "T": 3, "r": 2, "s": 2}],
    "polynomial-sharing": [{"m": 2, "n": 2, "X": 1}, {"m": 1, "n": 3, "X": 2, "s": 2}],
    "batch-mds": [{"m": 2, "n": 2, "s": 1}, {"m": 3, "n": 4, "s": 2}, {"m": 2, "n": 1, "s": 0}],
}  # fmt: skip


def cases():
    for name, grid in GRID.items():
        for params in grid:
            for p in PRIMES:
                if params.get("span_aware") and p == BIG:
                    continue  # the exhaustive measurement at p ~ 2^61 adds nothing here
                yield name, {**params, "p": p}


def key(name: str, params: dict) -> str:
    return name + " " + json.dumps(params, sort_keys=True)


def digest(scheme) -> str:
    text = type(scheme).__name__ + json.dumps(scheme._file_dict(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def built() -> dict:
    return {key(n, p): digest(codes.build(n, **p)) for n, p in cases()}


def test_grid_covers_the_catalog():
    assert set(GRID) == set(codes.CATALOG)


def test_every_scheme_is_built_exactly_as_recorded():
    now = built()
    if os.environ.get("FFCC_RECORD_DIGESTS"):
        DATA.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        pytest.skip("recorded")
    want = json.loads(DATA.read_text())
    assert set(now) == set(want)
    changed = sorted(k for k in now if now[k] != want[k])
    assert not changed, changed
