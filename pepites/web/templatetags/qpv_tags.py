"""`{% load qpv_tags %}{% initiative_qpv initiative %}`: the QPV block of an initiative page."""

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pepites.initiatives.placement.selectors import initiative_qpv_summary

register = template.Library()


@register.inclusion_tag("web/territories/includes/initiative_qpv.html")
def initiative_qpv(initiative) -> dict:
    return {
        "summary": initiative_qpv_summary(initiative=initiative),
        "near_distance_m": settings.QPV_NEAR_DISTANCE_M,
    }


# The gaps dashboard lists every QPV (1,600): its rows are written here in one pass rather
# than by a template loop, which cost ten times as much (a URL reversed and a dozen
# context lookups per row).


def _qpv_link(q) -> str:
    return format_html(
        '<th scope="row"><a href="{}">{}</a></th><td><code>{}</code></td>', q.url, q.name, q.code
    )


@register.simple_tag
def qpv_rows_without(qpvs, with_population: bool) -> str:
    """Rows of the QPV without initiative: name, code, communes, département, population."""
    missing = format_html('<span class="muted">{}</span>', _("non disponible"))
    rows = []
    for q in qpvs:
        cells = [
            _qpv_link(q),
            format_html("<td>{}</td><td>{}</td>", q.communes_label, q.departement_code),
        ]
        if with_population:
            value = intcomma(q.population) if q.population is not None else missing
            cells.append(format_html('<td class="num">{}</td>', value))
        rows.append(format_html("<tr>{}</tr>", mark_safe("".join(cells))))
    return mark_safe("\n".join(rows))


@register.simple_tag
def qpv_rows_with(qpvs) -> str:
    """Rows of the QPV with initiatives: name, code, in, near, for, total."""
    return mark_safe(
        "\n".join(
            format_html(
                '<tr>{}<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
                '<td class="num">{}</td></tr>',
                _qpv_link(q),
                q.by_relation.get("dans", 0),
                q.by_relation.get("proximite", 0),
                q.by_relation.get("pour", 0),
                q.total,
            )
            for q in qpvs
        )
    )
