"""HTTP and websockets in one ASGI application.

Websockets pass the Origin check against ALLOWED_HOSTS, then the session/auth middleware, then
the URL routers of chat and the organiser. Serve with uvicorn in production (see
docker-compose.yml and docs/performance.md).

The user of a websocket is resolved in the thread pool rather than in asgiref's one sync thread
(Channels' AuthMiddleware): in a reconnect storm every handshake waited its turn behind every
other handshake and every chat post of the process on that one thread (docs/performance.md,
"Reconnect storms"). Resolving a session touches only that handshake's own objects.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware, get_user  # noqa: E402  (needs Django set up)
from channels.db import database_sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402

from chat import routing as chat_routing  # noqa: E402
from expo.organiser import routing as organiser_routing  # noqa: E402

_get_user_in_pool = database_sync_to_async(get_user.func, thread_sensitive=False)


class PooledAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, with the session and user loaded in any pool thread; without
    a session cookie there is nothing to load (Channels' get_user then finds an empty session
    and returns AnonymousUser), so anonymous visitors skip the thread hop altogether."""

    async def resolve_scope(self, scope):
        if not scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME):
            scope["user"]._wrapped = AnonymousUser()
            return
        scope["user"]._wrapped = await _get_user_in_pool(scope)


def AuthMiddlewareStack(inner):  # noqa: N802 (named as Channels names its stack)
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))


websocket_urlpatterns = chat_routing.websocket_urlpatterns + organiser_routing.websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
