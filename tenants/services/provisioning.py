"""The platform's own rows: the public tenant with its domains, and the template new cities clone."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tenants.models import Domain, Municipality


def platform_ensure() -> Municipality:
    """The public schema's tenant row and the domains that serve the platform pages."""
    with transaction.atomic():
        platform, _ = Municipality.objects.get_or_create(
            schema_name=settings.PUBLIC_SCHEMA_NAME,
            defaults={"name": "madoguchi", "kind": Municipality.Kind.PLATFORM, "enabled_languages": ["ja", "en"]},
        )
        for index, domain in enumerate(settings.MADOGUCHI_PUBLIC_DOMAINS):
            Domain.objects.get_or_create(domain=domain, defaults={"tenant": platform, "is_primary": index == 0})
    return platform


def tenant_template_ensure() -> Municipality:
    """The migrated template schema new municipalities are cloned from.

    It is a tenant row of its own kind, so `migrate_schemas` keeps it migrated with every city.
    Built once by running the migrations; every later city is a copy of it.
    """
    existing = Municipality.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if existing:
        return existing
    template = Municipality(
        schema_name=settings.TENANT_BASE_SCHEMA,
        name="template",
        kind=Municipality.Kind.TEMPLATE,
        enabled_languages=["ja"],
    )
    template.build_by_migrations = True
    with transaction.atomic():
        template.save(verbosity=0)
    return template
