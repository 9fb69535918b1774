"""The three role groups exist, and administrators may change everything in the admin: their group gets
every permission of our apps.

Permissions are created after migrations run, so this cannot live in the migration that makes the groups.
The groups are made here too, after every migrate and every flush (a transactional test empties the
tables), so a database never lacks the roles the code names.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .roles import ADMINISTRATORS, ALL_GROUPS

OUR_APPS = ("surveys", "analysis", "actionplan")
# Records of what happened are read, never rewritten.
RECORDS = ("auditevent", "sentemail")
# Linking a participant to an account (the admin's user search) and making accounts.
USER_PERMISSIONS = ("view_user", "add_user", "change_user")


def set_up_roles(sender, *, using: str = "default", **kwargs) -> None:
    for name in ALL_GROUPS:
        Group.objects.using(using).get_or_create(name=name)
    group = Group.objects.using(using).get(name=ADMINISTRATORS)
    ours = Q(content_type__app_label__in=OUR_APPS) & ~Q(
        content_type__model__in=RECORDS, codename__regex=r"^(add|change|delete)_"
    )
    users = Q(content_type__app_label="auth", codename__in=USER_PERMISSIONS)
    group.permissions.add(*Permission.objects.using(using).filter(ours | users))
