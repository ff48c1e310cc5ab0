"""The routers, one module per domain concept; each registers itself on `api.service.api`."""
