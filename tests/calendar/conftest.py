from tests.calendar.radicale_server import radicale_server  # noqa: F401  (fixture)
