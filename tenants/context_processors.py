from django.utils import translation

from tenants.languages import language_name
from tenants.models import Municipality


def municipality(request):
    """The municipality of this site (branding, name, languages) for every template."""
    tenant = getattr(request, "tenant", None)
    language = translation.get_language()
    if tenant is not None and tenant.kind == Municipality.Kind.CITY:
        codes = tenant.languages()
        name = tenant.localized_name(language)
        return {
            "municipality": tenant,
            "site_name": name.text,
            "site_name_text": name,  # marked lang="ja" in the page where the city has no name in `language`
            "language_choices": [(code, language_name(code)) for code in codes],
        }
    return {
        "municipality": None,
        "site_name": "madoguchi",
        "language_choices": [(code, language_name(code)) for code in ("ja", "en")],
    }
