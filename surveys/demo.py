"""Demo data: a municipality, an open round of five weekdays and ten managers with plausible diaries.

Everything is derived from fixed seeds, so running it twice gives the same data. The mix follows
SKR's 2017–18 diary study of first-line managers: about 59 % of the working time went to
administration, with HR/personnel as its largest part.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal

from . import roles
from .enrolment import PersonRow, participants_enrol
from .models import Department, Municipality, Survey, Unit
from .services import LineInput, diary_save, survey_create

# Sent after the diary demo exists, so that other apps can add their part (the action plan).
demo_seeded = Signal()

DEMO_PASSWORD = "mio-demo-2026"
MUNICIPALITY = "Demokommun"
EMAIL_DOMAIN = "demokommun.example"
ROUND_SLUG = "demo-hosten-2026"
ROUND_NAME = "Tidsdagbok hösten 2026"
ROUND_START = dt.date(2026, 11, 16)

# Every unit has at least 3 managers (analysis.disclosure.MIN_GROUP), so that the dashboard shows the
# round's figures per manager (its managers × tasks heatmap); a unit of two would withhold them.
ORGANISATION = {
    "Barn- och utbildningsförvaltningen": ["Förskolan Solrosen", "Förskolan Ekorren"],
    "Socialförvaltningen": ["Hemtjänst Norr"],
}

# username, first name, last name, unit
MANAGERS = [
    ("anna", "Anna", "Lindqvist", "Förskolan Solrosen"),
    ("bengt", "Bengt", "Holm", "Förskolan Solrosen"),
    ("cecilia", "Cecilia", "Nyberg", "Förskolan Solrosen"),
    ("david", "David", "Ek", "Förskolan Ekorren"),
    ("eva", "Eva", "Sjöberg", "Förskolan Ekorren"),
    ("fredrik", "Fredrik", "Berg", "Förskolan Ekorren"),
    ("gunilla", "Gunilla", "Strand", "Hemtjänst Norr"),
    ("hanna", "Hanna", "Wall", "Hemtjänst Norr"),
    ("ingrid", "Ingrid", "Falk", "Hemtjänst Norr"),
    ("johan", "Johan", "Dahl", "Hemtjänst Norr"),
]
STAFF = [
    ("projekt", "Petra", "Gustafsson", roles.PROJECT_GROUP),
    ("admin", "Thomas", "Ahl", roles.ADMINISTRATORS),
]

# Typical minutes per day by task for an average manager (sums to ~450 of 480).
BASE_PROFILE = {
    "direct-meeting": 70,
    "direct-phone": 20,
    "direct-mail": 15,
    "direct-other": 5,
    "documentation": 35,
    "planning": 40,
    "letters": 15,
    "indirect-other": 5,
    "invoices": 30,
    "budget": 25,
    "purchasing": 15,
    "information": 35,
    "it-services": 20,
    "recruitment": 35,
    "payroll-hr": 70,
    "other": 10,
}
# How well each task tends to work (function) and how much value it gives, 1–4.
BASE_RATINGS = {
    "direct-meeting": (4, 3.6),
    "direct-phone": (4, 3.3),
    "direct-mail": (3, 3.0),
    "direct-other": (3, 3.0),
    "documentation": (3, 2.8),
    "planning": (4, 3.0),
    "letters": (3, 2.9),
    "indirect-other": (3, 3.0),
    "invoices": (2, 1.9),
    "budget": (3, 2.7),
    "purchasing": (2, 2.3),
    "information": (2, 2.6),
    "it-services": (2, 1.9),
    "recruitment": (3, 2.2),
    "payroll-hr": (2, 2.1),
    "other": (2, 2.5),
}


@dataclass
class Persona:
    """How one manager differs from the average: time weights and function ratings by task."""

    time: dict[str, float]
    function: dict[str, float]


PERSONAS = {
    # Chef nr 2: pulled into invoices, IT and HR, all of which work poorly.
    2: Persona(
        time={
            "direct-meeting": 0.35,
            "direct-phone": 0.5,
            "planning": 0.6,
            "invoices": 3.2,
            "it-services": 3.0,
            "payroll-hr": 1.6,
            "recruitment": 1.5,
            "purchasing": 1.8,
        },
        function={"invoices": 1.2, "it-services": 1.3, "payroll-hr": 1.6, "recruitment": 1.7, "purchasing": 1.6},
    ),
    # Chef nr 8: mostly in direct work with children and guardians; little administration.
    8: Persona(
        time={
            "direct-meeting": 2.8,
            "direct-phone": 1.8,
            "direct-mail": 1.4,
            "planning": 1.3,
            "invoices": 0.3,
            "it-services": 0.3,
            "payroll-hr": 0.45,
            "recruitment": 0.3,
            "information": 0.5,
            "budget": 0.5,
        },
        function={"invoices": 3.0, "it-services": 3.0, "payroll-hr": 3.0},
    ),
}

# Who left which days open: Chef nr 1 (the demo login) has Friday to fill, two others are behind
# (so Förskolan Ekorren's Friday is Chef nr 4's alone: withheld on the dashboard).
UNFILLED = {1: {4}, 5: {3, 4}, 9: {4}}
DRAFTS = {1: {3}, 6: {4}}


def _allocate(rng: random.Random, weights: dict[str, float], hours: int) -> list[dict[str, int]]:
    """Spread each hour's minutes over tasks in 5-minute pieces, 1–3 tasks an hour."""
    codes = list(weights)
    hour_minutes = []
    for hour in range(hours):
        # Lunch falls in hour 4 or 5 and leaves 25–35 minutes unrecorded.
        budget = 60 - (rng.choice([25, 30, 35]) if hour == 4 else 0)
        picks = rng.choices(codes, weights=[weights[c] for c in codes], k=rng.choice([1, 2, 2, 3]))
        pieces = budget // 5
        shares = [rng.random() + 0.2 for _ in picks]
        total = sum(shares)
        minutes: dict[str, int] = {}
        given = 0
        for index, (code, share) in enumerate(zip(picks, shares, strict=True)):
            count = pieces - given if index == len(picks) - 1 else int(round(pieces * share / total))
            count = max(0, min(count, pieces - given))
            given += count
            if count:
                minutes[code] = minutes.get(code, 0) + count * 5
        hour_minutes.append(minutes)
    return hour_minutes


