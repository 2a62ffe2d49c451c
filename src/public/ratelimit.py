"""Anonymous callers of the public route, limited per client address: PUBLIC_MAX_REQUESTS_PER_ADDRESS
requests in each window of PUBLIC_RATE_WINDOW_SECONDS, counted by the app's rate limiter (Redis when
REDIS_URL is set, shared by every instance; in memory otherwise: src/services/identity/ratelimit.py). The
address is the connection's peer, or what a proxy trusted by FORWARDED_ALLOW_IPS reports (uvicorn resolves
it before the request reaches us). Over the limit: HTTP 429 with Retry-After, and a GraphQL error with
extensions.code RATE_LIMITED."""

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from src.services.errors import DisclosureErrorCode
from src.services.identity.ratelimit import Limit, RateLimiter
from src.settings import Settings

logger = logging.getLogger(__name__)
KEY_PREFIX = "public:"
MESSAGE = "请求过于频繁，请稍后再试"


def client_key(request: Request) -> str:
    return KEY_PREFIX + (request.client.host if request.client else "unknown")


async def refusal(request: Request, limiter: RateLimiter, settings: Settings) -> Response | None:
    """Counts this request; the 429 to answer when its address is over the limit, else None."""
    limit = Limit(settings.PUBLIC_MAX_REQUESTS_PER_ADDRESS, settings.PUBLIC_RATE_WINDOW_SECONDS)
    key = client_key(request)
    wait = await limiter.retry_after(key, limit)
    if wait == 0:
        await limiter.hit(key, limit)
        return None
    logger.info("refused: public rate limit: address=%s retry_after=%d", key[len(KEY_PREFIX) :], wait)
    body = {"errors": [{"message": MESSAGE, "extensions": {"code": DisclosureErrorCode.RATE_LIMITED.value}}]}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})
