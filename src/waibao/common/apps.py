from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "waibao.common"
    label = "common"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from waibao.common.middleware import SessionRefreshMiddleware

        # Signing in writes the session anyway: mark it refreshed then, not with a second write on the next page.
        user_logged_in.connect(SessionRefreshMiddleware.mark_signed_in, dispatch_uid="waibao-session-refresh")
