"""Chinese versions of the organiser's sector and hall names (see expo/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Sector


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "hall")
