"""Access tokens (JWT signed with the app's SECRET_KEY) and the hashing of stored random tokens."""

import hashlib
from datetime import UTC, datetime, timedelta

import jwt

ACCESS_TOKEN_TTL = timedelta(minutes=15)
JWT_ALGORITHM = "HS256"


def issue_access_token(
    user_id: int, *, secret_key: str, now: datetime | None = None, ttl: timedelta = ACCESS_TOKEN_TTL
) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret_key, algorithm=JWT_ALGORITHM)


def access_token_user_id(token: str, *, secret_key: str) -> int | None:
    """The user id of a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(
            token, secret_key, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    try:
        return int(claims["sub"])
    except (TypeError, ValueError):
        return None


def sha256(token: str) -> str:
    """Refresh and API tokens are stored only as this hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def aware(value: datetime) -> datetime:
    # A time given without an offset (an API input) is read as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
