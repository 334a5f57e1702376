"""An alert to the city's supervisors when the last hour's answer rate fell below target (CC-2)."""
from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kernel.mail import send_templated_mail
from kernel.tasking import enqueue_on_commit
from telephony_adapter.models import AnswerRateAlert
from telephony_adapter.selectors.hours import call_centre_settings
from telephony_adapter.selectors.statistics import service_level
from tenants.access import dangerously_city_supervisors
from tenants.selectors import dangerously_municipality

logger = logging.getLogger(__name__)
SEND_ALERT = "telephony_adapter.send_answer_rate_alert"


def answer_rate_check(now: dt.datetime | None = None) -> AnswerRateAlert | None:
    """Look at the hour up to `now`; below target (with enough calls) → one alert for this hour."""
    now = now or timezone.now()
    policy = call_centre_settings()
    level = service_level(start=now - dt.timedelta(hours=1), end=now)
    if level.offered < max(policy.alert_min_calls, 1) or level.answer_rate >= float(policy.answer_rate_target):
        return None
    hour = now.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            alert = AnswerRateAlert.objects.create(hour=hour, offered=level.offered, answered=level.answered,
                                                   target=policy.answer_rate_target)
            enqueue_on_commit(SEND_ALERT, alert.pk)
    except IntegrityError:
        return None  # already alerted for this hour
    logger.warning("answer rate %.0f %% below target in %s", 100 * level.answer_rate, connection.schema_name)
    return alert


def answer_rate_alert_send(*, alert_id: int) -> int:
    alert = AnswerRateAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        return 0
    city = dangerously_municipality(connection.schema_name)
    to = [user.email for user in dangerously_city_supervisors(city) if user.email]
    if not to:
        return 0
    send_templated_mail(to=to, template="telephony_adapter/mail/answer_rate_alert", language="ja",
                        context={"alert": alert, "city": city,
                                 "rate": round(100 * alert.answered / alert.offered) if alert.offered else 0,
                                 "target": round(100 * alert.target)})
    return len(to)
