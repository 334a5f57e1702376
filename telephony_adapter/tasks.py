"""Celery tasks of the call centre: thin, by id, safe to run twice."""
from __future__ import annotations

from kernel.tasking import municipality_task, platform_task
from telephony_adapter.services.alerts import SEND_ALERT, answer_rate_alert_send, answer_rate_check
from telephony_adapter.services.console import REPORT_COMPLAINT, complaint_report_send
from telephony_adapter.services.distribution import routing_purge
from tenants.selectors import dangerously_active_cities


@municipality_task(name=REPORT_COMPLAINT, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def report_complaint(complaint_id: int) -> bool:
    return complaint_report_send(complaint_id=complaint_id)


@municipality_task(name=SEND_ALERT, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_answer_rate_alert(alert_id: int) -> int:
    return answer_rate_alert_send(alert_id=alert_id)


@municipality_task(name="telephony_adapter.check_answer_rate")
def check_answer_rate() -> bool:
    return answer_rate_check() is not None


@platform_task(name="telephony_adapter.answer_rate_for_all_cities")
def answer_rate_for_all_cities() -> int:
    """Beat, every 10 minutes: each city compares its last hour with its target."""
    count = 0
    for schema_name in dangerously_active_cities().values_list("schema_name", flat=True):
        check_answer_rate.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count


@platform_task(name="telephony_adapter.purge_routing")
def purge_routing() -> int:
    """Beat, nightly: provider events and ended routes older than 30 days go (records stay in the cities)."""
    return routing_purge()
