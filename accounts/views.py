import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import extensions, personal_data, services
from .access import can_download_cv
from .forms import DeleteAccountForm, TalentProfileForm
from .models import TalentProfile


@login_required
def dashboard(request):
    workplace = extensions.workplace_for(request.user)
    if workplace is not None:
        # Employer staff work here; they are not asked for a talent profile.
        return render(request, "accounts/dashboard_staff.html", workplace)
    profile = services.profile_for(request.user)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "profile": profile,
            "completeness": services.completeness(profile, profile.sectors.count()),
            **extensions.dashboard_context(request),
        },
    )


@login_required
def profile_edit(request):
    profile = services.profile_for(request.user)
    form = TalentProfileForm(instance=profile)
    if request.method == "POST":
        form = TalentProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            services.save_profile(form)
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:dashboard")
        messages.error(request, _("Nothing was saved: please correct the highlighted fields."))
        profile.refresh_from_db(fields=["cv", "cv_uploaded_at"])
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_POST
def cv_delete(request):
    services.delete_cv(services.profile_for(request.user))
    messages.success(request, _("Your CV is deleted."))
    return redirect("accounts:profile")


def cv_download(request, user_id):
    """A talent's CV, as an attachment, for those accounts.access allows (404 for others, so
    the existence of a profile leaks nothing)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    profile = get_object_or_404(TalentProfile.objects.select_related("user"), user_id=user_id)
    if not can_download_cv(request.user, profile) or not profile.cv:
        raise Http404
    try:
        handle = profile.cv.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"CV {profile.user.full_name or 'talent'}.pdf".replace('"', "")
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def data_export(request):
    data = personal_data.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-expo-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request):
    form = DeleteAccountForm(user=request.user)
    refusal = None
    try:
        personal_data.check_can_delete(request.user)
    except personal_data.DeletionRefused as error:
        refusal = str(error)
    if request.method == "POST" and refusal is None:
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            user = request.user
            logout(request)
            personal_data.delete_account(user)
            messages.success(request, _("Your account and personal data are deleted. Goodbye!"))
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form, "refusal": refusal})
