"""The actor's own values of a kept statement written into its SQL, so only the job id binds per execution.

A `reportJob` statement is kept per actor (reads.py) and carries some twenty values of that actor (its ids,
regions, enums: never client input). As bound parameters, every execution gathers them again (SQLAlchemy's
construct_params) and converts each (our types' process_bind_param): about a tenth of a millisecond of a
request of one. Written into the SQL, they are rendered once, when the statement is compiled. Their values
are part of the statement's cache key, so two actors never share compiled SQL."""

from enum import Enum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import BindParameter
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType


class FixedValue(ColumnElement[Any]):
    """A value rendered as a literal of its type (quoted and escaped by the dialect)."""

    __visit_name__ = "fixed_value"
    inherit_cache = True
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own declaration)
        ("key_value", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, bind: BindParameter[Any]) -> None:
        self.bind = bind
        self.value = bind.value
        self.type = bind.type
        # The cache key is hashed at every execution (SQLAlchemy's compiled cache), and this statement
        # holds dozens of values: classes and plain values hash in C, an enum member or a type's own
        # cache key in Python. The type's class stands for the type: it is the compared column's.
        value = bind.value
        plain = value.value if isinstance(value, Enum) else value
        self.key_value = (type(bind.type), type(value), plain)


@compiles(FixedValue)
def _render(element: FixedValue, compiler: SQLCompiler, **kw: Any) -> str:
    try:
        return compiler.render_literal_value(element.value, element.type)
    except (CompileError, NotImplementedError):
        # A type without a literal form stays a parameter: its value is the compiled one's, the same,
        # since the value is part of the cache key.
        return compiler.process(element.bind, **kw)


def fixed_values(statement: sa.Select[Any], keep: str) -> sa.Select[Any]:
    """`statement` with every bound value but the parameter named `keep` written into the SQL."""

    def replace(element: Any, **_: Any) -> Any:
        return _fixed(element, keep)

    return cast(sa.Select[Any], visitors.replacement_traverse(statement, {}, replace))


def _fixed(element: Any, keep: str) -> Any:
    if not isinstance(element, BindParameter) or element.key == keep or element.expanding:
        return None
    if element.callable is not None or element.value is None:
        return None
    return FixedValue(element)
