"""The ``ffcc`` command line: one module per command, loaded only when it is used.

Every command ``NAME`` lives in ``ffcc/cli/NAME.py`` with ``add_arguments(parser)`` and its
handler ``cmd_NAME(args)``, thin over the public API. This package holds the parser, the
dispatch and the mapping of errors to exit codes. ``ffcc --help`` lists the commands from
:data:`COMMANDS` without importing any command module; a command's module is imported when
the command runs or its help is shown.

Exit codes: 0 success; 1 a check or run failed (``ffcc: failed: ...``, one line);
2 the input was wrong (``ffcc: error: ...``, one line naming what and how to fix it);
3 a bug in ffcc itself (``ffcc: internal error: ...``, one line; ``--debug`` shows the
traceback). A closed output pipe (``ffcc codes | head -1``) ends quietly with 0.

>>> sorted(build_parser().subparsers) == sorted(COMMANDS)
True
>>> main(["codes", "--names"])  # doctest: +ELLIPSIS
batch-mds
...
matdot
...
0
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import traceback

from .._errors import FailureError, InputError
from .._resources import ENV, parse_bytes
from ._common import EXIT_BUG, EXIT_FAIL, EXIT_OK, EXIT_USAGE, UserError, one_line

__all__ = ["main", "build_parser", "command_module", "COMMANDS", "UserError"]

# command -> the one-line help `ffcc --help` shows; the module is ffcc.cli.<command>
COMMANDS: dict[str, str] = {
    "demo": "a short tour: build, verify and run coded multiplications exactly",
    "verify": "check that every R-subset of a scheme file's workers decodes every target",
    "export": "write a scheme file for a catalogued construction",
    "show": "print the symbolic form of a catalogued construction",
    "sketch": "sketch A·B with Grid CR-MM and summarise the sample graph",
    "plan": "plan the coding of a sketch's products (compression-informed)",
    "run": "multiply matrices on real workers with coded computation (the main job)",
    "simulate": "latency percentiles of uncoded, MatDot and planned codes under a straggler model",
    "claims": "run the paper's claims as executable proofs and print the verdicts",
    "compare": "worker counts of every applicable construction for one sample structure",
    "optimize": "search for the fewest workers any linear scheme needs for a sample structure",
    "codes": "list the catalogued constructions",
}

# OS errors that mean "the file or place the user named is wrong": exit 2, not a bug
_FILE_ERRNOS = {
    errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENOSPC,
    errno.EROFS, errno.EEXIST, errno.ENAMETOOLONG, errno.EFBIG, errno.ELOOP, errno.EDQUOT,
}  # fmt: skip


def command_module(name: str):
    """The module of command ``name`` (``ffcc.cli.<name>``), imported on first use.

    >>> mod = command_module("codes")
    >>> mod.__name__, callable(mod.cmd_codes), callable(mod.add_arguments)
    ('ffcc.cli.codes', True, True)
    """
    return importlib.import_module(f"{__name__}.{name}")


class _Parser(argparse.ArgumentParser):
    # a subcommand's arguments are added by its module when the subcommand is parsed or
    # its help shown, so that `ffcc --help` imports no command module
    command: str | None = None

    def _populate(self):
        name, self.command = self.command, None
        if name is not None:
            command_module(name).add_arguments(self)

    def parse_known_args(self, args=None, namespace=None):
        self._populate()
        return super().parse_known_args(args, namespace)

    def format_help(self):
        self._populate()
        return super().format_help()

    def error(self, message):  # argparse's own usage errors: one line, exit 2
        sys.stderr.write(f"ffcc: error: {one_line(message)} (see {self.prog} --help)\n")
        sys.exit(EXIT_USAGE)


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked (importing
    importlib.metadata costs about 0.1 s, half of ``ffcc --help``)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("ffcc")
        except PackageNotFoundError:  # a source tree that was never installed
            text = "unknown (not installed)"
        sys.stdout.write(f"ffcc {text}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The ``ffcc`` parser; ``parser.subparsers[name]`` is each command's parser (its
    arguments are filled in by ``ffcc.cli.<name>.add_arguments`` when first used).

    >>> args = build_parser().parse_args(["compare", "-s", "2"])
    >>> args.command, args.stragglers, args.samples
    ('compare', 2, None)
    """
    ap = _Parser(
        prog="ffcc",
        description="Exact finite-field toolkit for compression-informed coded computing.",
    )
    ap.add_argument("--debug", action="store_true", help="show the traceback of an error")
    ap.add_argument("--version", action=_Version, help="print the version and exit")
    ap.add_argument(
        "--memory-budget",
        metavar="SIZE",
        help="refuse work estimated to need more memory, e.g. 4G (default: half the free RAM; "
        "env FFCC_MEMORY_BUDGET)",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    ap.subparsers = {}
    for name, help_ in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        p.command = name
        ap.subparsers[name] = p
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse usage errors raise
    ``SystemExit(2)``). ``--debug`` anywhere before a ``--`` prints tracebacks.

    >>> main(["verify"])  # no file: the catalog's MatDot, m = 4, s = 1  # doctest: +ELLIPSIS
    ffcc verify: no scheme file given; verifying the catalog's matdot (m=4, s=1, p=65537), ...
    scheme matdot: GF(65537), w = 8, s = 1, b = 0, R = 7
    checked 8 of 8 7-subsets
    HOLDS: every 7-subset of the 8 workers decodes
    ...
    0
    >>> main(["verify", "/no/such/scheme.json"])  # one line on stderr: what is wrong
    2
    """
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
    budget_before = os.environ.get(ENV)
    try:
        if args.memory_budget is not None:
            os.environ[ENV] = str(parse_bytes(args.memory_budget, "--memory-budget"))
        handler = getattr(command_module(args.command), f"cmd_{args.command}")
        code = handler(args)
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
        return EXIT_FAIL, f"ffcc: failed: {one_line(e)}"
    if isinstance(e, InputError):
        return EXIT_USAGE, f"ffcc: error: {one_line(e)}"
    if isinstance(e, OSError) and (e.errno in _FILE_ERRNOS or e.filename is not None):
        where = f"{e.filename}: " if e.filename else ""
        return EXIT_USAGE, f"ffcc: error: {where}{e.strerror or one_line(e)}"
    if isinstance(e, MemoryError):
        return EXIT_USAGE, (
            f"ffcc: error: out of memory ({one_line(e) or 'MemoryError'}); use smaller inputs "
            "or lower --memory-budget so that ffcc refuses before allocating"
        )
    return EXIT_BUG, (
        f"ffcc: internal error: {type(e).__name__}: {one_line(e)[:300]} "
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
