"""The articles part of the REST API (/api/v1/): outlets and articles."""
