"""The web tests' shared fixtures: `server` (a real `python -m bot web`) and `browser`
(Chromium through Playwright), each once per module; a module that needs another server
or another `browser` (the console's httpx client) defines its own, which takes precedence."""

from tests.web.web_server import browser, server  # noqa: F401 (fixtures pytest finds here)
