"""{% fragment "name" "namespace,namespace" part part ... %} ... {% endfragment %}: the enclosed
template, rendered once per language, visitor time zone and parts and kept in the cache until
one of the namespaces changes (expo/lib/fragments.py)."""

from django import template
from django.utils.safestring import mark_safe

from expo.lib import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, namespaces, parts):
        self.nodelist, self.name, self.namespaces, self.parts = nodelist, name, namespaces, parts

    def render(self, context):
        name = self.name.resolve(context)
        namespaces = tuple(self.namespaces.resolve(context).split(","))
        parts = [part.resolve(context) for part in self.parts]
        request = context.get("request")
        key = fragments.key(name, namespaces, *parts, request=request)
        return mark_safe(fragments.get_or_render(key, lambda: self.nodelist.render(context)))  # noqa: S308  (rendered by the template engine)


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a name, its namespaces and optional parts"
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, namespaces, *parts = (parser.compile_filter(bit) for bit in bits[1:])
    return FragmentNode(nodelist, name, namespaces, parts)
