"""Cross-site request forgery (IPA 6): every state-changing form needs the token of its own site."""
from __future__ import annotations

import pytest
from django.test import Client

from booking.models import Reservation
from tests.security.conftest import HOST, csrf_token, page

pytestmark = pytest.mark.django_db


def strict_client() -> Client:
    return Client(HTTP_HOST=HOST, enforce_csrf_checks=True)


def test_login_without_a_token_is_refused_with_a_page_that_explains(notice):
    response = strict_client().post("/login/", {"notice_number": "SEC000001", "birth_day": "9"})
    assert response.status_code == 403
    assert "青葉市" in page(response) and "<h1>" in page(response)


def test_a_token_from_another_session_does_not_work(notice):
    victim, attacker = strict_client(), strict_client()
    attacker_token = csrf_token(page(attacker.get("/")))
    victim.get("/")
    response = victim.post("/login/", {"notice_number": "SEC000001", "birth_day": "9",
                                       "csrfmiddlewaretoken": attacker_token})
    assert response.status_code == 403


def test_logout_and_cancel_need_the_token(notice):
    client = strict_client()
    token = csrf_token(page(client.get("/")))
    assert client.post("/login/", {"notice_number": "SEC000001", "birth_day": "9",
                                   "csrfmiddlewaretoken": token}).status_code == 302
    assert client.post("/booking/cancel/").status_code == 403
    assert client.post("/logout/").status_code == 403
    assert client.get("/booking/").status_code == 200  # still logged in
    assert not Reservation.objects.exists()
