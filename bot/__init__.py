"""reachbot's Slack app (slack-bolt). The only package that imports Slack libraries.

    from bot import Settings, create_app
    app = create_app(Settings.from_env())
"""

from bot.app import create_app
from bot.settings import Settings

__all__ = ["Settings", "create_app"]
