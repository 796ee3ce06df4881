"""The lab packages load their exports on first use, and every exported name still imports.

Each check runs in a fresh interpreter: what a package has loaded depends on what the test
session imported before.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PACKAGES = ("memlab.lab", "memlab.lab.running", "memlab.lab.analysis")


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_imports_from_its_package(package: str) -> None:
    code = f"""
import importlib
package = importlib.import_module({package!r})
assert package.__all__, "nothing exported"
for name in package.__all__:
    scope = {{}}
    exec(f"from {package} import {{name}}", scope)
    assert scope[name] is getattr(package, name), name
    assert name in dir(package), name
star = {{}}
exec("from {package} import *", star)
assert set(package.__all__) <= set(star), set(package.__all__) - set(star)
try:
    package.no_such_name
except AttributeError as exc:
    assert "no_such_name" in str(exc)
else:
    raise AssertionError("an unknown name resolved")
print("ok")
"""
    assert _run(code).strip() == "ok"


def test_the_lab_gives_the_objects_its_wings_define() -> None:
    code = """
import memlab.lab
from memlab.lab import analysis, data, running
from memlab.lab.analysis.plots import __name__ as plots_name
from memlab.lab.running.runner import replay
from memlab.lab.running.estimate import estimate_replay
from memlab.lab.analysis.results import Results
wings = (analysis, data, running)
for name in memlab.lab.__all__:
    owners = [w for w in wings if name in w.__all__]
    assert len(owners) == 1, (name, owners)
    assert getattr(memlab.lab, name) is getattr(owners[0], name), name
assert memlab.lab.replay is replay and memlab.lab.Results is Results
assert memlab.lab.estimate_replay is estimate_replay
assert memlab.lab.plots.__name__ == plots_name == "memlab.lab.analysis.plots"
assert memlab.lab.analysis is analysis
print("ok")
"""
    assert _run(code).strip() == "ok"


def test_importing_the_lab_or_a_worker_loads_no_plotting_nor_estimate() -> None:
    heavy = (
        "matplotlib",
        "litellm",
        "memlab.lab.analysis.plots",
        "memlab.lab.analysis.report",
        "memlab.lab.running.estimate",
        "memlab.lab.running.runner",
    )
    code = f"""
import sys
import memlab.lab, memlab.lab.running, memlab.lab.analysis
lab = sorted(m for m in {heavy!r} if m in sys.modules)
import memlab.lab.running.executors.worker
worker = sorted(m for m in {heavy!r} if m in sys.modules)
print(lab, worker)
"""
    assert _run(code).strip() == "[] []"


@pytest.mark.parametrize("package", PACKAGES)
def test_a_submodule_import_does_not_shadow_an_exported_name(package: str) -> None:
    # Importing `pkg.compare` sets `pkg.compare` to the module; an exported function of the
    # same name must still be the function (notebooks call `results.compare(...)`).
    code = f"""
import importlib, pkgutil, types
package = importlib.import_module({package!r})
for sub in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"{package}.{{sub.name}}")
for name in package.__all__:
    value = getattr(package, name)
    if isinstance(value, types.ModuleType):
        assert name == "plots" or value.__name__.endswith("." + name) and name in (
            "analysis", "data", "running"
        ), name
print("ok")
"""
    assert _run(code).strip() == "ok"
