"""Where rendered documents are kept: a small interface, and local files under STORAGE_DIR behind it.

An object store can implement the same three methods later. Keys are relative, slash-separated names such
as `reports/<job id>/<sha256>.docx`: the content names the file, so a write never replaces another
document's bytes half-way, and a job's earlier file is deleted once its new one is recorded.
"""

import asyncio
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

from src.settings import Settings

CHUNK_BYTES = 64 * 1024
# Relative names of [A-Za-z0-9._-] segments; no empty, "." or ".." segment can reach outside the root.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}")


class StoredFileMissing(LookupError):
    """No file is stored under the key."""


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing what was there; readers see old or new, never a part."""

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes in chunks; raises StoredFileMissing before the first chunk if there are none."""

    async def delete(self, key: str) -> None:
        """Remove the file under `key`; nothing happens if there is none."""


def report_key(job_id: int, sha256: str, extension: str) -> str:
    """The key of a job's document: the same job and bytes always give the same key."""
    return f"reports/{job_id}/{sha256}.{extension}"


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under `root` (Settings.STORAGE_DIR). Writes go to a temporary file in the same directory,
    flushed to disk, then renamed over the key (os.replace is atomic on one file system)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, self.path(key), data)

    @staticmethod
    def _put(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as exc:
            raise StoredFileMissing(key) from exc
        return self._chunks(handle)

    @staticmethod
    async def _chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, missing_ok=True)


def storage_from_settings(settings: Settings) -> Storage:
    return LocalStorage(settings.STORAGE_DIR)
