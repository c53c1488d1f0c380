"""{% kontaktperson familie as kp %}: the family's contact person now (kerne.kontaktperson)."""

from django import template

from kerne.kontaktperson import Kontaktperson, kontaktperson_for

register = template.Library()


@register.simple_tag
def kontaktperson(familie) -> Kontaktperson | None:
    return kontaktperson_for(familie)
