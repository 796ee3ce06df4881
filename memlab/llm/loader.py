"""The one place memlab imports litellm: offline-safe, lazy, and registering the offline model.

litellm is imported on the first model call, never at `import memlab`, and always after
`LITELLM_LOCAL_MODEL_COST_MAP` is set, so importing it reads the cost map from disk instead of
downloading it. litellm is untyped: this module hands the module out as `Any` and nothing else
leaks.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from functools import cache
from typing import Any

__all__ = ["OFFLINE_MODEL", "litellm", "warm"]

OFFLINE_MODEL = "memlab/offline"
"""The litellm model string of memlab's deterministic rule-based baseline (not an LLM)."""

_lock = threading.Lock()
_module: Any = None


def litellm() -> Any:
    """Import litellm without network access, with the offline model registered; return it."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm as lib

            from memlab.llm.offline.model import OfflineModel

            lib.suppress_debug_info = True
            providers = [p for p in lib.custom_provider_map if p.get("provider") != "memlab"]
            providers.append({"provider": "memlab", "custom_handler": OfflineModel()})
            lib.custom_provider_map = providers
            # litellm copies custom_provider_map into its provider tables only inside
            # completion(); registering here makes the first call and cost lookups see it.
            utils: Any = importlib.import_module("litellm.utils")
            utils.custom_llm_setup()
            # Known to be free; the cost is 0.0 because it really is zero, not because it is
            # unknown. The ledger still marks the model as a baseline by its name.
            lib.register_model(
                {
                    OFFLINE_MODEL: {
                        "input_cost_per_token": 0.0,
                        "output_cost_per_token": 0.0,
                        "cache_creation_input_token_cost": 0.0,
                        "cache_read_input_token_cost": 0.0,
                        "litellm_provider": "memlab",
                        "mode": "chat",
                        "max_input_tokens": 1_000_000,
                        "max_output_tokens": 100_000,
                    }
                }
            )
            _module = lib
    return _module


def warm(*, sdk: bool = True) -> Any:
    """`litellm()`, plus the one-off imports its first real request would make; return litellm.

    The first request through the OpenAI SDK imports `openai.resources` and some litellm
    modules lazily (hundreds of modules); doing it here, before a call is timed, keeps that
    out of `latency_ms`.

    Args:
        sdk: Also import the OpenAI SDK's resources (not needed by the offline model).
    """
    lib = litellm()
    if sdk:
        _sdk_resources()
    return lib


# What litellm's first request imports lazily (as of litellm 1.106.2, most of it
# `openai.resources`). A module a later release moved is skipped: warming is an optimisation.
_FIRST_REQUEST_IMPORTS = (
    "openai.resources",
    "litellm.proxy._types",
    "litellm._service_logger",
    "litellm.llms.openai.chat.gpt_audio_transformation",
    "litellm.proxy.openai_files_endpoints.common_utils",
    "litellm.llms.vertex_ai.vertex_ai_partner_models.anthropic.transformation",
)


@cache
def _sdk_resources() -> None:
    for name in _FIRST_REQUEST_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
