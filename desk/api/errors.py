"""The API's error shape: {"error": {"code", "message", "fields"}} — never HTML."""

from flask import jsonify


def error_response(status, code, message, fields=None):
    response = jsonify(error={"code": code, "message": str(message), "fields": fields or {}})
    response.status_code = status
    return response
