"""verify_dask with a ledger: shards run on a real LocalCluster, a cut run resumes."""

import json

import pytest

pytest.importorskip("distributed")

from ffcc.codes.matdot import matdot  # noqa: E402
from ffcc.run import DaskExecutor, verify_dask  # noqa: E402
from ffcc.scheme import Scheme  # noqa: E402
from ffcc.verify import verify  # noqa: E402


@pytest.fixture(scope="module")
def client():
    ex = DaskExecutor(n_workers=2)
    yield ex.client
    ex.close()


def test_a_cut_ledger_resumes_on_the_cluster_and_matches_one_run(client, tmp_path):
    S = matdot(3, s=3)  # C(8, 5) = 56 subsets, all decode
    led = tmp_path / "verify.ledger"
    rep = verify_dask(S, shards=6, client=client, ledger=led, progress=False)
    assert rep.holds is True and rep.checked == 56
    lines = led.read_text().splitlines()
    assert len(lines) == 1 + 6 and json.loads(lines[0])["shards"] == 6
    led.write_text("\n".join(lines[:3]) + "\n")  # as if killed after two shards
    again = verify_dask(S, shards=6, client=client, ledger=led, progress=False)
    assert again.holds is True and again.checked == 56
    done = [json.loads(x)["shard"] for x in led.read_text().splitlines()[1:]]
    assert sorted(done) == list(range(6))  # only the four missing shards ran again
    assert done[:2] == [json.loads(x)["shard"] for x in lines[1:3]]


def test_a_failing_scheme_fails_through_the_ledger(client, tmp_path):
    # workers 0 and 2 together see X0 Y0 and (X0 + X1)(Y0 + Y1), not X0 Y0 + X1 Y1
    S = Scheme(
        65537,
        [2, 2],
        [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[1, 1], [1, 1]]],
        [[((0, 0), 1), ((1, 1), 1)]],
        stragglers=1,
    )
    # workers 1 and 2 see X1 Y1 and (X0 + X1)(Y0 + Y1): the target is outside too
    rep = verify_dask(S, shards=3, client=client, ledger=tmp_path / "l", progress=False)
    ref = verify(S, count_failures=True)
    assert rep.holds is ref.holds is False and ref.failed == 2
    # the run stops at the first failing shard to finish: either failure is a witness
    assert rep.first_failure in ([0, 2], [1, 2])
