r"""Workers that return several products: the MDS-coded batch product.

A is split into m row blocks and MDS-coded, B into n column blocks that every worker
holds. Worker k computes its coded block :math:`\tilde A_k = \sum_{i<m} A_i x_k^i` times
every :math:`B_j`: n products, returned together, lost together. Any m workers give
:math:`\tilde A_k B_j` at m nodes for every j, so they interpolate every :math:`A_i B_j`:
w = m + s workers tolerate s stragglers.

This is the classic MDS-coded matrix multiplication of Lee, Lam, Pedarsani,
Papailiopoulos, Ramchandran ("Speeding up distributed machine learning using codes",
IEEE Trans. Inf. Theory 64(3), 2018) with the product :math:`\tilde A_k B` cut into its n
column blocks. Verified as a unit (``Scheme(outputs=...)``), it holds; its products as
n(m + s) separate workers with ns stragglers do **not** (ns lost products need not come
from s workers: losing every :math:`\tilde A_k B_1` but one loses :math:`A_i B_1`), see
:func:`separate_outputs`.

>>> from ffcc.codes.batch import batch_mds, separate_outputs
>>> from ffcc.verify import verify
>>> S = batch_mds(2, 2, s=1)
>>> S.w, S.products, S.R, S.outputs
(3, 6, 2, (2, 2, 2))
>>> verify(S).holds, verify(separate_outputs(S)).holds
(True, False)
"""

from __future__ import annotations

from ..field import PrimeField
from ..scheme import Scheme, from_dict
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, Term, build_scheme
from .parsing import check_int

__all__ = ["batch_mds", "separate_outputs"]


def batch_mds(m: int = 2, n: int = 2, s: int = 1, *, p: int = 65537) -> Scheme:
    """MDS-coded A (m row blocks) times n column blocks of B: n outputs per worker.

    >>> S = batch_mds(3, 2, s=2)  # w = m + s = 5 workers, n = 2 products each, any m = 3 decode
    >>> S.w, S.products, S.R, S.outputs
    (5, 10, 3, (2, 2, 2, 2, 2))
    """
    m, n = check_int(m, "batch-mds: m"), check_int(n, "batch-mds: n")
    s = check_int(s, "batch-mds: s", lowest=0)
    F = PrimeField(p)
    w = m + s
    x = F.nodes(w, what=f"evaluation points for batch-mds (w = {w} workers)")
    note = ("A_i -> z^i (MDS code of A); output j of every worker multiplies by B_j: "
            "h_j = u1 B_j, A_i B_j = [z^i] h_j; any m workers interpolate every h_j")  # fmt: skip
    nodes = tuple((1, int(v)) for v in x.tolist())
    coded = {i: (Term(1, i),) for i in range(m)}
    parts = tuple(FormPart((coded, {j: (Term(1),)}), nodes, output=j) for j in range(n))
    targets = tuple((j, ((1, "coeff", i),)) for i in range(m) for j in range(n))
    form = CodeForm("batch-mds", (m, n), parts, targets, s, (note,))
    return build_scheme(
        form, F, Scheme, name="batch-mds",
        params={"construction": "batch-mds", "m": int(m), "n": int(n), "s": int(s),
                "threshold": int(m)},
        nodes=x.tolist(), assembly=[[i * n + j for j in range(n)] for i in range(m)],
    )  # fmt: skip


def separate_outputs(scheme: Scheme, stragglers: int | None = None) -> Scheme:
    """The same products, each as its own single-output worker (the wrong failure model
    for workers that fail as a unit). ``stragglers`` defaults to the products the
    original may lose: s times the largest output count.

    >>> T = separate_outputs(batch_mds(2, 2, s=1))  # n (m + s) = 6 workers, s * n = 2 lost
    >>> T.w, T.stragglers, T.products
    (6, 2, 6)
    """
    outs = scheme.outputs or (1,) * scheme.w
    if stragglers is None:
        s = scheme.stragglers * max(outs)
    else:
        s = check_int(stragglers, "separate_outputs: stragglers", lowest=0)
    d = scheme._file_dict()
    d["workers"] = [
        [scheme.E[c][r].tolist() for c in range(scheme.d)] for r in range(scheme.products)
    ]
    d["stragglers"], d["byzantine"] = s, scheme.byzantine * max(outs)
    d.pop("nodes", None)
    d["secrecy"] = 0
    d["name"] = f"{scheme.name} (outputs as separate workers)"
    return from_dict(d)


register(
    Construction(
        name="batch-mds",
        build=batch_mds,
        defaults={"m": 2, "n": 2, "s": 1, "p": 65537},
        threshold="m workers (n outputs each)",
        workers=lambda m, s, **_: m + s,
        reference="Lee et al., IEEE Trans. IT 64(3), 2018 (MDS-coded multiplication)",
        summary="coded A_k times every B_j: n products per worker, failing together",
        param_help={
            "m": "row blocks of A (MDS-coded)",
            "n": "column blocks of B: products per worker",
            "s": "stragglers tolerated (whole workers)",
            "p": "prime field modulus",
        },
    )
)
