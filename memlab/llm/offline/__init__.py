"""The offline baseline: deterministic rules served to litellm as the `memlab/offline` model.

It is not a language model: it reads the task from the prompt's header, applies the rules of
`memlab.llm.offline.rules`, and answers in the shape the prompt asked for, with token usage
counted on the real request and response. Importing this package does not import litellm;
`memlab.llm.offline.model` (the provider) does.
"""
