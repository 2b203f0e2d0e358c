"""A booth's lobby chat."""

from django.db import transaction

from .access import check_can_post, check_expo_open, get_booth, is_booth_staff
from .messages import clean_body, clean_client_id, post_message
from .rooms import lobby_room


def do_post_lobby_message(user, booth_id, body, client_id) -> tuple[dict, bool]:
    """Persist a lobby message, then broadcast it to the lobby after commit."""
    body, client_id = clean_body(body), clean_client_id(client_id)
    booth = get_booth(booth_id)
    check_can_post(user, booth)
    check_expo_open(booth)
    with transaction.atomic():
        return post_message(
            lobby_room(booth.pk), user, body, client_id, author_is_staff=is_booth_staff(user, booth)
        )
