from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Time-use diary")

    def ready(self) -> None:
        from . import audit_signals
        from .signals import set_up_roles

        post_migrate.connect(set_up_roles, dispatch_uid="surveys_roles")
        audit_signals.connect()

        from axes.signals import user_locked_out

        from .lockouts import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="surveys_record_lockout")
