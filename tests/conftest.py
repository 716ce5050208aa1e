import os

import pytest
from hypothesis import HealthCheck, settings

# Fixed derandomization everywhere: CI runs must be reproducible.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("thorough", derandomize=False, deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def run_cli(capsys, *argv):
    """``(exit code, stdout, stderr)`` of ``ffcc argv`` run in-process through
    :func:`ffcc.cli.main`, argparse's SystemExit included."""
    from ffcc.cli import main

    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ffcc_cli(capsys):
    """``ffcc_cli(*argv)`` is :func:`run_cli` with this test's ``capsys``."""
    return lambda *argv: run_cli(capsys, *argv)


@pytest.fixture
def kernels(monkeypatch):
    # test sizes below ffcc.field._SMALL_WORK: without this, a process whose kernels
    # are not compiled yet would take the numpy path and leave the kernel untested
    import ffcc.field as field

    monkeypatch.setattr(field, "_kernel_ready", lambda kernel: True)
