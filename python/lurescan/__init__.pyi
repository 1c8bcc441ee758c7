"""Type stubs of the lurescan package (see ``__init__.py`` for the documentation)."""

import os
from typing import Any, Iterable, Literal, Mapping, overload

__version__: str
DEFAULT_MAX_FIELD_BYTES: int

class InputError(ValueError):
    """A record (or the table's columns) cannot be scored: the message names the record's
    row index and id, and the reason."""

class ModelError(ValueError):
    """A model or lexicon file is malformed or inconsistent."""

class Model:
    """A model and the lexicons it scores with (the CLI's ``--model`` and ``--lexicons``)."""

    @staticmethod
    def load(path: str | os.PathLike[str], *, lexicons: str | os.PathLike[str] | None = None) -> Model:
        """Loads a model file written by ``lurescan train`` (JSON, or ``.gz``)."""
    @staticmethod
    def embedded(*, lexicons: str | os.PathLike[str] | None = None) -> Model:
        """The default model embedded in the library."""
    def with_prevalence(self, prevalence: float) -> Model:
        """The same model at another prevalence (the CLI's ``--prevalence``)."""
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the model (gzip-compressed JSON when the name ends in ``.gz``)."""
    @property
    def threshold(self) -> float:
        """Probability at or above which the verdict is ``"lure"``."""
    @property
    def prevalence(self) -> float:
        """The share of lures among adverts that the probabilities assume."""

def check(
    text: Any = None,
    *,
    model: Model | None = None,
    max_field_bytes: int = ...,
    **fields: Any,
) -> dict[str, Any]:
    """Scores one advert with its explanation: the object ``lurescan check --json`` prints."""

@overload
def score(
    records: Iterable[Mapping[str, Any]],
    *,
    explain: bool = False,
    errors: Literal["raise", "column"] = "raise",
    model: Model | None = None,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    max_field_bytes: int = ...,
) -> list[dict[str, Any]]: ...
@overload
def score(
    records: Any,
    *,
    explain: bool = False,
    errors: Literal["raise", "column"] = "raise",
    model: Model | None = None,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    max_field_bytes: int = ...,
) -> Any:
    """Scores many adverts (dicts, a pandas DataFrame, a pyarrow Table or RecordBatch) in
    parallel; returns the same kind of table with id, probability, verdict and lures."""

def arrow_schema(*, explain: bool = False, error_column: bool = False) -> Any:
    """The pyarrow schema of ``score``'s Arrow results."""

def train(
    data: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    card: str | os.PathLike[str] | None = None,
    cv: int = 5,
    group_by: str | None = None,
    seed: int = 42,
    alpha: float | Literal["auto"] = "auto",
    target_precision: float | None = None,
    target_recall: float | None = None,
    prevalence: float = 0.048,
    positive_weight: int = 1,
    max_features: int | None = None,
    meta_scale: float = 0.0,
    family_scale: float = 0.0,
    norm_floor_quantile: float = 0.25,
    max_iterations: int = 200,
    nested: bool = False,
    bootstrap: int = 1000,
    label_col: str = "fraudulent",
    positive: list[str] | None = None,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    format: Literal["csv", "jsonl"] | None = None,
    max_field_bytes: int = ...,
    lexicons: str | os.PathLike[str] | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Trains a model as ``lurescan train`` does; returns it and the metrics the CLI prints."""
