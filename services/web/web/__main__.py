"""`python -m web`: the web app on WEB_HOST:WEB_PORT, calling the API at GATEWAY_URL."""

import uvicorn

from kit.logging import configure_logging
from web.app import create_app
from web.settings import WebSettings


def main() -> None:
    settings = WebSettings()
    configure_logging("web", settings.log_level, settings.log_format)
    # No access log: its request lines would carry query strings (a search, a name).
    uvicorn.run(create_app(settings), host=settings.web_host, port=settings.web_port,
                log_config=None, access_log=False, proxy_headers=False)


if __name__ == "__main__":
    main()
