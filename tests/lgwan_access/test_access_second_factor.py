"""Every staff user passes a second factor (SYS-5): enrolment with a QR code, backup codes, verify, reset."""
from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Role
from tests.tenants.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def _password_login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client.get(response["Location"], follow=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _secret(html: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def test_first_login_enrols_shows_backup_codes_once_and_opens_the_console(client_a, staff_a):
    page = _password_login(client_a, staff_a)
    html = page.content.decode()
    assert page.redirect_chain[-1][0].startswith("/staff/second-factor/enrol/")
    assert "<svg" in html and "otpauth" not in html  # the QR code is drawn on the server
    device = TOTPDevice.objects.get(user=staff_a, confirmed=False)
    import base64
    assert base64.b32decode(_secret(html)) == device.bin_key
    assert client_a.get("/staff/").status_code == 302  # not yet verified
    wrong = client_a.post("/staff/second-factor/enrol/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client_a.post("/staff/second-factor/enrol/", {"token": _code(device)})
    assert response["Location"] == "/staff/second-factor/backup-codes/"
    codes_page = client_a.get("/staff/second-factor/backup-codes/").content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page)
    assert len(codes) == 10
    assert client_a.get("/staff/second-factor/backup-codes/").status_code == 302  # shown once
    assert client_a.get("/staff/").status_code == 200
    assert TOTPDevice.objects.get(user=staff_a).confirmed


def test_an_enrolled_user_verifies_with_a_code_or_a_backup_code_once(client_a, staff_a):
    from lgwan_access.services.second_factor import totp_enrolment_confirm, totp_enrolment_device

    device = totp_enrolment_device(staff_a)
    _, codes = totp_enrolment_confirm(staff_a, device.pk, _code(device))
    page = _password_login(client_a, staff_a)
    assert page.redirect_chain[-1][0].startswith("/staff/second-factor/?")
    response = client_a.post("/staff/second-factor/", {"token": codes[0], "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client_a.get("/staff/").status_code == 200
    client_a.post("/accounts/logout/")
    _password_login(client_a, staff_a)
    again = client_a.post("/staff/second-factor/", {"token": codes[0]})
    assert again.status_code == 200  # a backup code works once
    assert client_a.get("/staff/").status_code == 302


def test_the_next_address_never_leaves_the_site(client_a, staff_a):
    from lgwan_access.services.second_factor import totp_enrolment_confirm, totp_enrolment_device

    device = totp_enrolment_device(staff_a)
    _, codes = totp_enrolment_confirm(staff_a, device.pk, _code(device))
    _password_login(client_a, staff_a)
    response = client_a.post("/staff/second-factor/", {"token": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"


def test_operators_get_no_second_factor_pages(client_a, city_a):
    operator = MembershipFactory(municipality=city_a, role=Role.OPERATOR).user
    client_a.force_login(operator)
    assert client_a.get("/staff/second-factor/enrol/").status_code == 403
