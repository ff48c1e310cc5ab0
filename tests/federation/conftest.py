from tests.browser.conftest import browser  # noqa: F401  Chromium, for the pair's browser test
from tests.emergencies.conftest import (  # noqa: F401  the office as the deadline engine sees it
    hub,
    office,
    other_duty_officer,
    province,
    secretary_general,
)
