"""The lab's analysis wing: results frames, scorers, intervals, comparisons, plots, report.

Names load on first use (PEP 562): the runner and its workers read `results` without paying
for matplotlib and the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Eager: its submodule has the same name, and importing a submodule sets the package's
# attribute to the module, which a lazy `__getattr__` would then never replace (pandas only).
from memlab.lab.analysis.compare import Comparison, compare
from memlab.lazy import lazy_exports

if TYPE_CHECKING:
    from memlab.lab.analysis import plots
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

_HOMES = {
    "SCORERS": "memlab.lab.analysis.scorers",
    "Results": "memlab.lab.analysis.results",
    "get_scorer": "memlab.lab.analysis.scorers",
    "open_results": "memlab.lab.analysis.results",
    "pareto": "memlab.lab.analysis.summary",
    "plots": "memlab.lab.analysis.plots",
    "summarize": "memlab.lab.analysis.summary",
    "write_report": "memlab.lab.analysis.report",
}


_getattr, __dir__ = lazy_exports(__name__, _HOMES, globals())

# Hidden from type checkers, which would otherwise accept any attribute of this package.
if not TYPE_CHECKING:
    __getattr__ = _getattr
