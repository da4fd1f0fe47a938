"""The demo's volunteers and the shifts they staffed and will staff, written in bulk.

Forty volunteers of every affiliation (地域ICTボランティア most, デジタル推進委員,
students of a local university, mobile-carrier staff, city staff) are made through
desk.volunteers.services, like a coordinator making their profiles; the six demo
volunteer logins (desk.demo.data.ACCOUNTS) are linked to six of them, the first
(`volunteer@...`, 中村 光子) being the one `make run` shows first.

Every session gets its shifts (a lead and assistants, one per four seats as the staffing
rule asks; reception at consultation desks and awareness events; morning and afternoon
assistants at the long events; skills asked where the program needs them), and the
shifts are filled in time order the way sign-ups and coordinators fill them: volunteers
with the skills, inside their usual times, never two shifts within the travel gap, not
too many a month. Some volunteers signed up themselves (those with a login), the others
were put on by a coordinator; a few gave their place back (withdrawn before the cut-off,
or taken off by a coordinator after a phone call) and the place went to someone else.

What has been held has its check-in and check-out times near the shift's times, with a
few no-shows (about 3 %); a shift in progress has its check-ins so far. Ahead, the next
two weeks are mostly staffed, with a few sessions short (the coordinators' understaffed
panel); further ahead fewer places are taken. The demo volunteer holds three shifts in
the next five weeks, and a place is kept free on three shifts that fit her skills and
usual times, so her page offers open shifts.

As desk.demo.bookings does for bookings, this module writes what the services would have
written, in a few bulk INSERTs (some 3,000 assignments one by one would take seconds),
counting places by the shift-place rule itself (desk.volunteers.places.holds; tests/demo
checks DESIGN.md's invariants on the result): the shifts, their skills, the assignments,
their audit entries dated when they happened (by the coordinator or the volunteer's own
account), and the messages the services plan (desk.volunteers.notices): a coordinator's
assignment is told at once (SHIFT_CHANGED), every place gets its SHIFT_REMINDER the day
before at DESK_SHIFT_REMINDER_TIME, a reminder still waiting is cancelled when the place
is given back; only volunteers with a reachable channel get messages. Messages due
before now are `logged` (the demo has no provider, as for bookings); those still to come
are `queued`. Sessions about to be cancelled (desk.demo.load) get their shifts too: the
cancellation then cancels them through desk.volunteers.services.session_cancelled.
"""

import bisect
import math
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import insert, select

from desk.auth.models import User
from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.timeutil import fiscal_year_dates, fiscal_year_of, local_datetime, to_local
from desk.demo import data, outbox
from desk.events.models import SessionKind
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.volunteers import notices, places
from desk.volunteers import services as volunteer_services
from desk.volunteers.models import (
    Affiliation,
    AssignmentSource,
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftRole,
    ShiftSkill,
    ShiftStatus,
    Skill,
)
from desk.volunteers.notices import ShiftTemplate

DEMO_VOLUNTEER = "volunteer"  # the login whose profile is shaped for the demo
WEEKDAYS = "月火水木金土日"
MONTH = timedelta(days=28)
STAFFING_DAYS = 14
NO_SHOW_SHARE = 0.03
GIVE_BACK_SHARE = 0.04
SELF_SIGN_UP_SHARE = 0.75
SHORT_SESSION_SHARE = 0.25  # of the sessions in the next two weeks
# who fills the places ahead: (days ahead up to, share of places, share of leads)
FILL_AHEAD = ((30, 0.8, 0.95), (60, 0.55, 0.85), (None, 0.3, 0.6))
STUDENT_DOMAIN = "st.shonan-mirai.example"  # 湘南みらい大学, a made-up local university
COMPANY_DOMAIN = "shonan-mobile.example"  # 湘南モバイル, a made-up carrier's shops
REMOVE_NOTE = "本人から電話で辞退の連絡あり"

# what a program's shifts ask for
TOPIC_SKILLS = {"line": Skill.LINE, "my_number": Skill.MY_NUMBER,
                "mynaportal": Skill.MYNAPORTAL, "cashless": Skill.CASHLESS}
DEVICE_SKILLS = {"iphone": Skill.IPHONE, "android": Skill.ANDROID}


@dataclass(frozen=True)
class Profile:
    """A volunteer as the coordinators know them. `times`: usual times such as
    "火水木 9:00-17:00 / 土 9:00-13:00" ("" for any time); `account`: the demo login
    linked to the profile; `joined`: "before" the demo period or "this_year" (the
    current fiscal year); `active` False: stopped some months ago."""

    name: str
    kana: str
    romaji: str
    affiliation: Affiliation
    skills: str
    times: str = ""
    phone: str = "mobile"  # mobile, landline or none
    mail: bool = True
    channel: str = "email"
    shares: bool = False
    lead: bool = False  # leads shifts
    notes: str | None = None
    account: str | None = None
    joined: str = "before"
    active: bool = True
    keen: float = 1.0  # how often they help, relative to the others
    language: str = "ja"
    avoid: str | None = None  # a venue key they cannot reach


