"""The municipal staff console (reached over LGWAN).

Each section keeps its views in its own module (`lgwan_access/<section>_views.py`); the landing
page is `today_views.home`.
"""
