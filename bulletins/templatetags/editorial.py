"""The instructions block of the item page: its instructions with each unit's feedback, and
the form to write (leader) or record (section) a new one."""

from typing import Any

from django import template
from django.utils import timezone

from bulletins.forms_editorial import RecordedInstructionForm
from bulletins.queries_editorial import feedback_line, instructions_on
from bulletins.views_editorial import instruction_form_for
from submissions.models import InfoItem

register = template.Library()


@register.inclusion_tag("bulletins/instructions_item.html", takes_context=True)
def item_instructions(context: template.Context, item: InfoItem) -> dict[str, Any]:
    now = timezone.now()
    rows = [
        {"instruction": i, "tasks": [feedback_line(t, now) for t in i.tasks.all()]}
        for i in instructions_on(item)
    ]
    form = None
    if item.submitted_at is not None:
        form = instruction_form_for(context["request"].user)
    return {
        "item": item,
        "rows": rows,
        "form": form,
        "recording": isinstance(form, RecordedInstructionForm),
        "csrf_token": context.get("csrf_token"),
    }
