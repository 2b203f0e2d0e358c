"""Chinese versions of the organiser's own names and texts (django-modeltranslation): each
field below gets a column per language (name_en, name_zh_hant, name_zh_hans), edited side by
side in admin. Reading `track.name` gives the visitor's language, else English."""

from modeltranslation.translator import TranslationOptions, register

from .models import ExpoEdition, Track


@register(ExpoEdition)
class ExpoEditionTranslation(TranslationOptions):
    fields = ("name", "tagline")


@register(Track)
class TrackTranslation(TranslationOptions):
    fields = ("name", "description")
