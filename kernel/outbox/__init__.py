"""The transactional outbox: side effects written in the writer's own transaction, relayed to Celery.

A service's side effects (mails, other tasks) become rows of `outbox_message` in the public
schema, carrying the municipality's schema, inside the same transaction as the write that caused
them (`kernel.tasking.enqueue_on_commit`). After the commit they are sent to the broker at once
when it answers; otherwise the relay (`manage.py relay_outbox`, a process of its own) sends them
later, with backoff, however long the broker was gone. A broker outage never fails a request.
"""
