from django.http import HttpRequest

from org.models import User


class AuthedRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware: `user` is a real account."""

    user: User
