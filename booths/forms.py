from django import forms
from django.utils.translation import gettext_lazy as _

from expo.lib.files import validate_pdf

from .content import validate_image, validate_video_url
from .models import Booth, Membership, Sector


class BoothForm(forms.ModelForm):
    class Meta:
        model = Booth
        fields = [*Booth.TEXT_FIELDS, "video_url", "logo", "banner"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 12}),
            "description_zh_hant": forms.Textarea(attrs={"rows": 6}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 6}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "banner": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "description": _("Markdown: ## headings, **bold**, lists and links. HTML is removed."),
            "tagline_zh_hant": _("Optional: shown to visitors browsing in Traditional Chinese."),
            "tagline_zh_hans": _("Optional: shown to visitors browsing in Simplified Chinese."),
            "logo": _("JPEG, PNG or WebP up to 5 MB; shown at most 512×512 pixels."),
            "banner": _("JPEG, PNG or WebP up to 5 MB; wide, e.g. 1920×640 pixels."),
        }

    def clean_video_url(self):
        url = self.cleaned_data["video_url"].strip()
        validate_video_url(url)
        return url

    def _clean_image(self, name):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):
            validate_image(upload)
        return upload

    def clean_logo(self):
        return self._clean_image("logo")

    def clean_banner(self):
        return self._clean_image("banner")


class BrochureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF"),
        help_text=_("A PDF of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_pdf(upload)
        return upload


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.RECRUITER,
        widget=forms.RadioSelect,
        help_text=_(
            "Admins edit the booth and manage the team; recruiters chat and handle applicants."
        ),
    )


class RequestChangesForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the company change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )


class AssignHallForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Hall (sector)"), queryset=Sector.objects.all())
