"""Who acts in the staff console, as the booking services record it."""
from __future__ import annotations

from booking.models import Channel
from booking.services.audit import Actor


def staff_actor(request, channel: str = Channel.STAFF) -> Actor:
    """The logged-in clerk, acting through the staff channel (or, at the counter, the phone's)."""
    return Actor.for_user(request.user, channel=channel)
