"""Malformed requests the fuzz run sends alongside schemathesis' cases (issue 16): bodies no JSON library
would write, subscriptions over HTTP, and WebSocket messages strawberry cannot read. Each must be refused, an
HTTP body with 400 and a WebSocket with a close code (4400, or 1007 for text that is not UTF-8); never a 5xx.

schemathesis only sends what its JSON encoder writes, so these are made here: a fixed list of the known cases
and seeded variations of them (depths, lengths, where the bad byte sits).
"""

import json
import random
from collections import Counter
from collections.abc import Iterator

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Subprotocol

SEED = 20261127
VARIATIONS = 40  # of each kind below
QUERY = "{ __typename }"


def raw_body(variables: str = "{}", extensions: str = "null", query: str = QUERY) -> bytes:
    return f'{{"query": {json.dumps(query)}, "variables": {variables}, "extensions": {extensions}}}'.encode()


def nested(depth: int, rng: random.Random, kinds: str = "[{") -> str:
    """A value `depth` arrays and objects deep, each of a kind drawn from `kinds`."""
    chosen = [rng.choice(kinds) for _ in range(depth)]
    opening = "".join("[" if kind == "[" else '{"k":' for kind in chosen)
    return opening + "1" + "".join("]" if kind == "[" else "}" for kind in reversed(chosen))


def number(length: int, rng: random.Random) -> str:
    """A JSON number literal of `length` characters: an integer, negative or not, or a fraction."""
    digits = "".join(rng.choice("0123456789") for _ in range(length))
    shape = rng.choice(("int", "negative", "fraction"))
    if shape == "int":
        return rng.choice("123456789") + digits[1:]
    if shape == "negative":
        return "-" + rng.choice("123456789") + digits[2:]
    return "0." + digits[2:]


def bodies(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    yield "not utf-8", b'{"query":"{ __typename \xff }"}'
    yield "cut character", raw_body().replace(b"{}", b'{"n": "\xe5\x9b"}')
    yield "int of 4301 digits", raw_body('{"n": ' + "1" * 4301 + "}")
    yield "NaN", raw_body('{"n": NaN}')
    yield "Infinity", raw_body('{"n": [Infinity]}')
    yield "-Infinity", raw_body(extensions='{"n": -Infinity}')
    yield "1e400", raw_body('{"n": 1e400}')
    yield "variables 30000 deep", raw_body(nested(30_000, rng))
    yield "extensions 30000 deep", raw_body(extensions=nested(30_000, rng))
    yield "subscription", raw_body(query="subscription { statusChanged { id } }")
    yield "subscription", raw_body(query='subscription { reportJob(id: "1") { id } }')
    for _ in range(VARIATIONS):
        yield "deep", raw_body(f'{{"n": {nested(rng.randint(64, 100_000), rng)}}}')
        yield "long number", raw_body(f'{{"n": [{number(rng.randint(101, 20_000), rng)}]}}')
        bad = rng.choice((b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe5\x9b", b"\x80"))
        text = raw_body(f'{{"s": "{"四川" * rng.randint(0, 50)}"}}')
        at = rng.randint(1, len(text) - 1)
        yield "not utf-8", text[:at] + bad + text[at:]


def messages(rng: random.Random) -> Iterator[tuple[str, str | bytes, int]]:
    """(name, message, the close code expected); bytes go as a text frame."""
    subscribe = '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", "variables": %s}}'
    yield "int of 4301 digits", subscribe % ("1" * 4301), 4400
    yield "NaN", subscribe % '{"n": NaN}', 4400
    yield "variables 30000 deep", subscribe % f'{{"n": {nested(30_000, rng, "[")}}}', 4400
    yield "text not utf-8", b'{"type": "ping", "payload": "\xff"}', 1007
    yield "not an object", "[1]", 4400
    yield "payload not an object", '{"id": "1", "type": "subscribe", "payload": "x"}', 4400
    yield "query not a string", '{"id": "1", "type": "subscribe", "payload": {"query": 1}}', 4400
    yield "id not a string", '{"id": [], "type": "complete"}', 4400
    for _ in range(VARIATIONS // 4):
        # Within WS_MAX_MESSAGE_BYTES (64 KiB): a larger message is closed with 1009 before it is read.
        yield "deep", subscribe % f'{{"n": {nested(rng.randint(64, 10_000), rng)}}}', 4400
        yield "long number", subscribe % f'{{"n": {number(rng.randint(101, 20_000), rng)}}}', 4400


def send_malformed(base: str, token: str) -> Counter[str]:
    """Sends every malformed body and message as the user of `token`; counts the answers."""
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for name, content in bodies(rng):
            status = http.post("/graphql", content=content).status_code
            outcomes.update(("malformed", f"HTTP {str(status)[0]}xx"))
            if status != 400:
                outcomes["malformed not refused"] += 1
                print(f"   malformed body ({name}) answered {status}", flush=True)
    url = "ws" + base.removeprefix("http") + "/graphql"
    for name, message, expected in messages(rng):
        outcomes["malformed"] += 1
        code = close_code(url, token, message)
        if code != expected:
            outcomes["malformed not refused"] += 1
            print(f"   malformed message ({name}) closed with {code}, not {expected}", flush=True)
    return outcomes


def close_code(url: str, token: str, message: str | bytes) -> int | None:
    """The code the server closes the connection with after `message`; None if it answers instead."""
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=None) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        ws.recv(timeout=10)  # connection_ack
        ws.send(message, text=True)
        try:
            ws.recv(timeout=10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return None
