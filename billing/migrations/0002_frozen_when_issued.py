"""Issued statements, their lines and issued completion reports are frozen by the database.

A trigger refuses every UPDATE or DELETE of an issued row (and any change to the lines of an issued
statement), whoever runs it: the service refuses first with a clear message, the database refuses
an edit that goes around the service. Corrections are credit notes (new rows).
"""
from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION billing_refuse_issued() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'billing: % % is issued and frozen', TG_TABLE_NAME, OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION billing_refuse_issued_lines() RETURNS trigger AS $$
DECLARE
    parent integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        parent := NEW.statement_id;
    ELSE
        parent := OLD.statement_id;
    END IF;
    IF EXISTS (SELECT 1 FROM billing_statement WHERE id = parent AND status = 'issued') THEN
        RAISE EXCEPTION 'billing: the lines of statement % are issued and frozen', parent
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_statement_frozen BEFORE UPDATE OR DELETE ON billing_statement
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued();
CREATE TRIGGER billing_statementline_frozen BEFORE INSERT OR UPDATE OR DELETE ON billing_statementline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_lines();
CREATE TRIGGER billing_completionreport_frozen BEFORE UPDATE OR DELETE ON billing_completionreport
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued();
"""

REVERSE = """
DROP TRIGGER IF EXISTS billing_statement_frozen ON billing_statement;
DROP TRIGGER IF EXISTS billing_statementline_frozen ON billing_statementline;
DROP TRIGGER IF EXISTS billing_completionreport_frozen ON billing_completionreport;
DROP FUNCTION IF EXISTS billing_refuse_issued();
DROP FUNCTION IF EXISTS billing_refuse_issued_lines();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