ICT = Affiliation.ICT_VOLUNTEER
PROMOTER = Affiliation.DIGITAL_PROMOTER
STUDENT = Affiliation.STUDENT
COMPANY = Affiliation.COMPANY
CITY = Affiliation.CITY_STAFF
WEEKDAYS_OFFICE = "月火水木金 8:30-17:15"

PROFILES = [
    # the demo logins first (data.ACCOUNTS)
    Profile("中村 光子", "ナカムラ ミツコ", "", ICT, "iphone line my_number mynaportal",
            "火水木 9:00-17:00", shares=True, keen=1.2, account="volunteer"),
    Profile("小林 誠", "コバヤシ マコト", "", PROMOTER,
            "android iphone line my_number mynaportal cashless", "月火水木金 9:00-17:00",
            channel="sms", lead=True, keen=1.2, account="volunteer2",
            notes="デジタル推進委員。講座の講師経験が豊富で、リーダーを任せられる。"),
    Profile("加藤 由美", "カトウ ユミ", "", ICT, "iphone line cashless",
            "水金 9:00-15:00 / 土 9:00-13:00", shares=True, account="volunteer3"),
    Profile("吉田 大輔", "ヨシダ ダイスケ", "", COMPANY, "iphone android line cashless",
            "月火木 13:00-18:00", keen=0.7, account="volunteer4",
            notes="湘南モバイル藤沢駅前店の店長。平日の午後のみ。"),
    Profile("山口 さくら", "ヤマグチ サクラ", "", STUDENT, "iphone line english",
            "木 13:00-18:00 / 土 9:00-17:00", channel="sms", shares=True, keen=0.8,
            account="volunteer5", joined="this_year"),
    Profile("松本 和夫", "マツモト カズオ", "", ICT, "android line my_number", "",
            phone="landline", lead=True, keen=1.3, account="volunteer6",
            notes="地域ICTボランティアの会の代表。新しいボランティアの指導役。"),
    # 地域ICTボランティア
    Profile("鈴木 恵子", "スズキ ケイコ", "suzuki.keiko", ICT, "iphone line",
            "月水金 9:00-12:00", channel="sms"),
    Profile("高橋 茂", "タカハシ シゲル", "takahashi.shigeru", ICT, "android line my_number",
            "火木 9:00-17:00", phone="landline", lead=True, avoid="muraoka",
            notes="膝が悪いため、階段しかない会場（村岡公民館）には入れない。"),
    Profile("田中 節子", "タナカ セツコ", "", ICT, "iphone line cashless",
            "月火水木金 9:00-16:00", mail=False, channel="sms"),
    Profile("伊藤 博", "イトウ ヒロシ", "ito.hiroshi", ICT,
            "android iphone my_number mynaportal", lead=True),
    Profile("渡辺 京子", "ワタナベ キョウコ", "watanabe.kyoko", ICT, "iphone line",
            "水木 9:00-17:00", shares=True),
    Profile("山田 正", "ヤマダ タダシ", "yamada.tadashi", ICT, "android line",
            "月金 9:00-17:00", phone="landline", keen=0.8),
    Profile("佐々木 久美子", "ササキ クミコ", "sasaki.kumiko", ICT, "iphone line my_number",
            "火水 13:00-17:00", channel="sms", active=False,
            notes="家族の介護のため活動を休止中。再開するときは本人から連絡がある。"),
    Profile("井上 修", "イノウエ オサム", "inoue.osamu", ICT, "android line cashless",
            "月火水木金 9:00-17:00 / 土 9:00-17:00", lead=True),
    Profile("木村 弘子", "キムラ ヒロコ", "", ICT, "iphone line", "木金 9:00-13:00",
            mail=False, channel="sms"),
    Profile("林 豊", "ハヤシ ユタカ", "hayashi.yutaka", ICT, "android my_number mynaportal",
            "月水 9:00-17:00", channel="none",
            notes="連絡は電話で（メールやSMSは見ないとのこと）。"),
    Profile("斎藤 典子", "サイトウ ノリコ", "saito.noriko", ICT, "iphone line chinese",
            "火木 9:00-17:00",
            notes="中国語（日常会話）ができる。外国籍の方の相談があるときに声をかける。"),
    Profile("清水 昭", "シミズ アキラ", "shimizu.akira", ICT, "android iphone line",
            phone="landline", active=False, notes="市外へ転居のため活動終了。"),
    Profile("森 明美", "モリ アケミ", "mori.akemi", ICT, "iphone line cashless",
            "水土 9:00-17:00", channel="sms", shares=True),
    # デジタル推進委員
    Profile("池田 健一", "イケダ ケンイチ", "ikeda.kenichi", PROMOTER,
            "android iphone my_number mynaportal", "月火水木金 9:00-17:00", lead=True),
    Profile("橋本 由美子", "ハシモト ユミコ", "hashimoto.yumiko", PROMOTER,
            "iphone line my_number cashless", "火水木 9:00-17:00", channel="sms",
            lead=True, shares=True),
    Profile("阿部 隆", "アベ タカシ", "abe.takashi", PROMOTER, "android line mynaportal",
            "月金 9:00-17:00 / 土 9:00-17:00"),
    Profile("石川 洋子", "イシカワ ヨウコ", "ishikawa.yoko", PROMOTER,
            "iphone my_number mynaportal english", "水木金 9:00-16:00", lead=True,
            notes="英語での相談に対応できる。"),
    Profile("山下 哲也", "ヤマシタ テツヤ", "yamashita.tetsuya", PROMOTER,
            "android iphone cashless", "土 9:00-17:00", joined="this_year"),
    Profile("中島 幸子", "ナカジマ サチコ", "", PROMOTER, "iphone line", "月火 9:00-12:00",
            phone="landline", mail=False, channel="none", keen=0.8,
            notes="携帯電話を持っていないので、連絡は自宅へ電話する。"),
    Profile("小川 正雄", "オガワ マサオ", "ogawa.masao", PROMOTER, "android my_number",
            "火水木 9:00-17:00", channel="sms"),
    # students of 湘南みらい大学
    Profile("前田 陽斗", "マエダ ハルト", "maeda.haruto", STUDENT, "iphone android line",
            "月金 13:00-18:00 / 土 9:00-17:00", channel="sms", shares=True, keen=0.8,
            notes="湘南みらい大学 総合政策学部3年。"),
    Profile("岡田 結衣", "オカダ ユイ", "okada.yui", STUDENT, "iphone line cashless english",
            "水 13:00-18:00 / 土 9:00-17:00", shares=True, keen=0.7),
    Profile("グエン・ティ・ホア", "グエン ティ ホア", "nguyen.thi.hoa", STUDENT,
            "iphone line vietnamese english", "火木 13:00-18:00", keen=0.7, language="en",
            notes="ベトナム出身の留学生。ベトナム語での相談に対応できる。"),
    Profile("長谷川 蓮", "ハセガワ レン", "hasegawa.ren", STUDENT, "android iphone",
            "土 9:00-17:00", channel="sms", keen=0.7, joined="this_year"),
    Profile("藤田 美咲", "フジタ ミサキ", "fujita.misaki", STUDENT, "iphone line",
            "月水 13:00-18:00", keen=0.7, active=False, notes="卒業のため活動終了。"),
    Profile("後藤 大翔", "ゴトウ ヒロト", "goto.hiroto", STUDENT, "android line cashless",
            "金 13:00-18:00 / 土 9:00-17:00", channel="sms", keen=0.7, joined="this_year"),
    # mobile-carrier staff
    Profile("近藤 亜希子", "コンドウ アキコ", "kondo.akiko", COMPANY,
            "iphone android line cashless", "月火水木金 10:00-17:00", keen=0.5,
            notes="通信事業者の地域貢献活動として参加（月2回まで）。"),
    Profile("村上 翔太", "ムラカミ ショウタ", "murakami.shota", COMPANY,
            "android iphone cashless", "火水 9:00-17:00", keen=0.6),
    Profile("サントス 恵美", "サントス エミ", "santos.emi", COMPANY,
            "iphone android line portuguese", "木金 13:00-17:00", channel="sms", keen=0.6,
            notes="ポルトガル語ができる（ブラジル出身の方の相談に）。"),
    Profile("青木 拓也", "アオキ タクヤ", "aoki.takuya", COMPANY, "iphone android",
            "土 9:00-17:00", lead=True, keen=0.8),
    # city staff (デジタル推進室 and the counters)
    Profile("坂本 真理子", "サカモト マリコ", "sakamoto.mariko", CITY,
            "iphone my_number mynaportal", WEEKDAYS_OFFICE, phone="landline", lead=True,
            keen=0.5, notes="市民窓口課。マイナンバーカードの手続きの相談を担当。"),
    Profile("福田 健", "フクダ ケン", "fukuda.ken", CITY, "android iphone line",
            WEEKDAYS_OFFICE, phone="landline", lead=True, keen=0.5, notes="デジタル推進室。"),
    Profile("太田 彩", "オオタ アヤ", "ota.aya", CITY, "iphone line cashless", WEEKDAYS_OFFICE,
            phone="landline", keen=0.4),
    Profile("西村 聡", "ニシムラ サトシ", "nishimura.satoshi", CITY,
            "android my_number mynaportal", WEEKDAYS_OFFICE + " / 土 9:00-17:00",
            channel="sms", lead=True, keen=0.5),
]

