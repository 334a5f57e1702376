"""Cross-site scripting (IPA 5): everything from outside is escaped, and no inline script may run."""
from __future__ import annotations

import pytest

from booking.models import Place
from tests.security.conftest import citizen_client, csrf_token, page, script_vectors

pytestmark = pytest.mark.django_db
PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_a_typed_notice_number_is_escaped_when_shown_back(in_city_a):
    response = citizen_client().post("/login/", {"notice_number": PAYLOAD, "birth_day": "1"})
    html = page(response)
    assert script_vectors(html) == []
    assert "&lt;script&gt;" in html  # shown back as text


def test_a_typed_email_is_escaped_when_shown_back(logged_in):
    from booking.models import Slot
    from tests.booking.factories import make_slot, open_weekday

    slot = make_slot(Place.objects.get(code="kita"), open_weekday())
    form = page(logged_in.get(f"/booking/slots/{slot.pk}/"))
    token = __import__("re").search(r'name="token" value="([^"]+)"', form).group(1)
    response = logged_in.post(f"/booking/slots/{slot.pk}/", {"email": PAYLOAD, "token": token})
    html = page(response)
    assert response.status_code == 200 and script_vectors(html) == []
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_city_texts_are_escaped_too(in_city_a, client_a):
    Place.objects.filter(code="kita").update(name=PAYLOAD, address=PAYLOAD)
    html = page(client_a.get("/"))
    assert script_vectors(html) == [] and "&lt;script&gt;" in html


def test_every_page_forbids_inline_script(in_city_a, client_a):
    for path in ("/", "/no-such-page/"):
        policy = client_a.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in page(client_a.get("/"))
    assert csrf_token(page(client_a.get("/")))
