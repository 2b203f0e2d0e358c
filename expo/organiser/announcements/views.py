from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services import unsubscribe, user_for_unsubscribe_token


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token;
# the signed token in the URL is the credential, and the only effect is opting out.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    user = user_for_unsubscribe_token(token)
    if user is None:
        raise Http404
    done = request.method == "POST"
    if done:
        unsubscribe(user)
    return render(request, "expo/unsubscribe.html", {"done": done, "email": user.email})
