from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mio import errors, pages, sessions
from surveys import views as survey_views
from surveys.forms import SigninLinkForm

urlpatterns = [
    path("", survey_views.home, name="home"),
    # The diary (/dagbok/), rounds (/omgangar/) and accounts (/konton/), all in the namespace "surveys".
    path("", include("surveys.urls_rounds")),
    path("analys/", include("analysis.urls")),
    path("konto/logga-in/", auth_views.LoginView.as_view(extra_context={"link_form": SigninLinkForm()}), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/lank/", survey_views.signin_link, name="signin_link"),
    path("konto/lank/skicka/", survey_views.signin_request, name="signin_request"),
    path("konto/aktiv/", sessions.keep_alive, name="keep_alive"),
    path("integritet/", pages.privacy, name="privacy"),
    path("tillganglighet/", pages.accessibility, name="accessibility"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# The action plan is optional: without it in INSTALLED_APPS the diary and the analysis work on their own.
if apps.is_installed("actionplan"):
    urlpatterns.append(path("atgardsplan/", include("actionplan.urls")))

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
