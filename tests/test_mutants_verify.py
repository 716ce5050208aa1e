"""Tests that kill mutants of ffcc/verify.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import math

from ffcc.codes.matdot import matdot
from ffcc.verify import _count, estimate_seconds


def test_count_is_exact_below_10_to_15_and_scientific_above():
    assert _count(2_035_800) == "2,035,800"
    assert _count(10**15 - 1) == "999,999,999,999,999"
    assert _count(10**15) == "1.00 x 10^15"
    assert _count(271 * 10**581 + 12345) == "2.71 x 10^583"  # digits, not a float


def test_estimate_seconds_measures_a_positive_time():
    # matdot(2, 1) over GF(7): w = 4 workers, R = 4: C(4, 4) = 1 subset
    s = matdot(2, 1, p=7)
    count, seconds = estimate_seconds(s)
    assert count == math.comb(s.w, s.R)
    assert 0 < seconds < math.inf


def test_verify_defaults_and_report_fields():
    import dataclasses

    import pytest

    from ffcc.verify import prepare, verify

    s = matdot(2, 1, p=7)
    rep = verify(s)
    assert rep.holds is True and rep.checked == 4  # C(4, 3) subsets
    assert rep.recovery_threshold is None  # threshold=False by default
    assert 0 <= rep.seconds < 3600  # a duration, not a clock reading
    assert verify(s, threshold=True).recovery_threshold == 3  # matdot: 2m - 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepare(s).R = 1


def test_verify_resumable_accepts_one_shard(tmp_path):
    from ffcc.verify import verify_resumable

    rep = verify_resumable(matdot(2, 1, p=7), tmp_path / "ledger.jsonl", shards=1)
    assert rep.holds is True and rep.checked == 4
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert len(lines) == 2  # the header and the one shard


def test_report_summary_of_a_shard_and_of_a_certificate():
    from ffcc.verify import VerifyReport

    shard = VerifyReport("x", 7, 4, 3, 0, 0, "shard", 4, 2, 0, True, ranks=[1, 3], seconds=0.5)
    text = shard.summary()
    assert "shard of ranks [1, 3) of 4: checked 2 subsets" in text
    assert text.endswith("0.500 s, 4 subsets/s")  # 2 subsets in 0.5 s
    cert = VerifyReport("x", 7, 4, 3, 0, 0, "certificate", 4, 0, 0, True, seconds=0.25)
    assert cert.summary().endswith("\n0.250 s")  # no rate: nothing was enumerated
    assert "HOLDS (certificate): every 3-subset of the 4 workers decodes" in cert.summary()


def test_rate_without_a_measured_time_is_infinite():
    from ffcc.verify import VerifyReport

    rep = VerifyReport("x", 7, 4, 3, 0, 0, "exhaustive", 4, 4, 0, True, seconds=0.0)
    assert rep.rate == math.inf
