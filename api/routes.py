"""The routers, one module per domain concept; each is added to `api.service.api` here."""

from api import incidents, items
from api.service import api

api.add_router("", items.router)
api.add_router("", incidents.router)
