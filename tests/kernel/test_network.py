"""The client address: X-Forwarded-For only from trusted proxies, read from the right."""
from __future__ import annotations

import pytest
from django.test import RequestFactory

from kernel.network import address_in, client_address


def request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.MADOGUCHI_TRUSTED_PROXIES = []
    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_the_header_of_an_untrusted_peer_is_ignored(settings):
    settings.MADOGUCHI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_one_trusted_proxy_the_last_hop_is_the_client(settings):
    settings.MADOGUCHI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # the client forged the first entry; the proxy appended what it saw
    assert client_address(request("10.1.2.3", "192.0.2.66, 203.0.113.1")) == "203.0.113.1"


def test_behind_two_trusted_proxies_both_are_skipped(settings):
    settings.MADOGUCHI_TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.1"]
    assert client_address(request("10.1.2.3", "192.0.2.66, 203.0.113.1, 172.16.0.1")) == "203.0.113.1"


@pytest.mark.parametrize("forwarded", ["", "garbage", "203.0.113.1, not-an-address", "10.9.9.9"])
def test_a_missing_or_garbled_header_falls_back_to_the_peer(settings, forwarded):
    settings.MADOGUCHI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.1.2.3", forwarded)) == "10.1.2.3"


def test_ipv6_and_mapped_addresses_are_matched(settings):
    assert address_in("::ffff:10.1.2.3", ["10.0.0.0/8"])
    assert address_in("2001:db8::5", ["2001:db8::/32"]) and not address_in("2001:db9::5", ["2001:db8::/32"])
    assert not address_in("not an address", ["0.0.0.0/0"])
    settings.MADOGUCHI_TRUSTED_PROXIES = ["2001:db8::/32"]
    assert client_address(request("2001:db8::1", "2001:db8:ffff::9, 2400:4050::1")) == "2400:4050::1"
