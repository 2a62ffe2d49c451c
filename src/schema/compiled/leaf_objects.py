"""Objects whose selected fields are all leaves (an indicator's ten scalars, a region's code and name): their
loop unrolled into a function made once per plan.

The national read's indicators are 200k of its 225k fields. The generic loop (run.py) asks each field its
kind, reads the plan's attributes and calls getattr by name; the unrolled function reads `source.attr`
and calls the field's serializer directly, with the same checks in the same order (null, non-null, an
exception as value, a serializer answering null). Some values are answered before those checks, being
neither null nor an exception: a str for a String or ID field (the serializer returns it), an int for an ID
field (it returns str(value)), a member of one of our enums (it returns its name from the same dict).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLID, GraphQLString, Undefined

from src.schema.compiled.plan import DIRECT_LEAF, PLAIN_LEAF, TYPENAME, Bail, ObjectPlan
from src.schema.plain_fields import enum_lookup, is_awaitable

if TYPE_CHECKING:
    from src.schema.compiled.run import CompiledExecution

LeafObject = Callable[["CompiledExecution", Any], dict[str, Any]]

# Serializers that return a str argument unchanged (graphql-core's scalars.py).
_STRING_SERIALIZERS = (GraphQLString.coerce_output_value, GraphQLID.coerce_output_value)


def _fast_path(
    index: int, key: str, coerce: Callable[[Any], Any] | None, namespace: dict[str, Any]
) -> list[str]:
    """The first branch of a leaf's checks when its value's type answers without the serializer."""
    if coerce in _STRING_SERIALIZERS:
        branches = ["    if type(value) is str:", f"        results[{key}] = value"]
        if coerce is GraphQLID.coerce_output_value:  # an integer key: str(int(value)), so str(value)
            branches += ["    elif type(value) is int:", f"        results[{key}] = str(value)"]
        return [*branches, "    el"]
    lookup = enum_lookup(coerce)
    if lookup is None:
        return ["    "]
    namespace[f"members{index}"], namespace[f"names{index}"] = lookup
    return [
        f"    if type(value) is members{index}:",
        f"        results[{key}] = names{index}[value]",
        "    el",
    ]


def leaf_object(plan: ObjectPlan) -> LeafObject | None:
    """The unrolled completion of `plan`'s objects, if its fields are all leaves (else None)."""
    fields = plan.fields
    if not fields or any(f.kind not in {PLAIN_LEAF, DIRECT_LEAF, TYPENAME} for f in fields):
        return None
    if any(f.kind == PLAIN_LEAF and not f.attr.isidentifier() for f in fields):
        return None
    namespace: dict[str, Any] = {"Bail": Bail, "Undefined": Undefined, "is_awaitable": is_awaitable}
    lines = ["def complete(run, source):", "    results = {}"]
    for index, field in enumerate(fields):
        key = repr(field.key)
        if field.kind == TYPENAME:
            lines.append(f"    results[{key}] = {field.typename!r}")
            continue
        if field.kind == PLAIN_LEAF:
            lines.append(f"    value = source.{field.attr}")
        else:
            namespace[f"direct{index}"] = field.direct
            lines.append(f"    value = direct{index}({'source' if field.pass_self else ''})")
            lines += [
                "    if is_awaitable(value):",
                "        run._orphans.append(value)",
                "        raise Bail",
            ]
        namespace[f"coerce{index}"] = field.coerce
        *branches, prefix = _fast_path(index, key, field.coerce, namespace)
        lines += [
            *branches,
            prefix + "if value is None or value is Undefined:",
            "        raise Bail" if field.non_null else f"        results[{key}] = None",
            "    elif isinstance(value, Exception):",
            "        raise Bail",
            "    else:",
            f"        value = coerce{index}(value)",
            "        if value is None or value is Undefined:",
            "            raise Bail",
            f"        results[{key}] = value",
        ]
    lines.append("    return results")
    # The source is ours: attribute names are identifiers, keys and type names are repr'd literals.
    exec(compile("\n".join(lines), f"<leaves of {plan.type.name}>", "exec"), namespace)
    function: LeafObject = namespace["complete"]
    return function
