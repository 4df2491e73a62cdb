"""`{% load qpv_tags %}{% initiative_qpv initiative %}`: the QPV block of an initiative page."""

from django import template
from django.conf import settings

from pepites.initiatives.placement.selectors import initiative_qpv_summary

register = template.Library()


@register.inclusion_tag("web/territories/includes/initiative_qpv.html")
def initiative_qpv(initiative) -> dict:
    return {
        "summary": initiative_qpv_summary(initiative=initiative),
        "near_distance_m": settings.QPV_NEAR_DISTANCE_M,
    }
