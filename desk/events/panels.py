"""Panels that packages above events add to the coordinators' sessions page (the staff
start page), such as the volunteers' list of understaffed sessions.

A package registers, when it is imported, a function `render(venue=, kind=)` that
returns the panel's HTML (Markup) for the page's venue and kind filters (None: all).
The page shows the panels in the order they were registered; events knows nothing of
what is in them.
"""

_panels = []


def register(render):
    _panels.append(render)
    return render


def render_all(*, venue, kind):
    return [render(venue=venue, kind=kind) for render in _panels]
