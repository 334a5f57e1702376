"""A read-only look at a municipality's booking data for its staff (Django admin inside the tenant).

Every write goes through the booking services (audit trail, slot regeneration), so this site
never writes: staff search, filter and read here; changes come through the staff console.
"""
from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _

from booking import models as booking
from tenants.access import access_has_role
from tenants.models import STAFF_ROLES


class StaffDataSite(admin.AdminSite):
    site_header = _("Booking data (read only)")
    site_title = _("Booking data")
    index_title = _("Booking data")
    site_url = "/staff/"

    def has_permission(self, request):
        return access_has_role(request.user, getattr(request, "tenant", None), STAFF_ROLES)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


site = StaffDataSite(name="staff_data")


@admin.register(booking.Ward, site=site)
class WardAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sort_order")


@admin.register(booking.Place, site=site)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "citizen_selectable", "is_active")


@admin.register(booking.OpeningRule, site=site)
class OpeningRuleAdmin(ReadOnlyAdmin):
    list_display = ("place", "weekday", "opens_at", "closes_at", "slot_minutes", "capacity")
    list_filter = ("place", "weekday")


@admin.register(booking.CalendarException, site=site)
class CalendarExceptionAdmin(ReadOnlyAdmin):
    list_display = ("date", "place", "kind", "opens_at", "closes_at", "slot_minutes", "capacity", "note")
    list_filter = ("place", "kind")


@admin.register(booking.Slot, site=site)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ("place", "starts_at", "ends_at", "capacity", "booked")
    list_filter = ("place",)
    date_hierarchy = "starts_at"


@admin.register(booking.Notice, site=site)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "ward", "default_place", "status", "mailed_on", "expires_on")
    list_filter = ("status", "ward")
    search_fields = ("number",)
    exclude = ("birth_day", "birth_month")  # the citizen's login secret is not for display


@admin.register(booking.Card, site=site)
class CardAdmin(ReadOnlyAdmin):
    list_display = ("notice", "serial", "status", "arrived_on", "batch", "box", "position")
    exclude = ("name_kanji", "name_kana", "birth_date")  # personal data is shown where a task needs it
    search_fields = ("notice__number", "serial")


@admin.register(booking.Reservation, site=site)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("code", "notice", "slot", "channel", "status", "created_at")
    list_filter = ("status", "channel", "slot__place")
    search_fields = ("code", "notice__number")
    list_select_related = ("notice", "slot", "slot__place")


@admin.register(booking.AuditEntry, site=site)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "channel", "actor_kind", "actor_label", "notice", "reservation")
    list_filter = ("action", "channel", "actor_kind")
    search_fields = ("notice__number", "reservation__code")
