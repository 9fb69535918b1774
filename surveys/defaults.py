"""The default task template: the rows of the paper form (codes are part of the file format)."""

from __future__ import annotations

from typing import NamedTuple

from .models import Area


class TemplateTask(NamedTuple):
    code: str
    label: str
    label_en: str
    area: str
    asks_to_specify: bool = False


class TemplateCategory(NamedTuple):
    name: str
    name_en: str
    tasks: list[TemplateTask]


DEFAULT_TEMPLATE: list[TemplateCategory] = [
    TemplateCategory(
        "Direkt arbete med barn/vårdnadshavare",
        "Direct work with children/guardians",
        [
            TemplateTask(
                "direct-meeting",
                "Direkt möte med barn/vårdnadshavare öga mot öga",
                "Face-to-face meetings with children/guardians",
                Area.OPERATIONS,
            ),
            TemplateTask(
                "direct-phone",
                "Telefonkontakt med barn/vårdnadshavare",
                "Phone contact with children/guardians",
                Area.OPERATIONS,
            ),
            TemplateTask(
                "direct-mail",
                "Mailkontakt med anhörig/närstående",
                "E-mail contact with relatives",
                Area.OPERATIONS,
            ),
            TemplateTask("direct-other", "Annat (specificera)", "Other (specify)", Area.OPERATIONS, True),
        ],
    ),
    TemplateCategory(
        "Indirekt arbete med barn/vårdnadshavare",
        "Indirect work with children/guardians",
        [
            TemplateTask("documentation", "Dokumentation", "Documentation", Area.OPERATIONS),
            TemplateTask(
                "planning",
                "Planering och uppföljning av verksamheten",
                "Planning and follow-up of the operation",
                Area.OPERATIONS,
            ),
            TemplateTask(
                "letters",
                "Brevutskick/mailkontakt till vårdnadshavare",
                "Letters/e-mail to guardians",
                Area.OPERATIONS,
            ),
            TemplateTask("indirect-other", "Annat (specificera)", "Other (specify)", Area.OPERATIONS, True),
        ],
    ),
    TemplateCategory(
        "Övriga arbetsuppgifter",
        "Other tasks",
        [
            TemplateTask("invoices", "Ekonomi: fakturahantering", "Finance: invoice handling", Area.FINANCE),
            TemplateTask("budget", "Ekonomi: budget, uppföljning", "Finance: budget, follow-up", Area.FINANCE),
            TemplateTask("purchasing", "Ekonomi: inköp, upphandling", "Finance: purchasing, procurement", Area.FINANCE),
            TemplateTask(
                "information",
                "Information: e-post, telefon, webb (specificera)",
                "Information: e-mail, phone, web (specify)",
                Area.OPERATIONS,
                True,
            ),
            TemplateTask(
                "it-services",
                "IT: beställningar, bokningar, servicedesk",
                "IT: orders, bookings, service desk",
                Area.IT,
            ),
            TemplateTask("recruitment", "Lön och HR: rekrytering", "Payroll and HR: recruitment", Area.HR),
            TemplateTask(
                "payroll-hr",
                "Lön och HR: lön, schema, frånvaro",
                "Payroll and HR: pay, schedules, absence",
                Area.HR,
            ),
            TemplateTask("other", "Annat (specificera)", "Other (specify)", Area.OPERATIONS, True),
        ],
    ),
]
