"""What a refusal means, in people's words: the pages show this first and keep the code (what
the two systems' administrators talk about) small beside it."""

from django.utils.translation import gettext as _

from federation.models import RefusalReason


def _explanations() -> dict[str, str]:
    return {
        RefusalReason.MALFORMED: _(
            "The request was incomplete: it did not say which office sent it or how it was "
            "signed. Ask the other office's system administrator to check their link."
        ),
        RefusalReason.UNKNOWN_LINK: _(
            "The request came from an office this system has no active link to. Add or "
            "reactivate the link, or check the office code on both sides."
        ),
        RefusalReason.STALE: _(
            "The request arrived too late or the two systems' clocks disagree. Check that both "
            "servers show the right time."
        ),
        RefusalReason.BAD_SIGNATURE: _(
            "The two systems do not hold the same shared secret (was it changed on one side "
            "only?). Agree on the secret again with the other office."
        ),
        RefusalReason.REPLAY: _(
            "The same request arrived twice: the second copy was ignored. Nothing needs doing "
            "unless it keeps happening."
        ),
        RefusalReason.BAD_BODY: _(
            "The message could not be read: the two systems may run different versions. Tell "
            "the other office's system administrator."
        ),
        RefusalReason.NOT_FILED: _(
            "The message was read but could not be filed (see the detail). Fix the cause with "
            "the other office, then send it again."
        ),
    }


def explain(code: str) -> str:
    """The refusal `code` in words; an unknown code (another version's) is said plainly."""
    return _explanations().get(code) or _("The other system refused it.")
