"""The project's URLs plus the policy pages, until config/urls.py includes them itself."""

from __future__ import annotations

from django.urls import URLResolver, include, path

from config import urls as project

urlpatterns = list(project.urlpatterns)
if not any(isinstance(p, URLResolver) and p.namespace == "policy" for p in urlpatterns):
    urlpatterns.append(path("policy/", include("waibao.policy.urls")))

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