MONTHLY_CAP = {ICT: 6, PROMOTER: 6, STUDENT: 4, COMPANY: 3, CITY: 4}
MAIL_DOMAINS = {STUDENT: STUDENT_DOMAIN, COMPANY: COMPANY_DOMAIN, CITY: data.EMAIL_DOMAIN}


def parse_times(text):
    """[(weekday, start, end)] from "火水木 9:00-17:00 / 土 9:00-13:00"."""
    rows = []
    for part in filter(None, (item.strip() for item in text.split("/"))):
        days, span = part.split()
        start, end = (clock.fromisoformat(value.zfill(5)) for value in span.split("-"))
        rows += [(WEEKDAYS.index(day), start, end) for day in days]
    return rows


@dataclass
class Helper:
    """A volunteer while the demo fills the shifts."""

    profile: Profile
    volunteer: object
    user: object  # the linked login, or None
    since: object  # when the profile was made
    until: object  # when they stopped (inactive), or None
    reach: object  # (channel, address) for shift messages, or None
    skills: set = field(default_factory=set)
    starts: list = field(default_factory=list)  # shift starts taken, in time order
    busy: dict = field(default_factory=dict)  # local date -> [(start, end)]
    sessions: set = field(default_factory=set)  # session ids they hold a place at

    def fits(self, plan):
        """Inside the volunteer's usual times (the services' rule)."""
        return volunteer_services.fits_availability(self.volunteer, plan)

    def is_free(self, plan, travel):
        """No other place at the session, and none within `travel` of the shift (the
        demo's coordinators heed every staffing warning)."""
        if plan.session.id in self.sessions:
            return False
        return not any(start < plan.end_dt + travel and end > plan.start_dt - travel
                       for start, end in self.busy.get(plan.day, ()))

    def hold(self, plan):
        self.busy.setdefault(plan.day, []).append((plan.start_dt, plan.end_dt))
        self.sessions.add(plan.session.id)

    def recent(self, moment):
        """Shifts taken in the four weeks before `moment`."""
        return bisect.bisect_left(self.starts, moment) - bisect.bisect_left(
            self.starts, moment - MONTH)


