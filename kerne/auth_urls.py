"""Sign-in, sign-out and password change at the stable /accounts/ paths."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kerne import auth_views as sign_in
from kerne import oidc
from kerne.forms import DkfdsPasswordChangeForm

urlpatterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("login/kode/", sign_in.code_step, name="login_kode"),
    path("login/godkendelses-app/", sign_in.totp_enrol, name="totp_opsaet"),
    # OpenID Connect: answer 404 while the client is switched off (the default).
    path("oidc/login/", oidc.StaffSignInStartView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.StaffCallbackView.as_view(), name="oidc_callback"),
    path("mitid/login/", oidc.MitIdSignInStartView.as_view(), name="mitid_login"),
    path("mitid/callback/", oidc.MitIdCallbackView.as_view(), name="mitid_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=DkfdsPasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
