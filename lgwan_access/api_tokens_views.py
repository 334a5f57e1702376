"""The console's “API tokens” page: a staff user makes and revokes their own tokens for the staff API.

A new token's secret is shown once, on the page that answers the request that made it; only its
hash is kept. Making a token needs the console's guard (LGWAN, staff role, second factor).
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kernel.errors import ApplicationError
from lgwan_access.forms.api_tokens import ApiTokenForm
from lgwan_access.guards import staff_console
from lgwan_access.services.api_tokens import api_token_create, api_token_revoke, api_tokens_of


@staff_console
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    issued = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(user=request.user, municipality=request.tenant, name=form.cleaned_data["name"])
        except ApplicationError as error:
            form.add_error("name", str(error.message))
        else:
            form = ApiTokenForm()
    response = render(request, "lgwan_access/api_tokens/list.html", {
        "form": form, "issued": issued, "tokens": api_tokens_of(request.user, request.tenant),
    }, status=400 if form.errors else 200)
    if issued is not None:
        response["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@staff_console
@require_POST
def api_token_revoke_view(request, token_id: int):
    token = api_token_revoke(user=request.user, municipality=request.tenant, token_id=token_id)
    messages.success(request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name})
    return redirect("lgwan_access:api_tokens")
