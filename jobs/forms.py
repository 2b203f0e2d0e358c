"""Forms validate; services act."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.lib.files import validate_pdf

from .models import PIPELINE_STATUSES, Application, ApplicationNote, Job
from .search import MAX_QUERY_CHARS, sort_choices


class SearchForm(forms.Form):
    """The search box and sort. Over-long text is cut (the page says so), never refused."""

    q = forms.CharField(label=_("Search jobs"), required=False, strip=True)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=sort_choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "")

    @property
    def was_cut(self):
        return len(self.data.get("q") or "") > MAX_QUERY_CHARS


class ApplyForm(forms.Form):
    cv = forms.FileField(
        label=_("CV (PDF)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    cover_note = forms.CharField(
        label=_("Cover note"),
        required=False,
        max_length=Application._meta.get_field("cover_note").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this job, in a few lines. Up to 5,000 characters."),
    )

    def __init__(self, *args, profile_cv=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile_cv = profile_cv
        if profile_cv:
            self.fields["cv"].label = _("Use a different CV (PDF)")
            self.fields["cv"].help_text = _(
                "Leave empty to send the CV from your profile. A new CV goes with this "
                "application only."
            )
        else:
            self.fields["cv"].required = True
            self.fields["cv"].help_text = _("A PDF of at most 5 MB.")


class JobForm(forms.ModelForm):
    class Meta:
        model = Job
        fields = [
            "title",
            "description",
            "skills",
            "sector",
            "is_tech_rd",
            "level",
            "min_education",
            "employment_type",
            "location",
            "open_to_overseas",
            "open_to_gba",
            "salary_min",
            "salary_max",
            "deadline",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline <= timezone.now() and deadline != self.initial.get("deadline"):
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and high < low:
            self.add_error("salary_max", _("The upper salary must not be below the lower one."))
        return data


def _status_choices():
    labels = dict(Application.Status.choices)
    return [(status, labels[status]) for status in PIPELINE_STATUSES]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=_status_choices)
    note = forms.CharField(
        label=_("Reason (for the history, company only)"), required=False, max_length=500
    )


class IdsField(forms.TypedMultipleChoiceField):
    """Ids of rows the view scopes itself (ids of other companies match nothing there)."""

    def valid_value(self, value):
        return str(value).isdigit() and len(str(value)) < 19


class BulkStatusForm(forms.Form):
    applications = IdsField(
        label=_("Applicants"),
        coerce=int,
        error_messages={"required": _("Tick at least one applicant first.")},
    )
    status = forms.ChoiceField(label=_("Move the ticked applicants to"), choices=_status_choices)


class NoteForm(forms.ModelForm):
    class Meta:
        model = ApplicationNote
        fields = ["body"]
        labels = {"body": _("Add a note (only your company's staff see it)")}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
