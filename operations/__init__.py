"""Operations: health checks, incidents, escalation until someone acknowledges (SEC-4), the status
page (SEC-6). Orchestration level: it watches every layer below and calls out through the
telephony adapter, so nothing below imports it. Its tables live in the public schema.
"""
