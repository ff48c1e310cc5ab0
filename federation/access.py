from org.models import User
from org.roles import Capability


def sees_federation(user: User) -> bool:
    """The section (whose forwardings travel) and the system administrator (who keeps links)."""
    return user.can(Capability.HANDLE_INCIDENTS) or user.can(Capability.MANAGE_ORG)
