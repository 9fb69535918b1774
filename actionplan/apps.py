from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Action plan")

    def ready(self) -> None:
        from surveys.demo import demo_seeded

        from .demo import seed_action_plan

        demo_seeded.connect(seed_action_plan, dispatch_uid="actionplan_seed_demo")
