r"""Certificates that every R-subset decodes, found and checked without enumeration.

**Evaluation-code structure.** Suppose there are distinct nodes :math:`x_1,\dots,x_w` and,
for every coordinate c, a vector of polynomials :math:`f_c(x)` of degree at most
:math:`d_c` and non-zero scalars :math:`\sigma_{j,c}` with

.. math:: e_{j,c} = \sigma_{j,c}\, f_c(x_j) \qquad (j = 1..w).

Then worker j's tensor is :math:`(\prod_c \sigma_{j,c})\, P(x_j)` for the tensor-valued
polynomial :math:`P(x) = f_1(x)\otimes\cdots\otimes f_d(x) = \sum_{t=0}^{N} x^t C_t`,
:math:`N = \sum_c d_c`. For any set S of at least N + 1 workers the
:math:`(N+1)\times(N+1)` Vandermonde matrix of their nodes is invertible, so
:math:`\mathrm{span}\{P(x_j) : j \in S\} = \mathrm{span}\{C_0,\dots,C_N\}`. Hence, if
**R >= N + 1** and every target :math:`T = \sum_t \lambda_t C_t` (the *span witness*
:math:`\lambda`), every R-subset decodes every target, whatever w is.

**The witness without forming C.** With :math:`F_c` the :math:`(d_c+1)\times n_c`
coefficient matrix of :math:`f_c`, :math:`\sum_t \lambda_t C_t` is the Hankel tensor
:math:`H[t_1..t_d] = \lambda_{t_1+\dots+t_d}` multiplied by :math:`F_c` along every mode.
The finder projects this identity on random rank-one tensors
:math:`u_1\otimes\cdots\otimes u_d` (each a polynomial product, evaluated at N + 1
points), solves the small system for :math:`\lambda`, and then checks the full identity
exactly; a projection that loses information can only make the finder give up.

:func:`check_certificate` re-checks a certificate from the scheme and the JSON alone:
distinct nodes, every worker vector equal to its polynomial at its node (times the scale
read from the anchor entry), R >= N + 1, and the exact span identity.

Example
-------
>>> from ffcc.codes.matdot import matdot
>>> S = matdot(3, s=2, p=65537)
>>> cert = certify(S)
>>> cert["degree"], [c["degree"] for c in cert["coordinates"]], S.R
(4, [2, 2], 5)
>>> check_certificate(S, cert)
True
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from .field import FieldError, PrimeField

__all__ = ["FORMAT", "CertificateError", "certify", "check_certificate", "scheme_digest"]

FORMAT = "ffcc-certificate/1"
_MAX_DENSE = 1 << 25  # entries of the dense identity check (prod n_c and prod (d_c + 1))


class CertificateError(FieldError):
    """A certificate that does not prove what it claims (or does not fit the scheme)."""


def scheme_digest(scheme) -> str:
    """SHA-256 of the scheme's field, faults, basis, targets and worker vectors (the
    latter as little-endian int64, coordinate after coordinate). A certificate names the
    scheme it was made for by this digest; run caches (:mod:`ffcc.run._fieldcheck`) key
    their verdicts on it. Masks (``random``), secrecy and names are not part of it.

    >>> from ffcc.codes.matdot import matdot
    >>> d = scheme_digest(matdot(3, s=2, p=65537))
    >>> len(d), d == scheme_digest(matdot(3, s=2, p=65537))
    (64, True)
    >>> d == scheme_digest(matdot(3, s=2, p=101))  # the same code in another field
    False
    """
    h = hashlib.sha256()
    head = [scheme.p, scheme.stragglers, scheme.byzantine, list(scheme.basis), scheme.w]
    h.update(json.dumps(head).encode())
    h.update(json.dumps([[[*idx, c] for idx, c in t] for t in scheme.targets]).encode())
    for E in scheme.E:
        h.update(np.ascontiguousarray(E, dtype="<i8").tobytes())
    return h.hexdigest()


# -- finding ------------------------------------------------------------------------------
def _candidate_nodes(scheme):
    """Node vectors to try: the file's own ``params.nodes``, then ratios of two entries."""
    F, w = scheme.field, scheme.w
    nodes = scheme.params.get("nodes") if isinstance(scheme.params, dict) else None
    if isinstance(nodes, list) and len(nodes) == w:
        try:
            yield F.array(np.array([int(x) % F.p for x in nodes]), "nodes")
        except (TypeError, ValueError, FieldError):
            pass
    for E in scheme.E:
        nz = np.flatnonzero((E != 0).all(axis=0))
        if nz.size == 0 or E.shape[1] < 2:
            continue
        inv = _inverses(F, E[:, nz[0]])
        tried = 0
        for k in range(E.shape[1]):
            if k == nz[0]:
                continue
            x = F.mul(E[:, k], inv)
            if np.unique(x).size == w:
                yield x
                tried += 1
                if tried == 2:
                    break


