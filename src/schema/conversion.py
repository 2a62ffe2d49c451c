"""From table rows to GraphQL objects, one way for every type.

A type that mixes in FromRow is built from a row by reading each of its dataclass fields from the row's
attribute of the same name; `id` becomes the GraphQL ID (the key as text) and `db_id` the key itself.
`__row_names__` maps a field to a differently named attribute, `__row_ids__` marks further ID fields.
`related(...)` declares a field that loads another row through a per-request DataLoader.
"""

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, Self, TypeVar

import strawberry
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from strawberry.dataloader import DataLoader

from src.schema.context import Info
from src.schema.loaders import LoaderKind
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed

_Plan = tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]], tuple[str, ...]]  # fields, reader, IDs
_plans: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    """The class's init fields, one C call reading them all from a row (attrgetter), and its ID fields."""
    plan = _plans.get(cls)
    if plan is None:
        names: dict[str, str] = dict(getattr(cls, "__row_names__", ()))
        ids = {"id", *getattr(cls, "__row_ids__", ())}
        fields = [f.name for f in dataclasses.fields(cls) if f.init]
        sources = ["id" if name == "db_id" else names.get(name, name) for name in fields]
        read: Callable[[Any], tuple[Any, ...]]
        if len(sources) > 1:
            read = operator.attrgetter(*sources)
        else:  # attrgetter of one name gives the value itself, of none is refused
            read = lambda row: tuple(getattr(row, source) for source in sources)  # noqa: E731
        plan = _plans[cls] = (tuple(fields), read, tuple(name for name in fields if name in ids))
    return plan


class FromRow:
    @classmethod
    def from_row(cls, row: Any) -> Self:
        fields, read, ids = _plan(cls)
        values = dict(zip(fields, read(row), strict=True))
        for name in ids:
            value = values[name]
            if value is not None:
                values[name] = strawberry.ID(str(value))
        return cls(**values)


T = TypeVar("T", bound=FromRow)


def related(
    target: type[T],
    loader: LoaderKind[Any, Any],
    key: str,
    *,
    optional: bool = False,
    description: str | None = None,
) -> Any:
    """A field that loads the `target` row whose id the object holds in `key`, through `loader`.

    The resolver is sync: a row the request's loader already holds (primed by a joined page, or loaded
    before) is answered at once; otherwise it returns the awaitable load, which GraphQL awaits. A big list
    thus pays no coroutine, task and turn per object for relations its page statement already read."""

    def found(root: Any, row_id: Any, row: Any) -> T | None:
        if row is None and not optional:
            raise LookupError(f"{target.__name__} {row_id} of {type(root).__name__} is missing")
        return target.from_row(row) if row is not None else None

    async def load(root: Any, row_id: Any, dataloader: DataLoader[Any, Any]) -> T | None:
        return found(root, row_id, await dataloader.load(row_id))

    def resolve(root: Any, info: Info) -> Any:
        row_id = getattr(root, key)
        if row_id is None:
            return found(root, row_id, None)
        dataloader = info.context.loaders[loader]
        cached = dataloader.cache_map.get(row_id)
        if cached is not None and cached.done() and not cached.cancelled() and cached.exception() is None:
            return found(root, row_id, cached.result())
        return load(root, row_id, dataloader)

    resolve.__annotations__["return"] = (target | None) if optional else target
    return strawberry.field(resolver=resolve, description=description)


M = TypeVar("M", bound=BaseModel)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_model(model: type[M], data: object, *, prefix: str = "input", **extra: Any) -> M:
    """A strawberry input as the service's model: fields left UNSET are not set (model_fields_set tells
    which were given); a value the model refuses is a ValidationFailed naming the input path."""
    values = {
        f.name: getattr(data, f.name)
        for f in dataclasses.fields(data)  # type: ignore[arg-type]
        if f.name in model.model_fields and getattr(data, f.name) is not strawberry.UNSET
    }
    try:
        return model.model_validate({**values, **extra})
    except PydanticValidationError as exc:
        raise ValidationFailed(
            [
                FieldProblem(
                    ".".join([prefix, *(_camel(str(part)) for part in error["loc"])]),
                    _message(error),
                    ErrorCode.OUT_OF_RANGE if error["type"] in _OUT_OF_RANGE else ErrorCode.INVALID,
                )
                for error in exc.errors()
            ]
        ) from exc


# Too long, too short, too large: OUT_OF_RANGE. Anything else (NaN, too many decimal places, a wrong
# type): INVALID.
_OUT_OF_RANGE = frozenset(
    {
        "string_too_long",
        "string_too_short",
        "too_long",
        "too_short",
        "decimal_max_digits",
        "decimal_whole_digits",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }
)
_PYDANTIC_MESSAGES = {
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "string_too_short": "内容过短",
    "decimal_max_digits": "数值超出范围（最多 {max_digits} 位数字）",
    "decimal_whole_digits": "数值过大（整数部分最多 {whole_digits} 位）",
    "decimal_max_places": "小数位数过多（最多 {decimal_places} 位）",
    "finite_number": "须为有限的数值（不能是 NaN 或无穷大）",
}


def _message(error: Any) -> str:
    template = _PYDANTIC_MESSAGES.get(error["type"])
    if template is None:
        return str(error["msg"])
    try:
        return template.format(**error.get("ctx", {}))
    except KeyError:  # no limit given in the error's context
        return str(error["msg"])
