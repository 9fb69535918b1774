from django.urls import path

from . import views

app_name = "actionplan"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:plan_id>/", views.plan, name="plan"),
    path("<int:plan_id>/tavla/", views.board, name="board"),
    path("<int:plan_id>/oversikt/", views.overview, name="overview"),
    path("<int:plan_id>/oversikt/diagram.svg", views.overview_chart, name="overview_chart"),
    path("<int:plan_id>/effekt/", views.effect, name="effect"),
    path("<int:plan_id>/effekt/diagram.svg", views.effect_chart, name="effect_chart"),
    path("ny/", views.item_new, name="item_new"),
    path("atgard/<int:pk>/", views.item, name="item"),
    path("atgard/<int:pk>/diagram.svg", views.item_chart, name="item_chart"),
    path("atgard/<int:pk>/andra/", views.item_edit, name="item_edit"),
    path("atgard/<int:pk>/lagesrapport/", views.update_add, name="update_add"),
    path("uppgift/<slug:slug>/<slug:code>/", views.task, name="task"),
]
