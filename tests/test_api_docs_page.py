"""/api/v1/docs/ for someone who may not read the schema: a page that says how to get in.

The Swagger page used to load for anyone and then print "Failed to load API definition.
Forbidden" (its schema needs a desk role).
"""
import pytest

pytestmark = pytest.mark.django_db
DOCS = "/api/v1/docs/"


def test_a_signed_out_reader_is_asked_to_sign_in(client):
    response = client.get(DOCS)
    page = response.content.decode()
    assert response.status_code == 401
    assert 'href="/accounts/login/?next=/api/v1/docs/">Sign in</a>' in page
    assert "swagger" not in page.lower()


def test_a_signed_in_reader_without_a_role_is_told_what_is_missing(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    response = client.get(DOCS)
    assert response.status_code == 403 and "has no desk role" in response.content.decode()


def test_a_desk_reader_gets_the_interactive_page(client, viewer):
    client.force_login(viewer)
    response = client.get(DOCS)
    assert response.status_code == 200 and "swagger" in response.content.decode().lower()
