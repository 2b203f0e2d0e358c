"""The organiser's brand colours as CSS custom properties.

Served as a stylesheet (/brand.css) so that templates need no style= attribute. Derived shades
are computed so that text on and in the brand colours keeps WCAG AA contrast whatever the
organiser picks.
"""

_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


def _rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _hex(rgb):
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _mix(rgb, other, amount):
    """rgb moved `amount` (0..1) of the way towards other."""
    return tuple(round(c + (o - c) * amount) for c, o in zip(rgb, other, strict=True))


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _readable_on(rgb, background, ratio=4.5):
    """The colour, darkened just enough to be read as text on the background."""
    step = 0
    shade = rgb
    while _contrast(shade, background) < ratio and step < 40:
        step += 1
        shade = _mix(rgb, _BLACK, step / 40)
    return shade


def _text_on(rgb):
    return _WHITE if _contrast(rgb, _WHITE) >= 4.5 else (17, 24, 39)


def brand_variables(primary, accent):
    p, a = _rgb(primary), _rgb(accent)
    # Text in a brand colour sits on white, the grey page or the colour's own light tint (chips,
    # active nav items): readable on the tint means readable on all three.
    p_subtle, a_subtle = _mix(p, _WHITE, 0.9), _mix(a, _WHITE, 0.88)
    p_text, a_text = _readable_on(p, p_subtle), _readable_on(a, a_subtle)
    p_dark, p_darker = _mix(p, _BLACK, 0.15), _mix(p, _BLACK, 0.3)
    values = {
        "--expo-primary": _hex(p),
        "--expo-primary-rgb": "{},{},{}".format(*p),
        "--expo-primary-dark": _hex(p_dark),
        "--expo-primary-darker": _hex(p_darker),
        "--expo-primary-text": _hex(p_text),
        "--expo-primary-subtle": _hex(p_subtle),
        "--expo-primary-border": _hex(_mix(p, _WHITE, 0.7)),
        "--expo-on-primary": _hex(_text_on(p)),
        "--expo-on-primary-dark": _hex(_text_on(p_dark)),
        "--expo-accent": _hex(a),
        "--expo-accent-rgb": "{},{},{}".format(*a),
        "--expo-accent-text": _hex(a_text),
        "--expo-accent-subtle": _hex(a_subtle),
        "--expo-on-accent": _hex(_text_on(a)),
        "--bs-primary": _hex(p),
        "--bs-primary-rgb": "{},{},{}".format(*p),
        "--bs-primary-text-emphasis": _hex(_mix(p_text, _BLACK, 0.2)),
        "--bs-primary-bg-subtle": _hex(p_subtle),
        "--bs-primary-border-subtle": _hex(_mix(p, _WHITE, 0.7)),
        "--bs-link-color": _hex(p_text),
        "--bs-link-color-rgb": "{},{},{}".format(*p_text),
        "--bs-link-hover-color": _hex(_mix(p_text, _BLACK, 0.2)),
        "--bs-link-hover-color-rgb": "{},{},{}".format(*_mix(p_text, _BLACK, 0.2)),
        "--bs-focus-ring-color": "rgba({},{},{},.4)".format(*p),
    }
    return values