def _inverses(F, a):
    a = np.asarray(a, dtype=np.int64)
    return np.array([pow(int(v), -1, F.p) for v in a], dtype=np.int64)


def _fit_degree(F, x, V, dmax):
    """Smallest d <= dmax with every column of V a polynomial of degree <= d in x, and
    its coefficients ((d + 1) x n); None if there is none.

    Through w > dmax distinct nodes the polynomial of degree <= dmax is unique, so one
    interpolation settles it: its degree is that of its last non-zero coefficient row."""
    if dmax < 0:
        return None
    dmax = min(dmax, x.size - 1)
    coeffs = F.interpolate(x[: dmax + 1], V[: dmax + 1])
    if not np.array_equal(F.poly_eval(coeffs, x), V):
        return None
    rows = np.flatnonzero(coeffs.any(axis=1))
    d = int(rows[-1]) if rows.size else 0
    return d, np.ascontiguousarray(coeffs[: d + 1])


def _coordinate(F, x, E, dmax):
    """(degree, anchor, coefficients) for one coordinate, raw first, then scaled."""
    got = _fit_degree(F, x, E, dmax)
    best = None if got is None else (got[0], None, got[1])
    nz = np.flatnonzero((E != 0).all(axis=0))
    if nz.size and (best is None or best[0] > 0):
        k = int(nz[0])
        scaled = F.mul(E, _inverses(F, E[:, k])[:, None])
        got = _fit_degree(F, x, scaled, dmax if best is None else best[0] - 1)
        if got is not None:
            best = (got[0], k, got[1])
    return best


def _hankel_apply(F, lam, coeffs):
    """sum_t lam_t C_t as a dense tensor: H[t_1..t_d] = lam[sum t] times F_c on mode c."""
    degs = [c.shape[0] - 1 for c in coeffs]
    idx = sum(np.ix_(*[np.arange(d + 1) for d in degs]))
    X = np.asarray(lam, dtype=np.int64)[idx]
    for Fc in coeffs:  # contract the leading mode with Fc and move the result to the back
        lead = X.shape[1:]
        X = F.matmul(Fc.T, X.reshape(X.shape[0], -1)).reshape((Fc.shape[1],) + lead)
        X = np.moveaxis(X, 0, -1)
    return X


def _span_witness(F, coeffs, targets, basis, rng):
    """lam (targets x (N + 1)) with sum_t lam_t C_t = T for every target, or None."""
    if len(coeffs) == 2 and all(c.shape[0] <= c.shape[1] for c in coeffs):
        lam = _witness_two_sided(F, coeffs, targets, basis)
    else:
        lam = _witness_projected(F, coeffs, targets, rng)
    if lam is None:
        return None
    for t, terms in enumerate(targets):
        if not np.array_equal(_hankel_apply(F, lam[t], coeffs), _dense(F, terms, basis)):
            return None
    return lam


