"""The item form: every value its fields could not hold is a message beside the field, and nothing is stored."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from actionplan.models import ActionItem

from .conftest import item_post
from .test_import_export import long_codes

pytestmark = pytest.mark.django_db


def post_new(client, plan, **overrides):
    # No stored item to take a version from: the helper need not look one up (by a number that may be nonsense).
    return client.post(f"{reverse('actionplan:item_new')}?plan={plan.pk}", item_post(version="", **overrides))


def field_errors(response, name: str) -> list[str]:
    return [str(message) for message in response.context["form"].errors.get(name, [])]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("40000", "Ensure this value is less than or equal to 32767."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("1e6", "Enter a whole number in digits, e.g. 12."),
        ("1_000", "Enter a whole number in digits, e.g. 12."),
        ("٣", "Enter a whole number in digits, e.g. 12."),
        ("9" * 5000, "Enter a whole number in digits, e.g. 12."),
    ],
)
def test_a_number_the_item_cannot_have_is_named_beside_the_field(english_client, administrator, plan, number, message):
    english_client.force_login(administrator)

    response = post_new(english_client, plan, number=number)

    assert field_errors(response, "number") == [message]
    assert not ActionItem.objects.exists()


def test_text_longer_than_its_field_is_named_beside_the_field(english_client, administrator, plan):
    english_client.force_login(administrator)

    response = post_new(english_client, plan, title="T" * 201, responsible="R" * 201, coordinator="C" * 300)

    assert field_errors(response, "title") == ["Ensure this value has at most 200 characters (it has 201)."]
    assert field_errors(response, "responsible") == ["Ensure this value has at most 200 characters (it has 201)."]
    assert field_errors(response, "coordinator") == ["Ensure this value has at most 200 characters (it has 300)."]
    assert not ActionItem.objects.exists()


def test_the_form_s_limits_are_the_model_s():
    from actionplan.forms import ItemForm

    fields = ItemForm.base_fields
    assert fields["title"].max_length == ActionItem._meta.get_field("title").max_length
    assert fields["responsible"].max_length == ActionItem._meta.get_field("responsible").max_length
    assert (fields["number"].min_value, fields["number"].max_value) == (1, 32767)


@pytest.mark.parametrize("name", ["title", "description", "responsible"])
def test_a_nul_character_is_named_beside_the_field(english_client, administrator, plan, name):
    english_client.force_login(administrator)

    response = post_new(english_client, plan, **{name: "före\x00efter"})

    assert field_errors(response, name) == ["Null characters are not allowed."]
    assert not ActionItem.objects.exists()


def test_more_tasks_than_fit_an_item_are_named_beside_the_tasks(english_client, administrator, plan, survey):
    english_client.force_login(administrator)

    response = post_new(english_client, plan, tasks=long_codes(survey, 11))

    assert field_errors(response, "tasks") == [
        "The task codes take 505 characters, separated by spaces; at most 500 fit in an item: "
        "split the item or leave some tasks out."
    ]
    assert "at most 500 fit in an item" in html.unescape(response.content.decode())
    assert not ActionItem.objects.exists()


def test_ten_long_tasks_still_fit(english_client, administrator, plan, survey):
    english_client.force_login(administrator)

    response = post_new(english_client, plan, tasks=long_codes(survey, 11)[:10])  # 10 × 45 + 9 spaces = 459

    assert response.status_code == 302
    assert len(ActionItem.objects.get().tasks) == 459


@pytest.mark.parametrize("plan_value", ["abc", "²", "1.5", "-1", "99999999999999999999"])
def test_a_bad_plan_in_the_address_of_a_new_item_is_not_found(english_client, administrator, plan, plan_value):
    english_client.force_login(administrator)

    response = english_client.get(reverse("actionplan:item_new"), {"plan": plan_value})

    assert response.status_code == 404


# A NUL in a query string is refused before any view (mio.middleware.RefuseNulMiddleware): a bad request.
@pytest.mark.parametrize(("survey_value", "status"), [("no-such-round", 404), ("a\x00b", 400), ("ä", 404)])
def test_a_bad_round_in_the_address_of_a_new_item_is_not_found(
    english_client, administrator, plan, survey_value, status
):
    english_client.force_login(administrator)

    response = english_client.get(reverse("actionplan:item_new"), {"survey": survey_value})

    assert response.status_code == status
