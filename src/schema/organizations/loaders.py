"""The DataLoaders of organizations and their users (src/schema/loaders.py makes them per request)."""

from strawberry.dataloader import DataLoader

from src.models import Organization, User
from src.schema.loaders import Sessionmaker, loader, many_by, one_by

# The most users one organization lists (the field declares it with max_items): bounded in SQL.
USERS_PER_ORGANIZATION = 100


@loader
def organization_by_id(sessionmaker: Sessionmaker) -> DataLoader[int, Organization | None]:
    return one_by(sessionmaker, Organization, Organization.id)


@loader
def users_by_organization(sessionmaker: Sessionmaker) -> DataLoader[int, list[User]]:
    return many_by(sessionmaker, User, User.organization_id, [User.username], limit=USERS_PER_ORGANIZATION)


@loader
def user_by_id(sessionmaker: Sessionmaker) -> DataLoader[int, User | None]:
    return one_by(sessionmaker, User, User.id)
