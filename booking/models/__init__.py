from .calendars import CalendarException, OpeningRule, Slot, Weekday
from .cards import (
    CLOSED_CARD_STATUSES,
    Card,
    CardFlag,
    CardImport,
    CardImportMapping,
    CardStatus,
    StorageBox,
)
from .logins import ClientLoginGuard, LoginFailureMinute, LoginLockEvent, NoticeLoginGuard
from .mail import MailReceipt
from .notices import Notice, NoticeStatus
from .places import Place, Ward
from .reservations import AuditEntry, Channel, Reservation, ReservationStatus
from .waiting import WaitingRoom, WaitingRoomMode, WaitingTicket

__all__ = [
    "AuditEntry", "CalendarException", "Card", "CardFlag", "CardImport", "CardImportMapping", "CardStatus",
    "CLOSED_CARD_STATUSES", "Channel", "ClientLoginGuard", "LoginFailureMinute",
    "LoginLockEvent", "MailReceipt",
    "NoticeLoginGuard", "Notice", "NoticeStatus", "OpeningRule", "Place",
    "Reservation", "ReservationStatus", "Slot", "StorageBox", "WaitingRoom", "WaitingRoomMode", "WaitingTicket",
    "Ward", "Weekday",
]
