"""The replay lab: recorded conversations, experiment grids, the runner, scores and frames.

What notebooks and scripts need is here: load a dataset, build or load an experiment (from
TOML, or from the spec classes), `estimate_replay` what it will cost, `replay` it into a
DuckDB file, and read the `Results` frames (`summary_df`, `probes_df`, `compare`,
`pareto`), `plots` and `write_report`. The wings are subpackages: `memlab.lab.data`,
`memlab.lab.running`, `memlab.lab.analysis`.

Names load on first use (PEP 562): `from memlab.lab import replay` imports the runner, not
matplotlib, and a worker process importing one module of a wing imports nothing else here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from memlab.lazy import wing_exports

if TYPE_CHECKING:
    from memlab.lab import analysis as analysis
    from memlab.lab import data as data
    from memlab.lab import running as running
    from memlab.lab.analysis import (
        SCORERS,
        Comparison,
        Results,
        compare,
        get_scorer,
        open_results,
        pareto,
        plots,
        summarize,
        write_report,
    )
    from memlab.lab.data import (
        Attachment,
        Conversation,
        Dataset,
        Participant,
        Probe,
        Problem,
        Session,
        Turn,
        load_dataset,
        save_dataset,
    )
    from memlab.lab.running import (
        AnswerSpec,
        DatasetRef,
        Estimate,
        Experiment,
        IngestSpec,
        JudgeSpec,
        RecallSpec,
        SummarySpec,
        build_experiment,
        estimate_replay,
        load_experiment,
        replay,
    )

__all__ = [
    "SCORERS",
    "AnswerSpec",
    "Attachment",
    "Comparison",
    "Conversation",
    "Dataset",
    "DatasetRef",
    "Estimate",
    "Experiment",
    "IngestSpec",
    "JudgeSpec",
    "Participant",
    "Probe",
    "Problem",
    "RecallSpec",
    "Results",
    "Session",
    "SummarySpec",
    "Turn",
    "build_experiment",
    "compare",
    "estimate_replay",
    "get_scorer",
    "load_dataset",
    "load_experiment",
    "open_results",
    "pareto",
    "plots",
    "replay",
    "save_dataset",
    "summarize",
    "write_report",
]

# The running wing first: it is the cheapest to import (its own exports load lazily), and a
# worker asks only for its names.
_WINGS = ("memlab.lab.running", "memlab.lab.data", "memlab.lab.analysis")

_getattr, __dir__ = wing_exports(__name__, _WINGS, globals())

# Hidden from type checkers, which would otherwise accept any attribute of this package.
if not TYPE_CHECKING:
    __getattr__ = _getattr
