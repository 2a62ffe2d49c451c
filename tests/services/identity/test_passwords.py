"""Password hashing: argon2, with the hasher replaceable (the tests run with cheap parameters)."""

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from src.models import User
from src.services.identity.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    use_hasher,
    verify_password,
)

TEST_PARAMETERS = "m=8,t=1,p=1"  # set for the whole session by tests/conftest.py


def test_hash_and_verify() -> None:
    hashed = hash_password("正确的密码")
    assert hashed.startswith("$argon2id$") and TEST_PARAMETERS in hashed
    assert hashed != hash_password("正确的密码")  # salted
    assert verify_password(hashed, "正确的密码")
    assert not verify_password(hashed, "错误的密码")
    for stored in (None, "", "not-a-hash"):
        assert not verify_password(stored, "正确的密码")


@pytest.fixture
def other_hasher() -> Iterator[PasswordHasher]:
    """Another hasher in use for the test; the tests' cheap one afterwards."""
    hasher = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    use_hasher(hasher)
    yield hasher
    use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def test_use_hasher_replaces_the_parameters(other_hasher: PasswordHasher) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw")
    assert verify_password(old, "pw")  # hashes of other parameters still verify...
    assert needs_rehash(old)  # ...and are due for an upgrade
    new = hash_password("pw")
    assert "m=16,t=2,p=1" in new and not needs_rehash(new)
    # The dummy hash of refused logins follows the hasher too.
    assert not check_password(None, "pw")


def test_check_password_only_for_active_interactive_users() -> None:
    hashed = hash_password("pw")

    def user(**fields: object) -> User:
        return User.model_validate(
            {"username": "u", "full_name": "u", "organization_id": 1, "password_hash": hashed, **fields}
        )

    assert check_password(user(), "pw")
    assert not check_password(user(), "wrong")
    assert not check_password(user(is_active=False), "pw")
    assert not check_password(user(is_service_account=True), "pw")
    assert not check_password(user(password_hash=None), "pw")
    assert not check_password(None, "pw")
