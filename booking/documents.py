"""Printed documents of the card counter: the pull list as PDF (A4), the progress report as CSV."""
