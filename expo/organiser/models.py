"""The organiser app's models live beside the code that uses them; Django finds them here."""

from .announcements.models import Announcement, AnnouncementDelivery, AnnouncementOptOut
from .imports.models import ImportJob

__all__ = ["Announcement", "AnnouncementDelivery", "AnnouncementOptOut", "ImportJob"]
