"""Credentials other than passwords: refresh tokens and API tokens. Only hashes are stored."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.types import StrEnumType, UTCDateTime


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # SHA-256 hex of a 256-bit random token
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    expires_at: datetime = Field(sa_type=UTCDateTime())
    # Set when used (rotation) or on logout; a reused revoked token revokes the whole family.
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    family_id: str = Field(max_length=32, index=True)


class ApiTokenScope(StrEnum):
    """What an API token may do: read only, or also run mutations (as far as its account may)."""

    READ = "READ"
    READ_WRITE = "READ_WRITE"


class ApiTokenEventKind(StrEnum):
    """What an API token announces, to administrators (src/domains/api_tokens.py registers it)."""

    API_TOKEN_CHANGED = "API_TOKEN_CHANGED"  # created or revoked (payload: the operation)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    user_id: int = Field(foreign_key="app_user.id", index=True)  # the service account it acts as
    prefix: str = Field(max_length=16)  # shown to administrators to tell tokens apart
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # Tokens made before scopes existed keep the rights they had: migration 0003 made them READ_WRITE.
    scope: ApiTokenScope = Field(default=ApiTokenScope.READ, sa_type=StrEnumType(ApiTokenScope))
    # A region (within the account's organization's region): the token acts only in its subtree.
    region_id: int | None = Field(default=None, foreign_key="region.id")
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime())  # None: no expiry
