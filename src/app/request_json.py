"""Reading the JSON a client sends (an HTTP body, a WebSocket message) without letting it break the parser.

Python's json module fails on hostile text with errors other than JSONDecodeError, which strawberry answered
as unexpected (HTTP 500, a traceback): bytes that are not UTF-8 (UnicodeDecodeError), an integer of more
than 4,300 digits (ValueError: the interpreter's int-conversion limit), arrays or objects nested thousands of
levels deep (RecursionError: the C parser recurses). It also accepts NaN, Infinity and -Infinity, which are
not JSON. `loads` refuses all of these with RefusedJSON, whose message says why: the nesting is measured on
the raw bytes before parsing, a number's length before it is converted.
"""

import json
import math
import re
from typing import NoReturn

# The longest number literal accepted. What the schema takes is far shorter: an Int has 10 digits, a Decimal
# column at most 14 integer digits and 4 places, a Float about 17 significant digits.
MAX_NUMBER_LENGTH = 100

# A JSON string, escapes included; one that is never closed runs to the end (the parser stops there anyway).
# Possessive quantifiers: a failed match does not backtrack, so the scan stays linear.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENING = frozenset(b"[{")


class RefusedJSON(json.JSONDecodeError):
    """Text refused before or while it is parsed; `msg` is the reason, for the client. A JSONDecodeError, so
    that strawberry's WebSocket reader closes the connection with 4400 as for any text that is not JSON."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)


def nesting_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays and objects in `data` nest more than `limit` levels deep, counting the brackets outside
    strings in one pass (no recursion: the text may be nested far deeper than the stack allows)."""
    depth = 0
    # Multi-byte UTF-8 sequences hold no ASCII byte, so the brackets and quotes found here are the text's own.
    for byte in _STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        if byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise RefusedJSON(f"JSON numbers are limited to {MAX_NUMBER_LENGTH} characters")
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise RefusedJSON(f"JSON numbers are limited to {MAX_NUMBER_LENGTH} characters")
    value = float(literal)
    if not math.isfinite(value):  # 1e400: the parser would make it infinity
        raise RefusedJSON("A JSON number is out of range")
    return value


def _constant(name: str) -> NoReturn:
    raise RefusedJSON(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def loads(data: str | bytes, max_depth: int) -> object:
    """`data` parsed as JSON; RefusedJSON if it is not UTF-8, nests deeper than `max_depth` or holds a number
    beyond the limits above, JSONDecodeError if it is not JSON."""
    if isinstance(data, bytes):
        raw = data
        try:
            text = data.decode("utf-8")  # strictly: json.loads would also guess UTF-16 and UTF-32
        except UnicodeDecodeError:
            raise RefusedJSON("The request body must be UTF-8") from None
    else:
        raw, text = data.encode("utf-8", "surrogatepass"), data
    if nesting_exceeds(raw, max_depth):
        raise RefusedJSON(f"JSON nested more than {max_depth} levels deep")
    return _DECODER.decode(text)
