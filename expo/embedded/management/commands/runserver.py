"""`runserver` (Daphne's, with websockets) for the embedded mode:

- the address it serves on becomes the site's public address, unless SITE_URL says otherwise:
  links in emails, calendars and certificates point where the site really is (`make run
  PORT=8301` links to :8301, not :8000);
- with no broker (tasks run eagerly), it runs the beat schedule in-process (expo.embedded_beat),
  so reminders go out and certificates are issued in `make run` too."""

from daphne.management.commands.runserver import Command as DaphneRunserver
from django.conf import settings

from expo import embedded_beat
from expo.site import address_url


class Command(DaphneRunserver):
    def inner_run(self, *args, **options):
        if not settings.SITE_URL_IS_SET:
            settings.SITE_URL = address_url(self.addr, self.port, ipv6=self._raw_ipv6)
        if embedded_beat.start() is not None:
            self.stdout.write("Running the beat schedule in-process (EMBEDDED_BEAT=0 to stop it).")
        return super().inner_run(*args, **options)
