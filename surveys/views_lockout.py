"""Lifting a sign-in lockout (django-axes): administrators, for the accounts of their municipalities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, lockouts, people


@login_required
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.account_for(request, pk)
    # As on the account page: superusers are managed by the installation's operators.
    if person.is_superuser and not request.user.is_superuser:
        raise PermissionDenied
    name = person.email or person.get_username()
    # The lock is the account's, in every municipality: lifting it is for all of them to decide.
    refusal = people.shared_account_refusal(person, by=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("surveys:account_edit", person.pk)
    if lockouts.unlock(person, by=request.user):
        messages.success(request, _("%(name)s can sign in with a password again.") % {"name": name})
    else:
        messages.info(request, _("The account of %(name)s was not locked.") % {"name": name})
    return redirect("surveys:account_edit", person.pk)
