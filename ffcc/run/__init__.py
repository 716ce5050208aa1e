r"""Run coded matrix multiplication on real workers, exactly, and report what happened.

The pipeline: split and quantize the inputs, encode over GF(p) (several primes and CRT
when the exact range needs it), send each worker its coded operands, keep the first
results that decode (correcting up to b liars), decode, check with Freivalds, and report
latency, faults and errors.

* :func:`run_matmul` -- A @ B with MatDot (or any Scheme of the same shape);
  :func:`run_plan` -- a plan given as a list of :class:`Group`; :func:`pipeline` -- inputs
  -> sketch -> plan -> schemes checked in the primes used -> run -> estimate
  (:func:`run_sketched`: its shorthand); :class:`RunOptions` -- how to run.
* Executors: ``"local"`` (:class:`LocalExecutor`, processes), ``"dask"``
  (:class:`DaskExecutor`), ``"threads"`` (:class:`ThreadExecutor`, threads of this
  process), ``"inline"`` (:class:`InlineExecutor`, one task after the other) and
  ``"auto"`` (the command's default: threads for small jobs, local processes otherwise).
  Every group of a plan is in flight at once (except inline); the job's latency is its
  slowest group's.
* Faults: straggler models (:class:`ShiftedExponential`, :class:`Pareto`,
  :class:`SlowWorkers`, :class:`TraceReplay`, :func:`parse_model`) and :class:`Faults`
  (kill, raise, corrupt).
* :func:`simulate` -- latency percentiles of coded and uncoded configurations by
  sampling; :func:`plot_cdf`, :func:`plot_latency`.
* :func:`verify_dask` -- exhaustive scheme verification split across Dask workers.
* Inputs: :func:`load_matrix`, :func:`random_matrix`, :func:`graph_matrix`.

Example
-------
>>> import numpy as np
>>> from ffcc.run import Faults, run_matmul
>>> A = np.arange(12).reshape(3, 4); B = np.arange(8).reshape(4, 2)
>>> C, rep = run_matmul(A, B, m=2, stragglers=1, byzantine=1, executor="inline",
...                     faults=Faults(corrupt=[2]), progress=False)
>>> bool((C == A @ B).all()), rep.liars  # the liar is found and corrected
(True, [(0, 2)])
"""

from ._errors import (
    FieldCheckFailed,
    InputError,
    RunError,
    TooManyFaults,
    VerificationFailed,
    WorkerLost,
)
from ._exact import choose_primes, freivalds, matdot_scheme, quantization_bound, quantize
from ._executors import DaskExecutor, InlineExecutor, LocalExecutor, ThreadExecutor
from ._faults import (
    Faults,
    NoStragglers,
    Pareto,
    ShiftedExponential,
    SlowWorkers,
    StragglerModel,
    TraceReplay,
    check_indices,
    parse_model,
)
from ._inputs import GRAPHS, graph_matrix, load_matrix, random_matrix, save_matrix
from ._pipeline import Group, RunOptions, check_groups, run_matmul, run_plan
from ._realvalued import RealMatDot
from ._report import RunReport, plot_latency
from ._simulate import (
    SimulationResult,
    coded,
    exact_quantile,
    parse_config,
    plan_config,
    plot_cdf,
    simulate,
    uncoded,
)
from ._sketched import Pipeline, pipeline, run_sketched
from ._verify import verify_dask

__all__ = [
    # running a plan on workers
    "run_matmul",
    "run_plan",
    "run_sketched",
    "pipeline",
    "Pipeline",
    "RunOptions",
    "check_groups",
    "Group",
    "RunReport",
    "plot_latency",
    "LocalExecutor",
    "DaskExecutor",
    "InlineExecutor",
    "ThreadExecutor",
    # stragglers and faults
    "StragglerModel",
    "NoStragglers",
    "ShiftedExponential",
    "Pareto",
    "SlowWorkers",
    "TraceReplay",
    "parse_model",
    "Faults",
    "check_indices",
    # exact and real-valued arithmetic
    "quantize",
    "quantization_bound",
    "choose_primes",
    "freivalds",
    "matdot_scheme",
    "RealMatDot",
    # latency simulation
    "simulate",
    "SimulationResult",
    "uncoded",
    "coded",
    "plan_config",
    "parse_config",
    "exact_quantile",
    "plot_cdf",
    # verification and inputs
    "verify_dask",
    "load_matrix",
    "save_matrix",
    "random_matrix",
    "graph_matrix",
    "GRAPHS",
    # errors
    "RunError",
    "InputError",
    "TooManyFaults",
    "VerificationFailed",
    "WorkerLost",
    "FieldCheckFailed",
]
