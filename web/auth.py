"""Identity: the one token verifier for HTTP and Socket.IO, and token issuing.

Tokens are HS256 JWTs with Supabase-style claims, so tokens from the existing frontend's issuer
and ours are interchangeable. The user id is always the verified ``sub``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from settings import Settings
from storage import users
from storage.models import User

ALGORITHM = "HS256"
# Clock skew tolerated between us and an external issuer.
LEEWAY_SECONDS = 10
MAX_TOKEN_LENGTH = 8192


class AuthError(Exception):
    """The request carries no usable identity; ``message`` says why, safely."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: uuid.UUID
    email: str | None
    # When the verifier stops accepting the token (its ``exp`` and the leeway for clock skew),
    # in seconds since the epoch.
    expires_at: float


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int


class TokenService:
    """Verifies every incoming token and issues ours, from one secret and one set of rules."""

    def __init__(
        self,
        secret: str,
        *,
        audience: str,
        required_issuer: str | None,
        issuer: str,
        ttl_seconds: int,
    ) -> None:
        self._secret = secret
        self._audience = audience
        self._required_issuer = required_issuer
        self._issuer = issuer
        self._ttl = ttl_seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenService:
        return cls(
            settings.require_jwt_secret(),
            audience=settings.jwt_audience,
            required_issuer=settings.jwt_issuer,
            issuer=settings.token_issuer,
            ttl_seconds=settings.jwt_ttl_seconds,
        )

    def issue(self, user: User) -> IssuedToken:
        now = int(time.time())
        claims = {
            "sub": str(user.id),
            "email": user.email,
            "role": "authenticated",
            "aud": self._audience,
            "iss": self._issuer,
            "iat": now,
            "exp": now + self._ttl,
        }
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), self._ttl)

    def verify(self, token: str | None) -> Identity:
        """The identity in a valid token; :class:`AuthError` for anything else."""
        if not token or not isinstance(token, str):
            raise AuthError("missing access token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise AuthError("invalid access token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("invalid access token") from None
        if header.get("alg") != ALGORITHM:
            raise AuthError(f"access tokens must be signed with {ALGORITHM}")
        options = {"require": ["exp", "sub", "aud"]}
        if self._required_issuer is not None:
            options["require"].append("iss")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._required_issuer,
                leeway=LEEWAY_SECONDS,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("access token expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError("access token has the wrong audience") from None
        except jwt.InvalidIssuerError:
            raise AuthError("access token has the wrong issuer") from None
        except jwt.InvalidSignatureError:
            raise AuthError("access token signature is invalid") from None
        except jwt.PyJWTError:
            raise AuthError("invalid access token") from None
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError:
            raise AuthError("access token subject is not a user id") from None
        email = claims.get("email")
        return Identity(
            user_id,
            email if isinstance(email, str) and email else None,
            float(claims["exp"]) + LEEWAY_SECONDS,
        )


async def authenticate(session: AsyncSession, tokens: TokenService, token: str | None) -> User:
    """The user behind ``token``, provisioning the profile of a first-seen external user."""
    user, _expires_at = await authenticate_until(session, tokens, token)
    return user


async def authenticate_until(
    session: AsyncSession, tokens: TokenService, token: str | None
) -> tuple[User, float]:
    """:func:`authenticate`, and when the token expires: a socket's authority ends then."""
    identity = tokens.verify(token)
    user = await users.ensure_external_user(session, identity.user_id, identity.email)
    return user, identity.expires_at
