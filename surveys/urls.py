from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("<slug:slug>/<str:date>/", views.day, name="day"),
]
