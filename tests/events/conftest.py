"""Fixtures for the schedule's tests: a coordinator and a client logged in as one."""

import pytest

from desk.auth.models import Role


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def staff_client(client, coordinator, login):
    login(client, coordinator)
    return client
