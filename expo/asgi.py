"""HTTP and websockets in one ASGI application.

Websockets pass the Origin check against ALLOWED_HOSTS, then the session/auth middleware, then
the URL routers of chat and the organiser. Serve with uvicorn in production (see
docker-compose.yml and docs/performance.md).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat import routing as chat_routing  # noqa: E402
from expo.organiser import routing as organiser_routing  # noqa: E402

websocket_urlpatterns = chat_routing.websocket_urlpatterns + organiser_routing.websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
