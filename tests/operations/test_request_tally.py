"""The web servers count their requests and server errors; the error-rate check reads the counts."""
from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from operations.checks import check_error_rate
from operations.middleware import RequestTallyMiddleware
from operations.models import RequestTally

pytestmark = pytest.mark.django_db


def serve(statuses: list[int]) -> RequestTallyMiddleware:
    answers = iter(statuses)
    middleware = RequestTallyMiddleware(lambda request: HttpResponse(status=next(answers)))
    middleware.FLUSH_EVERY_SECONDS = 0  # write at every request (every 10 s in production)
    for _ in statuses:
        middleware(RequestFactory().get("/"))
    return middleware


def test_requests_and_server_errors_are_counted_per_minute_and_process(settings):
    settings.OPERATIONS_ERROR_MIN_REQUESTS = 10
    serve([200] * 18 + [500, 503])
    tally = RequestTally.objects.get()
    assert (tally.requests, tally.errors) == (20, 2)
    result = check_error_rate(now=timezone.now() + dt.timedelta(seconds=1))
    assert result.ok is False and "2 server errors in 20 requests" in result.detail  # 10 % > 5 %


def test_a_healthy_site_passes_and_too_few_requests_say_nothing(settings):
    settings.OPERATIONS_ERROR_MIN_REQUESTS = 10
    assert check_error_rate(now=timezone.now()).ok is None
    serve([200] * 40 + [500])
    assert check_error_rate(now=timezone.now() + dt.timedelta(seconds=1)).ok is True
