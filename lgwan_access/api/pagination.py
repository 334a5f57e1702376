"""Pages of the staff API's lists: numbered, 50 rows by default, at most 200."""
from rest_framework.pagination import PageNumberPagination


class StaffApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
