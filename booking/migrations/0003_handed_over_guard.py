"""The database refuses a booking for a card already handed over (SYS-2), from either side."""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION booking_guard_reservation_of_handed_over_card() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'active' AND EXISTS (
        SELECT 1 FROM booking_notice WHERE id = NEW.notice_id AND status = 'handed_over'
    ) THEN
        RAISE EXCEPTION 'the card of notice % was already handed over', NEW.notice_id USING ERRCODE = 'MD001';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER reservation_not_for_handed_over_card
    BEFORE INSERT OR UPDATE OF status, notice_id ON booking_reservation
    FOR EACH ROW EXECUTE FUNCTION booking_guard_reservation_of_handed_over_card();

CREATE OR REPLACE FUNCTION booking_guard_handover_with_active_booking() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'handed_over' AND EXISTS (
        SELECT 1 FROM booking_reservation WHERE notice_id = NEW.id AND status = 'active'
    ) THEN
        RAISE EXCEPTION 'notice % still has an active booking', NEW.id USING ERRCODE = 'MD002';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER notice_handover_closes_bookings_first
    BEFORE UPDATE OF status ON booking_notice
    FOR EACH ROW EXECUTE FUNCTION booking_guard_handover_with_active_booking();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS notice_handover_closes_bookings_first ON booking_notice;
DROP FUNCTION IF EXISTS booking_guard_handover_with_active_booking();
DROP TRIGGER IF EXISTS reservation_not_for_handed_over_card ON booking_reservation;
DROP FUNCTION IF EXISTS booking_guard_reservation_of_handed_over_card();
"""


class Migration(migrations.Migration):
    dependencies = [("booking", "0002_calendars_notices_reservations")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
