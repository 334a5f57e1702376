"""Wards and the places (交付場所) where cards are handed over."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.languages import DEFAULT_LANGUAGE, LocalizedText, TranslatedText

GUIDANCE_KEYS = ("bring", "hours", "access")


@dataclass(frozen=True)
class PlaceGuidance:
    """What a place tells citizens (WEB-9) in one language, each text saying which language it is in.

    `bring` lists, one item a line, everything to bring; when the city wrote nothing, pages show
    the national minimum (the notice postcard and identity documents) instead.
    """

    bring: LocalizedText
    hours: LocalizedText
    access: LocalizedText

    @property
    def bring_items(self) -> list[LocalizedText]:
        return self.bring.lines()


class Ward(models.Model):
    """A ward (区) of the city; a notice belongs to the ward of the citizen's address."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("ward")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.localized_name(language).text

    def localized_name(self, language: str | None = None) -> LocalizedText:
        return TranslatedText(self.names, fallback=self.name).resolve(language)


class Place(models.Model):
    """A place where cards are handed over: a ward office (区役所) or another counter."""

    class Kind(models.TextChoices):
        WARD_OFFICE = "ward_office", _("Ward office")
        OTHER = "other", _("Other counter")

    code = models.SlugField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.WARD_OFFICE)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    guidance = models.JSONField(
        _("guidance by language"), default=dict, blank=True,
        help_text=_("Per language: what to bring, hours and access, shown to citizens (WEB-9)."),
    )
    citizen_selectable = models.BooleanField(
        _("citizens may choose this place"), default=True,
        help_text=_("Used when the city lets citizens choose the place (WEB-4)."),
    )
    default_for_wards = models.ManyToManyField(Ward, related_name="default_places", blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.localized_name(language).text

    def localized_name(self, language: str | None = None) -> LocalizedText:
        return TranslatedText(self.names, fallback=self.name).resolve(language)

    def localized_address(self) -> LocalizedText:
        """The postal address, as the city writes it: in Japanese."""
        return LocalizedText(self.address, DEFAULT_LANGUAGE)

    def guidance_in(self, language: str | None = None) -> PlaceGuidance:
        """Guidance in `language`, falling back field by field to Japanese where the city wrote none."""
        def text(key: str) -> LocalizedText:
            values = {code: entry.get(key, "") for code, entry in (self.guidance or {}).items()
                      if isinstance(entry, dict)}
            return TranslatedText(values).resolve(language)

        return PlaceGuidance(**{key: text(key) for key in GUIDANCE_KEYS})
