"""Cursor pagination for every API list: stable under inserts, no COUNT(*) on big tables."""
from rest_framework.pagination import CursorPagination


class DeskCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
