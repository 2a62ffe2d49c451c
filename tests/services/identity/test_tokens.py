"""Access tokens (JWT) and the hashing of stored random tokens."""

from datetime import timedelta

import jwt

from src.models.base import utcnow
from src.services.identity.tokens import ACCESS_TOKEN_TTL, access_token_user_id, issue_access_token, sha256

KEY = "k" * 32
OTHER_KEY = "x" * 32


def test_access_tokens_carry_the_user_and_need_the_key() -> None:
    token = issue_access_token(7, secret_key=KEY)
    assert access_token_user_id(token, secret_key=KEY) == 7
    assert access_token_user_id(token, secret_key=OTHER_KEY) is None
    assert access_token_user_id("not-a-jwt", secret_key=KEY) is None


def test_access_tokens_expire() -> None:
    assert timedelta(minutes=15) == ACCESS_TOKEN_TTL
    expired = issue_access_token(7, now=utcnow() - ACCESS_TOKEN_TTL - timedelta(seconds=1), secret_key=KEY)
    assert access_token_user_id(expired, secret_key=KEY) is None
    longer = issue_access_token(7, now=utcnow() - ACCESS_TOKEN_TTL, ttl=timedelta(hours=1), secret_key=KEY)
    assert access_token_user_id(longer, secret_key=KEY) == 7


def test_only_access_tokens_with_a_user_are_accepted() -> None:
    exp = int((utcnow() + timedelta(minutes=5)).timestamp())
    for claims in (
        {"sub": "7", "exp": exp},  # no type
        {"sub": "7", "exp": exp, "typ": "refresh"},
        {"sub": "seven", "exp": exp, "typ": "access"},
        {"exp": exp, "typ": "access"},
        {"sub": "7", "typ": "access"},  # never expires: refused
    ):
        token = jwt.encode(claims, KEY, algorithm="HS256")
        assert access_token_user_id(token, secret_key=KEY) is None, claims


def test_sha256() -> None:
    assert sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