def _rating(rng: random.Random, mean: float) -> int:
    return max(1, min(4, round(mean + rng.uniform(-0.6, 0.6))))


def demo_lines(
    number: int,
    day_index: int,
    tasks: dict,
    hours: int,
    *,
    seed: str = "",
    time_factors: dict[str, float] | None = None,
    function_shifts: dict[str, float] | None = None,
) -> list[LineInput]:
    """The plausible diary of manager `number` on the round's day `day_index`, the same every time.

    `time_factors` and `function_shifts` make chosen tasks take more time or work worse (another round).
    """
    rng = random.Random(f"{seed}mio-demo-{number}-{day_index}")
    persona = PERSONAS.get(number)
    personal = random.Random(f"{seed}mio-persona-{number}")
    weights = {}
    for code, minutes in BASE_PROFILE.items():
        factor = persona.time.get(code, 1.0) if persona else personal.uniform(0.6, 1.5)
        weights[code] = minutes * factor * (time_factors or {}).get(code, 1.0)
    by_hour = _allocate(rng, weights, hours)
    lines = []
    for code, task in tasks.items():
        minutes = [by_hour[hour].get(code, 0) for hour in range(hours)]
        if not any(minutes):
            continue
        function, value = BASE_RATINGS[code]
        if persona and code in persona.function:
            function = persona.function[code]
        function += (function_shifts or {}).get(code, 0.0)
        note = ""
        if task.asks_to_specify:
            note = rng.choice(["Samverkansmöte", "Brandövning", "Studiebesök", "Medarbetarsamtal"])
        lines.append(
            LineInput(
                task=task,
                minutes=minutes,
                value=_rating(rng, value),
                function=_rating(rng, function),
                note=note,
            )
        )
    return lines


def _user(username: str, first: str, last: str, group: str, *, staff: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "is_staff": staff, "email": f"{username}@{EMAIL_DOMAIN}"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo once; later runs change nothing. Returns the demo logins."""
    municipality, _ = Municipality.objects.get_or_create(name=MUNICIPALITY)
    units = {}
    for department_name, unit_names in ORGANISATION.items():
        department, _ = Department.objects.get_or_create(municipality=municipality, name=department_name)
        for unit_name in unit_names:
            units[unit_name], _ = Unit.objects.get_or_create(department=department, name=unit_name)

    logins = []
    survey = Survey.objects.filter(slug=ROUND_SLUG).first()
    if survey is None:
        survey = survey_create(
            slug=ROUND_SLUG,
            name=ROUND_NAME,
            municipality=municipality,
            start_date=ROUND_START,
            end_date=ROUND_START + dt.timedelta(days=4),
            status=Survey.Status.OPEN,
        )
    tasks = {task.code: task for task in survey.tasks.order_by("order")}
    dates = survey.weekdays()
    # The demo logins exist first (with the demo password); enrolling by e-mail links them, as an
    # administrator's file would, and numbers them 1, 2, ... in the file's order.
    users = [_user(username, first, last, roles.MANAGERS) for username, first, last, _unit in MANAGERS]
    if not survey.participants.exists():
        participants_enrol(
            survey=survey,
            rows=[
                PersonRow(row=row, name=user.get_full_name(), email=user.email, unit=unit_name)
                for row, (user, (*_names, unit_name)) in enumerate(zip(users, MANAGERS, strict=True), start=2)
            ],
        )
    for user in users:
        participant = survey.participants.get(user=user)
        number = participant.number
        logins.append((user.username, roles.MANAGERS, participant.pseudonym))
        if participant.days.exists():
            continue
        for index, date in enumerate(dates):
            if index in UNFILLED.get(number, set()):
                continue
            lines = demo_lines(number, index, tasks, survey.hours_per_day)
            diary_save(participant=participant, date=date, lines=lines, submit=index not in DRAFTS.get(number, set()))
    for username, first, last, group in STAFF:
        staff = _user(username, first, last, group, staff=group == roles.ADMINISTRATORS)
        municipality.members.add(staff)
        logins.append((username, group, ""))

    demo_seeded.send(sender=Survey, municipality=municipality, survey=survey)
    return logins
