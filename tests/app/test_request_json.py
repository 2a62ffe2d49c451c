"""The JSON reader of requests (src/app/request_json.py): what it refuses before or while parsing, and that
the brackets it counts are the ones outside strings."""

import json

import pytest

from src.app.request_json import MAX_NUMBER_LENGTH, RefusedJSON, loads, nesting_exceeds


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"1", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": []}], "c": {}}', 4),
        (b'{"q": "{ a { b { c { d } } } }"}', 1),  # a GraphQL document's braces are inside a string
        (b'{"q": "\\"[[[[\\\\", "r": ["]]]]"]}', 2),  # escaped quotes and backslashes do not end a string
        ('{"名称": ["四川省 [{"]}'.encode(), 2),  # multi-byte UTF-8 holds no ASCII byte
        (b"[" * 30_000 + b"]" * 30_000, 30_000),
        (b"[" * 30_000, 30_000),  # never closed: the parser would still recurse that deep
        (b'["unterminated [[[[[[', 1),  # the parser stops at the end of the string that never ends
    ],
)
def test_nesting_counts_brackets_outside_strings(text: bytes, depth: int) -> None:
    assert not nesting_exceeds(text, depth)
    assert nesting_exceeds(text, depth - 1) == (depth > 0)


def test_what_is_json_and_within_the_limits_parses_as_python_would() -> None:
    text = '{"a": [1, -2.5, 1e300, true, null, "三\\u0000"], "b": {"c": 0.1}}'
    assert loads(text.encode(), 64) == loads(text, 64) == json.loads(text)
    longest = "9" * MAX_NUMBER_LENGTH
    assert loads(f"[{longest}, -{longest[1:]}, 0.{longest[2:]}]", 64) == json.loads(
        f"[{longest}, -{longest[1:]}, 0.{longest[2:]}]"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"q": "\xff"}', "The request body must be UTF-8"),
        (b'{"q": "\xe5\x9b"}', "The request body must be UTF-8"),  # a character cut short
        (b'{"q": "\xed\xa0\x80"}', "The request body must be UTF-8"),  # an encoded surrogate
        ("[" + "1" * (MAX_NUMBER_LENGTH + 1) + "]", "JSON numbers are limited to 100 characters"),
        ("[" + "1" * 5000 + "]", "JSON numbers are limited to 100 characters"),  # beyond int()'s 4,300
        ("[0." + "1" * MAX_NUMBER_LENGTH + "]", "JSON numbers are limited to 100 characters"),
        ("[1e400]", "A JSON number is out of range"),
        ("[-1e400]", "A JSON number is out of range"),
        ("[NaN]", "NaN is not a JSON number"),
        ("[Infinity]", "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("[" * 65 + "]" * 65, "JSON nested more than 64 levels deep"),
        ('{"a":' * 30_000 + "1" + "}" * 30_000, "JSON nested more than 64 levels deep"),
    ],
)
def test_refusals_say_why(data: str | bytes, reason: str) -> None:
    with pytest.raises(RefusedJSON) as refused:
        loads(data, 64)
    assert refused.value.msg == reason
    assert isinstance(refused.value, json.JSONDecodeError)  # strawberry's WebSocket reader catches those


def test_text_that_is_not_json_is_still_a_json_error() -> None:
    with pytest.raises(json.JSONDecodeError) as failure:
        loads(b'{"query": ', 64)
    assert not isinstance(failure.value, RefusedJSON)
