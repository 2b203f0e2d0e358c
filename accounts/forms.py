from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def custom_signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        language = (get_language() or "en").lower()
        user.language = language if language in {"en", "zh-hant", "zh-hans"} else "en"
        user.save(update_fields=["full_name", "language"])
