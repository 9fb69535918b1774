"""Every URL of the surveys app, in the namespace "surveys". Names are stable; templates and other
apps reverse them, e.g. {% url 'surveys:participants' survey.slug %}.

    /dagbok/<slug>/<date>/                              surveys:day                 the manager's day (surveys/urls.py)
    /omgangar/                                          surveys:rounds              rounds of my municipalities
    /omgangar/<slug>/                                   surveys:round               a round's progress
    /omgangar/<slug>/stang/                             surveys:round_close         POST
    /omgangar/<slug>/oppna-igen/                        surveys:round_reopen        POST
    /omgangar/<slug>/deltagare/                         surveys:participants        the pseudonym key (?show=)
    /omgangar/<slug>/deltagare/ny/                      surveys:participant_add
    /omgangar/<slug>/deltagare/bjud-in/                 surveys:invitations_send    POST
    /omgangar/<slug>/deltagare/paminn/                  surveys:reminders_send      POST
    /omgangar/<slug>/deltagare/las-in/                  surveys:enrol               upload, preview, confirm
    /omgangar/<slug>/deltagare/las-in/mall.csv          surveys:enrol_template
    /omgangar/<slug>/deltagare/las-in/fran/<earlier>.csv surveys:enrol_earlier      an earlier round's people as a file
    /omgangar/<slug>/deltagare/<number>/                surveys:participant         unit, days
    /omgangar/<slug>/deltagare/<number>/ta-bort/        surveys:participant_remove  POST
    /omgangar/<slug>/deltagare/<number>/oppna-dag/      surveys:day_reopen          POST
    /omgangar/<slug>/blankett/                          surveys:paper_form          the blank paper form, to print
    /omgangar/<slug>/mata-in/                           surveys:key_pick            pick a paper form to key in
    /omgangar/<slug>/mata-in/<number>/<date>/           surveys:key_day             key in one paper form
    /omgangar/<slug>/las-in-dagbok/                     surveys:diary_upload        upload, preview, confirm
    /konton/                                            surveys:accounts
    /konton/ny/                                         surveys:account_create
    /konton/<pk>/                                       surveys:account_edit
    /konton/<pk>/las-upp/                               surveys:account_unlock      POST, lift a sign-in lockout
    /konton/<pk>/data.json                              surveys:person_export       everything stored about a person
    /konton/<pk>/radera/                                surveys:person_erase        confirm, POST
    /konton/logg/                                       surveys:audit_log           the audit trail, with filters

Mounted at the site's root by mio/urls.py. The manager's pages keep their own module, included here
under /dagbok/, so that one namespace covers the app.
"""

from django.urls import include, path

from . import urls as diary_urls
from . import views_keying, views_lockout, views_paper, views_people
from . import views_rounds as views

app_name = "surveys"

participant_patterns = [
    path("", views.participant, name="participant"),
    path("ta-bort/", views.participant_delete, name="participant_remove"),
    path("oppna-dag/", views.day_reopen, name="day_reopen"),
]

round_patterns = [
    path("", views.survey_round, name="round"),
    path("stang/", views.round_close, name="round_close"),
    path("oppna-igen/", views.round_reopen, name="round_reopen"),
    path("deltagare/", views.participants, name="participants"),
    path("deltagare/ny/", views.participant_add, name="participant_add"),
    path("deltagare/bjud-in/", views.invitations_send, name="invitations_send"),
    path("deltagare/paminn/", views.reminders_send, name="reminders_send"),
    path("deltagare/las-in/", views.enrol, name="enrol"),
    path("deltagare/las-in/mall.csv", views.enrol_template, name="enrol_template"),
    path("deltagare/las-in/fran/<slug:earlier>.csv", views.enrol_earlier, name="enrol_earlier"),
    path("deltagare/<int:number>/", include(participant_patterns)),
    path("blankett/", views_paper.paper_form, name="paper_form"),
    path("mata-in/", views_keying.key_pick, name="key_pick"),
    path("mata-in/<int:number>/<str:date>/", views_keying.key_day, name="key_day"),
    path("las-in-dagbok/", views_keying.diary_upload, name="diary_upload"),
]

urlpatterns = [
    path("dagbok/", include(diary_urls.urlpatterns)),
    path("omgangar/", views.rounds, name="rounds"),
    path("omgangar/<slug:slug>/", include(round_patterns)),
    path("konton/", views.accounts, name="accounts"),
    path("konton/ny/", views.account_new, name="account_create"),
    path("konton/<int:pk>/", views.account_edit, name="account_edit"),
    path("konton/<int:pk>/las-upp/", views_lockout.account_unlock, name="account_unlock"),
    path("konton/<int:pk>/data.json", views_people.person_export, name="person_export"),
    path("konton/<int:pk>/radera/", views_people.person_erase, name="person_erase"),
    path("konton/logg/", views_people.audit_log, name="audit_log"),
]
