"""Public-schema models: municipalities (tenants), their domains, users and memberships."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import connections, models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_tenants.clone import CloneSchema
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import get_creation_fakes_migrations, get_tenant_database_alias, schema_exists

from .languages import DEFAULT_LANGUAGE, LocalizedText, TranslatedText

COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class SlotLength(models.IntegerChoices):
    MIN_60 = 60, _("60 minutes")
    MIN_30 = 30, _("30 minutes")
    MIN_20 = 20, _("20 minutes")
    MIN_15 = 15, _("15 minutes")
    MIN_10 = 10, _("10 minutes")


class MunicipalityQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(kind=Municipality.Kind.CITY)


class Municipality(TenantMixin):
    """A city on the platform; its schema holds all of its own data."""

    class Kind(models.TextChoices):
        CITY = "city", _("Municipality")
        PLATFORM = "platform", _("Platform (public schema)")
        TEMPLATE = "template", _("Template for new municipalities")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CITY)
    name = models.CharField(_("official name (Japanese)"), max_length=100)
    display_names = models.JSONField(
        _("display names by language"), default=dict, blank=True,
        help_text=_("Name shown to citizens in each enabled language; Japanese falls back to the official name."),
    )
    enabled_languages = ArrayField(models.CharField(max_length=8), default=list)
    default_slot_minutes = models.PositiveSmallIntegerField(choices=SlotLength.choices, default=SlotLength.MIN_30)
    time_zone = models.CharField(max_length=64, default="Asia/Tokyo")
    primary_colour = models.CharField(max_length=7, default="#1d4e89", validators=[COLOUR_VALIDATOR])
    accent_colour = models.CharField(max_length=7, default="#c8102e", validators=[COLOUR_VALIDATOR])
    logo = models.FileField(upload_to="logos/", blank=True)
    contact_phone = models.CharField(_("citizen contact number"), max_length=32, blank=True)
    call_centre_phone = models.CharField(_("call centre number"), max_length=32, blank=True)
    contact_email = models.EmailField(blank=True)
    # --- booking policy (OPS-5, OPS-8, WEB-2, WEB-4, WEB-11, WEB-15) --------------------------
    places_selectable = models.BooleanField(
        _("citizens choose the place"), default=False,
        help_text=_("Otherwise a notice is booked at the ward office of its ward (WEB-4)."),
    )
    slot_horizon_days = models.PositiveSmallIntegerField(_("slots are opened this many days ahead"), default=90)
    booking_opens_days = models.PositiveSmallIntegerField(_("bookable up to this many days ahead"), default=45)
    booking_closes_hours = models.PositiveSmallIntegerField(
        _("booking closes this many hours before the slot"), default=24)
    change_closes_hours = models.PositiveSmallIntegerField(
        _("citizens may change or cancel until this many hours before the slot"), default=24)
    notice_number_pattern = models.CharField(
        _("notice number pattern (after normalisation)"), max_length=100, default=r"^[A-Z0-9]{3}[0-9]{6}$",
        help_text=_("Regular expression the normalised notice number must match, e.g. AB1234567."),
    )
    class LoginSecret(models.TextChoices):
        DAY = "day", _("Day of birth")
        MONTH_DAY = "month_day", _("Month and day of birth")

    login_secret = models.CharField(_("what citizens enter besides the notice number"), max_length=12,
                                    choices=LoginSecret.choices, default=LoginSecret.DAY)
    login_failure_limit = models.PositiveSmallIntegerField(_("failed logins before a notice locks"), default=3)
    login_lock_hours = models.PositiveSmallIntegerField(
        _("a locked notice unlocks by itself after this many hours (0: only staff unlock)"), default=24)
    email_required = models.BooleanField(_("citizens must give an e-mail address"), default=False)
    personal_data_retention_days = models.PositiveSmallIntegerField(
        _("days after handover before names, birth dates and e-mail addresses are erased"), default=90,
        help_text=_("Data minimisation (SEC-10): what statistics and billing need is kept."),
    )
    lgwan_networks = ArrayField(
        models.CharField(max_length=49), default=list, blank=True, verbose_name=_("LGWAN address ranges"),
        help_text=_("CIDR ranges (e.g. 10.20.0.0/16) from which the staff console and staff API answer (SEC-8)."),
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    suspended_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False
    build_by_migrations = False  # set on an instance to skip cloning (benchmarks)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_slot_minutes__in=[60, 30, 20, 15, 10]),
                name="municipality_slot_length_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    def get_base_schema(self):
        if self.build_by_migrations:
            return False
        return super().get_base_schema()

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the template schema, data included: its django_migrations rows come along.

        django-tenants would then run `migrate_schemas --fake` to record migrations the clone
        already recorded; skipping it halves the time a new city takes to go live.
        """
        base = self.get_base_schema() if get_creation_fakes_migrations() else False
        if not (sync_schema and base and schema_exists(base)):
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        _check_schema_name(self.schema_name)
        CloneSchema().clone_schema(base, self.schema_name, "DATA")
        connections[get_tenant_database_alias()].set_schema_to_public()
        return True

    def display_name(self, language: str | None = None) -> str:
        return self.localized_name(language).text

    def localized_name(self, language: str | None = None) -> LocalizedText:
        return TranslatedText(self.display_names, fallback=self.name).resolve(language)

    def languages(self) -> list[str]:
        return list(self.enabled_languages or [DEFAULT_LANGUAGE])


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")


class User(AbstractUser):
    """One identity for the whole platform; what a user may do in a city comes from memberships."""

    is_platform_admin = models.BooleanField(_("platform administrator"), default=False)
    language_skills = ArrayField(
        models.CharField(max_length=8), default=list, blank=True,
        help_text=_("Languages an operator can take calls in."),
    )
    preferred_language = models.CharField(max_length=8, default=DEFAULT_LANGUAGE)
    # raised by "log out everywhere": every session signed with the previous value is void
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("user")

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password hash, with the session epoch once it was raised.

        Epoch 0 gives Django's own value, so sessions opened before this field existed stay valid.
        """
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Role(models.TextChoices):
    STAFF_ADMIN = "staff_admin", _("Municipal staff administrator")
    STAFF = "staff", _("Municipal staff")
    OPERATOR = "operator", _("Call-centre operator")
    OPERATOR_SUPERVISOR = "operator_supervisor", _("Call-centre supervisor")


STAFF_ROLES = frozenset({Role.STAFF_ADMIN.value, Role.STAFF.value})
OPERATOR_ROLES = frozenset({Role.OPERATOR.value, Role.OPERATOR_SUPERVISOR.value})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=24, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="one_membership_per_user_and_city"),
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality.schema_name}: {self.role}"


class PlatformAuditEntry(models.Model):
    """Who changed which city, user or membership, when, how and why (SEC-9, public schema)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=48)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="audit_entries")
    subject_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("platform audit entry")
        verbose_name_plural = _("platform audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class LoginThrottle(models.Model):
    """Password attempts per account or per client address within a window (tenants.services.login_throttle).

    `key` is a keyed hash ("account:…" or "address:…"): neither names nor addresses are stored.
    """

    key = models.CharField(max_length=80, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("login throttle")
