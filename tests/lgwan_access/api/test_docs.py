"""The staff API's handles: the OpenAPI 3 schema and its documentation page, served from the project."""
from __future__ import annotations

import json
import re

from django.contrib.staticfiles import finders

from tests.lgwan_access.api.conftest import token_client


def test_the_schema_is_openapi_3_and_lists_every_resource(city_a):
    response = token_client(city_a, None).get("/api/staff/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ("/api/staff/v1/notices/", "/api/staff/v1/notices/{id}/", "/api/staff/v1/bookings/",
                 "/api/staff/v1/bookings/{id}/move/", "/api/staff/v1/bookings/{id}/cancel/", "/api/staff/v1/slots/",
                 "/api/staff/v1/availability/", "/api/staff/v1/imports/notices/", "/api/staff/v1/imports/cards/",
                 "/api/staff/v1/exports/bookings/"):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["staffToken"]["scheme"] == "bearer"
    listed = schema["paths"]["/api/staff/v1/notices/"]["get"]
    assert {"number", "status", "ward", "place", "locked", "page", "page_size"} <= {
        parameter["name"] for parameter in listed["parameters"]}
    assert listed["responses"]["403"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    assert token_client(city_a, None).get("/api/staff/v1/schema/").status_code == 200  # YAML by default


def test_the_docs_page_uses_only_the_projects_own_static_files(city_a):
    client = token_client(city_a, None)
    page = client.get("/api/staff/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith(("/static/", "/api/staff/v1/")) for url in urls), urls
    assert "<style" not in html and "<script>" not in html  # the CSP allows no inline style or script
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    script = client.get("/api/staff/v1/docs/?script=")
    assert script.status_code == 200 and "/api/staff/v1/schema/" in script.content.decode()
