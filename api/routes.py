"""The routers, one module per domain concept; each registers itself on `api.service.api`."""

from api import bulletins, notifications, rankings, search
from api.service import api

api.add_router("/", bulletins.router)
api.add_router("/", search.router)
api.add_router("/", rankings.router)
api.add_router("/", notifications.router)
