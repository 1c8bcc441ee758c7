"""Scores job advertisements for scam-recruitment lures and explains why.

The Python face of the lurescan library (the same code as the ``lurescan`` command, built
with PyO3): the same fields, the same scores, the same evidence.

- :func:`check` scores one advert with its full explanation (``lurescan check --json``).
- :func:`score` scores many: an iterable of dicts, a pandas DataFrame, or a pyarrow
  Table or RecordBatch, in parallel (rayon, with the GIL released), and returns the same
  kind of table with ``id``, ``probability``, ``verdict`` and ``lures`` per record
  (``lurescan score``).
- :class:`Model` loads a model file (``--model``) or the embedded default.
- :func:`train` trains a model as ``lurescan train`` does and returns its metrics.
- :mod:`lurescan.spark` scores a Spark DataFrame with ``mapInArrow``.

Input values follow the CLI's JSONL rules: ``str`` as it is; ``None`` (and NaN, pandas'
missing value) as empty; ``bool`` as ``1``/``0``; ``int`` and ``float`` as Python writes
them. ``bytes`` (decoded or not: invalid UTF-8 is named as such), lists, dicts and other
objects in a column that is read are refused, as :class:`InputError` naming the record.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Mapping

from . import _lurescan
from ._lurescan import InputError, Model, ModelError

__all__ = ["check", "score", "train", "Model", "InputError", "ModelError", "__version__"]

__version__: str = _lurescan.__version__

#: Largest accepted field in bytes (the CLI's ``--max-field-bytes`` default, 1 MiB).
DEFAULT_MAX_FIELD_BYTES = 1 << 20


def check(
    text: Any = None,
    *,
    model: Model | None = None,
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES,
    **fields: Any,
) -> dict:
    """Scores one advert and explains the score: the object ``lurescan check --json`` prints.

    ``text`` is the advert as one free text; the EMSCAD fields (``title``, ``location``,
    ``salary_range``, ``company_profile``, ``description``, ``requirements``, ``benefits``),
    its metadata columns (``telecommuting``, ``has_company_logo``, ``industry``, ...) and
    ``id`` may be given as keywords instead or beside it, as a CSV row would give them.
    The dict has ``id`` (``"text"`` unless given), ``probability``, ``verdict``
    (``"lure"`` or ``"ok"``), ``threshold``, ``prevalence``, ``lang``, ``lures`` (each
    quoted with its family, field, byte span and what matched it), ``families``,
    ``metadata_part``, ``text_part`` and ``top_terms``.

    Raises :class:`InputError` for an empty advert, a field over ``max_field_bytes`` or a
    value that is not text (``bytes`` included), and ``TypeError`` for an unknown field.
    """
    if text is not None:
        fields = {"text": text, **fields}
    return json.loads(_lurescan._check_json(fields, model=model, max_field_bytes=max_field_bytes))


def score(
    records: Any,
    *,
    explain: bool = False,
    errors: str = "raise",
    model: Model | None = None,
    id_col: str | None = None,
    text_cols: list[str] | None = None,
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES,
) -> Any:
    """Scores many adverts in parallel, one result per record, in input order.

    ``records`` is an iterable of dicts (each read as a line of JSONL is: keys are
    columns), a pandas DataFrame, or a pyarrow Table or RecordBatch (read as a CSV file is:
    the columns are the header, so an empty cell in a ``company_profile`` column means "no
    profile"). The result is the same kind of thing: a list of dicts, a DataFrame (with
    the input's index), a Table or a RecordBatch, with

    - ``id``: the record's ``job_id``, else ``id`` (or ``id_col``), else its 1-based number;
    - ``probability``: of a lure, at the model's prevalence, to 4 decimals as the CLI writes it;
    - ``verdict``: ``"lure"`` or ``"ok"``;
    - ``lures``: the lure families with evidence;
    - with ``explain=True``, ``lang`` and ``evidence`` (each quote as in :func:`check`).

    Columns are mapped as the CLI maps them: ``text_cols`` names the text columns (default:
    the EMSCAD text fields present, and ``text``); other columns are not read, so they may
    hold anything.

    A record that cannot be scored (no text, a field over ``max_field_bytes``, a value
    that is not text) is never dropped: with ``errors="raise"`` (the default) scoring stops
    there and :class:`InputError` names its row (0-based) and id and the reason; with
    ``errors="column"`` every record gets a row, and an ``error`` column holds the reason
    (``None`` where the record was scored; ``probability``, ``verdict`` and ``lures`` are
    then ``None``). A table without any text column raises :class:`InputError` at once.
    """
    if errors not in ("raise", "column"):
        raise ValueError(f'errors must be "raise" or "column", not {errors!r}')
    options = dict(
        model=model,
        explain=explain,
        raise_on_reject=errors == "raise",
        id_col=id_col,
        text_cols=None if text_cols is None else list(text_cols),
        max_field_bytes=max_field_bytes,
    )
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(records, pandas.DataFrame):
        frame = records

        def fetch(start: int, stop: int, wanted: list[int]) -> list:
            # Missing values (NaN, NA, NaT) as None; only the columns that are read.
            wanted = set(wanted)
            part = frame.iloc[start:stop]
            return [
                part.iloc[:, i].to_numpy(dtype=object, na_value=None).tolist() if i in wanted else None
                for i in range(frame.shape[1])
            ]

        names = [str(c) for c in frame.columns]
        out = _lurescan._score_columns(names, len(frame), fetch, **options)
        return pandas.DataFrame(out, index=frame.index)
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None and isinstance(records, (pyarrow.Table, pyarrow.RecordBatch)):
        table = records

        def fetch(start: int, stop: int, wanted: list[int]) -> list:
            wanted = set(wanted)
            part = table.slice(start, stop - start)
            return [part.column(i).to_pylist() if i in wanted else None for i in range(table.num_columns)]

        names = [str(n) for n in table.schema.names]
        out = _lurescan._score_columns(names, table.num_rows, fetch, **options)
        schema = arrow_schema(explain=explain, error_column=errors == "column")
        if isinstance(table, pyarrow.RecordBatch):
            return pyarrow.RecordBatch.from_pydict(out, schema=schema)
        return pyarrow.Table.from_pydict(out, schema=schema)
    if isinstance(records, (str, bytes, Mapping)):
        raise TypeError(
            "score() takes an iterable of records (dicts), a pandas DataFrame or a pyarrow "
            f"Table, not a {type(records).__name__}; for one advert use check()"
        )
    out = _lurescan._score_dicts(records, **options)
    keys = list(out)
    return [dict(zip(keys, row)) for row in zip(*out.values())]


def arrow_schema(*, explain: bool = False, error_column: bool = False) -> Any:
    """The pyarrow schema of :func:`score`'s Arrow results (and of :mod:`lurescan.spark`'s)."""
    import pyarrow as pa

    fields = [
        pa.field("id", pa.string()),
        pa.field("probability", pa.float64()),
        pa.field("verdict", pa.string()),
        pa.field("lures", pa.list_(pa.string())),
    ]
    if explain:
        evidence = pa.struct(
            [
                pa.field("family", pa.string()),
                pa.field("text", pa.string()),
                pa.field("start", pa.int64()),
                pa.field("end", pa.int64()),
                pa.field("field", pa.string()),
                pa.field("matched_by", pa.string()),
                pa.field("detail", pa.string()),
            ]
        )
        fields += [pa.field("lang", pa.string()), pa.field("evidence", pa.list_(evidence))]
    if error_column:
        fields.append(pa.field("error", pa.string()))
    return pa.schema(fields)


def train(
    data: str | os.PathLike,
    output: str | os.PathLike | None = None,
    *,
    card: str | os.PathLike | None = None,
    cv: int = 5,
    group_by: str | None = None,
    seed: int = 42,
    alpha: float | str = "auto",
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
    format: str | None = None,
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES,
    lexicons: str | os.PathLike | None = None,
) -> tuple[Model, dict]:
    """Trains a model on a labelled CSV or JSONL file, as ``lurescan train DATA -o OUTPUT``.

    Every option is the CLI's flag of the same name (``cv`` is ``--cv``, ``alpha`` is
    ``--alpha``, a number or ``"auto"``...), with the same defaults: with none, the result
    is the embedded default model's recipe. With ``output`` the model is written there
    and its card beside it (``card`` to choose where), both atomically.

    Returns the model and the metrics the CLI prints, as a dict: ``rows``, ``positives``,
    ``grouping``, ``groups``, ``folds``, ``alpha``, ``roc_auc`` and ``pr_auc`` (mean, sd,
    pooled, 95% interval), ``per_fold``, ``at_threshold`` (precision, recall, F1 at the
    chosen ``threshold``), ``brier``, ``ece``, ``other_groupings``, ``nested`` and the
    timings. A bad record raises :class:`InputError` naming it (a model is never trained
    on silently dropped rows); unusable data or options raise ``ValueError``.
    """
    if isinstance(alpha, str):
        if alpha != "auto":
            raise ValueError(f'alpha must be a number or "auto", not {alpha!r}')
        alpha_value = None
    else:
        alpha_value = float(alpha)
    command = f"lurescan.train({os.fspath(data)!r}" + (
        f", {os.fspath(output)!r})" if output is not None else ")"
    )
    model, report = _lurescan._train(
        os.fspath(data),
        output=None if output is None else os.fspath(output),
        card=None if card is None else os.fspath(card),
        cv=cv,
        group_by=group_by,
        seed=seed,
        alpha=alpha_value,
        target_precision=target_precision,
        target_recall=target_recall,
        prevalence=prevalence,
        positive_weight=positive_weight,
        max_features=max_features,
        meta_scale=meta_scale,
        family_scale=family_scale,
        norm_floor_quantile=norm_floor_quantile,
        max_iterations=max_iterations,
        nested=nested,
        bootstrap=bootstrap,
        label_col=label_col,
        positive=positive,
        id_col=id_col,
        text_cols=text_cols,
        format=format,
        max_field_bytes=max_field_bytes,
        lexicons=None if lexicons is None else os.fspath(lexicons),
        command=command,
    )
    return model, json.loads(report)
