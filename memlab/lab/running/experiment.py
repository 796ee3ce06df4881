"""Experiments: a dataset reference and a grid over ingest × summary × recall, with stable ids.

An experiment is written in TOML (read with the stdlib `tomllib`) or built in Python:

```toml
name = "demo"
[dataset]
path = "datasets/memlab-synthetic-v1.jsonl"
limit = 10
[[ingest]]
kind = "extract"            # messages | verbatim | extract
prompt = "agno-v2"
[[summary]]
trigger = "never"           # never | every_n_runs (n) | token_threshold (tokens) | session_end
[[recall]]
strategy = "bm25"
k = [5, 10]                 # a list is a sweep: one variant per k
[answer]
model = "memlab/offline"
[judge]
model = "memlab/offline"
```

Validation runs before any model call and names the key path of each problem
(`recall[2].strategy: unknown strategy 'bm52'; known: ...`). Every variant gets a stable id
from its normalized settings (defaults filled in, settings that do not apply dropped), so the
same settings give the same id on any machine; labels are for people and do not change ids.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    SecretStr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from memlab.errors import ConfigError
from memlab.lab.data.dataset import Dataset
from memlab.lab.running.api_keys import EnvName
from memlab.lab.running.run_settings import BudgetSpec, ExecutionSpec
from memlab.lab.running.specs import (
    OFFLINE,
    AnswerSpec,
    DatasetRef,
    IngestSpec,
    JudgeSpec,
    RecallSpec,
    SummarySpec,
    check_name,
)

__all__ = [
    "AnswerSpec",
    "DatasetRef",
    "Experiment",
    "IngestSpec",
    "IngestVariant",
    "JudgeSpec",
    "RecallSpec",
    "RecallVariant",
    "SummarySpec",
    "Variant",
    "file_sha256",
    "load_experiment",
    "stable_id",
]


def _dataset_form(value: Any) -> str:
    """Which form of `dataset` the input is meant to be, so errors speak of that form only.

    A mapping with `conversations` and no `path` is a dataset written out in place; anything
    else (a TOML table, a string) is meant as a file reference.
    """
    if isinstance(value, Dataset) or (
        isinstance(value, dict) and "conversations" in value and "path" not in value
    ):
        return "Dataset"
    return "DatasetRef"


DatasetField = Annotated[
    Annotated[DatasetRef, Tag("DatasetRef")] | Annotated[Dataset, Tag("Dataset")],
    Discriminator(_dataset_form),
]
"""`Experiment.dataset`: a file reference or a `Dataset`, told apart before validation."""


def _api_base(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(
            "give the URL of an OpenAI-compatible server, starting with http:// or https://, "
            "e.g. 'http://127.0.0.1:8000/v1'"
        )
    return value


ApiBase = Annotated[str, AfterValidator(_api_base)]
"""The URL of the server non-memlab models are called at."""


def stable_id(prefix: str, settings: Any) -> str:
    """`prefix` + the first 10 hex digits of the sha256 of `settings` as canonical JSON."""
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    return f"{prefix}{hashlib.sha256(text.encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class IngestVariant:
    """One (ingest × summary) setting: what a unit replays a conversation with."""

    ingest_id: str
    ingest: IngestSpec
    summary: SummarySpec
    label: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class RecallVariant:
    """One recall setting (a single k)."""

    recall_id: str
    spec: RecallSpec
    k: int
    label: str
    settings: dict[str, Any]
    budget_tokens: int | None = None


@dataclass(frozen=True)
class Variant:
    """One cell of the grid: an ingest variant crossed with a recall variant."""

    variant_id: str
    ingest: IngestVariant
    recall: RecallVariant
    label: str

    @property
    def settings(self) -> dict[str, Any]:
        """Every setting of the cell (ingest, summary and recall)."""
        return {**self.ingest.settings, **self.recall.settings}


class Experiment(BaseModel):
    """A dataset reference and a grid over ingest × summary × recall, with optional stages."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    name: str = Field(min_length=1)
    """The experiment's name (part of its id)."""
    description: str | None = None
    """What the experiment asks."""
    dataset: DatasetField
    """A dataset file reference, or (from Python) a `Dataset` in memory."""
    ingest: list[IngestSpec] = Field(default_factory=lambda: [IngestSpec()], min_length=1)
    """Ingest settings."""
    summary: list[SummarySpec] = Field(default_factory=lambda: [SummarySpec()], min_length=1)
    """Summary settings (each is crossed with each ingest)."""
    recall: list[RecallSpec] = Field(min_length=1)
    """Recall settings (evaluated against every ingest variant's memory)."""
    answer: AnswerSpec | None = None
    """The answer stage, or None to score recall only."""
    judge: JudgeSpec | None = None
    """The judge stage (needs `answer`), or None."""
    repeats: int = Field(default=1, ge=1)
    """How often the answer and judge stages run per probe (repeats after the first bypass
    the cache, so answer noise shows as a spread)."""
    scores: list[str] | None = None
    """Scorer names to compute; None for all registered ones."""
    max_cost_usd: float | None = Field(default=None, ge=0)
    """Budget in USD per model used; a call that would pass it stops the replay."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Budget in tokens per model used."""
    concurrency: int = Field(default=4, ge=1)
    """Units replayed at once (and model calls in flight per model)."""
    execution: ExecutionSpec = Field(default_factory=ExecutionSpec)
    """Where units run (`[execution]`: local, processes or dask); not part of the id."""
    budget: BudgetSpec = Field(default_factory=BudgetSpec)
    """Limits of the whole run (`[budget] max_cost_usd`); not part of the id."""
    seed: int = 0
    """Seed of everything random in the replay (control answers)."""
    api_base: ApiBase | None = None
    """The server every non-memlab model is called at (a local vLLM, llama.cpp or test
    server); None for each provider's own endpoint."""
    api_key_env: EnvName | None = None
    """The environment variable the key of every non-memlab model is read from (only the
    name is stored); None: each provider's own variable, or "none" for a server on this
    machine."""
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    """A key given in Python or with `memlab replay --api-key`; never stored with results
    and never read from a TOML file."""

    _origin: str = PrivateAttr(default="python")

    @property
    def origin(self) -> str:
        """Where the experiment was configured, so key errors name the fix there.

        "python", "toml:<file>", "cli:<file>" (a TOML file with `memlab replay` flags), or
        "demo" (`memlab demo`'s grid and flags).
        """
        return self._origin

    @model_validator(mode="after")
    def _stages(self) -> Experiment:
        if self.judge is not None and self.answer is None:
            raise ValueError("judge needs an answer stage: add an [answer] table")
        if not self.variants():
            raise ValueError(
                "no variant is left: every recall setting reads a corpus no ingest fills "
                "(recall over memories needs ingest 'verbatim' or 'extract'; over summaries "
                "needs a summary trigger other than 'never')"
            )
        return self

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: list[str] | None) -> list[str] | None:
        from memlab.lab.analysis.scorers import SCORERS

        for name in value or []:
            check_name("scorer", name, list(SCORERS))
        return value

    # ----------------------------------------------------------------- identity
    def experiment_id(self) -> str:
        """Stable id of the experiment: its name, dataset and grid (not budgets or limits)."""
        if isinstance(self.dataset, Dataset):
            dumped = self.dataset.model_dump_json().encode()
            data: Any = {"dataset_sha256": hashlib.sha256(dumped).hexdigest()}
        else:
            # The file's content, not its path, names the data: `memlab demo` and
            # `memlab replay` reach one file by different relative paths and share units.
            # `strict` only decides whether a bad file is refused: it changes no result.
            data = self.dataset.model_dump(exclude={"limit", "path", "strict"})
            file = Path(self.dataset.path)
            data["dataset_sha256"] = file_sha256(file) if file.is_file() else self.dataset.path
        stages = {
            # exclude_none: a cap left at its default does not change the id
            "answer": self.answer.model_dump(exclude_none=True) if self.answer else None,
            "judge": self.judge.model_dump(exclude_none=True) if self.judge else None,
            "repeats": self.repeats,
            "seed": self.seed,
            "api_base": self.api_base,
        }
        grid = sorted(v.variant_id for v in self.variants())
        return stable_id("e-", {"name": self.name, "data": data, "grid": grid, **stages})

    def ingest_variants(self) -> list[IngestVariant]:
        """Every (ingest × summary) variant, in config order, duplicates merged."""
        out: dict[str, IngestVariant] = {}
        for ingest in self.ingest:
            for summary in self.summary:
                if ingest.kind == "custom" and summary.trigger != "never":
                    continue  # a custom system summarizes (or not) on its own
                settings = {**ingest.settings(), **summary.settings()}
                iid = stable_id("i-", settings)
                if iid not in out:
                    out[iid] = IngestVariant(
                        iid, ingest, summary, _ingest_label(ingest, summary), settings
                    )
        return list(out.values())

    def recall_variants(self) -> list[RecallVariant]:
        """Every recall variant (one per k and budget), in config order, duplicates merged."""
        out: dict[str, RecallVariant] = {}
        for spec in self.recall:
            for k in spec.ks():
                for budget in spec.budgets():
                    settings = spec.settings(k, budget)
                    rid = stable_id("r-", settings)
                    if rid not in out:
                        label = (spec.label or _recall_label(spec, k)).replace("{k}", str(k))
                        if budget is not None:
                            label += f"/{budget}t"
                        out[rid] = RecallVariant(rid, spec, k, label, settings, budget)
        return list(out.values())

    def variants(self) -> list[Variant]:
        """Every grid cell whose recall corpus its ingest fills (see the module docstring)."""
        out: list[Variant] = []
        for iv in self.ingest_variants():
            for rv in self.recall_variants():
                if not compatible(iv, rv):
                    continue
                vid = stable_id("v-", [iv.ingest_id, rv.recall_id])
                out.append(Variant(vid, iv, rv, f"{iv.label} · {rv.label}"))
        return out

    def models(self) -> dict[str, list[str]]:
        """Every model string per stage, for provenance."""
        out: dict[str, list[str]] = {
            "extract": sorted({i.model for i in self.ingest if i.kind == "extract"}),
            "summarize": sorted({s.model for s in self.summary if s.trigger != "never"}),
            "search": sorted({r.model or OFFLINE for r in self.recall if r.strategy == "agentic"}),
            "answer": [self.answer.model] if self.answer else [],
            "judge": [self.judge.model] if self.judge else [],
        }
        return {k: v for k, v in out.items() if v}

    def with_overrides(
        self,
        *,
        model: str | None = None,
        limit: int | None = None,
        max_cost_usd: float | None = None,
        concurrency: int | None = None,
        api_base: str | None = None,
        api_key: str | None = None,
        strict: bool | None = None,
        execution: dict[str, Any] | None = None,
        run_max_cost_usd: float | None = None,
        cli: bool = False,
    ) -> Experiment:
        """A copy with the CLI's overrides: `model` replaces every stage's model.

        `cli=True` marks the overrides as `memlab replay`'s flags, so key errors name
        `--api-key`.
        """
        data = self.model_dump()
        data["dataset"] = self.dataset
        data["api_key"] = api_key if api_key is not None else self.api_key
        if model is not None:
            for ingest in data["ingest"]:
                ingest["model"] = model
            for summary in data["summary"]:
                summary["model"] = model
            for recall in data["recall"]:
                if recall["strategy"] == "agentic":
                    recall["model"] = model
            for stage in ("answer", "judge"):
                if data[stage] is not None:
                    data[stage]["model"] = model
        if limit is not None:
            # Validated as the TOML key is (a copy with an update would skip `limit >= 1`).
            if isinstance(self.dataset, Dataset):
                try:
                    DatasetRef(path="-", limit=limit)
                except ValidationError as exc:
                    raise _invalid(exc, "with_overrides(limit=...)", within="dataset") from None
                data["dataset"] = self.dataset.model_copy(
                    update={"conversations": self.dataset.conversations[:limit]}
                )
            else:
                data["dataset"] = {**self.dataset.model_dump(), "limit": limit}
        if strict is not None and not isinstance(self.dataset, Dataset):
            data["dataset"] = {**_ref_dump(data["dataset"], self.dataset), "strict": strict}
        if max_cost_usd is not None:
            data["max_cost_usd"] = max_cost_usd
        if concurrency is not None:
            data["concurrency"] = concurrency
        if api_base is not None:
            data["api_base"] = api_base
        if execution:  # the flags given replace the keys of `[execution]` they name
            data["execution"] = {**data["execution"], **execution}
        if run_max_cost_usd is not None:
            data["budget"] = {**data["budget"], "max_cost_usd": run_max_cost_usd}
        copy = build_experiment(data)
        source = self._origin.partition(":")[2] or "the experiment file"
        copy._origin = f"cli:{source}" if cli else self._origin
        return copy


