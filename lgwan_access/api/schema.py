"""The staff API's OpenAPI schema: its security schemes and the one error shape on every operation."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer

from lgwan_access.api.exceptions import api_exception_handler
from lgwan_access.api.permissions import check_network


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lgwan_access.api.authentication.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": str(_("A token made on the console's “API tokens” page."))}


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "lgwan_access.api.authentication.StaffSessionAuthentication"
    name = "consoleSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": str(_("A staff console session that passed the second factor."))}


ERRORS = {
    "400": _("The request is not valid (see the fields)."),
    "401": _("No valid token or session."),
    "403": _("Outside the city's LGWAN, or not allowed for this user."),
    "404": _("Not found."),
    "409": _("Conflicts with the current state (e.g. the slot is full)."),
    "429": _("Too many requests."),
    "500": _("Server error; nothing was changed."),
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }},
}


def add_error_responses(result, generator, request, public):
    """Every operation may answer with the error shape, with each status the API uses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                operation["responses"].setdefault(code, {"description": str(description), "content": reference})
    return result


class NetworkGuardMixin:
    """The schema and its documentation answer only from the city's LGWAN, like the API itself."""

    def initial(self, request, *args, **kwargs):
        check_network(request)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return api_exception_handler

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # refusals in the API's one shape, as JSON, not as a schema document or an HTML page
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response


class StaffSchemaView(NetworkGuardMixin, SpectacularAPIView):
    pass


class StaffDocsView(NetworkGuardMixin, SpectacularSwaggerSplitView):
    template_name = "lgwan_access/api/swagger_ui.html"
    title = _("Staff API")
    url_name = "staff_api:schema"
