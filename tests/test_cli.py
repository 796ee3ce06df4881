"""The `memlab` command's own flags and help text, and the package metadata it is built from."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.db.versions import memlab_version

ROOT = Path(__file__).resolve().parents[1]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"memlab {memlab_version()}\n"


def test_report_help_prints_a_plain_percent(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    assert "95% intervals" in " ".join(text.split()) and "%%" not in text


def test_the_licence_is_an_spdx_expression() -> None:
    # A `{text = ...}` table makes setuptools >= 77 print a screen of deprecation warnings.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert not any("License ::" in c for c in project["project"].get("classifiers", []))
