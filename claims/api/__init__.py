"""The claims part of the REST API (/api/v1/): serializers, filters and viewsets."""
