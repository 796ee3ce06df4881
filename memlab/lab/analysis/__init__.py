"""The lab's analysis wing: results frames, scorers, intervals, comparisons, plots, report."""

from memlab.lab.analysis import plots
from memlab.lab.analysis.compare import Comparison, compare
from memlab.lab.analysis.report import write_report
from memlab.lab.analysis.results import Results, open_results
from memlab.lab.analysis.scorers import SCORERS, get_scorer
from memlab.lab.analysis.summary import pareto, summarize

__all__ = [
    "SCORERS",
    "Comparison",
    "Results",
    "compare",
    "get_scorer",
    "open_results",
    "pareto",
    "plots",
    "summarize",
    "write_report",
]
