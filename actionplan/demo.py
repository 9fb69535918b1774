"""The demo's action plan and the baseline round it came from, added when `seed_demo` runs.

The demo's open autumn round plays the follow-up. Its baseline, in the spring, was worse on the
tasks the plan went after: invoices, recruitment and information clearly improved by the autumn;
IT services and payroll/HR changed too little to tell; and purchasing, whose new ordering routine
was done in October, clearly got worse. So "did it help?" has every answer to show.
Everything is fixed data or fixed seeds: running the demo twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from surveys.demo import demo_lines
from surveys.models import Municipality, Participant, Survey
from surveys.services import diary_save, survey_create

from .models import ActionItem
from .services import ItemInput, item_create, plan_get_or_create, update_add

BASELINE_SLUG = "demo-varen-2026"
BASELINE_NAME = "Nollmätning våren 2026"
BASELINE_START = dt.date(2026, 3, 16)

# How much more time (factor) and how much worse (shift of the mean function rating) each task was
# in the baseline than in the follow-up. Payroll/HR was about as bad as now; purchasing took half
# the time and worked a good deal better before.
BASELINE_TIME = {
    "invoices": 1.7,
    "it-services": 1.5,
    "recruitment": 1.6,
    "information": 1.3,
    "payroll-hr": 0.8,
    "purchasing": 0.45,
}
BASELINE_FUNCTION = {
    "invoices": -0.9,
    "it-services": -0.8,
    "recruitment": -0.9,
    "information": -0.5,
    "payroll-hr": 0.15,
    "purchasing": 1.0,
}

BUF = "Barn- och utbildningsförvaltningen"
SOC = "Socialförvaltningen"

# The cross-functional groups and their coordinators, by support area.
COORDINATORS = {
    "it": "Karin Öberg (samordnare, IT-gruppen)",
    "finance": "Lars Nilsson (samordnare, Ekonomigruppen)",
    "hr": "Sara Lund (samordnare, Lön- och HR-gruppen)",
    "operations": "Mats Alm (samordnare, Verksamhetsgruppen)",
}

C, D = ActionItem.OwnerLevel.CENTRAL, ActionItem.OwnerLevel.DEPARTMENT
K = ActionItem.Kind
S = ActionItem.Status


class DemoItem(NamedTuple):
    title: str
    description: str
    owner_level: str
    department: str | None
    area: str
    kind: str
    tasks: str
    priority: int
    responsible: str
    start: str | None
    due: str | None
    # (date, new status or "", text), oldest first
    updates: tuple[tuple[str, str, str], ...] = ()


ITEMS = [
    DemoItem(
        title="Processkartläggning och visualisering av fakturaprocessen",
        description="Kartlägg fakturaflödet från ankomst till attest tillsammans med chefer och ekonomer, och visa det "
        "som en bild på intranätet: vem gör vad, när och i vilket system.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.PROCESS,
        tasks="invoices",
        priority=1,
        responsible="Per Sand, ekonomichef",
        start="2026-04-06",
        due="2026-06-30",
        updates=(
            ("2026-04-06", S.PLANNED, "Arbetsgrupp med två förskolechefer, en enhetschef och två ekonomer utsedd."),
            ("2026-04-20", S.IN_PROGRESS, "Två workshoppar hållna; flödet har 14 steg, varav fem är dubbelarbete."),
            ("2026-06-24", S.DONE, "Processkartan publicerad på intranätet och genomgången på chefsträffen."),
        ),
    ),
    DemoItem(
        title="Processkartläggning och visualisering av rekryteringsprocessen",
        description="Från behov till första arbetsdag: kartlägg stegen, vem som ansvarar och vilka mallar som används.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.PROCESS,
        tasks="recruitment",
        priority=1,
        responsible="Eva Moberg, HR-chef",
        start="2026-04-13",
        due="2026-09-30",
        updates=(
            ("2026-04-13", S.PLANNED, "Ingår i Lön- och HR-gruppens plan."),
            ("2026-05-04", S.IN_PROGRESS, "Kartläggning pågår med chefer från båda förvaltningarna."),
            ("2026-09-22", S.DONE, "Visualiseringen klar; rekryteringsstödet hänvisar nu till den."),
        ),
    ),
    DemoItem(
        title="Justera blanketter för anställning och lönetillägg",
        description="Ta bort uppgifter som redan finns i systemen och gör blanketterna ifyllbara digitalt.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.FORMS,
        tasks="payroll-hr recruitment",
        priority=1,
        responsible="Eva Moberg, HR-chef",
        start="2026-04-13",
        due="2026-06-15",
        updates=(
            ("2026-04-27", S.IN_PROGRESS, "Sex blanketter gås igenom; tre kan slås ihop."),
            ("2026-06-12", S.DONE, "Nya blanketter i e-tjänsten. De gamla är borttagna från intranätet."),
        ),
    ),
    DemoItem(
        title="Förenkla rutiner för attest av fakturor",
        description="En attestant per kostnadsställe och fakturor under 2 000 kr attesteras i ett steg.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.ROUTINES,
        tasks="invoices",
        priority=1,
        responsible="Per Sand, ekonomichef",
        start="2026-05-04",
        due="2026-08-31",
        updates=(
            ("2026-05-04", S.IN_PROGRESS, "Attestordningen ses över med revisorerna."),
            ("2026-08-25", S.DONE, "Ny attestordning beslutad och införd i ekonomisystemet."),
        ),
    ),
    DemoItem(
        title="Förtydliga information om vart chefer vänder sig med IT-frågor",
        description="En sida på intranätet: vad servicedesk gör, vad som beställs i e-tjänst och vad förvaltningens "
        "IT-samordnare hjälper till med.",
        owner_level=C,
        department=None,
        area="it",
        kind=K.INFORMATION,
        tasks="it-services",
        priority=2,
        responsible="Jonas Björk, IT-chef",
        start="2026-04-20",
        due="2026-06-30",
        updates=(("2026-06-10", S.DONE, "Sidan publicerad; länk från chefsportalens startsida."),),
    ),
    DemoItem(
        title="Flytta notifieringar från nattetid till dagtid",
        description="Systemens påminnelser och notifieringar till chefer skickas kl. 8–17 i stället för under natten, "
        "och samlas till ett utskick per dag.",
        owner_level=C,
        department=None,
        area="it",
        kind=K.NOTIFICATIONS,
        tasks="it-services information",
        priority=1,
        responsible="Jonas Björk, IT-chef",
        start="2026-05-04",
        due="2026-09-30",
        updates=(
            ("2026-05-04", S.IN_PROGRESS, "Inventering: elva system skickar notifieringar, fyra nattetid."),
            ("2026-09-15", S.DONE, "Alla fyra system är omställda till dagtid."),
        ),
    ),
    DemoItem(
        title="Ett ingångsnummer till IT-servicedesk för chefer",
        description="Chefer får ett eget nummer med förtur, så att ärenden om behörigheter och utrustning går fortare.",
        owner_level=C,
        department=None,
        area="it",
        kind=K.ROUTINES,
        tasks="it-services",
        priority=2,
        responsible="Jonas Björk, IT-chef",
        start="2026-06-01",
        due="2026-12-15",
        updates=(
            ("2026-06-01", S.PLANNED, "Beslut i IT-gruppen."),
            ("2026-09-07", S.IN_PROGRESS, "Telefonin är beställd; bemanningen planeras."),
        ),
    ),
    DemoItem(
        title="Förenkla rutiner för inköp och avrop",
        description="Färre steg vid avrop från ramavtal och en lista över de vanligaste avtalen per verksamhet.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.ROUTINES,
        tasks="purchasing",
        priority=2,
        responsible="Anna Frisk, upphandlingschef",
        start="2026-05-04",
        due="2026-10-31",
        updates=(
            ("2026-05-18", S.IN_PROGRESS, "Avropsrutinen skrivs om."),
            ("2026-10-20", S.DONE, "Ny rutin och avtalslista publicerade."),
        ),
    ),
    DemoItem(
        title="Webbformulär för beställning av behörigheter",
        description="Ett formulär ersätter mejl och blanketter när en ny medarbetare behöver behörigheter.",
        owner_level=C,
        department=None,
        area="it",
        kind=K.FORMS,
        tasks="it-services",
        priority=2,
        responsible="Jonas Björk, IT-chef",
        start="2026-08-17",
        due="2027-02-28",
        updates=(("2026-08-17", S.IN_PROGRESS, "Formuläret byggs i e-tjänsteplattformen."),),
    ),
    DemoItem(
        title="Färre manuella steg i lönesystemet för frånvaro och tidrapportering",
        description="Systeminställningar: förifyllda scheman och automatisk attest av ordinarie tid.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.NOTIFICATIONS,
        tasks="payroll-hr",
        priority=1,
        responsible="Lönechef Ulf Rask",
        start="2026-06-01",
        due="2026-10-31",
        updates=(
            ("2026-06-01", S.PLANNED, "Leverantören har fått kravlistan."),
            ("2026-09-01", S.IN_PROGRESS, "Leverantörens uppdatering försenad till december."),
        ),
    ),
    DemoItem(
        title="Mallar för budgetuppföljning per enhet",
        description="En gemensam mall så att uppföljningen inte görs i egna kalkylark.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.FORMS,
        tasks="budget",
        priority=3,
        responsible="Per Sand, ekonomichef",
        start="2026-09-01",
        due="2027-03-31",
        updates=(("2026-09-01", S.PLANNED, "Tas fram inför budgetåret 2027."),),
    ),
    DemoItem(
        title="Tydligare information på intranätet om lönefrågor",
        description="Svar på de vanligaste frågorna om lön, frånvaro och tillägg, samlade på ett ställe.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.INFORMATION,
        tasks="payroll-hr",
        priority=2,
        responsible="Lönechef Ulf Rask",
        start="2026-05-18",
        due="2026-08-31",
        updates=(("2026-08-28", S.DONE, "Frågor och svar publicerade."),),
    ),
    DemoItem(
        title="HR-partner per förvaltning med fasta tider för chefer",
        description="Varje förvaltning får en namngiven HR-partner med fasta telefontider.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.ROUTINES,
        tasks="payroll-hr recruitment",
        priority=2,
        responsible="Eva Moberg, HR-chef",
        start="2026-09-01",
        due="2027-01-31",
        updates=(("2026-09-01", S.IN_PROGRESS, "HR-partner utsedd för Socialförvaltningen; BUF rekryteras."),),
    ),
    DemoItem(
        title="Samla leverantörer i färre avtal",
        description="Förslag från chefer: färre leverantörer av förbrukningsmaterial.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.OTHER,
        tasks="purchasing",
        priority=3,
        responsible="",
        start=None,
        due=None,
    ),
    DemoItem(
        title="Automatisk kontering av återkommande fakturor",
        description="Systeminställning: hyror, licenser och abonnemang konteras automatiskt.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.NOTIFICATIONS,
        tasks="invoices",
        priority=2,
        responsible="Per Sand, ekonomichef",
        start="2026-10-01",
        due="2027-04-30",
        updates=(("2026-10-01", S.PLANNED, "Ingår i ekonomisystemets uppgradering."),),
    ),
    DemoItem(
        title="Introduktion i ekonomisystemet för nya chefer",
        description="En halvdag om fakturor, attest och uppföljning under chefers första månad.",
        owner_level=C,
        department=None,
        area="finance",
        kind=K.INFORMATION,
        tasks="invoices budget",
        priority=3,
        responsible="Lars Nilsson, controller",
        start="2027-01-11",
        due="2027-03-31",
        updates=(("2026-10-12", S.PLANNED, "Första tillfället i januari."),),
    ),
    DemoItem(
        title="Kartlägga rutinen för anmälan av tillbud",
        description="Chefer upplever att samma uppgifter skrivs in på flera ställen.",
        owner_level=C,
        department=None,
        area="operations",
        kind=K.PROCESS,
        tasks="documentation",
        priority=3,
        responsible="",
        start=None,
        due=None,
    ),
    DemoItem(
        title="Avveckla dubbelregistrering av scheman",
        description="Scheman registreras i både bemannings- och lönesystemet.",
        owner_level=C,
        department=None,
        area="hr",
        kind=K.NOTIFICATIONS,
        tasks="payroll-hr",
        priority=2,
        responsible="Lönechef Ulf Rask",
        start="2026-04-20",
        due="2026-06-30",
        updates=(
            ("2026-04-20", S.PLANNED, "Utredning startad."),
            ("2026-06-15", S.DROPPED, "Avbruten: löses när det nya schemasystemet införs 2027."),
        ),
    ),
    DemoItem(
        title="Administrativ assistent delas mellan förskolorna",
        description="En assistent tar fakturor, beställningar och information för tre förskolor.",
        owner_level=D,
        department=BUF,
        area="operations",
        kind=K.ROUTINES,
        tasks="invoices purchasing information",
        priority=1,
        responsible="Maria Holm, verksamhetschef förskola",
        start="2026-08-17",
        due="2026-12-31",
        updates=(("2026-08-17", S.IN_PROGRESS, "Assistenten började den 17 augusti; utvärderas i december."),),
    ),
    DemoItem(
        title="Gemensam mall för brev till vårdnadshavare",
        description="Färdiga mallar för de vanligaste breven, på flera språk.",
        owner_level=D,
        department=BUF,
        area="operations",
        kind=K.FORMS,
        tasks="letters",
        priority=3,
        responsible="Maria Holm, verksamhetschef förskola",
        start="2026-05-04",
        due="2026-06-30",
        updates=(("2026-06-22", S.DONE, "Mallarna finns i dokumentarkivet."),),
    ),
    DemoItem(
        title="Förtydliga information om rekrytering av vikarier i förskolan",
        description="Hur man hittar, bokar och introducerar vikarier, steg för steg.",
        owner_level=D,
        department=BUF,
        area="hr",
        kind=K.INFORMATION,
        tasks="recruitment",
        priority=2,
        responsible="Maria Holm, verksamhetschef förskola",
        start="2026-06-01",
        due="2026-09-30",
        updates=(
            ("2026-06-01", S.IN_PROGRESS, "Texten skrivs med bemanningsenheten."),
            ("2026-09-10", S.DONE, "Publicerad och skickad till alla förskolechefer."),
        ),
    ),
    DemoItem(
        title="Fasta tider för IT-support på förskolorna",
        description="IT-samordnaren besöker varje förskola varannan vecka.",
        owner_level=D,
        department=BUF,
        area="it",
        kind=K.ROUTINES,
        tasks="it-services",
        priority=2,
        responsible="Ola Lind, IT-samordnare BUF",
        start="2026-09-01",
        due="2026-10-31",
        updates=(("2026-09-01", S.IN_PROGRESS, "Schema för besöken klart för hösten; två förskolor återstår."),),
    ),
    DemoItem(
        title="Planeringsdagar utan administrativa utskick",
        description="Förslag: inga utskick som kräver svar under verksamhetens planeringsdagar.",
        owner_level=D,
        department=BUF,
        area="operations",
        kind=K.ROUTINES,
        tasks="planning information",
        priority=3,
        responsible="",
        start=None,
        due=None,
    ),
    DemoItem(
        title="Processkartläggning av inköp av hjälpmedel i hemtjänsten",
        description="Kartlägg och visualisera flödet från behov till leverans.",
        owner_level=D,
        department=SOC,
        area="finance",
        kind=K.PROCESS,
        tasks="purchasing",
        priority=2,
        responsible="Lena Åkesson, enhetschef hemtjänst",
        start="2026-09-14",
        due="2027-01-31",
        updates=(("2026-09-14", S.IN_PROGRESS, "Första workshoppen hållen."),),
    ),
    DemoItem(
        title="Justera blanketter för schemaändringar",
        description="En blankett i stället för tre, ifyllbar i mobilen.",
        owner_level=D,
        department=SOC,
        area="hr",
        kind=K.FORMS,
        tasks="payroll-hr",
        priority=2,
        responsible="Lena Åkesson, enhetschef hemtjänst",
        start="2026-05-18",
        due="2026-07-31",
        updates=(("2026-07-20", S.DONE, "Ny blankett i bruk i hela förvaltningen."),),
    ),
    DemoItem(
        title="Förenkla rutinen för dokumentation vid larm",
        description="Dokumentationen görs en gång, i verksamhetssystemet.",
        owner_level=D,
        department=SOC,
        area="operations",
        kind=K.ROUTINES,
        tasks="documentation",
        priority=2,
        responsible="Lena Åkesson, enhetschef hemtjänst",
        start="2026-10-05",
        due="2027-02-28",
        updates=(("2026-10-05", S.PLANNED, "Startar efter årsskiftet."),),
    ),
    DemoItem(
        title="Flytta systemmeddelanden i verksamhetssystemet till dagtid",
        description="Förvaltningens eget verksamhetssystem skickar påminnelser nattetid.",
        owner_level=D,
        department=SOC,
        area="it",
        kind=K.NOTIFICATIONS,
        tasks="information it-services",
        priority=2,
        responsible="Ingrid Falk, enhetschef",
        start="2026-06-01",
        due="2026-07-31",
        updates=(("2026-06-08", S.DROPPED, "Avbruten: ingår i den centrala åtgärden om notifieringar."),),
    ),
    DemoItem(
        title="Budgetuppföljning med ekonom en gång i månaden",
        description="Förslag: fasta avstämningar i stället för egna uppföljningar.",
        owner_level=D,
        department=SOC,
        area="finance",
        kind=K.ROUTINES,
        tasks="budget",
        priority=3,
        responsible="",
        start="2027-01-11",
        due="2027-06-30",
    ),
]


def _at(date: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(date), dt.time(hour)))


def _baseline_round(municipality: Municipality, followup: Survey) -> Survey:
    """The spring round, with the same managers as the autumn one and all their days submitted."""
    baseline = Survey.objects.filter(slug=BASELINE_SLUG).first()
    if baseline is not None:
        return baseline
    baseline = survey_create(
        slug=BASELINE_SLUG,
        name=BASELINE_NAME,
        municipality=municipality,
        start_date=BASELINE_START,
        end_date=BASELINE_START + dt.timedelta(days=4),
        status=Survey.Status.OPEN,  # diaries are written while a round is open
    )
    tasks = {task.code: task for task in baseline.tasks.order_by("order")}
    for source in followup.participants.order_by("number"):
        participant = Participant.objects.create(
            survey=baseline, number=source.number, user=source.user, unit=source.unit
        )
        for index, date in enumerate(baseline.weekdays()):
            lines = demo_lines(
                source.number,
                index,
                tasks,
                baseline.hours_per_day,
                seed="baseline-",
                time_factors=BASELINE_TIME,
                function_shifts=BASELINE_FUNCTION,
            )
            diary_save(participant=participant, date=date, lines=lines, submit=True)
    baseline.status = Survey.Status.CLOSED
    baseline.save(update_fields=["status"])
    return baseline


def seed_action_plan(sender, *, municipality: Municipality, survey: Survey, **kwargs) -> None:
    """Receiver of `surveys.demo.demo_seeded`: the baseline round and the plan that came from it."""
    baseline = _baseline_round(municipality, survey)
    plan = plan_get_or_create(municipality=municipality)
    admin = get_user_model().objects.filter(username="admin").first()
    departments = {department.name: department for department in municipality.departments.all()}
    existing = set(plan.items.values_list("number", flat=True))
    for number, spec in enumerate(ITEMS, start=1):
        if number in existing:
            continue
        item = item_create(
            plan=plan,
            data=ItemInput(
                number=number,
                title=spec.title,
                description=spec.description,
                owner_level=spec.owner_level,
                department=departments[spec.department] if spec.department else None,
                area=spec.area,
                kind=spec.kind,
                status=ActionItem.Status.PROPOSED,
                priority=spec.priority,
                responsible=spec.responsible,
                coordinator=COORDINATORS[spec.area],
                start_date=dt.date.fromisoformat(spec.start) if spec.start else None,
                due_date=dt.date.fromisoformat(spec.due) if spec.due else None,
                tasks=spec.tasks.split(),
                survey=baseline,
            ),
            by=admin,
        )
        # The plan was drawn up after the baseline's report, in early April.
        item.history.update(history_date=_at("2026-04-02", 9))
        for date, status, text in spec.updates:
            update_add(item=item, author=admin, text=text, status=status, at=_at(date))
