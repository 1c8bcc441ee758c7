"""Type stubs of the compiled extension. Use it through the ``lurescan`` package, whose
functions are annotated in ``__init__.py``; ``Model``, ``InputError`` and ``ModelError``
are defined here and re-exported there."""

import os
from typing import Any, Callable

__version__: str

class InputError(ValueError):
    """A record (or the table's columns) cannot be scored: the message names the record's
    row index and id, and the reason."""

class ModelError(ValueError):
    """A model or lexicon file is malformed or inconsistent."""

class Model:
    """A model and the lexicons it scores with (the CLI's ``--model`` and ``--lexicons``).
    Immutable: one instance serves every thread."""

    @staticmethod
    def load(path: str | os.PathLike[str], *, lexicons: str | os.PathLike[str] | None = None) -> Model:
        """Loads a model file written by ``lurescan train`` (JSON, or ``.gz``); ``lexicons``
        is a directory of ``<lang>.tsv`` files added to (or replacing) the embedded ones."""
    @staticmethod
    def embedded(*, lexicons: str | os.PathLike[str] | None = None) -> Model:
        """The default model embedded in the library (the CLI's without ``--model``)."""
    def with_prevalence(self, prevalence: float) -> Model:
        """The same model at another prevalence (the CLI's ``--prevalence``)."""
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the model (gzip-compressed JSON when the name ends in ``.gz``), atomically."""
    @property
    def threshold(self) -> float:
        """Probability at or above which the verdict is ``"lure"``."""
    @property
    def prevalence(self) -> float:
        """The share of lures among adverts that the probabilities assume."""

def _check_json(fields: dict[str, Any], *, model: Model | None = None, max_field_bytes: int = ...) -> str: ...
def _score_dicts(
    records: Any,
    *,
    model: Model | None = None,
    explain: bool = False,
    raise_on_reject: bool = True,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    max_field_bytes: int = ...,
) -> dict[str, list[Any]]: ...
def _score_columns(
    names: list[str],
    length: int,
    fetch: Callable[[int, int, list[int]], list[list[Any] | None]],
    *,
    model: Model | None = None,
    explain: bool = False,
    raise_on_reject: bool = True,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    max_field_bytes: int = ...,
) -> dict[str, list[Any]]: ...
def _train(data: str, **options: Any) -> tuple[Model, str]: ...
