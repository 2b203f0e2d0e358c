"""Serve the site with uvicorn as in production, trusting forwarded headers only from the proxy.

X-Forwarded-For and X-Forwarded-Proto are believed only when the connection comes from an
address in FORWARDED_ALLOW_IPS (the reverse proxy; empty by default, then they are ignored and
the peer's address is the client's). Otherwise anyone could name their own address and the
per-IP login limit would never trigger."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve HTTP and websockets with uvicorn (the production server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 (inside its container)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, host, port, workers, **options):
        import uvicorn

        trusted = settings.FORWARDED_ALLOW_IPS
        uvicorn.run(
            "expo.asgi:application",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
            ws_per_message_deflate=False,  # PERF.md: a deflating socket costs ~75% more memory
            log_level=settings.LOG_LEVEL.lower(),
        )
