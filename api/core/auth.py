"""Bearer credentials: Pacer API tokens, or JWTs signed by the company's identity provider."""

from __future__ import annotations

import json

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.org import access
from domain.org.rules import TOKEN_PREFIX
from domain.settings import Settings


class Authenticator:
    """Turns an Authorization header into an Actor, or a reason why not."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._keys: dict[str | None, object] = {}
        if settings.jwt_public_key_file is not None:
            self._keys[None] = settings.jwt_public_key_file.read_text()
        if settings.jwt_jwks_file is not None:
            jwks = jwt.PyJWKSet.from_json(settings.jwt_jwks_file.read_text())
            for key in jwks.keys:
                self._keys[key.key_id] = key.key

    @property
    def accepts_jwt(self) -> bool:
        return bool(self._keys) or self.settings.jwt_hs256_secret is not None

    async def authenticate(
        self, session: AsyncSession, header: str | None
    ) -> tuple[Actor | None, str | None]:
        if not header:
            return None, "no Authorization header"
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            return None, "the Authorization header must be 'Bearer <token>'"
        try:
            if credential.startswith(TOKEN_PREFIX):
                return await access.authenticate_token(session, credential), None
            login = self._login_from_jwt(credential)
            return await access.authenticate_login(session, login), None
        except access.AuthenticationFailed as exc:
            return None, str(exc)

    def _login_from_jwt(self, token: str) -> str:
        if not self.accepts_jwt:
            raise access.AuthenticationFailed("unknown API token")
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm == "HS256" and self.settings.jwt_hs256_secret:
                key: object = self.settings.jwt_hs256_secret
            elif algorithm == "RS256" and self._keys:
                key = self._keys.get(header.get("kid")) or self._keys.get(None)
                if key is None:
                    raise access.AuthenticationFailed("JWT signed with an unknown key id")
            else:
                raise access.AuthenticationFailed(f"JWT algorithm {algorithm!r} is not accepted")
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp"], "verify_aud": self.settings.jwt_audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise access.AuthenticationFailed("JWT expired") from None
        except (jwt.InvalidTokenError, json.JSONDecodeError) as exc:
            raise access.AuthenticationFailed(f"invalid JWT ({exc})") from None
        login = claims.get(self.settings.jwt_user_claim)
        if not isinstance(login, str) or not login:
            raise access.AuthenticationFailed(
                f"JWT has no {self.settings.jwt_user_claim!r} claim naming a Pacer user"
            )
        return login
