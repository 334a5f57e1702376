"""Errors of the staff API in one shape, whatever raised them (issue 9):

    {"error": {"code": "slot_full", "message": "…translated…", "fields": {"slot": ["…"]}}}

`fields` is empty when the error concerns the request as a whole. Domain errors (kernel's
ApplicationError family) keep their status: 400, 403, 404, 409, 429.
"""
from __future__ import annotations

import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response

from kernel.errors import ApplicationError

log = logging.getLogger(__name__)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {text}" for key, item in value.items() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _strings(value) for key, value in detail.items()}
    return {"non_field_errors": _strings(detail)}


def _application_code(error: ApplicationError) -> str:
    name = type(error).__name__.removesuffix("Error") or "application"
    return _CAMEL.sub("_", name).lower()


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, ApplicationError):
        fields = {key: [str(message) for message in messages] for key, messages in exc.errors.items()}
        response = Response(error_body(_application_code(exc), exc.message, fields), status=exc.status_code)
        if getattr(exc, "retry_after", None) is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body("invalid", gettext("The request is not valid. See the fields."),
                                   _fields(exc.detail)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response = Response(error_body(str(code), _message(exc)), status=exc.status_code)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait) + 1)
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        return response
    log.exception("staff API error", exc_info=exc)
    return Response(error_body("server_error", gettext("Something went wrong on our side. Nothing was changed; "
                                                      "please try again.")),
                    status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _message(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict | list):
        return " ".join(_strings(detail))
    return str(detail)
