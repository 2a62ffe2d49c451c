"""uvicorn's WebSocket protocol with one addition: a way to send a text message without a coroutine.

A status event goes to hundreds of connections at once (src/events/hub.py). Through ASGI each send is a
task waking up, then strawberry's, starlette's and uvicorn's send coroutines, about 50 µs a delivery; the
frame itself (websockets' sans-I/O protocol) and the socket write are a small part of it. This protocol
puts a plain function in the connection's ASGI scope, `scope["extensions"][SEND_TEXT_NOW]`, that frames
and writes text messages at once, or returns 0 when it cannot (the handshake is not done, the
connection is closing, or the client is not reading and the transport's buffer is full: then the caller
takes the ordinary path, which waits, with a timeout). ASGI scope extensions are the standard place for a
server's own capabilities; under another server the key is absent and nothing changes.
"""

import logging
from collections.abc import Callable
from typing import Any, Protocol

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

logger = logging.getLogger(__name__)
SEND_TEXT_NOW = "fundperf.websocket.send_text_now"


class SendTextNow(Protocol):
    def __call__(self, *messages: bytes) -> int: ...


DROP = "fundperf.websocket.drop"
WRITE_BATCH_BYTES = 64 * 1024  # asyncio's high-water mark for a transport's buffer
Drop = Callable[[int, str], None]


class DirectSendProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # set when the handshake is accepted (the app runs later, in its own task)
            scope["extensions"][SEND_TEXT_NOW] = self.send_text_now
            scope["extensions"][DROP] = self.drop

    def send_receive_event_to_app(self) -> None:
        # A text message that is not UTF-8 is the client's error: uvicorn logs it at ERROR with a traceback.
        # The same close (1007, RFC 6455 §8.1), with one INFO line.
        if self.curr_msg_data_type == "text" and not self.close_sent and not is_utf8(self.frames):
            logger.info("refused: websocket code=1007: a text message that is not UTF-8")
            self.frames = []
            self.conn.send_close(1007)
            self.handle_parser_exception()
            return
        super().send_receive_event_to_app()

    def send_text_now(self, *messages: bytes) -> int:
        """Sends `messages` (UTF-8 text), in order, each as a message, now: how many went (0: none can go
        now; the caller queues the rest). Together up to WRITE_BATCH_BYTES they go in one write (a burst's
        events: one system call for the connection); past it one write each while the transport takes them,
        so a client that stopped reading is left a buffer's worth, and the rest waits (with a timeout)."""
        conn = self.conn
        if (
            not self.handshake_complete
            or self.close_sent
            or self.disconnected
            or conn.state is not State.OPEN
            or conn.expect_continuation_frame
            or not self.writable.is_set()
            or self.transport.is_closing()
        ):
            return 0
        # What websockets' send_text writes for a server (unmasked, no extension: deflate is off), framed
        # here because its frame objects were a third of the cost of a delivery.
        if len(messages) == 1:
            self.transport.write(text_frame_header(len(messages[0])) + messages[0])
            return 1
        if sum(len(m) for m in messages) <= WRITE_BATCH_BYTES:
            self.transport.write(b"".join(text_frame_header(len(m)) + m for m in messages))
            return len(messages)
        sent = 0
        for message in messages:
            if sent and not self.writable.is_set():  # the transport's buffer is full (pause_writing)
                break
            self.transport.write(text_frame_header(len(message)) + message)
            sent += 1
        return sent

    def drop(self, code: int, reason: str) -> None:
        """Ends the connection of a client that stopped reading, now. ASGI's close waits, as every send does,
        until the transport's buffer drains, which for such a client is never. The close frame is queued
        behind what it did not read and the connection aborted: the buffer is discarded, the peer reset."""
        if self.transport.is_closing():
            return
        if self.handshake_complete and not self.close_sent and self.conn.state is State.OPEN:
            self.conn.send_close(code, reason)
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.close_sent = True
        self.transport.abort()


def is_utf8(frames: list[bytes]) -> bool:
    try:
        (frames[0] if len(frames) == 1 else b"".join(frames)).decode()
    except UnicodeDecodeError:
        return False
    return True


def text_frame_header(length: int) -> bytes:
    """RFC 6455 §5.2: FIN + text opcode, then the payload length (7 bits, or 16 or 64 following)."""
    if length < 126:
        return bytes((0x81, length))
    if length < 1 << 16:
        return b"\x81\x7e" + length.to_bytes(2, "big")
    return b"\x81\x7f" + length.to_bytes(8, "big")


def uvicorn_options(settings: Any) -> dict[str, Any]:
    """What `fundperf serve` (and the tests' real servers) give uvicorn for WebSockets and proxies."""
    return {
        "ws": DirectSendProtocol,
        "ws_max_size": settings.WS_MAX_MESSAGE_BYTES,
        "ws_per_message_deflate": False,  # events are small: compressing each costs more than it saves
        **settings.uvicorn_proxy_options(),
    }
