"""Static files under hashed names (collectstatic's manifest), each name looked up once per process.

WhiteNoise serves the files before any tenant or session work, as immutable for a year. Every
page names a few of them through `{% static %}`, and the manifest storage works out each hashed
URL afresh (splitting, unquoting, cleaning the name, reading the manifest's map). The manifest is
fixed for the life of a process (collectstatic runs before the servers start), so the URL of a
name is kept once found. A name the manifest lacks is not kept: it raises as before.
"""
from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (name, settings.DEBUG)  # under DEBUG the storage names the unhashed file
        found = self._urls.get(key) if not force else None
        if found is None:
            found = super().url(name, force)
            if not force:
                self._urls[key] = found
        return found
