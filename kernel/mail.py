"""A mail backend for machines with no relay: every message becomes one .eml file in the outbox."""
from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation


def outbox_dir() -> Path:
    return Path(settings.MADOGUCHI_OUTBOX_DIR)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            temporary = folder / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes(linesep="\n"))
            temporary.rename(folder / name)  # readers never see half a message
            sent += 1
        return sent


@dataclass
class OutboxMail:
    name: str
    sent_at: datetime
    sender: str
    to: str
    subject: str
    body: str


def read_outbox(limit: int = 100) -> list[OutboxMail]:
    folder = outbox_dir()
    if not folder.exists():
        return []
    mails = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))
        mails.append(OutboxMail(
            name=path.name,
            sent_at=datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone()),
            sender=str(parsed["From"] or ""),
            to=str(parsed["To"] or ""),
            subject=str(parsed["Subject"] or ""),
            body=part.get_content() if part is not None else "",
        ))
    return mails


def render_templated_mail(*, to: list[str], template: str, context: dict, language: str,
                          reply_to: list[str] | None = None):
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language` into a message."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to)


def send_templated_mail(**kwargs) -> None:
    """Render and send through Django's mail API (SMTP relay, the local outbox, or the test outbox)."""
    render_templated_mail(**kwargs).send()
