"""Who acts in the staff console, as the booking services record it."""
from __future__ import annotations

from booking.models import Channel
from booking.services.audit import Actor


def staff_actor(request) -> Actor:
    """The logged-in clerk, acting through the staff channel."""
    return Actor.for_user(request.user, channel=Channel.STAFF)