def _ref_dump(current: Any, ref: DatasetRef) -> dict[str, Any]:
    """The dataset reference as a dict, with any override already applied (`limit`)."""
    return dict(current) if isinstance(current, dict) else ref.model_dump()


def compatible(ingest: IngestVariant, recall: RecallVariant) -> bool:
    """Whether the recall variant's corpus can hold anything under the ingest variant.

    Messages are stored by every ingest; memories only by `verbatim` and `extract`;
    summaries only with a summary trigger other than `never`. A custom system recalls from
    its own store, which the lab calls `memories`. A recall setting with `ingest` crosses only
    those ingest kinds.
    """
    if recall.spec.ingest is not None and ingest.ingest.kind not in recall.spec.ingest:
        return False
    over = recall.spec.over
    if ingest.ingest.kind == "custom":
        return over == "memories"
    has_memories = ingest.ingest.kind != "messages"
    has_summaries = ingest.summary.trigger != "never"
    if over == "memories":
        return has_memories
    if over == "summaries":
        return has_summaries
    if over == "memories+summaries":
        return has_memories and has_summaries
    return True


def _ingest_label(ingest: IngestSpec, summary: SummarySpec) -> str:
    if ingest.label:
        base = ingest.label
    elif ingest.kind == "extract":
        base = f"extract:{ingest.prompt}"
        if ingest.context == "top_k":
            base += f"/top{ingest.top_k}"
        if ingest.granularity == "session":
            base += "/session"
        if ingest.model != OFFLINE:
            base += f"[{ingest.model}]"
    elif ingest.kind == "custom":
        base = f"custom:{(ingest.factory or '').rpartition(':')[2]}"
    else:
        base = ingest.kind
    if summary.trigger == "never":
        return base
    tail = summary.label or summary.trigger + "".join(
        f"={v}" for v in summary.trigger_options().values()
    )
    if not summary.label and summary.mode != "full":
        tail += f"/{summary.mode}"  # full vs incremental must not share a label
    return f"{base}+{tail}"


