from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Time-use diary")

    def ready(self) -> None:
        from .signals import grant_administrator_permissions

        post_migrate.connect(grant_administrator_permissions, dispatch_uid="surveys_admin_permissions")
