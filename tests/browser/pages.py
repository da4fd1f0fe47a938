"""The pages axe-core checks, by endpoint.

The test list is generated from `app.url_map`: every rule that answers GET with HTML
(everything but the paths in NOT_PAGES) must have an entry here, or the test for that
endpoint fails and names it. So every new page joins this list: give it the role that
can see it and concrete URL arguments (keys of the ids tests/browser/seed.py returns),
one entry per state worth looking at (cancelled, past, filtered, ...).
"""

from dataclasses import dataclass, field

# Rules under these paths do not answer with an HTML page of their own.
NOT_PAGES = ("/static/", "/api/", "/healthz", "/locale/")


@dataclass(frozen=True)
class Ref:
    """A value of the seeded data (tests/browser/seed.py), e.g. Ref("session.cancelled")."""

    key: str


@dataclass(frozen=True)
class Page:
    role: str  # anonymous, volunteer, coordinator or admin
    label: str = "default"
    args: dict = field(default_factory=dict)  # URL argument -> key of the seeded ids
    query: dict = field(default_factory=dict)  # query argument -> literal or Ref
    redirects_to: str | None = None  # endpoint the page sends the browser on to

    def url_values(self, ids):
        values = {name: ids[key] for name, key in self.args.items()}
        for name, value in self.query.items():
            values[name] = ids[value.key] if isinstance(value, Ref) else value
        return values


def _session_pages(role, keys):
    return tuple(Page(role, key, args={"session_id": f"session.{key}"}) for key in keys)


SESSION_STATES = ("class", "outreach", "awareness", "consultation", "cancelled", "past", "held",
                  "one_off")

PAGES = {
    # public pages
    "public.schedule": (
        Page("anonymous", "this week"),
        Page("anonymous", "next week", query={"week": Ref("next_week")}),
        Page("anonymous", "filtered", query={"venue": Ref("venue"), "kind": "class"}),
        Page("coordinator", "staff menu"),
    ),
    "public.session": _session_pages("anonymous", SESSION_STATES),
    "public.venues": (Page("anonymous"),),
    # accounts
    "auth.login": (Page("anonymous"),),
    "auth.account": (Page("volunteer", "volunteer"), Page("admin", "admin")),
    # coordinators
    "staff.home": (Page("coordinator", redirects_to="staff.sessions"),),
    "staff.sessions": (
        Page("coordinator", "week"),
        Page("coordinator", "next week", query={"date": Ref("next_week")}),
        Page("coordinator", "month", query={"view": "month"}),
        Page("coordinator", "filtered", query={"venue": Ref("venue"), "kind": "consultation"}),
        Page("admin", "admin menu"),
    ),
    "staff.session_new": (Page("coordinator"), Page("coordinator", "for a day",
                                                    query={"date": Ref("today")})),
    "staff.session_edit": _session_pages("coordinator", SESSION_STATES),
    "staff.session_cancel": _session_pages("coordinator", ("class",)),
    "staff.series_list": (Page("coordinator"),),
    "staff.series_new": (Page("coordinator"),),
    "staff.series_edit": (
        Page("coordinator", "active", args={"series_id": "series"}),
        Page("coordinator", "cancelled", args={"series_id": "series.cancelled"}),
    ),
    "staff.series_cancel": (Page("coordinator", args={"series_id": "series"}),),
    "staff.venues": (Page("coordinator"),),
    "staff.venue_new": (Page("coordinator"),),
    "staff.venue_edit": (Page("coordinator", args={"venue_id": "venue"}),),
    "staff.programs": (Page("coordinator"),),
    "staff.program_new": (Page("coordinator"),),
    "staff.program_edit": (
        Page("coordinator", "offered", args={"program_id": "program"}),
        Page("coordinator", "retired", args={"program_id": "inactive_program"}),
    ),
    "staff.districts": (Page("coordinator"),),
    "staff.district_edit": (Page("coordinator", args={"district_id": "district"}),),
    # administrators
    "admin.users": (Page("admin"),),
    "admin.user_new": (Page("admin"),),
    "admin.user_edit": (
        Page("admin", "volunteer", args={"user_id": "user.volunteer"}),
        Page("admin", "locked", args={"user_id": "user.locked"}),
    ),
    "admin.tokens": (Page("admin"),),
    "admin.audit": (
        Page("admin", "all"),
        Page("admin", "sessions only", query={"type": "session"}),
    ),
}


@dataclass(frozen=True)
class FormCase:
    """A form sent empty (or with the values in `fill`), so that it comes back with its
    errors shown; axe then checks the page in that state."""

    endpoint: str
    role: str
    label: str = "empty"
    args: dict = field(default_factory=dict)  # URL argument -> key of the seeded ids
    fill: dict = field(default_factory=dict)  # CSS selector -> text typed, or True: ticked

    @property
    def name(self):
        return f"{self.endpoint}[{self.label}]"


FORMS = (
    FormCase("auth.login", "anonymous"),
    FormCase("auth.account", "volunteer"),
    FormCase("staff.session_new", "coordinator"),
    # a rule of the service, not of the form
    FormCase("staff.session_edit", "coordinator", "end before start",
             args={"session_id": "session.class"}, fill={"#end_time": "09:00"}),
    FormCase("staff.session_cancel", "coordinator", args={"session_id": "session.class"}),
    FormCase("staff.series_new", "coordinator"),
    # the error belongs to a group of checkboxes
    FormCase("staff.series_new", "coordinator", "no weekdays",
             fill={"#start_date": "2026-04-01", "#until_date": "2026-09-30",
                   "#start_time": "10:00", "#end_time": "11:00"}),
    # a complete pattern whose last date comes before its first: the service says no
    FormCase("staff.series_new", "coordinator", "last date before first",
             fill={"#weekdays-1": True, "#ordinals-1": True, "#start_date": "2026-04-01",
                   "#until_date": "2026-03-01", "#start_time": "10:00", "#end_time": "11:00"}),
    FormCase("staff.series_cancel", "coordinator", args={"series_id": "series"}),
    FormCase("staff.venue_new", "coordinator"),
    FormCase("staff.venue_edit", "coordinator", "bad phone", args={"venue_id": "venue"},
             fill={"#phone": "12"}),
    FormCase("staff.program_new", "coordinator"),
    FormCase("staff.districts", "coordinator"),
    FormCase("admin.user_new", "admin"),
)
