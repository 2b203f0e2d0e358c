from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Conversation


class CloseForm(forms.Form):
    # "No response" is the outcome of a talent skipped for not answering, never chosen.
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            c for c in Conversation.Outcome.choices if c[0] != Conversation.Outcome.NO_RESPONSE
        ],
    )
    job = forms.ModelChoiceField(
        label=_("Job to apply to"), queryset=None, required=False, empty_label=_("(none)")
    )
    note = forms.CharField(
        label=_("Note to the talent"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, jobs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = jobs


class HandoverForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Hand over to"), queryset=None)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues
        self.fields["to"].label_from_instance = lambda user: user.get_full_name()


class NoteForm(forms.Form):
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only your company sees these."),
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("(none)"))] + [(n, "★" * n) for n in range(1, 6)],
    )
