"""Usage records, plans and monthly statements (PLT-3) will live here."""
