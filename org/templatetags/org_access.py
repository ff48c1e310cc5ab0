"""`{% may "app:page" arg… as ok %}`: whether the viewer may open that page, asked of the
page's own guard (`org/guards.py`), so a button is shown exactly when following it is allowed."""

from django import template

from org import guards

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, url_name: str, *args: object) -> bool:
    request = context.get("request")
    return guards.may(getattr(request, "user", None), url_name, *args)
