"""Scoring a Spark DataFrame of adverts with lurescan, on any Spark 3.5+ or 4.x cluster.

Each Python worker scores its partitions' Arrow batches with :func:`lurescan.score`
(``DataFrame.mapInArrow``): the model is loaded once per worker process and kept for the
tasks it runs after (Spark reuses its Python workers), and each batch is scored in
parallel inside the worker. The package must be installed on every worker
(``pip install ./python`` there, or a wheel built with ``maturin build --release -m
python/Cargo.toml`` and shipped with ``--py-files``-style tooling of your cluster).

Example::

    from pyspark.sql import SparkSession
    from lurescan.spark import score_dataframe

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    adverts = spark.read.csv("adverts.csv", header=True, multiLine=True, escape='"')
    scored = score_dataframe(adverts, keep=["job_id"])
    scored.write.parquet("scored.parquet")

Every advert gets one row: a record that cannot be scored has ``probability``,
``verdict`` and ``lures`` null and its reason in ``error`` (a Spark job is not stopped by
one bad advert among millions; filter ``error IS NOT NULL`` to see them).
"""

from __future__ import annotations

import functools
from typing import Any, Iterator, Sequence

import lurescan

#: Models loaded in this Python process, by path (None: the embedded model). A Spark
#: Python worker runs many tasks; each loads its model once.
_MODELS: dict[str | None, lurescan.Model] = {}


def _worker_model(path: str | None, prevalence: float | None) -> lurescan.Model:
    key = f"{path}@{prevalence}"
    model = _MODELS.get(key)
    if model is None:
        model = lurescan.Model.embedded() if path is None else lurescan.Model.load(path)
        if prevalence is not None:
            model = model.with_prevalence(prevalence)
        _MODELS[key] = model
    return model


def score_batches(
    batches: Iterator[Any],
    *,
    keep: Sequence[str] = (),
    explain: bool = False,
    model_path: str | None = None,
    prevalence: float | None = None,
    id_col: str | None = None,
    text_cols: Sequence[str] | None = None,
    max_field_bytes: int = lurescan.DEFAULT_MAX_FIELD_BYTES,
) -> Iterator[Any]:
    """Scores pyarrow RecordBatches one by one (the function ``mapInArrow`` runs per
    partition): each result batch has the ``keep`` columns of its input batch, then
    ``id``, ``probability``, ``verdict``, ``lures`` (and ``lang``, ``evidence`` with
    ``explain``) and ``error``."""
    import pyarrow as pa

    model = _worker_model(model_path, prevalence)
    for batch in batches:
        scored = lurescan.score(
            batch,
            explain=explain,
            errors="column",
            model=model,
            id_col=id_col,
            text_cols=None if text_cols is None else list(text_cols),
            max_field_bytes=max_field_bytes,
        )
        if keep:
            columns = [batch.column(name) for name in keep] + list(scored.columns)
            names = list(keep) + scored.schema.names
            scored = pa.RecordBatch.from_arrays(columns, names=names)
        yield scored


def result_schema(df: Any, *, keep: Sequence[str] = (), explain: bool = False) -> Any:
    """The Spark schema of :func:`score_dataframe`'s result for the DataFrame ``df``."""
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    fields = [df.schema[name] for name in keep]
    fields += [
        StructField("id", StringType()),
        StructField("probability", DoubleType()),
        StructField("verdict", StringType()),
        StructField("lures", ArrayType(StringType())),
    ]
    if explain:
        evidence = StructType(
            [
                StructField("family", StringType()),
                StructField("text", StringType()),
                StructField("start", LongType()),
                StructField("end", LongType()),
                StructField("field", StringType()),
                StructField("matched_by", StringType()),
                StructField("detail", StringType()),
            ]
        )
        fields += [
            StructField("lang", StringType()),
            StructField("evidence", ArrayType(evidence)),
        ]
    fields.append(StructField("error", StringType()))
    return StructType(fields)


def score_dataframe(df: Any, *, keep: Sequence[str] = (), explain: bool = False, **options: Any) -> Any:
    """Scores a Spark DataFrame of adverts with ``mapInArrow``, one row per advert.

    Columns are read as :func:`lurescan.score` reads a table (EMSCAD names, or
    ``text_cols``; ``id_col`` or ``job_id``/``id`` for the id). ``keep`` names input
    columns carried into the result beside ``id``, ``probability``, ``verdict``,
    ``lures`` and ``error`` (and ``lang``, ``evidence`` with ``explain``). The other
    ``options`` are :func:`score_batches`'s: ``model_path`` (a model file every worker
    can read; default: the embedded model), ``prevalence`` (as the CLI's
    ``--prevalence``), ``id_col``, ``text_cols`` and ``max_field_bytes``.
    """
    missing = [name for name in keep if name not in df.columns]
    if missing:
        raise lurescan.InputError(f"keep names columns the DataFrame lacks: {missing}")
    unknown = set(options) - {"model_path", "prevalence", "id_col", "text_cols", "max_field_bytes"}
    if unknown:
        raise TypeError(f"score_dataframe() got unknown options {sorted(unknown)}")
    if options.get("text_cols") is not None:
        options["text_cols"] = tuple(options["text_cols"])
    work = functools.partial(score_batches, keep=tuple(keep), explain=explain, **options)
    return df.mapInArrow(work, result_schema(df, keep=keep, explain=explain))
