"""What every page's navigation needs to know about the signed-in user's roles."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from . import roles


def roles_context(request: HttpRequest) -> dict[str, object]:
    """What templates may ask about the user's roles: `can_analyse`, `is_administrator`,
    `is_manager`, `can_see_plans` and `can_edit_plans` (`{% if can_see_plans %}`), each the
    `surveys.roles` function of the same name. The one way templates ask: no template filter or tag
    answers it again.

    Callables, which the template language calls when a template uses them: a page that never
    asks costs no query, and one that does costs one (roles caches the user's groups).
    """
    user = request.user
    return {
        "can_analyse": partial(roles.can_analyse, user),
        "is_administrator": partial(roles.is_administrator, user),
        "is_manager": partial(roles.is_manager, user),
        "can_see_plans": partial(roles.can_see_plans, user),
        "can_edit_plans": partial(roles.can_edit_plans, user),
    }
