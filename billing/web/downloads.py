"""A statement or a completion report as a file (PDF or CSV), for the platform and the city alike."""
from __future__ import annotations

from django.http import Http404, HttpResponse

from billing import documents
from billing.models import CompletionReport, Statement

_RENDERERS = {
    "pdf": ("application/pdf", {Statement: documents.statement_pdf, CompletionReport: documents.report_pdf}),
    "csv": ("text/csv; charset=utf-8", {Statement: documents.statement_csv, CompletionReport: documents.report_csv}),
}


def document_download(document: Statement | CompletionReport, kind: str) -> HttpResponse:
    if kind not in _RENDERERS:
        raise Http404
    content_type, renderers = _RENDERERS[kind]
    if isinstance(document, Statement):
        name = document.number or f"draft-{document.pk}"
    else:
        name = f"completion-report-{document.municipality.schema_name}-{document.month:%Y-%m}"
    response = HttpResponse(renderers[type(document)](document), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
