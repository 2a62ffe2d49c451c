"""Organizations (an actor type at a region, with its administration where it applies) and their users."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Timestamped
from src.models.enums import ActorType, Administration
from src.models.types import StrEnumType


class OrganizationBase(SQLModel):
    name: str = Field(max_length=128)
    actor_type: ActorType = Field(sa_type=StrEnumType(ActorType), index=True)
    # HRSS or MEDICAL_SECURITY for the administrations and their agencies; empty for finance, tax, national.
    administration: Administration | None = Field(default=None, sa_type=StrEnumType(Administration))


class Organization(OrganizationBase, table=True):
    # One organization per actor type, region and administration. COALESCE because NULLs are distinct in
    # unique constraints, and finance, tax and national bodies have no administration.
    __table_args__ = (
        sa.Index(
            "uq_organization_scope",
            "actor_type",
            "region_id",
            sa.func.coalesce(sa.column("administration"), ""),
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=64)
    is_active: bool = True
    is_admin: bool = False
    # A downstream system: authenticates with API tokens only, never with a password.
    is_service_account: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class User(UserBase, Timestamped, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    password_hash: str | None = Field(default=None, max_length=255)
