"""Request pipeline pieces every site shares: security headers, and errors users see as their 4xx page."""
from __future__ import annotations

from django.shortcuts import render

from kernel.errors import ApplicationError


class SecurityHeadersMiddleware:
    """Content Security Policy and friends; no inline script or style anywhere."""

    POLICY = "; ".join([
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ])

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class ApplicationErrorMiddleware:
    """Turns an ApplicationError that reached the view layer into its 4xx page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        response = render(request, "errors/application_error.html", {"error": exception},
                          status=exception.status_code)
        retry_after = getattr(exception, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response
