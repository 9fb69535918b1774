from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from surveys import views as survey_views

urlpatterns = [
    path("", survey_views.home, name="home"),
    path("dagbok/", include("surveys.urls")),
    path("atgardsplan/", include("actionplan.urls")),
    path("analys/", include("analysis.urls")),
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
