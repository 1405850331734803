"""``{% dtpr_pictogram category element %}``: a DTPR sign's pictogram."""

from django import template
from django.utils.translation import gettext as _

from ..pictograms import pictogram_svg

register = template.Library()


@register.simple_tag
def dtpr_pictogram(category, element=None, size=48, decorative=False):
    """The pictogram of ``element`` (``{"id", "name"}``) in ``category`` (a
    dict of ``reference.dtpr_categories``), or of the category itself.
    ``decorative`` when a visible text beside it names it."""
    if element:
        label = _("%(category)s: %(element)s") % {
            "category": category["name"],
            "element": element["name"],
        }
        return pictogram_svg(
            category["key"], element.get("id"), label, size=size, decorative=decorative
        )
    label = _("DTPR category: %(category)s") % {"category": category["name"]}
    return pictogram_svg(category["key"], None, label, size=size, decorative=decorative)
