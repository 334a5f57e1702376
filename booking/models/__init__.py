from .calendars import CalendarException, OpeningRule, Slot, Weekday
from .logins import ClientLoginGuard, LoginFailureMinute, LoginLockEvent, NoticeLoginGuard
from .mail import MailReceipt
from .notices import Card, Notice, NoticeStatus
from .places import Place, Ward
from .reservations import AuditEntry, Channel, Reservation, ReservationStatus
from .waiting import WaitingRoom, WaitingRoomMode, WaitingTicket

__all__ = [
    "AuditEntry", "CalendarException", "Card", "Channel", "ClientLoginGuard", "LoginFailureMinute",
    "LoginLockEvent", "MailReceipt",
    "NoticeLoginGuard", "Notice", "NoticeStatus", "OpeningRule", "Place",
    "Reservation", "ReservationStatus", "Slot", "WaitingRoom", "WaitingRoomMode", "WaitingTicket", "Ward", "Weekday",
]
