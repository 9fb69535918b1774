"""Two administrators on one action item: the later save from an out-of-date page is refused with what
differs and who changed it, keeps what was entered, and goes through when saved again. The same for a
progress update that moves the status."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.urls import reverse

from actionplan.forms import ItemForm
from actionplan.models import ActionItem, ActionUpdate
from actionplan.services import ItemDifference, ItemInput, StaleItem, item_update, update_add
from surveys import roles
from tests.surveys.helpers import form_inputs, signed_in, version_on_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_administrator(make_user, municipality):
    return make_user("erik", roles.ADMINISTRATORS, is_staff=True, municipality=municipality)


def as_posted(item: ActionItem) -> dict[str, object]:
    """The edit form's values for the item as stored now, as a browser sends them back unchanged."""
    data: dict[str, object] = {}
    for name, value in ItemForm.initial_from(item).items():
        if value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = value
        elif isinstance(value, Model):
            data[name] = str(value.pk)
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def edit_url(item) -> str:
    return reverse("actionplan:item_edit", args=[item.pk])


# --- Editing an item -------------------------------------------------------------------------------


def test_a_save_from_the_older_page_is_refused_then_saved_deliberately(item, administrator, second_administrator):
    diana, erik = signed_in(administrator), signed_in(second_administrator)
    diana_page, erik_page = diana.get(edit_url(item)), erik.get(edit_url(item))
    opened = as_posted(item)
    assert version_on_page(diana_page) == version_on_page(erik_page) == "1"

    saved = diana.post(edit_url(item), {**opened, "title": "Digital attest", "version": version_on_page(diana_page)})
    assert saved.status_code == 302

    refused = erik.post(edit_url(item), {**opened, "priority": "1", "version": version_on_page(erik_page)})

    assert refused.status_code == 409
    content = refused.content.decode()
    conflict = content.split('data-testid="conflict"')[1].split("</div>")[0]
    assert "The item was changed by Diana Testsson at " in conflict
    assert "after you opened it. Your changes are not saved." in conflict
    assert "Title: saved <strong>Digital attest</strong>, you entered <strong>Förenkla rutiner</strong>" in conflict
    assert "Priority: saved <strong>Medium</strong>, you entered <strong>High</strong>" in conflict
    # Nothing of Diana's change is lost; what Erik entered is in the form, now at the stored version.
    item.refresh_from_db()
    assert (item.title, item.priority, item.version) == ("Digital attest", ActionItem.Priority.MEDIUM, 2)
    inputs, _checked = form_inputs(refused.content)
    assert inputs["title"]["value"] == "Förenkla rutiner"
    assert '<option value="1" selected>' in content  # Erik's priority, High
    assert version_on_page(refused) == "2"

    again = erik.post(edit_url(item), {**opened, "priority": "1", "version": version_on_page(refused)})

    assert again.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.priority, item.version) == ("Förenkla rutiner", ActionItem.Priority.HIGH, 3)
    assert item.history.first().history_user == second_administrator


def test_entering_what_is_already_stored_is_no_conflict(item, administrator, second_administrator):
    diana, erik = signed_in(administrator), signed_in(second_administrator)
    diana_page, erik_page = diana.get(edit_url(item)), erik.get(edit_url(item))
    opened = as_posted(item)
    diana.post(edit_url(item), {**opened, "title": "Digital attest", "version": version_on_page(diana_page)})

    same = erik.post(edit_url(item), {**opened, "title": "Digital attest", "version": version_on_page(erik_page)})

    assert same.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Digital attest", 2)


def test_a_form_without_a_version_is_taken_as_out_of_date(item, administrator):
    response = signed_in(administrator).post(edit_url(item), {**as_posted(item), "title": "Ny", "version": ""})

    assert response.status_code == 409
    item.refresh_from_db()
    assert item.title == "Förenkla rutiner"


# --- A progress update that moves the status ---------------------------------------------------------


def test_a_status_move_from_an_older_page_is_refused_keeping_the_text(item, administrator, second_administrator):
    url = reverse("actionplan:update_add", args=[item.pk])
    diana, erik = signed_in(administrator), signed_in(second_administrator)
    diana_page = diana.get(reverse("actionplan:item", args=[item.pk]))
    erik_page = erik.get(reverse("actionplan:item", args=[item.pk]))

    done = diana.post(url, {"text": "Klart.", "status": "done", "version": version_on_page(diana_page)})
    assert done.status_code == 302

    refused = erik.post(
        url, {"text": "Workshop hållen.", "status": "in_progress", "version": version_on_page(erik_page)}
    )

    assert refused.status_code == 409
    content = refused.content.decode()
    assert "The item was changed by Diana Testsson at " in content
    assert "its status is now Done. Nothing is saved; your text is kept below." in content
    assert "Workshop hållen." in content
    item.refresh_from_db()
    assert (item.status, item.version) == ("done", 2)
    assert list(ActionUpdate.objects.values_list("text", flat=True)) == ["Klart."]

    again = erik.post(url, {"text": "Workshop hållen.", "status": "in_progress", "version": version_on_page(refused)})

    assert again.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.version) == ("in_progress", 3)


def test_a_text_only_update_from_an_older_page_is_kept(item, administrator, second_administrator):
    url = reverse("actionplan:update_add", args=[item.pk])
    erik = signed_in(second_administrator)
    erik_page = erik.get(reverse("actionplan:item", args=[item.pk]))
    update_add(item=item, author=administrator, text="Klart.", status="done")

    response = erik.post(url, {"text": "Uppföljning bokad.", "status": "", "version": version_on_page(erik_page)})

    assert response.status_code == 302
    assert ActionUpdate.objects.filter(text="Uppföljning bokad.").exists()


# --- The services, without HTTP ----------------------------------------------------------------------


def test_item_update_raises_the_version_only_when_something_changes(item):
    data = ItemInput.from_item(item)
    assert item_update(item=item, data=data, expected_version=1).version == 1

    data.title = "Digital attest"
    assert item_update(item=item, data=data, expected_version=1).version == 2


def test_item_update_from_an_older_version_is_refused_with_the_differences(item):
    newer = ItemInput.from_item(item)
    newer.title = "Digital attest"
    item_update(item=item, data=newer, expected_version=1)
    older = ItemInput.from_item(item)
    older.title, older.status = "Förenkla rutiner", "in_progress"

    with pytest.raises(StaleItem) as refused:
        item_update(item=ActionItem.objects.get(pk=item.pk), data=older, expected_version=1)

    assert refused.value.version == 2
    assert refused.value.differences == [
        ItemDifference("title", "Digital attest", "Förenkla rutiner"),
        ItemDifference("status", "planned", "in_progress"),
    ]
    assert ActionItem.objects.get(pk=item.pk).title == "Digital attest"


def test_a_status_move_raises_the_version(item, administrator):
    update_add(item=item, author=administrator, text="Börjat.", status="in_progress")
    update_add(item=item, author=administrator, text="Inget nytt.")

    assert ActionItem.objects.get(pk=item.pk).version == 2


def test_the_file_import_raises_the_version_of_the_items_it_changes(item):
    data = ItemInput.from_item(item)
    data.title = "Från filen"

    item_update(item=item, data=data)  # as items_import calls it: no page, no check

    assert ActionItem.objects.get(pk=item.pk).version == 2
