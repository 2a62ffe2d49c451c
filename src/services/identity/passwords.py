"""Password hashing (argon2). The hasher's cost is production's; tests swap in cheap parameters."""

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from src.models import User

_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hasher (tests use low cost parameters: argon2 is slow on purpose)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """True only for an active, interactive user with this password."""
    if user is None or not user.is_active or user.is_service_account or not user.password_hash:
        # The same argon2 work as a real check, so timing does not tell which usernames can log in.
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(user.password_hash, password)
