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


# --- 1:1 slots and interviews ----------------------------------------------------------------
class PublishSlotsForm(forms.Form):
    """Consecutive slots for one recruiter on one day, or the same times on each day up to
    `until` (weekends skipped if asked), in Hong Kong time."""

    recruiter = forms.ModelChoiceField(label=_("Recruiter"), queryset=None, empty_label=None)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("From (Hong Kong time)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=_("To (Hong Kong time)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.TypedChoiceField(
        label=_("Length of each slot"),
        coerce=int,
        initial=20,
        choices=[(m, _("%(minutes)s minutes") % {"minutes": m}) for m in (15, 20, 30, 45, 60)],
    )

    until = forms.DateField(
        label=_("Repeat every day until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the same times on each day up to this one."),
    )
    weekdays_only = forms.BooleanField(
        label=_("Skip Saturdays and Sundays"), required=False, initial=False
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recruiter"].queryset = team
        self.fields["recruiter"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        from .meetings import MAX_REPEAT_DAYS

        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        day, until = data.get("day"), data.get("until")
        if day and until:
            if until < day:
                self.add_error("until", _("Choose a day after the first one."))
            elif (until - day).days >= MAX_REPEAT_DAYS:
                self.add_error(
                    "until",
                    _("Repeat over at most %(days)s days at once.") % {"days": MAX_REPEAT_DAYS},
                )
        return data

    def days(self) -> list:
        """The days to publish on (cleaned data), in order."""
        from .meetings import repeat_days

        data = self.cleaned_data
        return repeat_days(data["day"], data.get("until"), data.get("weekdays_only", False))


class OfferInterviewForm(forms.Form):
    slots = forms.ModelMultipleChoiceField(
        label=_("Times to offer"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your free 1:1 slots; the candidate chooses one of them."),
    )
    message = forms.CharField(
        label=_("Message to the candidate"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, slots, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].queryset = slots
        self.fields["slots"].label_from_instance = label
