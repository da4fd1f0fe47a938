"""The baseline a benchmark is measured against: `POST /bench/baseline` reads a JSON body,
inserts one row in one transaction and answers 201 with JSON — the least a writing
request costs on this app, this server and this database. `POST /bench/twiml` answers
a bare TwiML <Say> inside a <Gather>, touching no database: the least a Twilio webhook
costs (bench.phone). `GET /bench/page` answers a small HTML page, touching no database
and no template: the least a page costs on this app and server (bench.pages), and
`GET /bench/memory` the resident memory (RSS) of the serving process.

Only the bench's own server (bench.server) registers this blueprint, and its table lives
in the bench's throw-away schema: neither is ever part of the application.
"""

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert
from twilio.twiml.voice_response import VoiceResponse

from desk.core.timeutil import utcnow
from desk.extensions import csrf, db

PATH = "/bench/baseline"
TWIML_PATH = "/bench/twiml"
PAGE_PATH = "/bench/page"
MEMORY_PATH = "/bench/memory"
BARE_PAGE = ("<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
             "<title>ベンチ</title></head><body><p>こんにちは</p></body></html>")

metadata = MetaData()
rows = Table(
    "bench_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100)),
    Column("kana", String(100)),
    Column("phone", String(20)),
    Column("created_dt", DateTime(timezone=True)),
)

bp = Blueprint("bench", __name__)
csrf.exempt(bp)


@bp.post(PATH)
def baseline():
    data = request.get_json()
    row_id = db.session.execute(
        insert(rows).values(name=data["name"], kana=data["kana"], phone=data["phone"],
                            created_dt=utcnow()).returning(rows.c.id)).scalar_one()
    return jsonify({"id": row_id}), 201  # committed by the request (desk.core.transaction)


def create_table():
    """Inside an application context: the baseline's table, next to the app's."""
    metadata.create_all(db.engine)


@bp.post(TWIML_PATH)
def bare_twiml():
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=TWIML_PATH, method="POST")
    gather.say(request.form.get("Digits", "") or "もしもし", language="ja-JP")
    return Response(response.to_xml(xml_declaration=False), mimetype="application/xml")


@bp.get(PAGE_PATH)
def bare_page():
    return Response(BARE_PAGE, mimetype="text/html")


@bp.get(MEMORY_PATH)
def memory():
    """{"rss_kib": ...} of this process, from /proc/self/status (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return jsonify({"rss_kib": rss})
