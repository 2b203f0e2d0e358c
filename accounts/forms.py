from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import URLValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expo.choices import EmploymentType
from expo.lib.files import validate_pdf

from .models import TalentProfile


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


class TalentProfileForm(forms.ModelForm):
    seeking = forms.MultipleChoiceField(
        label=_("Looking for"),
        choices=EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cv = forms.FileField(
        label=_("CV (PDF)"),
        required=False,
        help_text=_(
            "A PDF of at most 5 MB. Only you, the organiser and companies you apply to or "
            "share your profile with can download it."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = TalentProfile
        fields = [
            "headline",
            "education_level",
            "field_of_study",
            "institution",
            "graduation_year",
            "experience_level",
            "skills",
            "sectors",
            "region",
            "city",
            "country",
            "seeking",
            "languages",
            "links",
            "cv",
            "is_discoverable",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "region": forms.RadioSelect,
            "links": forms.Textarea(attrs={"rows": 3}),
            "graduation_year": forms.NumberInput(attrs={"min": 1950, "max": 2040}),
        }
        help_texts = {
            "is_discoverable": _(
                "When on, staff of exhibiting companies can find your profile in talent search."
            ),
            "city": _("For Hong Kong or a Greater Bay Area city."),
            "country": _("If you are overseas."),
            "languages": _("e.g. English, Cantonese, Mandarin"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = list(self.fields["region"].choices)[1:]
        self.fields["sectors"].queryset = self.fields["sectors"].queryset.order_by(
            "position", "name"
        )
        self.initial.setdefault("seeking", self.instance.seeking)

    def clean_graduation_year(self):
        year = self.cleaned_data.get("graduation_year")
        if year is not None and not 1950 <= year <= 2040:
            raise forms.ValidationError(_("Enter a year between 1950 and 2040."))
        return year

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(line)s” is not a web address (it should start with https://).")
                    % {"line": line[:80]}
                ) from None
        if len(lines) > 10:
            raise forms.ValidationError(_("Please list at most 10 links."))
        return "\n".join(lines)

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if upload and hasattr(upload, "content_type"):
            validate_pdf(upload)
            return upload
        return self.instance.cv


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
