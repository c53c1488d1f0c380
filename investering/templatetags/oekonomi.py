"""Template filters of the investment model: `{{ amount|kr }}` → 1.234.567,89 kr."""

from django import template

from investering.formatering import format_kr, format_number

register = template.Library()


@register.filter
def kr(amount) -> str:
    return format_kr(amount)


@register.filter
def tal(amount, decimals: int = 2) -> str:
    """A number in Danish format without the currency: 1.234,50."""
    return format_number(amount, int(decimals))


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (a table of figures keyed by department or quarter)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