def _witness_two_sided(F, coeffs, targets, basis):
    """d = 2 with F_1, F_2 of full row rank: T = F_1^T H F_2 on the pivot columns I_1, I_2
    gives H = B_1^-T T[I_1, I_2] B_2^-1 (B_c = F_c[:, I_c] square), read along its
    anti-diagonals; unique, so a wrong answer means T is not in the span."""
    B, piv = [], []
    for Fc in coeffs:
        _, I = F.rref(Fc)
        if I.size != Fc.shape[0]:
            return None
        piv.append(I)
        B.append(F.inverse(Fc[:, I]))
    d1, d2 = coeffs[0].shape[0] - 1, coeffs[1].shape[0] - 1
    lam = np.zeros((len(targets), d1 + d2 + 1), dtype=np.int64)
    for t, terms in enumerate(targets):
        T = _dense(F, terms, basis)
        H = F.matmul(F.matmul(B[0].T, np.ascontiguousarray(T[np.ix_(piv[0], piv[1])])), B[1])
        lam[t, : d2 + 1] = H[0]
        lam[t, d2 + 1 :] = H[1:, d2]
    return lam


def _witness_projected(F, coeffs, targets, rng):
    """Any d: project the identity on K random rank-one tensors and solve for lam."""
    N = sum(c.shape[0] - 1 for c in coeffs)
    K = N + 1 + 8  # a few spare rows against unlucky projections
    z = np.arange(N + 1, dtype=np.int64)
    vals = np.ones((K, N + 1), dtype=np.int64)
    rhs = np.zeros((K, len(targets)), dtype=np.int64)
    Us = []
    for Fc in coeffs:
        U = F.random((Fc.shape[1], K), rng)
        Us.append(U)
        ev = F.matmul(F.vandermonde(z, Fc.shape[0]), F.matmul(Fc, U))  # (N+1) x K
        vals = F.mul(vals, ev.T)
    for t, terms in enumerate(targets):
        acc = np.zeros(K, dtype=np.int64)
        for idx, coeff in terms:
            prod = np.full(K, coeff % F.p, dtype=np.int64)
            for c, i in enumerate(idx):
                prod = F.mul(prod, Us[c][i])
            acc = F.add(acc, prod)
        rhs[:, t] = acc
    M = F.matmul(vals, F.vandermonde_inverse(z).T)  # row i: the coefficients of prod_c u.f_c
    try:
        return F.solve(M, rhs).T
    except FieldError:
        return None  # inconsistent: some target is not in span{C_t}


def _dense(F, terms, basis):
    """One target as a dense tensor (one at a time: prod(basis) is capped, T times it not)."""
    T = np.zeros(tuple(basis), dtype=np.int64)
    for idx, coeff in terms:
        T[idx] = (int(T[idx]) + coeff) % F.p
    return T


def certify(scheme, R: int | None = None, *, seed=0) -> dict | None:
    """A certificate that every R-subset of the scheme's workers decodes every target, or
    None when the scheme does not have the evaluation-code structure this proof needs (which
    says nothing about whether it holds: enumerate then).

    The proof needs R >= N + 1 for the product degree N (see the module notes), so asking
    about a smaller R gives None even when it holds:

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(3, s=2, p=65537)  # N = 4, R = 5
    >>> certify(S)["degree"], certify(S, 4)
    (4, None)
    """
    F: PrimeField = scheme.field
    R = scheme.R if R is None else int(R)
    basis = scheme.basis
    if math.prod(basis) > _MAX_DENSE:
        return None
    rng = np.random.default_rng(seed)
    for x in _candidate_nodes(scheme):
        coords, budget = [], R - 1
        for E in scheme.E:
            got = _coordinate(F, x, E, min(budget, scheme.w - 1))
            if got is None:
                break
            coords.append(got)
            budget -= got[0]
        else:
            coeffs = [c for _, _, c in coords]
            if math.prod(c.shape[0] for c in coeffs) > _MAX_DENSE:
                continue
            lam = _span_witness(F, coeffs, scheme.targets, basis, rng)
            if lam is None:
                continue
            return {
                "format": FORMAT,
                "scheme": {"name": scheme.name, "sha256": scheme_digest(scheme)},
                "field": F.p,
                "w": scheme.w,
                "R": R,
                "nodes": x.tolist(),
                "coordinates": [
                    {"degree": int(d), "anchor": a, "coefficients": c.tolist()}
                    for d, a, c in coords
                ],
                "degree": int(sum(d for d, _, _ in coords)),
                "span": lam.tolist(),
            }
    return None


