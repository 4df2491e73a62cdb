import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """The `activity` fixture of test_impact.py sets its requests' dates and states with
    queryset.update(), as an import would, around the services that keep the dashboard's
    tally: the tally is then rebuilt, as after an import, before the test compares."""
    if "activity" in getattr(item, "fixturenames", ()):
        from pepites.essaimage.services import rebuild_impact_tally

        rebuild_impact_tally()
    yield
