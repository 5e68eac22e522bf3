import sys


def pytest_terminal_summary(terminalreporter):
    """How many Schemathesis cases ran, per caller, and how long they took."""
    module = sys.modules.get("tests.api_schema.test_schemathesis")
    if module and module.CASES:
        per_caller = ", ".join(f"{caller} {module.CASES[caller]}" for caller in module.CALLERS)
        terminalreporter.write_line(
            f"Schemathesis: {sum(module.CASES.values())} cases ({per_caller}) in {module.SECONDS['run']:.0f} s")
