"""Fixtures for the registry's tests: a coordinator, a client logged in as one, and a
class session to book."""

import pytest

from desk.auth.models import Role


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def staff_client(client, coordinator, login):
    login(client, coordinator)
    return client
