"""The README's command-line table agrees with the live parser.

Every command that ``ffcc --help`` lists has a row in the table of the README's "Command
line" section and every row names a command that exists; every flag a row shows in code
(``--grid``, ``-s``, ...) appears in that command's ``ffcc <command> --help``. The help texts
come from :func:`ffcc.cli.main`, the console entry point, so the test follows the parser
wherever it lives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ffcc.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def help_text(capsys, *argv: str) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def listed_commands(text: str) -> list[str]:
    """Subcommand names from ``ffcc --help``: argparse indents each by four spaces."""
    return [m.group(1) for m in re.finditer(r"^ {4}([a-z][\w-]*)(?:\s|$)", text, re.M)]


def readme_rows() -> dict[str, str]:
    """``{command: row text}`` from the table under "## Command line"."""
    text = README.read_text()
    section = text.split("\n## Command line", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`ffcc ([\w-]+)[^`]*`", line)
        if m:
            assert m.group(1) not in rows, f"README: two rows for `ffcc {m.group(1)}`"
            rows[m.group(1)] = line
    return rows


def code_flags(row: str) -> set[str]:
    """Flags written in the row's code spans (prose such as "CR-MM" is not code)."""
    return {f for span in re.findall(r"`([^`]*)`", row) for f in FLAG.findall(span)}


def test_readme_table_lists_exactly_the_commands(capsys):
    commands = listed_commands(help_text(capsys))
    assert len(commands) >= 5 and "run" in commands and "verify" in commands
    rows = readme_rows()
    missing = [c for c in commands if c not in rows]
    unknown = [c for c in rows if c not in commands]
    assert not missing, f"commands without a row in the README's CLI table: {missing}"
    assert not unknown, f"README rows for commands that `ffcc --help` does not list: {unknown}"


def test_readme_flags_exist_in_each_command_help(capsys):
    rows = readme_rows()
    wrong = {}
    for command in listed_commands(help_text(capsys)):
        if command not in rows:
            continue  # reported by the test above
        known = set(FLAG.findall(help_text(capsys, command)))
        bad = sorted(code_flags(rows[command]) - known)
        if bad:
            wrong[command] = bad
    assert not wrong, f"README flags that `ffcc <command> --help` does not know: {wrong}"


def test_the_parsers_of_this_test_see_a_mismatch():
    # break it on purpose: a made-up flag and prose that only looks like one
    row = "| `ffcc run` | Grid CR-MM, `--grid M,N,Q --k K`, `-s`, `--nope`, ok\\|no |"
    assert code_flags(row) == {"--grid", "--k", "-s", "--nope"}
    text = "positional arguments:\n  COMMAND\n    demo      a tour\n    run-x\n      help\n"
    assert listed_commands(text) == ["demo", "run-x"]
