from . import report


def pytest_sessionfinish(session, exitstatus):
    report.write()
