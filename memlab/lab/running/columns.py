"""Lab rows declared once: a pydantic model per table, its DDL and Arrow schema derived from it.

A row model subclasses `LabRow`, names its table (`TABLE`) and key (`PRIMARY_KEY`), and
documents every field with a docstring under it. Column types follow the field types:
`str` VARCHAR, `int` INTEGER (`BigInt` for BIGINT), `float` DOUBLE, `bool` BOOLEAN,
`datetime` TIMESTAMP (naive UTC), `list[str]` VARCHAR[], `dict[str, float | None]`
MAP(VARCHAR, DOUBLE), a `Literal` of strings VARCHAR; `| None` makes a column nullable,
anything else NOT NULL. The migrations in `memlab.lab.running.lab_migrations` bring a file to
these columns, and check that they did.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

__all__ = ["BigInt", "Column", "LabRow", "SqlType", "table_columns"]


@dataclass(frozen=True)
class SqlType:
    """A column type that a field's Python type does not pin (`Annotated` metadata).

    Attributes:
        sql: The DuckDB type.
        arrow: The matching Arrow type.
    """

    sql: str
    arrow: pa.DataType


BigInt = Annotated[int, SqlType("BIGINT", pa.int64())]
"""An `int` stored as BIGINT (token counts that can pass 2**31 over a long replay)."""

_TYPES: dict[Any, SqlType] = {
    str: SqlType("VARCHAR", pa.string()),
    int: SqlType("INTEGER", pa.int32()),
    float: SqlType("DOUBLE", pa.float64()),
    bool: SqlType("BOOLEAN", pa.bool_()),
    datetime: SqlType("TIMESTAMP", pa.timestamp("us")),
    list[str]: SqlType("VARCHAR[]", pa.list_(pa.string())),
    dict[str, float | None]: SqlType("MAP(VARCHAR, DOUBLE)", pa.map_(pa.string(), pa.float64())),
}


@dataclass(frozen=True)
class Column:
    """One column of a lab table, as derived from a row model's field.

    Attributes:
        name: The column (and field) name.
        sql: The DuckDB type.
        arrow: The Arrow type rows are sent in.
        nullable: Whether NULL is allowed.
        doc: The field's docstring.
    """

    name: str
    sql: str
    arrow: pa.DataType
    nullable: bool
    doc: str

    def ddl(self) -> str:
        """The column's definition in a CREATE TABLE statement."""
        return f"{self.name} {self.sql}" + ("" if self.nullable else " NOT NULL")


class LabRow(BaseModel):
    """A row of one of the lab's tables; subclasses name the table and its key."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    TABLE: ClassVar[str]
    """The table's name."""
    PRIMARY_KEY: ClassVar[tuple[str, ...]] = ()
    """The key's columns; empty for a table without one."""

    @classmethod
    def ddl(cls) -> str:
        """The CREATE TABLE statement of the table, as the migrations must leave it."""
        parts = [c.ddl() for c in table_columns(cls)]
        if cls.PRIMARY_KEY:
            parts.append(f"PRIMARY KEY ({', '.join(cls.PRIMARY_KEY)})")
        return f"CREATE TABLE {cls.TABLE} (\n    " + ",\n    ".join(parts) + "\n);"

    @classmethod
    def arrow_schema(cls) -> pa.Schema:
        """The Arrow schema rows are inserted with."""
        return pa.schema([pa.field(c.name, c.arrow, c.nullable) for c in table_columns(cls)])

    @classmethod
    def column_names(cls) -> tuple[str, ...]:
        """The table's columns, in order."""
        return tuple(c.name for c in table_columns(cls))

    @classmethod
    def to_arrow(cls, rows: Sequence[LabRow]) -> pa.Table:
        """`rows` as an Arrow table with the table's schema (one column at a time)."""
        for row in rows:
            if type(row) is not cls:
                raise TypeError(f"{cls.__name__}.to_arrow got a {type(row).__name__}")
        return pa.table(
            {
                c.name: pa.array([getattr(r, c.name) for r in rows], c.arrow)
                for c in table_columns(cls)
            },
            schema=cls.arrow_schema(),
        )


@functools.cache
def table_columns(row: type[LabRow]) -> tuple[Column, ...]:
    """The columns of `row`'s table, derived from its fields in declaration order.

    Raises:
        TypeError: a field's type has no column type (a bug in the row's declaration).
    """
    out = []
    for name, field in row.model_fields.items():
        annotation, nullable = _strip_none(field.annotation)
        pinned = [m for m in field.metadata if isinstance(m, SqlType)]
        kind = pinned[0] if pinned else _sql_type(annotation)
        if kind is None:
            raise TypeError(f"{row.__name__}.{name}: no column type for {annotation!r}")
        out.append(Column(name, kind.sql, kind.arrow, nullable, field.description or ""))
    return tuple(out)


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)):
            rest = args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007
            return rest, True
    return annotation, False


def _sql_type(annotation: Any) -> SqlType | None:
    if get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return _TYPES[str]
    return _TYPES.get(annotation)
