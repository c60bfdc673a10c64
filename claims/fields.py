"""``EmbeddingField``: a sentence vector stored as pgvector's ``vector(n)`` on PostgreSQL, bytes elsewhere.

In Python the value is always ``bytes``: the vector's float32 values, little-endian (what
``numpy.frombuffer(value, dtype=numpy.float32)`` reads). On PostgreSQL the column is a pgvector
``vector`` so that an HNSW index can serve nearest-neighbour search in the database; on SQLite
it is a blob searched exactly in process (``claims.selectors``).
"""
from __future__ import annotations

import numpy as np
from django.db import models


def vector_literal(value: bytes) -> str:
    """pgvector's text form of float32 little-endian bytes: ``[0.1,0.2,...]``."""
    return "[" + ",".join(repr(x) for x in np.frombuffer(value, dtype="<f4").tolist()) + "]"


def bytes_from_vector_text(text: str) -> bytes:
    return np.array(text.strip("[]").split(","), dtype="<f4").tobytes()


def bytes_from_vector_binary(data: bytes) -> bytes:
    """pgvector's binary form (int16 dimensions, int16 unused, big-endian float4s) as little-endian bytes."""
    return np.frombuffer(data, dtype=">f4", offset=4).astype("<f4").tobytes()


class EmbeddingField(models.BinaryField):
    def __init__(self, *args, dimensions: int, **kwargs):
        self.dimensions = dimensions
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["dimensions"] = self.dimensions
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"vector({self.dimensions})"
        return super().db_type(connection)

    def get_placeholder(self, value, compiler, connection):
        # An explicit cast; it also keeps Django's bulk insert off its UNNEST form, which would
        # need an array of vectors built from text.
        return "%s::vector" if connection.vendor == "postgresql" else "%s"

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql" or value is None:
            return super().get_db_prep_value(value, connection, prepared)
        value = bytes(value)
        if len(value) != 4 * self.dimensions:
            raise ValueError(f"An embedding of {len(value) // 4} values cannot be stored in vector({self.dimensions}).")
        return vector_literal(value)

    def from_db_value(self, value, expression, connection):
        if value is None or connection.vendor != "postgresql":
            return value
        if isinstance(value, str):
            return bytes_from_vector_text(value)
        return bytes_from_vector_binary(bytes(value))
