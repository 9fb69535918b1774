from django.urls import path

from . import views

app_name = "actionplan"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:plan_id>/", views.plan, name="plan"),
    path("<int:plan_id>/tavla/", views.board, name="board"),
    path("<int:plan_id>/oversikt/", views.overview, name="overview"),
    path("<int:plan_id>/effekt/", views.effect, name="effect"),
    path("ny/", views.item_new, name="item_new"),
    path("atgard/<int:pk>/", views.item, name="item"),
    path("atgard/<int:pk>/andra/", views.item_edit, name="item_edit"),
    path("atgard/<int:pk>/lagesrapport/", views.update_add, name="update_add"),
    path("uppgift/<slug:slug>/<slug:code>/", views.task, name="task"),
]