@dataclass
class Plan:
    """A shift of a session, and who holds or held its places."""

    session: object
    role: ShiftRole
    places: int
    start_dt: object
    end_dt: object
    skills: tuple
    notes: str | None
    created_dt: object = None
    creator: object = None
    target: int = 0  # places to fill
    holds: list = field(default_factory=list)
    id: int | None = None

    def __post_init__(self):
        self.day = to_local(self.start_dt).date()

    @property
    def active(self):
        return [hold for hold in self.holds if hold.status == AssignmentStatus.ACTIVE]

    @property
    def taken(self):
        """Places held, by the shift-place rule (desk.volunteers.places.holds)."""
        return sum(places.holds(hold) for hold in self.holds)


@dataclass
class Hold:
    """One volunteer on one shift: how it stands now and its history."""

    plan: Plan
    helper: Helper
    source: AssignmentSource
    assigned_dt: object
    status: AssignmentStatus = AssignmentStatus.ACTIVE
    sequence: int = 0
    ended_dt: object = None
    check_in_dt: object = None
    check_out_dt: object = None
    is_no_show: bool = False
    events: list = field(default_factory=list)  # (time, action, changes, actor, note)

    def record(self, when, action, changes, actor, note=None):
        self.events.append((when, action, changes, actor, note))


def _minutes(rng, low, high):
    return timedelta(minutes=rng.randrange(low, high + 1))


def _at(day, start, minutes):
    """An aware UTC time `minutes` after the local `start` on `day`."""
    return local_datetime(day, start) + timedelta(minutes=minutes)


