"""Hashed static names: looked up once per process, the same URL the manifest storage gives."""
from __future__ import annotations

import json

import pytest
from django.test import override_settings

from kernel.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"version": "1.1", "paths": {"css/site.css": "css/site.0123456789ab.css"}, "hash": "x"}))
    with override_settings(DEBUG=False, STATIC_URL="/static/"):
        yield StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_page_names_the_hashed_file_each_time(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123456789ab.css"
    storage.hashed_files["css/site.css"] = "css/site.ffffffffffff.css"  # the manifest is read once per process
    assert storage.url("css/site.css") == "/static/css/site.0123456789ab.css"


def test_a_name_missing_from_the_manifest_still_fails_and_is_not_kept(storage):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("js/unknown.js")
    storage.hashed_files["js/unknown.js"] = "js/unknown.abcdefabcdef.js"  # collectstatic ran again
    assert storage.url("js/unknown.js") == "/static/js/unknown.abcdefabcdef.js"


def test_under_debug_the_unhashed_name_is_given(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123456789ab.css"
    with override_settings(DEBUG=True):
        assert storage.url("css/site.css") == "/static/css/site.css"
