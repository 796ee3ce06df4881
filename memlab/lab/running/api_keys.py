"""An experiment's API key: where it comes from, how errors tell a user to give one, what is kept.

A key reaches a replay's models from `memlab replay --api-key KEY`, from `Experiment(api_key=...)`
in Python, or from the environment variable an experiment names (`api_key_env = "NAME"`, next to
`api_base`). The key itself is never stored with the results: the record keeps only that a key
was given, or the variable's name. The advice in key errors names the fix where the user is: the
flag on the command line, the TOML key in a file, the argument in Python.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator

from memlab.errors import ConfigError
from memlab.llm.keys import KeyAdvice

if TYPE_CHECKING:
    from memlab.lab.running.experiment import Experiment

__all__ = ["EnvName", "experiment_key", "key_advice", "key_record"]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(
            f"{value!r} is not the name of an environment variable: give the variable's name "
            "(e.g. 'OPENAI_API_KEY'), never the key itself"
        )
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]
"""The name of an environment variable, checked to look like one (not like a key)."""


def key_advice(experiment: Experiment) -> KeyAdvice:
    """How the user who configured `experiment` gives a key (CLI, TOML file or Python)."""
    origin = experiment.origin
    if origin == "demo":
        return KeyAdvice(
            fix="pass --api-key KEY or --api-key-env NAME to memlab demo",
            none_key="--api-key none",
            given_as=_given_as(experiment, "given with --api-key"),
        )
    if origin.startswith("cli:"):
        toml = origin.removeprefix("cli:")
        return KeyAdvice(
            fix=f'pass --api-key KEY (or set api_key_env = "NAME" in {toml}, next to api_base)',
            none_key="--api-key none",
            given_as=_given_as(experiment, "given with --api-key"),
        )
    if origin.startswith("toml:"):
        toml = origin.removeprefix("toml:")
        return KeyAdvice(
            fix=f'set api_key_env = "NAME" in {toml} (next to api_base) and export NAME',
            none_key="Experiment(api_key='none')",
            given_as=_given_as(experiment, "passed as Experiment(api_key=...)"),
        )
    return KeyAdvice(
        fix="pass Experiment(api_key=...) or Experiment(api_key_env='NAME')",
        none_key="Experiment(api_key='none')",
        given_as=_given_as(experiment, "passed as Experiment(api_key=...)"),
    )


def _given_as(experiment: Experiment, explicit: str) -> str:
    if experiment.api_key is None and experiment.api_key_env is not None:
        return f"read from ${experiment.api_key_env} (api_key_env)"
    return explicit


def experiment_key(experiment: Experiment) -> str | None:
    """The key the experiment's models send; None leaves it to each provider's variable.

    Raises:
        ConfigError: `api_key_env` names a variable that is not set.
    """
    if experiment.api_key is not None:
        return experiment.api_key.get_secret_value()
    name = experiment.api_key_env
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            f"api_key_env = {name!r}, but the environment variable {name} is not set: "
            f"export {name}=<your key> before the replay, or name another variable"
        )
    return value


def key_record(experiment: Experiment) -> str | None:
    """What the results record about the key: that one was given, or its variable's name."""
    if experiment.api_key is not None:
        return "given (not stored)"
    if experiment.api_key_env is not None:
        return f"from ${experiment.api_key_env}"
    return None