class DemoVolunteers:
    def __init__(self, rng, *, sessions, venues, staff, today, now):
        self.rng = rng
        self.sessions = sorted(sessions, key=lambda session: (session.start_dt, session.id))
        self.venue_keys = {venue.id: key for key, venue in venues.items()}
        self.staff = staff
        self.today = today
        self.now = now
        self.first_day = fiscal_year_dates(fiscal_year_of(today) - 1)[0]
        self.travel = timedelta(minutes=current_app.config["DESK_SHIFT_TRAVEL_MINUTES"])
        self.helpers = []
        self.demo_helper = None
        self.short = set()  # ids of the sessions left short in the next two weeks
        self.plans = []
        self.phones = set()
        self.count = 0  # places held (active assignments)

    # -- the volunteers ---------------------------------------------------------------------

    def _phone(self, kind):
        while True:
            if kind == "mobile":
                number = (f"{self.rng.choice(data.MOBILE_PREFIXES)}-"
                          f"{self.rng.randrange(1000, 10000)}-{self.rng.randrange(10000):04d}")
            else:
                number = (f"0466-{self.rng.choice(data.LANDLINE_EXCHANGES)}-"
                          f"{self.rng.randrange(10000):04d}")
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _since(self, profile):
        if profile.joined == "this_year":
            start, _end = fiscal_year_dates(fiscal_year_of(self.today))
            day = min(start + timedelta(days=self.rng.randrange(-20, 30)),
                      self.today - timedelta(days=7))
        else:
            day = self.first_day - timedelta(days=self.rng.randrange(30, 400))
        return _at(day, clock(10), self.rng.randrange(0, 420))

    def _until(self, profile, since):
        """When an inactive volunteer stopped: between four months after they started
        (or the demo's start) and two months ago."""
        if profile.active:
            return None
        first = max(since, local_datetime(self.first_day, clock(9))) + timedelta(days=120)
        last = self.now - timedelta(days=60)
        return first + (last - first) * self.rng.random() if last > first else last

    @staticmethod
    def _dated(moment):
        """Date the audit entries the last service call added (they happened then)."""
        for entry in db.session.new:
            if isinstance(entry, AuditEntry) and entry.created_dt is None:
                entry.created_dt = moment

    def load_volunteers(self):
        users = {user.email.split("@")[0]: user for user in db.session.scalars(
            select(User).where(User.email.like(f"%@{data.EMAIL_DOMAIN}")))}
        for profile in PROFILES:
            user = users.get(profile.account) if profile.account else None
            if user is not None:
                email = user.email
            elif profile.mail:
                domain = MAIL_DOMAINS.get(profile.affiliation, data.MAIL_DOMAIN)
                email = f"{profile.romaji}@{domain}"
            else:
                email = None
            rows = parse_times(profile.times)
            since = self._since(profile)
            coordinator = self.rng.choice(self.staff)
            volunteer = volunteer_services.create_volunteer({
                "name": profile.name, "name_kana": profile.kana,
                "phone": self._phone(profile.phone) if profile.phone != "none" else None,
                "email": email, "affiliation": profile.affiliation, "is_active": True,
                "notes": profile.notes, "message_channel": profile.channel,
                "shares_contact": profile.shares, "language": profile.language,
                "skills": profile.skills.split(),
                "availability": [{"weekday": weekday, "start_time": start, "end_time": end}
                                 for weekday, start, end in rows],
            }, actor=coordinator, now=since)
            self._dated(since)
            if user is not None:  # the invitation accepted
                volunteer.user_id = user.id
                volunteer.updated_dt = since
            self.helpers.append(Helper(profile, volunteer, user, since,
                                       self._until(profile, since),
                                       notices.volunteer_channel(volunteer), volunteer.skills))
        db.session.flush()

    def close_inactive(self):
        """Those who stopped were marked inactive by a coordinator then."""
        for helper in self.helpers:
            if helper.until is not None:
                volunteer_services.update_volunteer(
                    helper.volunteer, {"is_active": False}, actor=self.rng.choice(self.staff),
                    now=helper.until)
                self._dated(helper.until)

    # -- the shifts of each session -------------------------------------------------------

    def _program_skills(self, session):
        program = session.program
        if program is None:
            return ()
        skills = [DEVICE_SKILLS.get(str(program.device)), TOPIC_SKILLS.get(str(program.topic))]
        return tuple(skill for skill in skills if skill is not None)

    def _plans(self, session):
        day = to_local(session.start_dt).date()
        start, end = session.start_dt, session.end_dt
        early, late = timedelta(minutes=30), timedelta(minutes=15)
        plans = []

        def add(role, count, start_dt, end_dt, skills=(), notes=None):
            if count > 0:
                plans.append(Plan(session, role, count, start_dt, end_dt, tuple(skills), notes))

        if session.kind in (SessionKind.CLASS, SessionKind.OUTREACH_CLASS):
            skills = self._program_skills(session)
            assistants = max(1, math.ceil(session.capacity / 4))
            notes = ("出張講座：貸出用スマホを事務局で受け取り、会場へ持参してください。"
                     if session.kind == SessionKind.OUTREACH_CLASS else None)
            add(ShiftRole.LEAD, 1, start - early, end + late, skills, notes)
            if skills:  # two helpers who know the topic, the others any
                add(ShiftRole.ASSISTANT, min(2, assistants), start - early, end + late, skills)
                add(ShiftRole.ASSISTANT, assistants - 2, start - early, end + late)
            else:
                add(ShiftRole.ASSISTANT, assistants, start - early, end + late)
        elif session.kind == SessionKind.CONSULTATION:
            early = timedelta(minutes=15)
            add(ShiftRole.LEAD, 1, start - early, end + late)
            add(ShiftRole.ASSISTANT, 2, start - early, end + late)
            if self.rng.random() < 0.5:
                add(ShiftRole.ASSISTANT, 1, start - early, end + late, (Skill.MY_NUMBER,),
                    "マイナンバーカード・マイナポータルの相談を担当")
            add(ShiftRole.RECEPTION, 1, start - early, end, (),
                "受付・順番札の配布・相談票の記入のお手伝い")
        else:  # an awareness event
            skills = (Skill.MY_NUMBER,) if "マイナンバー" in (session.title or "") else ()
            add(ShiftRole.LEAD, 1, start - early, end + early, (),
                "会場設営から。貸出用スマホとWi-Fiルーターを事務局で受け取ってください。")
            if end - start > timedelta(hours=3):  # morning and afternoon helpers
                noon = local_datetime(day, clock(12, 30))
                add(ShiftRole.ASSISTANT, 3, start - early, noon, skills, "午前の部")
                add(ShiftRole.ASSISTANT, 3, noon, end + early, skills, "午後の部")
                add(ShiftRole.RECEPTION, 2, start - early, end, (), "受付・アンケートの回収")
            else:
                add(ShiftRole.ASSISTANT, 3, start - early, end + early, skills)
                add(ShiftRole.RECEPTION, 1, start - early, end, (), "受付・アンケートの回収")
        return plans

    def _created(self, plan):
        """Shifts are set up with the session's booking window (ten weeks ahead), or
        lately for the sessions far ahead."""
        created = plan.start_dt - timedelta(days=70)
        recent = self.now - timedelta(days=self.rng.randrange(1, 11), minutes=self.rng.randrange(
            0, 480))
        return min(created, recent)

    def make_plans(self):
        for session in self.sessions:
            for plan in self._plans(session):
                plan.created_dt = self._created(plan)
                plan.creator = self.rng.choice(self.staff)
                plan.target = plan.places
                self.plans.append(plan)

    # -- how full each shift gets -----------------------------------------------------------

    def set_targets(self, cancelled):
        """Places to fill: the held sessions had (nearly) all theirs; the next two weeks
        are staffed but for a few sessions short of a place or two; further ahead the
        sign-ups are still coming in."""
        soon_end = self.now + timedelta(days=STAFFING_DAYS)
        soon = {}
        for plan in self.plans:
            ahead = plan.start_dt - self.now
            if plan.start_dt <= self.now:
                if plan.role != ShiftRole.LEAD and plan.places > 1 and self.rng.random() < 0.04:
                    plan.target = plan.places - 1
            elif plan.start_dt <= soon_end:
                if plan.session not in cancelled:
                    soon.setdefault(plan.session.id, []).append(plan)
            else:
                for days, share, lead_share in FILL_AHEAD:
                    if days is None or ahead <= timedelta(days=days):
                        chance = lead_share if plan.role == ShiftRole.LEAD else share
                        plan.target = sum(self.rng.random() < chance
                                          for _place in range(plan.places))
                        break
        groups = list(soon.values())
        if len(groups) < 2:
            return
        count = max(1, round(SHORT_SESSION_SHARE * len(groups)))
        for plans in self.rng.sample(groups, min(count, len(groups) - 1)):
            self.short.add(plans[0].session.id)
            leads = [plan for plan in plans if plan.role == ShiftRole.LEAD]
            others = [plan for plan in plans if plan.role != ShiftRole.LEAD]
            if leads and (not others or self.rng.random() < 0.3):
                leads[0].target = 0
            else:
                plan = max(others, key=lambda plan: plan.places)
                plan.target = max(plan.places - self.rng.choice((1, 1, 2)), 0)

    def plan_demo_volunteer(self, cancelled):
        """The demo volunteer: three shifts in the next five weeks, and a place kept
        free on three more that fit her (what her page offers)."""
        helper = next((helper for helper in self.helpers
                       if helper.profile.account == DEMO_VOLUNTEER), None)
        if helper is None:
            return
        fitting = [plan for plan in self.plans
                   if plan.start_dt > self.now + timedelta(hours=30)
                   and plan.session not in cancelled and plan.role != ShiftRole.LEAD
                   and set(plan.skills) <= helper.skills and helper.fits(plan)]

        def pick(first_day, last_day, prefer=()):
            window = [plan for plan in fitting
                      if plan.target > 0 and helper.is_free(plan, self.travel)
                      and self.now + timedelta(days=first_day) < plan.start_dt
                      <= self.now + timedelta(days=last_day)]
            window = [plan for plan in window if plan.session.id in prefer] or window
            return self.rng.choice(window) if window else None

        for first_day, last_day in ((1, 8), (8, 21), (21, 35)):
            plan = pick(first_day, last_day)
            if plan is not None:
                moment = max(plan.created_dt, self.now - timedelta(days=self.rng.randrange(
                    1, 15), minutes=self.rng.randrange(0, 600)))
                self._assign(plan, helper, AssignmentSource.SELF, moment)
        for first_day, last_day in ((3, 14), (14, 30), (30, 45)):
            # in the next two weeks, on a session already short: the panel stays short
            plan = pick(first_day, last_day, prefer=self.short)
            if plan is not None:  # kept free for her; she has nothing else then
                plan.target = min(plan.target, plan.places - plan.taken - 1)
                helper.hold(plan)
        self.demo_helper = helper

    # -- filling the places ---------------------------------------------------------------

    def _candidates(self, plan, *, anytime=False):
        found = []
        for helper in self.helpers:
            profile = helper.profile
            if helper is self.demo_helper and plan.start_dt > self.now:
                continue  # her shifts ahead are planned above
            if helper.since > plan.start_dt - timedelta(days=3):
                continue
            if helper.until is not None and plan.start_dt >= helper.until:
                continue
            if plan.role == ShiftRole.LEAD and not profile.lead:
                continue
            if profile.avoid and self.venue_keys.get(plan.session.venue_id) == profile.avoid:
                continue
            if not set(plan.skills) <= helper.skills or not helper.is_free(plan, self.travel):
                continue
            if helper.recent(plan.start_dt) >= MONTHLY_CAP[profile.affiliation]:
                continue
            if not anytime and not helper.fits(plan):
                continue
            weight = profile.keen / (1 + helper.recent(plan.start_dt)) ** 2
            found.append((helper, weight))
        return found

    def _moment(self, plan, helper, *, after=None):
        """When the place was taken: after the shift was set up (and `after`), at
        least a day before it (or just before, for a shift set up late), before now."""
        earliest = max(plan.created_dt, helper.since, after or plan.created_dt)
        latest = min(plan.start_dt - timedelta(days=1), self.now)
        if latest <= earliest:
            latest = min(plan.start_dt - timedelta(hours=2), self.now)
        if latest <= earliest:
            return None
        share = self.rng.random() * (0.3 if plan.role == ShiftRole.LEAD else 1.0)
        return earliest + (latest - earliest) * share

    def _assign(self, plan, helper, source, moment, note=None):
        hold = Hold(plan, helper, source, moment)
        actor = helper.user if source == AssignmentSource.SELF else self.rng.choice(self.staff)
        action = ("shift_assignment.sign_up" if source == AssignmentSource.SELF
                  else "shift_assignment.assign")
        hold.record(moment, action, None, actor, note)
        plan.holds.append(hold)
        helper.hold(plan)
        bisect.insort(helper.starts, plan.start_dt)
        return hold

    def _fill_place(self, plan, *, after=None):
        found = self._candidates(plan)
        note = None
        if not found:  # a coordinator asks someone outside their usual times
            found = self._candidates(plan, anytime=True)
            note = "availability"
        while found:
            helpers, weights = zip(*found, strict=True)
            helper = self.rng.choices(helpers, weights=weights)[0]
            moment = self._moment(plan, helper, after=after)
            if moment is None:
                found = [item for item in found if item[0] is not helper]
                continue
            own = (helper.user is not None and plan.role != ShiftRole.LEAD and note is None
                   and self.rng.random() < SELF_SIGN_UP_SHARE)
            source = AssignmentSource.SELF if own else AssignmentSource.COORDINATOR
            return self._assign(plan, helper, source, moment, note)
        return None

    def _give_back(self, hold):
        """The volunteer gave the place back: themselves before the cut-off, or by a
        phone call to a coordinator who took them off. Returns when, or None."""
        plan = hold.plan
        latest = min(volunteer_services.withdraw_cutoff(plan), self.now)
        if latest <= hold.assigned_dt + timedelta(hours=1):
            return None
        moment = hold.assigned_dt + (latest - hold.assigned_dt) * (0.2 + 0.8 * self.rng.random())
        hold.status = AssignmentStatus.WITHDRAWN
        actor = hold.helper.user
        action, note = "shift_assignment.withdraw", None
        if actor is None or hold.source == AssignmentSource.COORDINATOR:
            hold.status = AssignmentStatus.REMOVED
            actor = self.rng.choice(self.staff)
            action, note = "shift_assignment.remove", REMOVE_NOTE
        hold.ended_dt = moment
        hold.sequence += 1
        hold.record(moment, action, {"status": hold.status.value}, actor, note)
        return moment

    def fill(self):
        for plan in self.plans:
            attempts = plan.places + 2
            while plan.taken < plan.target and attempts > 0:
                attempts -= 1
                hold = self._fill_place(plan)
                if hold is None:
                    break
                if self.rng.random() < GIVE_BACK_SHARE:
                    given_back = self._give_back(hold)
                    if given_back is not None and self.rng.random() < 0.8:
                        self._fill_place(plan, after=given_back)

    # -- on the day -------------------------------------------------------------------------

    def take_attendance(self, cancelled):
        for plan in self.plans:
            if plan.session in cancelled or plan.start_dt - timedelta(hours=1) > self.now:
                continue
            held = plan.end_dt <= self.now
            for hold in plan.active:
                coordinator = self.rng.choice(self.staff)
                if held and self.rng.random() < NO_SHOW_SHARE:
                    moment = plan.start_dt + _minutes(self.rng, 20, 45)
                    hold.is_no_show = True
                    hold.record(moment, "shift_assignment.no_show", {"is_no_show": True},
                                coordinator)
                    continue
                late = self.rng.random() < 0.07
                check_in = plan.start_dt + (_minutes(self.rng, 3, 25) if late
                                            else -_minutes(self.rng, 0, 15))
                if check_in > self.now:
                    continue
                own = hold.helper.user is not None and self.rng.random() < 0.7
                actor = hold.helper.user if own else coordinator
                hold.check_in_dt = check_in
                hold.record(check_in, "shift_assignment.check_in",
                            {"check_in_dt": check_in, "is_no_show": False}, actor)
                check_out = plan.end_dt + _minutes(self.rng, -10, 20)
                if check_out <= self.now and self.rng.random() < 0.9:
                    hold.check_out_dt = check_out
                    hold.record(check_out, "shift_assignment.check_out",
                                {"check_out_dt": check_out}, actor)

    # -- writing it down ----------------------------------------------------------------------

    def _shift_values(self, plan):
        return {"session_id": plan.session.id, "role": plan.role, "places": plan.places,
                "start_dt": plan.start_dt, "end_dt": plan.end_dt, "status": ShiftStatus.ACTIVE,
                "notes": plan.notes, "created_dt": plan.created_dt,
                "updated_dt": plan.created_dt}

    @staticmethod
    def _assignment_values(hold):
        last = max(event[0] for event in hold.events)
        return {"shift_id": hold.plan.id, "volunteer_id": hold.helper.volunteer.id,
                "status": hold.status, "source": hold.source, "sequence": hold.sequence,
                "check_in_dt": hold.check_in_dt, "check_out_dt": hold.check_out_dt,
                "is_no_show": hold.is_no_show, "assigned_dt": hold.assigned_dt,
                "ended_dt": hold.ended_dt, "created_dt": hold.assigned_dt, "updated_dt": last}

    def _audit_row(self, when, action, obj_type, obj_id, before, after, actor, note=None):
        actor_id, label = audit.actor_fields(actor)
        return {"created_dt": when, "actor_id": actor_id, "actor_label": label,
                "action": action, "object_type": obj_type, "object_id": obj_id,
                "before": before, "after": after, "note": note}

    def write(self):
        """Shifts, their skills, the assignments, the audit entries of their history
        dated when it happened, and the messages: five bulk INSERTs."""
        plans = self.plans
        shifts = Shift.__table__  # Core INSERTs: the ORM's bulk path only adds time here
        ids = db.session.scalars(
            insert(shifts).returning(shifts.c.id, sort_by_parameter_order=True),
            [self._shift_values(plan) for plan in plans]).all()
        for plan, shift_id in zip(plans, ids, strict=True):
            plan.id = shift_id
        skills = [{"shift_id": plan.id, "skill": skill} for plan in plans
                  for skill in sorted(set(plan.skills))]
        if skills:
            db.session.execute(insert(ShiftSkill.__table__), skills)
        holds = [hold for plan in plans for hold in plan.holds]
        self.count = sum(hold.status == AssignmentStatus.ACTIVE for hold in holds)
        audit_rows = []
        for plan in plans:
            values = {**self._shift_values(plan), "skills": sorted(set(plan.skills))}
            after = audit.snapshot(SimpleNamespace(**values), volunteer_services.SHIFT_AUDIT_FIELDS)
            audit_rows.append(self._audit_row(plan.created_dt, "shift.create", Shift.__tablename__,
                                              plan.id, None, after, plan.creator))
        messages = []
        if holds:
            assignments = ShiftAssignment.__table__
            hold_ids = db.session.scalars(
                insert(assignments).returning(assignments.c.id, sort_by_parameter_order=True),
                [self._assignment_values(hold) for hold in holds]).all()
            for hold, hold_id in zip(holds, hold_ids, strict=True):
                audit_rows += self._history(hold, hold_id)
                messages += self._messages(hold)
        audit_rows.sort(key=lambda row: (row["created_dt"], row["object_type"], row["object_id"]))
        db.session.execute(insert(AuditEntry.__table__), audit_rows)
        if messages:
            db.session.execute(insert(OutboxMessage.__table__), messages)

    def _history(self, hold, hold_id):
        fields = volunteer_services.ASSIGNMENT_AUDIT_FIELDS
        state = None
        rows = []
        for when, action, changes, actor, note in sorted(hold.events, key=lambda e: e[0]):
            if state is None:
                before = None
                state = audit.snapshot(SimpleNamespace(
                    shift_id=hold.plan.id, volunteer_id=hold.helper.volunteer.id,
                    status=AssignmentStatus.ACTIVE, source=hold.source, check_in_dt=None,
                    check_out_dt=None, is_no_show=False), fields)
            else:
                before = state
                state = {**state, **audit.snapshot(SimpleNamespace(**changes), changes)}
            rows.append(self._audit_row(when, action, ShiftAssignment.__tablename__, hold_id,
                                        before, state, actor, note))
        return rows

    def _messages(self, hold):
        """What desk.volunteers.services planned for this place (notices.plan's rows)."""
        reach = hold.helper.reach
        if reach is None:
            return []
        plan = hold.plan
        volunteer = hold.helper.volunteer
        rows = []

        def add(template, due, when):
            values = notices.message_values(template, volunteer, shift=plan, due=due,
                                            now=when, channel=reach[0])
            if values is not None:
                rows.append(values)

        taken = hold.assigned_dt
        if hold.source == AssignmentSource.COORDINATOR:
            add(ShiftTemplate.SHIFT_CHANGED, taken, taken)
        due = notices.reminder_due(plan)
        if due > taken:
            add(ShiftTemplate.SHIFT_REMINDER, due, taken)
        if hold.ended_dt is not None:
            outbox.cancel_waiting(rows, hold.ended_dt)
            if hold.status == AssignmentStatus.REMOVED:
                add(ShiftTemplate.SHIFT_CANCELLED, hold.ended_dt, hold.ended_dt)
        for row in rows:
            outbox.settle(row, self.now)
        return rows

    def load(self, cancelled=()):
        """Everything, for the sessions loaded so far; `cancelled`: sessions about to
        be cancelled (nobody checks in there). Returns a short summary."""
        cancelled = set(cancelled)
        self.load_volunteers()
        self.make_plans()
        self.set_targets(cancelled)
        self.plan_demo_volunteer(cancelled)
        self.fill()
        self.take_attendance(cancelled)
        self.write()
        self.close_inactive()
        return (f"{len(self.helpers)} volunteers on {len(self.plans)} shifts "
                f"({self.count} places taken)")
