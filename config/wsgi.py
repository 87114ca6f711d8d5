"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# A page allocates tens of thousands of short-lived objects (template nodes' contexts, querysets, rows). With
# Python's default threshold (a collection every 700 net allocations) a request runs dozens of young-generation
# collections, each also walking what survived; and the objects loaded at start (Django, the apps, the policy)
# would be walked again by every full collection. Freeze what is loaded now (it lives as long as the process) and
# collect the young generation every 50,000 allocations: reference counting frees almost everything a request
# makes, the collector only finds cycles, and memory stays bounded (a request's cycles are freed within a few
# requests). Measured by benchmarks/profile_page.py and the load table (issue 17).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
