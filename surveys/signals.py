"""Administrators may change everything in the admin: give their group every permission of our apps.

Permissions are created after migrations run, so this cannot live in the migration that makes the group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .roles import ADMINISTRATORS

OUR_APPS = ("surveys", "analysis", "actionplan")
# Records of what happened are read, never rewritten.
RECORDS = ("auditevent", "sentemail")
# Linking a participant to an account (the admin's user search) and making accounts.
USER_PERMISSIONS = ("view_user", "add_user", "change_user")


def grant_administrator_permissions(sender, **kwargs) -> None:
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is None:
        return
    ours = Q(content_type__app_label__in=OUR_APPS) & ~Q(
        content_type__model__in=RECORDS, codename__regex=r"^(add|change|delete)_"
    )
    users = Q(content_type__app_label="auth", codename__in=USER_PERMISSIONS)
    group.permissions.add(*Permission.objects.filter(ours | users))
