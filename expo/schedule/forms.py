from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class SlidesForm(forms.Form):
    """One PDF, or several images in order (JPEG, PNG, WebP)."""

    files = MultipleFileField(
        label=_("Slides"),
        help_text=_("One PDF (each page becomes a slide) or images in order, 5 MB each."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,image/png,image/jpeg,image/webp"}),
    )

    def clean_files(self):
        from booths.content import validate_image
        from expo.lib.files import looks_like_pdf, validate_pdf

        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError(_("Choose a PDF or some images."), code="required")
        pdfs = [f for f in files if looks_like_pdf(f)]  # by content, whatever the name says
        if pdfs and len(files) > 1:
            raise ValidationError(_("Upload one PDF, or images only."), code="mixed")
        for upload in files:
            if pdfs:
                validate_pdf(upload)
                continue
            try:
                validate_image(upload)
            except ValidationError as error:
                if error.code != "not_image":
                    raise
                raise ValidationError(
                    _(
                        "%(name)s is neither a PDF nor an image we can read (whatever its name "
                        "says). Upload one PDF, or JPEG, PNG or WebP images."
                    )
                    % {"name": upload.name},
                    code="not_slides",
                ) from None
        return files
