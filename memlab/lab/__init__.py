"""The replay lab: recorded conversations, experiment grids, the runner, scores and frames.

What notebooks and scripts need is here: load a dataset, build or load an experiment (from
TOML, or from the spec classes), `estimate_replay` what it will cost, `replay` it into a
DuckDB file, and read the `Results` frames (`summary_df`, `probes_df`, `compare`,
`pareto`), `plots` and `write_report`. The wings are subpackages: `memlab.lab.data`,
`memlab.lab.running`, `memlab.lab.analysis`.
"""

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
