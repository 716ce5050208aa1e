"""The matrix inputs of ``ffcc run``, ``ffcc sketch`` and ``ffcc plan``: one set of flags
(``--A A.npy [--B B.npy]``, ``--graph NAME``, ``--random N``) and one reader of them.

``--B`` defaults to ``--A`` (A·A) everywhere; a file holding integers beyond int64 is refused
(the commands multiply int64 or float64 matrices); A's columns must equal B's rows.
``--random N`` draws from the one generator :func:`ffcc.run.random_matrix`, in the command's
own distribution: integer matrices for an exact run, Gaussian ones for a sketch (whose error
Lemma 1 bounds).
"""

from __future__ import annotations

from ..run import GRAPHS, graph_matrix, load_matrix
from ._common import POS, UserError

__all__ = ["add_input_arguments", "read_inputs"]

ONE_INPUT = "give exactly one input: --A FILE [--B FILE], --graph NAME or --random N"


def add_input_arguments(p, *, random_help: str, graph_default: str | None = None) -> None:
    """``--A``, ``--B``, ``--graph`` and ``--random`` on parser (or group) ``p``."""
    p.add_argument("--A", dest="a_path", metavar="A.npy", help="left matrix (.npy)")
    p.add_argument("--B", dest="b_path", metavar="B.npy", help="right matrix (default: A)")
    default = f" (default {graph_default})" if graph_default else ""
    p.add_argument(
        "--graph",
        choices=sorted(GRAPHS),
        metavar="NAME",
        help=f"adjacency A of a bundled graph, A·A: {', '.join(sorted(GRAPHS))}{default}",
    )
    p.add_argument("--random", type=POS, metavar="N", help=random_help)


def read_inputs(args):
    """``(A, B, text)`` from ``--A/--B`` or ``--graph``; ``None`` when ``--random N`` asks
    for generated matrices (the caller generates them). Refuses more than one input, or
    none (fill in a default graph first)."""
    chosen = [x for x in (args.a_path, args.graph, args.random) if x is not None]
    if args.b_path and not args.a_path:
        raise UserError("--B goes with --A (the right factor of A @ B)")
    if len(chosen) != 1:
        raise UserError(ONE_INPUT)
    if args.random is not None:
        return None
    if args.graph:
        A = graph_matrix(args.graph)
        return A, A, f"the {args.graph} graph's adjacency A ({A.shape[0]} x {A.shape[1]}), A·A"
    A = _load(args.a_path, "--A")
    B = _load(args.b_path, "--B") if args.b_path else A
    check_shapes(A, B)
    return A, B, f"--A {args.a_path}" + (f" --B {args.b_path}" if args.b_path else " (B = A)")


def check_shapes(A, B) -> None:
    """A's columns must equal B's rows."""
    if A.shape[1] != B.shape[0]:
        raise UserError(
            f"A is {A.shape[0]} x {A.shape[1]} and B is {B.shape[0]} x {B.shape[1]}: "
            "A's columns must equal B's rows"
        )


def _load(path: str, flag: str):
    X = load_matrix(path)
    if X.dtype == object:
        raise UserError(
            f"{flag} {path}: the matrix holds integers beyond int64; ffcc multiplies int64 or "
            "float64 matrices"
        )
    return X
