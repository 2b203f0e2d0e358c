"""Chinese versions of session titles and abstracts (see expo/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Session


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")
