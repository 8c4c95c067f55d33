"""Errors detente raises on purpose. Every message names the input and what to do.

    DetenteError
    ├── InputError          an article or file that cannot be read (missing, empty,
    │                       binary, not UTF-8, a JSON Lines row without text, a bad date)
    ├── ResourceError       bundled data or the spaCy model is missing or broken
    ├── StoreError          the database cannot be opened or migrated
    ├── EvalError           a gold file that is not of the task's format
    └── BatchError          a batch output folder that cannot be written or resumed, or a
                            Ray cluster that cannot be reached

The CLI catches DetenteError, prints its message on one line and exits non-zero; nothing
else is caught there, so a bug still shows its traceback.
"""

from __future__ import annotations


class DetenteError(Exception):
    """Base of every error detente raises on purpose."""


class InputError(DetenteError):
    """An input (file, row, date) cannot be read. `source` names it."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ResourceError(DetenteError):
    """Bundled data or a model is missing; the message says how to install it."""


class StoreError(DetenteError):
    """The database cannot be opened, migrated or written."""


class EvalError(DetenteError):
    """A gold file is not of the format its task expects."""


class BatchError(DetenteError):
    """A batch run cannot start or go on (its output folder, its engine)."""
