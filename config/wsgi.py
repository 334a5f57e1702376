import os

from django.core.wsgi import get_wsgi_application

from kernel.runtime import settle_after_loading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
settle_after_loading()
