from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.index, name="index"),
    path("min-profil/", views.my_profiles, name="my_profiles"),
    path("jamfor-omgangar/", views.rounds, name="rounds"),
    path("jamfor-omgangar/rounds.<slug:fmt>", views.rounds_export, name="rounds_export"),
    path("jamfor-omgangar/diagram.svg", views.rounds_chart, name="rounds_chart"),
    path("omgangar/<slug:slug>/", views.dashboard, name="dashboard"),
    path("omgangar/<slug:slug>/enheter.json", views.unit_search, name="unit_search"),
    path("omgangar/<slug:slug>/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("omgangar/<slug:slug>/diagram/<slug:chart>.svg", views.dashboard_chart, name="dashboard_chart"),
    path("omgangar/<slug:slug>/jamfor/", views.compare, name="compare"),
    path("omgangar/<slug:slug>/jamfor/chefer.json", views.compare_search, name="compare_search"),
    path("omgangar/<slug:slug>/jamfor/comparison.<slug:fmt>", views.compare_export, name="compare_export"),
    path("omgangar/<slug:slug>/jamfor/diagram/<slug:chart>.svg", views.compare_chart, name="compare_chart"),
    path("omgangar/<slug:slug>/min-profil/", views.profile, name="profile"),
    path("omgangar/<slug:slug>/min-profil/diagram.svg", views.profile_chart, name="profile_chart"),
]
