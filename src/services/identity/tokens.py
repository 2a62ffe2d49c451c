"""Access tokens (JWT signed with the app's SECRET_KEY) and the hashing of stored random tokens."""

import hashlib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says: whose it is and until when (a Unix time)."""

    user_id: int
    expires: int


def access_token_claims(token: str, *, secret_key: str) -> AccessClaims | None:
    """The claims of an access token signed with `secret_key`, expired or not; None for anything else.

    The expiry is left to the caller, who compares it with its own `now`: a token's content never changes,
    so one verification serves every later check (the event hub keeps them, authentication.py)."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "sub"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    try:  # as PyJWT reads exp when it checks it
        return AccessClaims(user_id=int(claims["sub"]), expires=int(claims["exp"]))
    except (TypeError, ValueError, OverflowError):
        return None


def access_token_user_id(token: str, *, secret_key: str, now: datetime | None = None) -> int | None:
    """The user id of a valid access token unexpired at `now` (the present); None for anything else."""
    claims = access_token_claims(token, secret_key=secret_key)
    if claims is None or claims.expires <= (now or datetime.now(UTC)).timestamp():
        return None
    return claims.user_id


def sha256(token: str) -> str:
    """Refresh and API tokens are stored only as this hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def aware(value: datetime) -> datetime:
    # A time given without an offset (an API input) is read as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
