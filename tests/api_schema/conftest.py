import time

_started = {}


def pytest_collection_finish(session):
    _started["at"] = time.monotonic()


def pytest_terminal_summary(terminalreporter):
    """How many Schemathesis cases ran, per caller (the report of the hardening work asks for it)."""
    from tests.api_schema import test_schemathesis

    cases = test_schemathesis.CASES
    if cases:
        per_caller = ", ".join(f"{caller} {cases[caller]}" for caller in test_schemathesis.CALLERS)
        seconds = time.monotonic() - _started.get("at", time.monotonic())
        terminalreporter.write_line(
            f"Schemathesis: {sum(cases.values())} cases ({per_caller}); the session took {seconds:.0f} s")
