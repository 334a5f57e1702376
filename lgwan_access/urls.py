from django.urls import path

from lgwan_access import api_tokens_views, views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
    # --- API tokens (the staff API's per-user tokens) ---
    path("api-tokens/", api_tokens_views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", api_tokens_views.api_token_revoke_view, name="api_token_revoke"),
]
