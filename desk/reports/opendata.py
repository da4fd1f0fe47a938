"""Open data in the layouts of the 自治体標準オープンデータセット (推奨データセット):
upcoming sessions as イベント一覧 (32 columns) and venues as 公共施設一覧 (24 columns).

The column lists live in LAYOUTS, in the standard's order, so that a newer edition (NO ->
ID, 住所 -> 所在地_連結表記, ...) can be added beside them. The files are UTF-8 with BOM
and CRLF (desk.core.csvexport), dates YYYY-MM-DD and times HH:MM in JST.

What goes in (docs/kpi.md repeats it):
- events: every session (class, outreach class, awareness event, consultation) that is
  still scheduled (not cancelled, not held) and starts from `now` on, by start time;
  NO is a running number 1, 2, ...;
- イベント名 is the session's own title, else its program's; イベント名_カナ and
  イベント名_英語 come from the program (title_kana, title_en), イベント名_英語 from the
  session's own English title where it has one. A session without a program (an
  awareness event, a consultation session) takes the Japanese name, the kana and the
  English name of its kind from KIND_NAMES, as does a program without an English title
  for イベント名_英語;
- 連絡先電話番号 is DESK_DESK_PHONE, 市区町村名 DESK_MUNICIPALITY_NAME as configured,
  都道府県名 from the first two digits of DESK_MUNICIPALITY_CODE (PREFECTURES);
- 参加申込方法: the public booking page and the desk's phone for sessions that take
  bookings, "申込不要" (just come) for the others; 参加申込終了日/時間 is when online
  booking closes (DESK_BOOKING_CLOSES_MINUTES before the start);
- URL: the session's public page at DESK_PUBLIC_URL;
- no personal data at all: nothing from people, bookings, or an outreach class's
  requesting group and contact is read;
- an outreach class's row names its community place (場所名称, 住所) like any venue;
- venues: the active city venues in kana order (community places, where outreach
  classes are held on request, are not public facilities); 電話番号 is the venue's own (public) number in
  the national format, バリアフリー情報 its accessibility notes.
The dataset is Japanese by definition, so its words are fixed Japanese, not translated.
Columns for which desk keeps no data (料金, 方書, アクセス方法, 駐車場情報, POIコード,
法人番号, 利用可能曜日 ...) are left empty.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from desk.core.csvexport import csv_bytes
from desk.core.phone import display_phone, parse_phone
from desk.core.timeutil import to_local
from desk.core.web import public_url_for
from desk.events.models import EventSession, SessionKind, SessionStatus, Venue, VenueKind
from desk.extensions import db

EVENT_COLUMNS = (
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名",
    "イベント名_カナ", "イベント名_英語", "開始日", "終了日", "開始時間", "終了時間",
    "開始日時特記事項", "説明", "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号",
    "連絡先内線番号", "主催者", "場所名称", "住所", "方書", "緯度", "経度", "アクセス方法",
    "駐車場情報", "定員", "参加申込終了日", "参加申込終了時間", "参加申込方法", "URL", "備考",
)

FACILITY_COLUMNS = (
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
    "名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号",
    "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "説明",
    "バリアフリー情報", "URL", "備考",
)

# layout name -> its columns in order; the one place the standard's columns are written
LAYOUTS = {
    "event_list": EVENT_COLUMNS,
    "public_facilities": FACILITY_COLUMNS,
}

# the session kinds' names where no program gives one: (Japanese, kana, English)
KIND_NAMES = {
    SessionKind.CLASS: ("スマホ講座", "スマホコウザ", "Smartphone class"),
    SessionKind.OUTREACH_CLASS: ("出張講座", "シュッチョウコウザ", "Outreach class"),
    SessionKind.AWARENESS_EVENT: ("啓発イベント", "ケイハツイベント", "Awareness event"),
    SessionKind.CONSULTATION: ("スマホ何でも相談窓口", "スマホナンデモソウダンマドグチ",
                               "Smartphone consultation desk"),
}

PREFECTURES = {
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
    "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
    "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
    "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
    "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
    "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
    "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
    "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
    "46": "鹿児島県", "47": "沖縄県",
}

NO_BOOKING_NEEDED = "申込不要（当日直接会場へお越しください）"
SEPARATOR = ";"  # several values in one cell: a half-width semicolon


def prefecture_name(code):
    """都道府県名 of a 6-digit local government code ("142051" -> 神奈川県), or ""."""
    return PREFECTURES.get(str(code or "").strip()[:2], "")


def _municipality():
    config = current_app.config
    code = str(config["DESK_MUNICIPALITY_CODE"]).strip()
    return code, prefecture_name(code), config["DESK_MUNICIPALITY_NAME"]


def _desk_phone():
    raw = current_app.config["DESK_DESK_PHONE"]
    phone = parse_phone(raw)
    return phone.national if phone else raw


def _number(value):
    return "" if value is None else value


def _date(dt):
    return to_local(dt).date().isoformat()


def _time(dt):
    return to_local(dt).strftime("%H:%M")


# -- イベント一覧 ------------------------------------------------------------------------

def upcoming_sessions(now):
    """Scheduled sessions (not cancelled, not held) starting from `now`, by start."""
    return db.session.scalars(
        select(EventSession)
        .where(EventSession.status == SessionStatus.SCHEDULED, EventSession.start_dt >= now)
        .order_by(EventSession.start_dt, EventSession.id)).all()


def event_names(session):
    """(イベント名, イベント名_カナ, イベント名_英語) of a session."""
    kind_name, kind_kana, kind_english = KIND_NAMES[SessionKind(session.kind)]
    program = session.program
    own_english = session.title_en if session.title else None
    if program is not None:
        return (session.title or program.title, program.title_kana,
                own_english or program.title_en or kind_english)
    return session.title or kind_name, kind_kana, own_english or kind_english


def _description(session):
    parts = [session.program.description if session.program else None, session.notes]
    text = "\n".join(part.strip() for part in parts if part and part.strip())
    return text or KIND_NAMES[SessionKind(session.kind)][0]


def _booking(session, url, phone):
    """(参加申込終了日, 参加申込終了時間, 参加申込方法)"""
    if not session.takes_bookings:
        return "", "", NO_BOOKING_NEEDED
    closes = session.start_dt - timedelta(
        minutes=current_app.config["DESK_BOOKING_CLOSES_MINUTES"])
    method = SEPARATOR.join([f"ウェブ {url}", f"電話 {phone}"])
    return _date(closes), _time(closes), method


def _remarks(session):
    bring = session.program.what_to_bring if session.program else None
    return f"持ち物：{bring.strip()}" if bring and bring.strip() else ""


def event_rows(now):
    """The イベント一覧 rows (without the header) of the upcoming sessions."""
    code, prefecture, municipality = _municipality()
    phone = _desk_phone()
    rows = []
    for number, session in enumerate(upcoming_sessions(now), start=1):
        name, kana, english = event_names(session)
        venue = session.venue
        url = public_url_for("public.session", session_id=session.id)
        closes_date, closes_time, method = _booking(session, url, phone)
        values = {
            "都道府県コード又は市区町村コード": code,
            "NO": number,
            "都道府県名": prefecture,
            "市区町村名": municipality,
            "イベント名": name,
            "イベント名_カナ": kana,
            "イベント名_英語": english,
            "開始日": _date(session.start_dt),
            "終了日": _date(session.end_dt),
            "開始時間": _time(session.start_dt),
            "終了時間": _time(session.end_dt),
            "説明": _description(session),
            "連絡先名称": municipality,
            "連絡先電話番号": phone,
            "主催者": municipality,
            "場所名称": venue.name,
            "住所": venue.address,
            "緯度": _number(venue.latitude),
            "経度": _number(venue.longitude),
            "定員": _number(session.capacity if session.takes_bookings else None),
            "参加申込終了日": closes_date,
            "参加申込終了時間": closes_time,
            "参加申込方法": method,
            "URL": url,
            "備考": _remarks(session),
        }
        rows.append([values.get(column, "") for column in EVENT_COLUMNS])
    return rows


def events_csv(now):
    return csv_bytes([list(EVENT_COLUMNS), *event_rows(now)])


# -- 公共施設一覧 ------------------------------------------------------------------------

def active_venues():
    return db.session.scalars(
        select(Venue).where(Venue.is_active.is_(True), Venue.kind == VenueKind.CITY)
        .order_by(Venue.name_kana, Venue.id)).all()


def facility_rows():
    code, prefecture, municipality = _municipality()
    url = public_url_for("public.venues")
    rows = []
    for number, venue in enumerate(active_venues(), start=1):
        values = {
            "都道府県コード又は市区町村コード": code,
            "NO": number,
            "都道府県名": prefecture,
            "市区町村名": municipality,
            "名称": venue.name,
            "名称_カナ": venue.name_kana,
            "名称_通称": venue.short_name,
            "住所": venue.address,
            "緯度": _number(venue.latitude),
            "経度": _number(venue.longitude),
            "電話番号": display_phone(venue.phone) if venue.phone else "",
            "バリアフリー情報": venue.accessibility_notes or "",
            "URL": url,
        }
        rows.append([values.get(column, "") for column in FACILITY_COLUMNS])
    return rows


def venues_csv():
    return csv_bytes([list(FACILITY_COLUMNS), *facility_rows()])
