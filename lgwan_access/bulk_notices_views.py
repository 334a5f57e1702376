"""Adding notices in bulk (OPS-7): upload the CSV, see every bad line or a preview, then import all or nothing.

The file is checked by the import service itself (`dry_run`), kept in the session between the
preview and the confirmation (with its digest, so the confirmed file is the previewed one), and
imported in one transaction with one audit entry per notice.
"""
from __future__ import annotations

import base64
import hashlib

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.errors import NoticeImportError
from booking.services.notice_import import notices_import_csv
from lgwan_access.actors import staff_actor
from lgwan_access.forms.bulk_notices import NoticeConfirmForm, NoticeUploadForm
from lgwan_access.guards import staff_console

SESSION_KEY = "lgwan_access.bulk_notices"


@staff_console
def bulk_notices(request):
    """The upload form; on POST, the whole file checked: every bad line, or a preview to confirm."""
    form = NoticeUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            result = notices_import_csv(content=content, actor=staff_actor(request), dry_run=True)
        except NoticeImportError as error:
            request.session.pop(SESSION_KEY, None)
            context.update(file_name=upload.name, error=error.message,
                           line_errors=[str(line) for line in error.errors.get("lines", [])])
        else:
            token = hashlib.sha256(content).hexdigest()
            request.session[SESSION_KEY] = {"token": token, "name": upload.name,
                                            "content": base64.b64encode(content).decode("ascii")}
            context.update(file_name=upload.name, result=result, confirm=NoticeConfirmForm(initial={"token": token}))
    return render(request, "lgwan_access/bulk_notices/upload.html", context)


@staff_console
@require_POST
def bulk_notices_confirm(request):
    form = NoticeConfirmForm(request.POST)
    kept = request.session.get(SESSION_KEY) or {}
    if not form.is_valid() or not kept or kept.get("token") != form.cleaned_data["token"]:
        messages.error(request, _("The checked file is no longer available. Upload it again."))
        return redirect("lgwan_access:bulk_notices")
    try:
        result = notices_import_csv(content=base64.b64decode(kept["content"]), actor=staff_actor(request))
    except NoticeImportError as error:
        lines = error.errors.get("lines", [])
        messages.error(request, " ".join([str(error.message)] + [str(line) for line in lines[:20]]))
        return redirect("lgwan_access:bulk_notices")
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(request, _("%(count)s notices were added from %(file)s.")
                     % {"count": result.created, "file": kept.get("name", "")})
    return redirect("lgwan_access:bulk_notices")
