"""Every action code the app writes to the audit log has a readable label: the code is
read for every `audit.record(...)` call (and the helpers that pass an action on:
`records.create/update(..., action=...)`, the consultation queue's `_change`), and each
literal code found must be in desk.admin.audit_labels.ACTION_LABELS."""

import ast
import re
from pathlib import Path

from flask_babel import force_locale

from desk.admin.audit_labels import ACTION_LABELS, OBJECT_LABELS, action_label

DESK = Path(__file__).resolve().parents[2] / "desk"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _literals(node, function):
    """The string constants an action argument can be: a literal, either side of a
    conditional, or what a local name was assigned (`action = "..."`,
    `action, note = "...", None`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, function) | _literals(node.orelse, function)
    found = set()
    if isinstance(node, ast.Name) and function is not None:
        for assign in ast.walk(function):
            if not isinstance(assign, ast.Assign):
                continue
            for target in assign.targets:
                if isinstance(target, ast.Name) and target.id == node.id:
                    found |= _literals(assign.value, None)
                elif isinstance(target, ast.Tuple) and isinstance(assign.value, ast.Tuple):
                    for name, value in zip(target.elts, assign.value.elts, strict=False):
                        if isinstance(name, ast.Name) and name.id == node.id:
                            found |= _literals(value, None)
    return found


def _action_arguments(call):
    func = call.func
    owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(
        func.value, ast.Name) else None
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if owner == "audit" and name == "record" and call.args:
        yield call.args[0]
    if owner == "records" and name in ("create", "update") or name == "_change":
        yield from (keyword.value for keyword in call.keywords if keyword.arg == "action")
        if name == "_change" and len(call.args) > 1:
            yield call.args[1]


def written_codes():
    """{code: the file that writes it}"""
    codes = {}
    for path in sorted(DESK.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call):
                    for argument in _action_arguments(call):
                        for code in _literals(argument, function):
                            if CODE.match(code):
                                codes.setdefault(code, str(path.relative_to(DESK.parent)))
    return codes


def test_every_written_action_code_has_a_label():
    codes = written_codes()
    # the scan finds the codes of every package, passed on or written directly
    assert {"booking.create", "ticket.call", "venue.create", "user.activate",
            "user.password_reset", "shift_assignment.withdraw", "retention.purge"} <= set(codes)
    missing = {code: path for code, path in codes.items() if code not in ACTION_LABELS}
    assert not missing, f"audit action codes without a label in audit_labels.py: {missing}"


def test_labels_are_translated(app):
    with app.test_request_context():
        with force_locale("en"):
            english = {code: str(label) for code, label in ACTION_LABELS.items()}
            english_objects = {key: str(label) for key, label in OBJECT_LABELS.items()}
        with force_locale("ja"):
            assert action_label("booking.create") == "予約の作成"
            assert action_label("no.such_code") == "no.such_code"  # an old entry: as it is
            assert [code for code, label in ACTION_LABELS.items()
                    if str(label) == english[code]] == []
            assert [key for key, label in OBJECT_LABELS.items()
                    if str(label) == english_objects[key]] == []
        assert english["booking.create"] == "Booking made"
