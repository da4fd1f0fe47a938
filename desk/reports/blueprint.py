"""The reports' URL table: the KPI dashboard, its printable report, targets, surveys,
unmet demand and exports, all under /staff/reports for coordinators and admins."""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.reports import export_views

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")
bp.before_request(require_staff)

# exports and open data (desk/reports/export_views.py)
bp.add_url_rule("/opendata/events.csv", "opendata_events", export_views.opendata_events)
bp.add_url_rule("/opendata/venues.csv", "opendata_venues", export_views.opendata_venues)
bp.add_url_rule("/attendance.csv", "attendance_csv", export_views.attendance_csv)
bp.add_url_rule("/attendance.xlsx", "attendance_xlsx", export_views.attendance_xlsx)

# targets and survey entry (desk/reports/target_views.py, survey_views.py)
from desk.reports import survey_views, target_views  # noqa: E402

bp.add_url_rule("/targets", "targets", target_views.targets, methods=["GET", "POST"])
bp.add_url_rule("/surveys", "surveys", survey_views.surveys)
bp.add_url_rule("/surveys/<int:session_id>", "survey_entry", survey_views.survey_entry,
                methods=["GET", "POST"])
bp.add_url_rule("/surveys/sheets/<int:survey_entry_id>/delete", "survey_delete",
                survey_views.survey_delete, methods=["POST"])

# the KPI dashboard and its printable A4 report (desk/reports/dashboard_views.py)
from desk.reports import dashboard_views  # noqa: E402

bp.add_url_rule("", "dashboard", dashboard_views.dashboard)
bp.add_url_rule("/print", "print", dashboard_views.print_report)
bp.add_url_rule("/report.xlsx", "report_xlsx", dashboard_views.export_xlsx)
bp.add_url_rule("/report/<slug>.csv", "report_csv", dashboard_views.export_csv)

# unmet demand: the waiting lists at the start and their follow-ups (desk/reports/demand_views.py)
from desk.reports import demand_views  # noqa: E402

bp.add_url_rule("/demand", "demand", demand_views.unmet_demand)
