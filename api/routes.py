"""The routers, one module per domain concept; each is added to `api.service.api` here."""

from api import bulletins, incidents, items, notifications, rankings, search
from api.service import api

api.add_router("", items.router)
api.add_router("", incidents.router)

api.add_router("", bulletins.router)
api.add_router("", search.router)
api.add_router("", rankings.router)
api.add_router("", notifications.router)
