"""The staff API (issue 9): DRF under /api/staff/v1/ on each city's domain, behind the network policy."""
