"""The shared kernel: what every layer may use and that knows no Django app of the project.

Errors users see, tenant-aware tasking, mail, client addresses, absolute site addresses.
"""
