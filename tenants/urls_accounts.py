from django.urls import path

from tenants.views import accounts

app_name = "accounts"
urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("logout-everywhere/", accounts.logout_everywhere, name="logout_everywhere"),
    path("password/done/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", accounts.home, name="home"),
]