def _recall_label(spec: RecallSpec, k: int) -> str:
    name = spec.strategy if spec.embedder is None else f"{spec.strategy}:{spec.embedder}"
    over = "" if spec.over == "memories" else f"/{spec.over}"
    return f"{name}{over}@{k}"


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("DatasetRef", "Dataset", "list[int]", "int") or "[" in str(part):
            continue  # pydantic's union branch names are not key paths
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, read once per content (keyed by size and mtime).

    Experiment ids and provenance both name a dataset by it; a multi-GB file is hashed once.
    """
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return _file_sha256(resolved, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _file_sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_experiment(
    data: dict[str, Any], *, source: str = "experiment", origin: str = "python"
) -> Experiment:
    """Validate `data` into an `Experiment`.

    `origin` is where it was configured (`Experiment.origin`: "python", "toml:<file>",
    "cli:<file>" or "demo"), so key errors name the fix there.

    Raises:
        ConfigError: one line per problem, each with its key path.
    """
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, source) from None
    experiment._origin = origin
    return experiment


def _invalid(exc: ValidationError, source: str, *, within: str | None = None) -> ConfigError:
    """One line per problem, each with its key path (under `within` when given)."""
    seen: list[str] = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        loc = (within, *error["loc"]) if within else tuple(error["loc"])
        line = f"{_where(loc)}: {message}"
        if line not in seen:
            seen.append(line)
    return ConfigError(f"{source} is not valid:\n  " + "\n  ".join(seen))


def load_experiment(path: str | Path) -> Experiment:
    """Read an experiment from a TOML file.

    A relative dataset path is taken relative to the TOML file when a file exists there, else
    relative to the current directory. A custom system's factory module that lies next to
    the TOML file is importable.

    Raises:
        ConfigError: the file is missing, is not TOML, or does not validate.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"experiment file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if "api_key" in data:
        raise ConfigError(
            f"{path}: api_key: an experiment file must not hold a key (it travels with the "
            'results): set api_key_env = "NAME" and export NAME, or pass --api-key KEY to '
            "memlab replay"
        )
    _factories_beside(data, path.parent)
    dataset = data.get("dataset")
    if isinstance(dataset, dict) and isinstance(dataset.get("path"), str):
        candidate = path.parent / dataset["path"]
        if not Path(dataset["path"]).is_absolute() and candidate.exists():
            dataset["path"] = str(candidate)
    experiment = build_experiment(data, source=str(path))
    experiment._origin = f"toml:{path}"
    return experiment


def _factories_beside(data: dict[str, Any], folder: Path) -> None:
    """Put `folder` on `sys.path` when a custom ingest's factory module lies there."""
    ingests = data.get("ingest")
    for spec in ingests if isinstance(ingests, list) else []:
        factory = spec.get("factory") if isinstance(spec, dict) else None
        if not isinstance(factory, str):
            continue
        top = factory.partition(":")[0].split(".")[0]
        beside = folder / f"{top}.py"
        if (beside.is_file() or (folder / top / "__init__.py").is_file()) and str(
            folder.resolve()
        ) not in sys.path:
            sys.path.insert(0, str(folder.resolve()))
