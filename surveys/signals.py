"""Administrators may change everything in the admin: give their group every permission of our apps.

Permissions are created after migrations run, so this cannot live in the migration that makes the group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .roles import ADMINISTRATORS

OUR_APPS = ("surveys", "analysis", "actionplan")


def grant_administrator_permissions(sender, **kwargs) -> None:
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is None:
        return
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=OUR_APPS))
