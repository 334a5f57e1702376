"""Typed domain errors of booking. Each carries a translated message a citizen can act on."""
from django.utils.translation import gettext_lazy as _

from kernel.errors import ApplicationError, ConflictError, NotFoundError


class BookingError(ApplicationError):
    default_message = _("The booking could not be made.")


class SlotFullError(BookingError, ConflictError):
    default_message = _("This time is fully booked. Please choose another time.")


class AlreadyBookedError(BookingError, ConflictError):
    default_message = _("This notice already has a booking. Change or cancel that booking instead.")


class CardHandedOverError(BookingError):
    default_message = _("The card for this notice has already been handed over.")


class NoticeNotBookableError(BookingError):
    default_message = _("This notice cannot be booked. Please call the number on your notice.")


class UnknownNoticeError(BookingError, NotFoundError):
    default_message = _("No notice with this number was found.")


class SlotInPastError(BookingError):
    default_message = _("This time has already passed. Please choose another time.")


class BookingWindowError(BookingError):
    default_message = _("This time cannot be booked now: bookings open %(opens)s days ahead and close "
                        "%(closes)s hours before.")


class DayClosedError(BookingError):
    default_message = _("The office is closed at this time.")


class PlaceNotAllowedError(BookingError):
    default_message = _("This notice cannot be picked up at this place.")


class ChangeClosedError(BookingError):
    default_message = _("This booking can no longer be changed or cancelled online. Please call us.")


class AlreadyAtThisTimeError(BookingError):
    default_message = _("The booking is already at this time.")


class ReservationNotActiveError(BookingError, ConflictError):
    default_message = _("This booking was already cancelled or completed.")


class TransitionNotAllowedError(BookingError):
    default_message = _("A notice cannot move from “%(from)s” to “%(to)s”.")


class LoginFailedError(BookingError):
    """A notice number and secret that do not open a notice; the same whether or not it exists."""

    default_message = _("The notice number or the day of birth is not correct.")


class NoticeNumberFormatError(BookingError):
    default_message = _("Enter the notice number as printed on your notice: letters and digits, "
                        "hyphens and spaces may be left out.")

    def __init__(self, message=None):
        super().__init__(message, field="notice_number")


class NoticeLockedError(BookingError):
    status_code = 403
    default_message = _("This notice is locked after too many failed attempts. Please call us to unlock it.")


class ClientRefusedError(BookingError):
    """Too many failed logins from this client (or the city is under a spray of them): wait."""

    status_code = 429
    default_message = _("Too many failed attempts from this connection. Please wait a while and try again, "
                        "or call us.")

    def __init__(self, message=None, *, retry_after: int = 60):
        self.retry_after = max(int(retry_after), 1)
        super().__init__(message)


class NoticeImportError(BookingError):
    default_message = _("The file was not imported. Nothing was added.")


class CardImportError(BookingError):
    default_message = _("The card data was not imported. Nothing was added.")


class CardError(BookingError):
    default_message = _("The card could not be changed.")


class UnknownCardError(CardError, NotFoundError):
    default_message = _("No card with this serial was found.")


class StorageError(CardError):
    default_message = _("The card could not be stored there.")


class PullListError(CardError):
    default_message = _("This card is not on the pull list of this day and place.")


class HandoverError(BookingError):
    default_message = _("The card cannot be handed over.")


class WalkInNoRoomError(HandoverError, ConflictError):
    default_message = _("The counter has no free seat now. Book a later time instead.")


class CalendarConflictError(BookingError, ConflictError):
    """A calendar change would leave bookings without a seat; lists the slots concerned."""

    default_message = _("This change would leave bookings without a seat. Move or cancel them first.")

    def __init__(self, conflicts, message=None):
        self.conflicts = conflicts
        lines = [
            _("%(place)s %(when)s: %(booked)s booked, new capacity %(capacity)s") % {
                "place": c.place_name, "when": c.starts_at_local, "booked": c.booked, "capacity": c.new_capacity,
            }
            for c in conflicts
        ]
        super().__init__(message, errors={"slots": lines} if lines else None)
