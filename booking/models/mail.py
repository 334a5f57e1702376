from django.db import models

from .reservations import Reservation


class MailReceipt(models.Model):
    """A mail about a reservation that went out; its key makes every mail go out once."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="mail_receipts")
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reservation", "key"], name="one_mail_per_reservation_and_key")]

    def __str__(self) -> str:
        return f"{self.reservation_id}:{self.key}"