# -- checking -----------------------------------------------------------------------------
def _need(cond: bool, msg: str) -> None:
    if not cond:
        raise CertificateError(f"certificate: {msg}")


def _int_matrix(F, obj, shape, what):
    try:
        a = np.array(obj, dtype=object)
        _need(a.shape == shape, f"{what} has shape {a.shape}, expected {shape}")
        return F.array(a, what)
    except (TypeError, ValueError, FieldError) as e:
        raise CertificateError(f"certificate: {what}: {e}") from None


def check_certificate(scheme, cert: dict, R: int | None = None) -> bool:
    """Re-check a certificate from scratch; True, or :class:`CertificateError` naming the
    first claim that is false. Uses only field arithmetic on the scheme and the JSON.

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(3, s=2, p=65537)
    >>> cert = certify(S)
    >>> check_certificate(S, cert)
    True
    >>> check_certificate(S, {**cert, "R": 4})
    Traceback (most recent call last):
    ...
    ffcc._certificate.CertificateError: certificate: R = 4 but the check asks about R = 5
    """
    F: PrimeField = scheme.field
    R = scheme.R if R is None else int(R)
    _need(isinstance(cert, dict) and cert.get("format") == FORMAT, f"format must be {FORMAT}")
    _need(cert.get("field") == F.p, f"field {cert.get('field')} is not the scheme's {F.p}")
    _need(cert.get("w") == scheme.w, f"w = {cert.get('w')} but the scheme has {scheme.w}")
    _need(cert.get("R") == R, f"R = {cert.get('R')} but the check asks about R = {R}")
    digest = (cert.get("scheme") or {}).get("sha256")
    _need(digest == scheme_digest(scheme), "scheme digest differs: made for another scheme")
    w = scheme.w
    x = _int_matrix(F, cert.get("nodes"), (w,), "nodes")
    _need(np.unique(x).size == w, "nodes are not distinct")
    coords = cert.get("coordinates")
    _need(isinstance(coords, list) and len(coords) == scheme.d, "one entry per coordinate")
    coeffs = []
    for c, (E, item) in enumerate(zip(scheme.E, coords, strict=True)):
        _need(isinstance(item, dict), f"coordinates[{c}] must be an object")
        deg = item.get("degree")
        _need(isinstance(deg, int) and deg >= 0, f"coordinates[{c}].degree")
        Fc = _int_matrix(F, item.get("coefficients"), (deg + 1, E.shape[1]), f"coefficients {c}")
        V = F.matmul(F.vandermonde(x, deg + 1), Fc)  # f_c at every node
        anchor = item.get("anchor")
        if anchor is None:
            _need(np.array_equal(V, E), f"coordinate {c}: a worker vector is not f_c(x_j)")
        else:
            _need(isinstance(anchor, int) and 0 <= anchor < E.shape[1], f"anchor {c}")
            scale = E[:, anchor]
            _need(bool((scale != 0).all()), f"coordinate {c}: a worker's anchor entry is 0")
            _need(
                np.array_equal(F.mul(V, scale[:, None]), E),
                f"coordinate {c}: a worker vector is not a multiple of f_c(x_j)",
            )
        coeffs.append(Fc)
    N = sum(c.shape[0] - 1 for c in coeffs)
    _need(cert.get("degree") == N, f"degree {cert.get('degree')} is not sum d_c = {N}")
    _need(R >= N + 1, f"R = {R} is below N + 1 = {N + 1}: Vandermonde does not apply")
    _need(math.prod(c.shape[0] for c in coeffs) <= _MAX_DENSE, "too large to check densely")
    lam = _int_matrix(F, cert.get("span"), (len(scheme.targets), N + 1), "span")
    for t, terms in enumerate(scheme.targets):
        _need(
            np.array_equal(_hankel_apply(F, lam[t], coeffs), _dense(F, terms, scheme.basis)),
            f"target {t} is not sum_t span[t] C_t",
        )
    return True
