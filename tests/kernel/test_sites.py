"""Absolute links come from one helper and point where the product actually serves."""
from __future__ import annotations

from devtools.devrun import link_environment
from kernel.sites import site_url


def test_links_carry_the_served_port_unless_it_is_the_default(settings):
    settings.MADOGUCHI_SITE_SCHEME, settings.MADOGUCHI_SITE_PORT = "http", "8123"
    assert site_url("chiba.localhost", "/staff/") == "http://chiba.localhost:8123/staff/"
    settings.MADOGUCHI_SITE_PORT = "80"
    assert site_url("chiba.localhost") == "http://chiba.localhost/"
    settings.MADOGUCHI_SITE_SCHEME, settings.MADOGUCHI_SITE_PORT = "https", ""
    assert site_url("chiba.example.jp", "booking/") == "https://chiba.example.jp/booking/"


def test_make_run_links_to_the_port_it_binds():
    assert link_environment({"MADOGUCHI_BIND": "127.0.0.1:8123"})["MADOGUCHI_SITE_PORT"] == "8123"
    assert link_environment({})["MADOGUCHI_SITE_PORT"] == "8000"
    assert link_environment({"MADOGUCHI_BIND": "0.0.0.0:9000", "MADOGUCHI_SITE_PORT": "443"})[
        "MADOGUCHI_SITE_PORT"] == "443"  # a public base set by hand wins
