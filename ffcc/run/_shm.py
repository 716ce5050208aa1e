r"""The shared group file: one group's operands, result slots and state in one mapping.

The local engine writes a group's coded operands once into a memory-mapped file
(``/dev/shm`` when present); a task sent to a worker process is only (file, worker index,
delay, fault), and the worker writes its result back into the same file, so nothing large
crosses a pipe. :class:`GroupFile` is the coordinator's side (it creates, fills and
removes the file), :func:`open_group` the worker's (a cached :class:`MappedGroup`).

Example
-------
Two workers over GF(7); worker 1 reads its operands and writes its product back.

>>> import numpy as np
>>> from ffcc.run._job import GroupJob
>>> ops = [(np.array([[1, 2]]), np.array([[3], [4]])),
...        (np.array([[5, 6]]), np.array([[0], [1]]))]
>>> job = GroupJob.from_coded(0, "field", (7,), [ops], np.zeros(2), [None, None])
>>> gf = GroupFile(job)
>>> g = open_group(gf.path)  # in the worker process
>>> a, b = (g.view(("in", 0, c))[1] for c in range(2))
>>> a.tolist(), b.tolist()
([[5, 6]], [[0], [1]])
>>> g.view(("out", 0))[1] = (a @ b) % 7  # 5*0 + 6*1 = 6
>>> gf.view(("out", 0))[1].tolist()  # seen by the coordinator
[[6]]
>>> gf.close()
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile

import numpy as np

from ._job import GroupJob

__all__ = ["GroupFile", "MappedGroup", "open_group"]

_ALIGN = 64


def _shm_dir() -> str | None:
    d = "/dev/shm"
    return d if os.path.isdir(d) and os.access(d, os.W_OK) else None


class GroupFile:
    r"""A memory-mapped file holding a group's operands, result slots, flags and state.

    Layout: 8-byte header length, pickled header, then 64-byte aligned arrays. The header
    gives every array as (offset from the data start, dtype, shape), and what a worker
    needs besides its operands (kind, primes, product, group index, seed). The arrays:

    * ``("in", q, c)``: the coordinate-c operands of all w workers modulo ``primes[q]``,
      shape ``(w, *shape)``, encoded straight into the file (:meth:`GroupJob.fill`);
    * ``("out", q)``: the workers' result slots, when the result shape is known in advance
      (:meth:`GroupJob.out_shape`); otherwise results come back through the pipe;
    * ``"flags"``: one byte per worker, set to 1 to abandon it (its delay ends at once);
    * ``"state"``: per worker [pid, attempt + 1, start in µs], written when its task
      starts, from which the coordinator tells a crashed task from collateral damage.
    """

    def __init__(self, job: GroupJob):
        w = job.w
        layout, off = {}, 0

        def reserve(key, dtype, shape):
            nonlocal off
            nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            layout[key] = (off, np.dtype(dtype).str, tuple(int(s) for s in shape))
            off += -(-nbytes // _ALIGN) * _ALIGN

        for q in range(job.nq):
            for c, shape in enumerate(job.shapes):
                reserve(("in", q, c), job.dtype, (w, *shape))
        out_shape = job.out_shape()
        if out_shape is not None:
            for q in range(job.nq):
                reserve(("out", q), job.dtype, (w, *out_shape))
        reserve("flags", np.uint8, (w,))
        reserve("state", np.int64, (w, 3))  # [pid, attempt + 1, start in µs] per worker
        header = {
            "kind": job.kind,
            "primes": tuple(job.primes),
            "product": job.product,
            "w": w,
            "d": job.d,
            "nq": job.nq,
            "out": out_shape is not None,
            "layout": layout,
            "group": job.index,
            "seed": job.seed,
        }
        hb = pickle.dumps(header)
        self.data_start = -(-(8 + len(hb)) // _ALIGN) * _ALIGN
        size = self.data_start + max(off, _ALIGN)
        fd, self.path = tempfile.mkstemp(prefix="ffcc-run-", suffix=".bin", dir=_shm_dir())
        try:
            os.ftruncate(fd, size)
            os.pwrite(fd, len(hb).to_bytes(8, "little") + hb, 0)
        finally:
            os.close(fd)
        self.mm = np.memmap(self.path, dtype=np.uint8, mode="r+", shape=(size,))
        self.layout = layout
        for q in range(job.nq):  # encode straight into the shared file
            for c in range(job.d):
                job.fill(q, c, self.view(("in", q, c)).reshape(w, -1), range(w))
        self.flags = self.view("flags")
        self.state = self.view("state")
        self.has_out = out_shape is not None

    def view(self, key) -> np.ndarray:
        """The array ``key`` of the layout, as a view into the mapping (no copy)."""
        off, dt, shape = self.layout[key]
        return np.ndarray(shape, dtype=np.dtype(dt), buffer=self.mm, offset=self.data_start + off)

    def close(self):
        """Remove the file; workers that still map it keep their view until they let go."""
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.flags = self.state = None
        self.mm = None


class MappedGroup:
    """Worker-side view of a group file (:class:`GroupFile`): its header and arrays."""

    def __init__(self, path):
        with open(path, "rb") as fh:
            n = int.from_bytes(fh.read(8), "little")
            self.header = pickle.loads(fh.read(n))
        self.data_start = -(-(8 + n) // _ALIGN) * _ALIGN
        self.mm = np.memmap(path, dtype=np.uint8, mode="r+")

    def view(self, key) -> np.ndarray:
        """The array ``key`` of the file's layout, as a view into the mapping."""
        off, dt, shape = self.header["layout"][key]
        return np.ndarray(shape, dtype=np.dtype(dt), buffer=self.mm, offset=self.data_start + off)


_MAPPED: dict = {}


def open_group(path) -> MappedGroup | None:
    """The worker's mapping of the group file at ``path``, kept for the group's next tasks;
    None when the file is gone (the coordinator already finished the group)."""
    g = _MAPPED.get(path)
    if g is None:
        try:
            g = MappedGroup(path)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None  # the coordinator already finished this group
        while len(_MAPPED) >= 3:  # keep a few mappings; older groups are done
            _MAPPED.pop(next(iter(_MAPPED)))
        _MAPPED[path] = g
    return g
