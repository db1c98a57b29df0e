"""Bearer API tokens and identity-provider JWTs (HS256, RS256 with a PEM key or JWKS)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from domain.org import access
from tests.support.graphql import Api, make_app
from tests.support.world import BOOTSTRAP

SECRET = "shared-secret-of-the-identity-provider-0123456789"


def claims(login: str, minutes: int = 5, **extra) -> dict:
    return {"sub": login, "exp": datetime.now(UTC) + timedelta(minutes=minutes), **extra}


async def code_of(api, headers=None, **kw) -> tuple[str | None, str]:
    """The code and message (in English: the reasons are asserted as the English words)."""
    body = await api("{ me { login } }", headers={"Accept-Language": "en", **(headers or {})}, **kw)
    if "errors" in body:
        return body["errors"][0]["extensions"]["code"], body["errors"][0]["message"]
    return None, body["data"]["me"]["login"]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer pacer_not-a-real-token", "unknown API token"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
        ("Bearer ", "must be 'Bearer <token>'"),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "unknown API token"),
    ],
)
async def test_bad_credentials_are_unauthenticated(api, header, reason):
    code, message = await code_of(api, as_=None, headers={"Authorization": header})
    assert code == "UNAUTHENTICATED"
    assert reason in message


async def test_expired_token_is_unauthenticated(api, world, sessions):
    async with sessions() as session:
        _, secret = await access.issue_token(
            session,
            BOOTSTRAP,
            user_id=world.users["manager"],
            name="short",
            expires_at=datetime.now(UTC) + timedelta(seconds=30),
        )
        await session.commit()
    assert await code_of(api, as_=None, token=secret) == (None, "manager")
    async with sessions() as session:
        later = datetime.now(UTC) + timedelta(minutes=1)
        with pytest.raises(access.AuthenticationFailed, match="expired"):
            await access.authenticate_token(session, secret, now=later)


async def test_token_of_an_expired_row_is_refused_through_the_api(api, world, sessions):
    from sqlalchemy import update

    from domain.org.models import ApiToken
    from domain.org.rules import hash_token

    async with sessions() as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == hash_token(world.tokens["rep"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()
    code, message = await code_of(api, as_="rep")
    assert code == "UNAUTHENTICATED" and "expired" in message


async def test_inactive_user_cannot_use_a_token(api, world, sessions):
    from sqlalchemy import update

    from domain.org.models import User

    async with sessions() as session:
        await session.execute(
            update(User).where(User.id == world.users["intake"]).values(active=False)
        )
        await session.commit()
    code, message = await code_of(api, as_="intake")
    assert code == "UNAUTHENTICATED" and "inactive" in message


@pytest.fixture
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def jwt_api(db_url, engine, world, **settings):
    app = make_app(db_url, engine, **settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_hs256_jwt_maps_to_a_pacer_user(db_url, engine, world):
    async with await jwt_api(
        db_url,
        engine,
        world,
        jwt_hs256_secret=SECRET,
        jwt_audience="pacer",
        jwt_issuer="https://idp.acme.cn",
    ) as c:
        api = Api(c, world)
        good = jwt.encode(
            claims("director.east", aud="pacer", iss="https://idp.acme.cn"),
            SECRET,
            algorithm="HS256",
        )
        assert await code_of(api, as_=None, token=good) == (None, "director.east")
        scoped = await api.data("{ reps { totalCount } }", as_=None, token=good)
        assert scoped["reps"]["totalCount"] == 3
        cases = {
            "JWT expired": jwt.encode(
                claims("manager", minutes=-1, aud="pacer", iss="https://idp.acme.cn"),
                SECRET,
                "HS256",
            ),
            "invalid JWT": jwt.encode(
                claims("manager", aud="other", iss="https://idp.acme.cn"), SECRET, "HS256"
            ),
            "invalid JWT (Signature": jwt.encode(
                claims("manager", aud="pacer", iss="https://idp.acme.cn"),
                "wrong-secret-" * 4,
                "HS256",
            ),
            "no active Pacer user": jwt.encode(
                claims("nobody", aud="pacer", iss="https://idp.acme.cn"), SECRET, "HS256"
            ),
        }
        for reason, token in cases.items():
            code, message = await code_of(api, as_=None, token=token)
            assert code == "UNAUTHENTICATED" and reason in message, (reason, message)


async def test_rs256_jwt_with_public_key_file(db_url, engine, world, rsa_key, tmp_path):
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "idp.pem").write_bytes(pem)
    async with await jwt_api(
        db_url, engine, world, jwt_public_key_file=str(tmp_path / "idp.pem")
    ) as c:
        api = Api(c, world)
        token = jwt.encode(claims("manager"), rsa_key, algorithm="RS256")
        assert await code_of(api, as_=None, token=token) == (None, "manager")
        hs = jwt.encode(claims("manager"), SECRET, algorithm="HS256")
        code, message = await code_of(api, as_=None, token=hs)
        assert code == "UNAUTHENTICATED" and "not accepted" in message


async def test_rs256_jwt_with_jwks_file_and_custom_claim(db_url, engine, world, rsa_key, tmp_path):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig"}]}))
    async with await jwt_api(
        db_url,
        engine,
        world,
        jwt_jwks_file=str(tmp_path / "jwks.json"),
        jwt_user_claim="preferred_username",
    ) as c:
        api = Api(c, world)
        token = jwt.encode(
            claims("x", preferred_username="rep"), rsa_key, algorithm="RS256", headers={"kid": "k1"}
        )
        assert await code_of(api, as_=None, token=token) == (None, "rep")
        unknown_kid = jwt.encode(
            claims("x", preferred_username="rep"), rsa_key, algorithm="RS256", headers={"kid": "k2"}
        )
        code, message = await code_of(api, as_=None, token=unknown_kid)
        assert code == "UNAUTHENTICATED" and "unknown key id" in message
        no_claim = jwt.encode(claims("rep"), rsa_key, algorithm="RS256", headers={"kid": "k1"})
        code, message = await code_of(api, as_=None, token=no_claim)
        assert code == "UNAUTHENTICATED" and "preferred_username" in message
