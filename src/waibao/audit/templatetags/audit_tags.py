"""`{{ event.action|action_label }}`: the readable name of an audit action in the active language."""

from django import template

from waibao.audit.labels import action_label as label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label_for(action)
