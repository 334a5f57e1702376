"""Alerting while the database itself is gone (SEC-4 when nothing can be written).

After every good round the monitor keeps a copy of the platform's on-call policy in a private
file beside the status snapshot. When the database cannot be reached for OPERATIONS_FAIL_AFTER
rounds in a row, the people of that copy are mailed and called at the policy's interval for as
long as it lasts (acknowledging needs the database, so it cannot stop them). When the database
answers again, they hear so by mail, and the outage is recorded as an incident opened when it
began and resolved now, so the console and the status page keep it.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kernel.mail import send_templated_mail
from kernel.sites import site_url
from operations.channels import telephony
from operations.models import EscalationPolicy, Incident, IncidentUpdate, Severity, UpdateStatus

logger = logging.getLogger("operations.monitor")
TOKYO = ZoneInfo("Asia/Tokyo")


def copy_path() -> Path:
    return Path(settings.OPERATIONS_STATUS_SNAPSHOT).parent / "on-call.json"


class FallbackAlerts:
    def __init__(self):
        self.failures = 0
        self.down_since: dt.datetime | None = None
        self.detail = ""
        self.alerted_at: dt.datetime | None = None
        self.rounds = 0

    # --- while the database answers ------------------------------------------------------------
    def keep_copy(self) -> None:
        policy = EscalationPolicy.objects.filter(scope="").prefetch_related("contacts").first()
        if policy is None:
            return
        data = {"repeat_minutes": policy.repeat_minutes, "contacts": [
            {"name": c.name, "email": c.email, "phone": c.phone, "language": c.language, "by_mail": c.by_mail,
             "by_phone": c.by_phone, "after_minutes": c.after_minutes} for c in policy.contacts.all()]}
        path = copy_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".on-call-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:  # mkstemp: readable by this user only
            json.dump(data, file, ensure_ascii=False)
        os.replace(temporary, path)

    def database_back(self, *, now: dt.datetime) -> Incident | None:
        if self.down_since is None:
            self.failures = 0
            return None
        incident = None
        if self.rounds:
            incident = Incident.objects.create(  # resolved already: the one-open-per-check rule is not touched
                check_name="database_primary", scope="", component="database", severity=Severity.MAJOR,
                opened_at=self.down_since, detail=self.detail, resolved_at=now)
            IncidentUpdate.objects.bulk_create([
                IncidentUpdate(incident=incident, created_at=self.down_since, status=UpdateStatus.INVESTIGATING,
                               message_key="detected"),
                IncidentUpdate(incident=incident, created_at=now, status=UpdateStatus.RESOLVED,
                               message_key="recovered"),
            ])
            self._notify(now=now, recovered=True)
        logger.warning("monitor: the database answers again (down since %s)", self.down_since)
        self.failures, self.down_since, self.alerted_at, self.rounds = 0, None, None, 0
        return incident

    # --- while it does not --------------------------------------------------------------------------
    def database_down(self, *, now: dt.datetime, detail: str) -> int:
        self.failures += 1
        self.detail = detail
        if self.down_since is None:
            self.down_since = now
        if self.failures < settings.OPERATIONS_FAIL_AFTER:
            return 0
        copy = self._copy()
        if copy is None:
            logger.error("monitor: database down and no copy of the on-call policy to call")
            return 0
        if self.alerted_at is not None and now - self.alerted_at < dt.timedelta(minutes=copy["repeat_minutes"]):
            return 0
        self.alerted_at = now
        self.rounds += 1
        return self._notify(now=now, recovered=False, copy=copy)

    def _copy(self) -> dict | None:
        try:
            return json.loads(copy_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _notify(self, *, now: dt.datetime, recovered: bool, copy: dict | None = None) -> int:
        copy = copy or self._copy() or {"contacts": [], "repeat_minutes": 5}
        elapsed = (now - self.down_since).total_seconds() / 60
        status_url = site_url(settings.MADOGUCHI_PUBLIC_DOMAINS[0], "/status/")
        sent = 0
        for contact in copy["contacts"]:
            if contact["after_minutes"] > max(elapsed, 0):
                continue
            context = {"name": contact["name"], "since": self.down_since.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
                       "now": now.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"), "detail": self.detail,
                       "minutes": copy["repeat_minutes"], "recovered": recovered, "status_url": status_url}
            try:
                if contact["by_mail"] and contact["email"]:
                    send_templated_mail(to=[contact["email"]], template="operations/mail/database_down",
                                        context=context, language=contact["language"])
                    sent += 1
                if contact["by_phone"] and contact["phone"] and not recovered:
                    with translation.override(contact["language"]):
                        say = _("madoguchi alert: the booking database cannot be reached since %(since)s. This "
                                "call repeats every %(minutes)s minutes while it lasts.") % context
                    telephony().call_out(to=contact["phone"], say=say, language=contact["language"],
                                         gather_action_url=status_url, reference=f"database-down-{self.rounds}")
                    sent += 1
            except Exception:  # noqa: BLE001 - one contact's channel failing must not stop the others
                logger.exception("fallback alert to %s failed", contact["name"])
        logger.error("monitor: database down since %s; %s alert(s) sent from the on-call copy", self.down_since, sent)
        return sent


