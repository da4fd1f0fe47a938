"""KPI reporting on a large dataset: the fiscal-year KPI JSON and the dashboard, against
hand-written SQL that computes the same figures over the same data, in the same run.

    python -m bench report [--bookings 1000000] [--visits 200000] [--people 100000]
                           [--rounds 5]

1. Data (PostgreSQL only, a throw-away schema, bulk `INSERT ... SELECT generate_series`
   after the migrations): districts, venues, programs, `--people` residents (districts,
   age bands, 2% merged into another record), sessions from 1 April of the previous
   fiscal year to two months ahead (classes, outreach classes, awareness events,
   consultation desks; some cancelled, some past ones still `scheduled`), `--bookings`
   bookings (booked / waitlisted / cancelled, attended / no-show / not marked, parties
   of 1–3, walk-ins), `--visits` served consultation tickets with their visit logs and
   topics plus a tenth as many skipped or cancelled tickets, survey sheets, volunteers,
   shifts and assignments with check-in and check-out.
2. KPI JSON: `GET /api/v1/reports/kpi?fy=<previous fiscal year>` through the Flask test
   client with a coordinator's bearer token (the API computes
   desk.reports.metrics.compute and serialises it), against one SQL statement
   (`KPI_SQL`) computing the same 24 figures for the same period.
3. Dashboard: `GET /staff/reports` (this fiscal year to date beside the same point of the
   previous one, the breakdowns by month, venue, district, program and age band, topics,
   volunteer hours) rendered through the test client for a logged-in coordinator,
   against the SQL for the same figures: KPI_SQL twice, BREAKDOWN_SQL, TOPICS_SQL,
   VOLUNTEERS_SQL and the targets.
4. Both sides alternate `--rounds` times after a warm-up of each (PostgreSQL's buffer
   cache is then warm for both alike); nothing is cached between runs on either side
   (each request opens a fresh ORM session; each SQL run a fresh pooled connection).
   Prints the median times and the ratios; checks that both sides give equal figures
   and exits 1 if they do not.

The database is a throw-away schema on the PostgreSQL server named by
DESK_BENCH_DATABASE_URL (else DESK_TEST_DATABASE_URL).
"""

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta

from sqlalchemy import text

from bench.database import base_url, bench_app, needs_postgres
from desk.auth import services as auth_services
from desk.auth.models import Role
from desk.cli import apply_migrations
from desk.core.timeutil import (
    fiscal_year_bounds,
    fiscal_year_of,
    local_day_bounds,
    local_today,
    utcnow,
)
from desk.extensions import db
from desk.reports import metrics, periods

SESSION_BOOKINGS = 25  # bookings per class, outreach class or awareness event
DESK_SERVED = 50  # served tickets per consultation session
DESK_OTHER = 5  # skipped or cancelled tickets per consultation session
VOLUNTEERS = 600
CLASS_KINDS = ("class", "outreach_class")
AGED_70_PLUS = ("70s", "80s", "90_plus")
GAP = "interval '36 hours'"  # no session this close to now, so "held" cannot change mid-run

# -- the data --------------------------------------------------------------------------------

GENERATE = [
    # districts, venues (each in a district), programs
    """INSERT INTO districts (id, name, name_kana, position)
       SELECT i, '地区' || i, 'チク' || i, i FROM generate_series(1, 12) i""",
    """INSERT INTO venues (id, name, name_kana, short_name, address, district_id,
                           default_capacity, is_active)
       SELECT i, '会場' || i, 'カイジョウ' || i, '会場' || i, '藤沢市' || i, i % 12 + 1, 20, true
       FROM generate_series(1, 40) i""",
    """INSERT INTO programs (id, title, title_kana, topic, level, device,
                             default_duration_minutes, is_active)
       SELECT i, '講座' || i, 'コウザ' || i,
              (ARRAY['basics','line','maps','my_number','cashless','scam_protection'])[i % 6 + 1],
              'beginner', 'any', 90, true
       FROM generate_series(1, 24) i""",
    # residents: 8% without a district, 10% without an age band, every 50th merged
    """INSERT INTO people (id, name, name_kana, kana_key, phone, district_id, age_band,
                           language, reminder_channel, has_consent, needs_review,
                           merged_into_id, created_channel, created_dt, updated_dt)
       SELECT i, '住民' || i, 'ジュウミン ' || i, 'ジュウミン' || i,
              '+8190' || lpad(i::text, 8, '0'),
              CASE WHEN i % 13 = 0 THEN NULL ELSE i % 12 + 1 END,
              CASE WHEN i % 10 = 0 THEN NULL
                   ELSE (ARRAY['under_60','60s','70s','70s','80s','80s','90_plus','60s',
                               '70s'])[i % 9 + 1] END,
              'ja', 'automatic', false, false, NULL, 'web', now(), now()
       FROM generate_series(1, :people) i""",
    "UPDATE people SET merged_into_id = id - 1 WHERE id % 50 = 0",
    # class-like sessions, spread over the days from 1 April of the previous fiscal year
    # to two months ahead, at 10:00, 13:30 and 15:30 JST; then the consultation desks
    # over the past days only
    """INSERT INTO sessions (id, kind, title, capacity, program_id, venue_id, start_dt, end_dt,
                             status, cancel_reason, requesting_group, is_detached,
                             anonymous_headcount, created_dt, updated_dt)
       SELECT i, k.kind, NULL, CASE WHEN k.kind IN ('class','outreach_class') THEN 30 END,
              CASE WHEN k.kind IN ('class','outreach_class') THEN i % 24 + 1 END,
              i % 40 + 1, t.start_dt, t.start_dt + interval '90 minutes',
              CASE WHEN i % 41 = 0 THEN 'cancelled'
                   WHEN t.start_dt > :now THEN 'scheduled'
                   WHEN i % 10 = 0 THEN 'scheduled' ELSE 'completed' END,
              CASE WHEN i % 41 = 0 THEN '講師の都合' END,
              CASE WHEN k.kind = 'outreach_class' THEN '老人クラブ' || i % 30 END, false,
              CASE WHEN k.kind = 'awareness_event' THEN i % 60 ELSE 0 END, now(), now()
       FROM generate_series(1, :classes) i
       CROSS JOIN LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'class'
                                       WHEN i % 20 < 17 THEN 'outreach_class'
                                       ELSE 'awareness_event' END AS kind) k
       CROSS JOIN LATERAL (SELECT :first_start + ((i - 1) * :class_days / :classes) * interval '1 day'
                                  + (ARRAY[interval '0', interval '210 minutes',
                                           interval '330 minutes'])[i % 3 + 1] AS raw) r
       CROSS JOIN LATERAL (SELECT CASE WHEN r.raw BETWEEN :now - """ + GAP + """ AND :now + """
    + GAP + """ THEN r.raw + interval '3 days' ELSE r.raw END AS start_dt) t""",
    """INSERT INTO sessions (id, kind, title, capacity, program_id, venue_id, start_dt, end_dt,
                             status, cancel_reason, is_detached, anonymous_headcount,
                             created_dt, updated_dt)
       SELECT :classes + i, 'consultation', '相談窓口', NULL, NULL, i % 40 + 1, r.start_dt,
              r.start_dt + interval '3 hours', 'completed', NULL, false, 0, now(), now()
       FROM generate_series(1, :desks) i
       CROSS JOIN LATERAL (SELECT :first_start + ((i - 1) * :desk_days / :desks) * interval '1 day'
                                  + (ARRAY[interval '0', interval '240 minutes'])[i % 2 + 1]
                                  AS start_dt) r""",
    # bookings: 80% booked, 8% waitlisted, 12% cancelled; at past sessions a booked seat
    # is attended (85%), a no-show (10%) or not marked; the last three of a session are
    # walk-ins; every 7th a party of 2, every 23rd of 3
    """INSERT INTO bookings (id, session_id, person_id, seats, status, code, token, channel,
                             confirmation, attendance, is_walk_in, queue_dt, booked_dt,
                             cancelled_dt, cancel_reason, created_dt)
       SELECT b + 1, x.sid, x.pid, x.seats, x.status, lpad((b + 1)::text, 8, '0'),
              md5(b::text), CASE WHEN x.walk_in THEN 'walk_in' ELSE 'web' END, 'unconfirmed',
              CASE WHEN x.status <> 'booked' OR se.start_dt > :now THEN NULL
                   WHEN x.walk_in OR x.h % 20 >= 3 THEN 'attended'
                   WHEN x.h % 20 < 2 THEN 'no_show' END,
              x.walk_in, se.start_dt - interval '10 days', CASE WHEN x.status = 'booked'
              THEN se.start_dt - interval '10 days' END,
              CASE WHEN x.status = 'cancelled' THEN se.start_dt - interval '2 days' END,
              CASE WHEN x.status = 'cancelled' THEN 'person' END, se.start_dt - interval '10 days'
       FROM generate_series(0, :bookings - 1) b
       CROSS JOIN LATERAL (
           SELECT b / """ + str(SESSION_BOOKINGS) + """ + 1 AS sid,
                  ((b / """ + str(SESSION_BOOKINGS) + """) * 37
                   + (b % """ + str(SESSION_BOOKINGS) + """) * 1009) % :people + 1 AS pid,
                  CASE WHEN b % 23 = 0 THEN 3 WHEN b % 7 = 0 THEN 2 ELSE 1 END AS seats,
                  (b * 7 + b / 25 * 13) % 100 AS h,
                  b % """ + str(SESSION_BOOKINGS) + """ >= """ + str(SESSION_BOOKINGS - 3) + """
                      AS walk_in) y
       CROSS JOIN LATERAL (
           SELECT y.*, CASE WHEN y.walk_in OR y.h < 80 THEN 'booked'
                            WHEN y.h < 88 THEN 'waitlisted' ELSE 'cancelled' END AS status) x
       JOIN sessions se ON se.id = x.sid""",
    # consultation tickets: DESK_SERVED served per desk (60% linked to a resident), then
    # DESK_OTHER skipped or cancelled ones
    """INSERT INTO consult_tickets (id, session_id, number, kind, status, person_id,
                                    wants_sms, issued_dt, queue_dt, called_dt,
                                    service_end_dt, updated_dt)
       SELECT t + 1, se.id, t % """ + str(DESK_SERVED) + """ + 1, 'walk_in', 'served',
              CASE WHEN t % 5 < 3 THEN (t * 7919) % :people + 1 END, false,
              se.start_dt, se.start_dt, se.start_dt + interval '5 minutes',
              se.start_dt + interval '25 minutes', now()
       FROM generate_series(0, :visits - 1) t
       JOIN sessions se ON se.id = :classes + t / """ + str(DESK_SERVED) + """ + 1""",
    """INSERT INTO consult_tickets (id, session_id, number, kind, status, person_id,
                                    wants_sms, issued_dt, queue_dt, called_dt, updated_dt)
       SELECT :visits + u + 1, se.id, """ + str(DESK_SERVED) + """ + u % """ + str(DESK_OTHER)
    + """ + 1, 'walk_in', CASE WHEN u % 2 = 0 THEN 'skipped' ELSE 'cancelled' END, NULL, false,
              se.start_dt, se.start_dt, CASE WHEN u % 2 = 0 THEN se.start_dt END, now()
       FROM generate_series(0, :desks * """ + str(DESK_OTHER) + """ - 1) u
       JOIN sessions se ON se.id = :classes + u / """ + str(DESK_OTHER) + """ + 1""",
    # a visit log per served ticket: 60% resolved, 25% follow-up, 15% referred; one
    # topic, and a second one for every third visit
    """INSERT INTO consult_visits (id, ticket_id, session_id, device, minutes, outcome,
                                   created_dt, updated_dt)
       SELECT t.id, t.id, t.session_id,
              (ARRAY['iphone','android','flip_phone','tablet','pc'])[t.id % 5 + 1],
              10 + t.id % 50,
              CASE WHEN t.id % 20 < 12 THEN 'resolved' WHEN t.id % 20 < 17 THEN 'follow_up'
                   ELSE 'referred' END, now(), now()
       FROM consult_tickets t WHERE t.status = 'served'""",
    """INSERT INTO consult_visit_topics (visit_id, topic_id)
       SELECT v.id, topics.ids[v.id % cardinality(topics.ids) + 1]
       FROM consult_visits v, (SELECT array_agg(id ORDER BY id) ids FROM consult_topics) topics
       UNION
       SELECT v.id, topics.ids[(v.id * 7 + 3) % cardinality(topics.ids) + 1]
       FROM consult_visits v, (SELECT array_agg(id ORDER BY id) ids FROM consult_topics) topics
       WHERE v.id % 3 = 0""",
    # four survey sheets per past class or outreach class, some answers left blank
    """INSERT INTO survey_entries (session_id, satisfaction, can_do, age_band, district_id,
                                   comment, created_dt)
       SELECT se.id, CASE WHEN (se.id + n) % 20 = 0 THEN NULL ELSE (se.id + n) % 5 + 1 END,
              CASE WHEN (se.id + n) % 10 = 0 THEN NULL
                   ELSE (ARRAY['yes','yes','partly','no'])[(se.id * 3 + n) % 4 + 1] END,
              CASE WHEN n = 3 THEN NULL
                   ELSE (ARRAY['under_60','60s','70s','80s','90_plus'])[(se.id + n) % 5 + 1] END,
              CASE WHEN n = 2 THEN NULL ELSE (se.id + n) % 12 + 1 END, NULL, now()
       FROM sessions se CROSS JOIN generate_series(0, 3) n
       WHERE se.kind IN ('class','outreach_class') AND se.start_dt < :now""",
    # volunteers, one shift of two places per session, both places taken (every tenth
    # withdrawn); at past sessions 5% no-shows, the others checked in 10 minutes early
    # and, four times in five, out 5 minutes after the end
    """INSERT INTO volunteers (id, name, name_kana, email, affiliation, is_active,
                               message_channel, shares_contact, language, feed_token,
                               created_dt, updated_dt)
       SELECT i, 'ボランティア' || i, 'ボランティア' || i, 'v' || i || '@example.jp',
              (ARRAY['ict_volunteer','digital_promoter','student','company','city_staff'])
                  [i % 5 + 1], true, 'email', false, 'ja', md5('feed' || i), now(), now()
       FROM generate_series(1, """ + str(VOLUNTEERS) + """) i""",
    """INSERT INTO shifts (id, session_id, role, places, start_dt, end_dt, status,
                           created_dt, updated_dt)
       SELECT se.id, se.id, 'lead', 2, se.start_dt - interval '30 minutes', se.end_dt,
              CASE WHEN se.id % 97 = 0 THEN 'cancelled' ELSE 'active' END, now(), now()
       FROM sessions se""",
    """INSERT INTO shift_assignments (shift_id, volunteer_id, status, source, sequence,
                                      check_in_dt, check_out_dt, is_no_show, assigned_dt,
                                      ended_dt, created_dt, updated_dt)
       SELECT sh.id, (sh.id * 13 + j * 301) % """ + str(VOLUNTEERS) + """ + 1,
              CASE WHEN (sh.id + j) % 10 = 0 THEN 'withdrawn' ELSE 'active' END, 'self', 0,
              CASE WHEN sh.start_dt < :now AND (sh.id + j) % 20 <> 1
                   THEN sh.start_dt - interval '10 minutes' END,
              CASE WHEN sh.start_dt < :now AND (sh.id + j) % 20 <> 1 AND (sh.id + j) % 5 <> 2
                   THEN sh.end_dt + interval '5 minutes' END,
              sh.start_dt < :now AND (sh.id + j) % 20 = 1, sh.start_dt - interval '20 days',
              CASE WHEN (sh.id + j) % 10 = 0 THEN sh.start_dt - interval '3 days' END,
              now(), now()
       FROM shifts sh CROSS JOIN generate_series(0, 1) j""",
    # a target for every metric of both fiscal years (the progress chart shows them all)
    """INSERT INTO kpi_targets (fiscal_year, metric, value, updated_dt)
       SELECT fy, m, 1000, now() FROM unnest(CAST(:metric_keys AS text[])) m
       CROSS JOIN (VALUES (:fy - 1), (:fy)) y(fy)""",
]

SEQUENCES = ("districts", "venues", "programs", "people", "sessions", "bookings",
             "consult_tickets", "consult_visits", "volunteers", "shifts")


def generate(args, now):
    """Fill the schema; returns {table: rows} of what was made."""
    fy = fiscal_year_of(local_today(now))
    first_start = fiscal_year_bounds(fy - 1)[0] + timedelta(hours=10)  # 10:00 JST
    past_days = (now - first_start).days
    classes = -(-args.bookings // SESSION_BOOKINGS)
    desks = -(-args.visits // DESK_SERVED)
    params = {"people": args.people, "bookings": args.bookings, "visits": args.visits,
              "classes": classes, "desks": desks, "now": now, "first_start": first_start,
              "class_days": past_days + 60, "desk_days": past_days - 2, "fy": fy,
              "metric_keys": [metric.key for metric in metrics.METRICS]}
    with db.engine.begin() as conn:
        for statement in GENERATE:
            conn.execute(text(statement), {name: value for name, value in params.items()
                                           if f":{name}" in statement})
        for table in SEQUENCES:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("people", "sessions", "bookings", "consult_tickets",
                              "consult_visits", "consult_visit_topics", "survey_entries",
                              "shifts", "shift_assignments")}


# -- the hand-written SQL --------------------------------------------------------------------

HELD = "s.status <> 'cancelled' AND (s.status = 'completed' OR s.start_dt < :now)"

KPI_SQL = f"""
WITH s AS NOT MATERIALIZED (
    SELECT s.id, s.kind, s.venue_id, s.anonymous_headcount FROM sessions s
    WHERE {HELD} AND s.start_dt >= :start AND s.start_dt < :end
), held AS (
    SELECT count(*) FILTER (WHERE kind = 'class') AS classes,
           count(*) FILTER (WHERE kind = 'outreach_class') AS outreach,
           count(*) FILTER (WHERE kind = 'awareness_event') AS awareness,
           count(*) FILTER (WHERE kind = 'consultation') AS desks,
           coalesce(sum(anonymous_headcount) FILTER (WHERE kind = 'awareness_event'), 0)
               AS anonymous,
           count(DISTINCT venue_id) AS venues
    FROM s
), seats AS (
    SELECT coalesce(sum(b.seats) FILTER (WHERE s.kind IN ('class', 'outreach_class')
                                         AND b.attendance = 'attended'), 0) AS participants,
           coalesce(sum(b.seats) FILTER (WHERE s.kind = 'awareness_event'
                                         AND b.attendance = 'attended'), 0) AS event_seats,
           count(*) FILTER (WHERE s.kind IN ('class', 'outreach_class')
                            AND b.attendance = 'attended') AS attended,
           count(*) FILTER (WHERE s.kind IN ('class', 'outreach_class')
                            AND b.attendance = 'no_show') AS no_shows,
           count(*) FILTER (WHERE b.status = 'waitlisted') AS waiting
    FROM s JOIN bookings b ON b.session_id = s.id
), served AS (
    SELECT count(*) AS visits FROM s JOIN consult_tickets t ON t.session_id = s.id
    WHERE s.kind = 'consultation' AND t.status = 'served'
), contact AS (
    SELECT coalesce(p.merged_into_id, p.id) AS pid, c.session_id, c.start_dt
    FROM (SELECT b.person_id, b.session_id, s.start_dt FROM bookings b
          JOIN sessions s ON s.id = b.session_id
          WHERE b.attendance = 'attended' AND {HELD} AND s.start_dt < :end
          UNION ALL
          SELECT t.person_id, t.session_id, s.start_dt FROM consult_tickets t
          JOIN sessions s ON s.id = t.session_id
          WHERE t.status = 'served' AND t.person_id IS NOT NULL AND {HELD}
                AND s.start_dt < :end) c
    JOIN people p ON p.id = c.person_id
), visit AS (
    SELECT pid, session_id, start_dt FROM contact GROUP BY pid, session_id, start_dt
), resident AS (
    SELECT count(*) FILTER (WHERE start_dt >= :start) AS sessions, min(start_dt) AS first_dt
    FROM visit GROUP BY pid
), reach AS (
    SELECT count(*) FILTER (WHERE sessions > 0) AS reached,
           count(*) FILTER (WHERE sessions > 1) AS returning,
           count(*) FILTER (WHERE sessions > 0 AND first_dt >= :start) AS new
    FROM resident
), learner AS (
    SELECT DISTINCT coalesce(p.merged_into_id, p.id) AS pid
    FROM bookings b JOIN sessions s ON s.id = b.session_id JOIN people p ON p.id = b.person_id
    WHERE {HELD} AND s.start_dt >= :start AND s.start_dt < :end
          AND s.kind IN ('class', 'outreach_class') AND b.attendance = 'attended'
), ages AS (
    SELECT count(*) AS people, count(*) FILTER (WHERE k.age_band IS NULL) AS no_age,
           count(*) FILTER (WHERE k.age_band IS NOT NULL) AS known,
           count(*) FILTER (WHERE k.age_band IN ('70s', '80s', '90_plus')) AS aged
    FROM learner JOIN people k ON k.id = learner.pid
), worked AS (
    SELECT coalesce(sum(greatest(extract(epoch FROM coalesce(a.check_out_dt,
               greatest(sh.end_dt, a.check_in_dt)) - a.check_in_dt), 0)), 0) AS seconds,
           count(DISTINCT a.volunteer_id) FILTER (WHERE a.check_in_dt IS NOT NULL) AS active
    FROM shift_assignments a JOIN shifts sh ON sh.id = a.shift_id
    JOIN sessions ss ON ss.id = sh.session_id
    WHERE a.status = 'active' AND sh.status = 'active' AND ss.status <> 'cancelled'
          AND sh.start_dt >= :start AND sh.start_dt < :end
), outcome AS (
    SELECT count(*) AS logged, count(*) FILTER (WHERE v.outcome = 'resolved') AS resolved,
           count(*) FILTER (WHERE v.outcome = 'referred') AS referred
    FROM s JOIN consult_visits v ON v.session_id = s.id
    JOIN consult_tickets t ON t.id = v.ticket_id WHERE t.status = 'served'
), survey AS (
    SELECT count(*) AS sheets, avg(e.satisfaction) AS satisfaction,
           count(e.can_do) AS answered, count(*) FILTER (WHERE e.can_do = 'yes') AS yes
    FROM s JOIN survey_entries e ON e.session_id = s.id
)
SELECT * FROM held, seats, served, reach, ages, worked, outcome, survey
"""

# the session figures of every held session of the period, grouped by local month, venue
# and program in one pass
BREAKDOWN_SQL = f"""
WITH s AS NOT MATERIALIZED (
    SELECT s.id, s.kind, s.venue_id, s.program_id, s.anonymous_headcount,
           date_trunc('month', s.start_dt AT TIME ZONE :zone)::date AS month
    FROM sessions s WHERE {HELD} AND s.start_dt >= :start AND s.start_dt < :end
), seats AS (
    SELECT b.session_id, sum(b.seats) AS seats FROM s JOIN bookings b ON b.session_id = s.id
    WHERE b.attendance = 'attended' GROUP BY b.session_id
), served AS (
    SELECT t.session_id, count(*) AS visits FROM s JOIN consult_tickets t
    ON t.session_id = s.id WHERE t.status = 'served' GROUP BY t.session_id
)
SELECT CASE WHEN grouping(s.month) = 0 THEN 'month' WHEN grouping(s.venue_id) = 0
            THEN 'venue' ELSE 'program' END AS by,
       coalesce(s.month::text, s.venue_id::text, s.program_id::text) AS key,
       count(*) FILTER (WHERE s.kind = 'class') AS classes_held,
       count(*) FILTER (WHERE s.kind = 'outreach_class') AS outreach_classes_held,
       count(*) FILTER (WHERE s.kind = 'awareness_event') AS awareness_events_held,
       count(*) FILTER (WHERE s.kind = 'consultation') AS consultation_sessions_held,
       coalesce(sum(seats.seats) FILTER (WHERE s.kind IN ('class', 'outreach_class')), 0)
           AS class_participants,
       coalesce(sum(s.anonymous_headcount + coalesce(seats.seats, 0))
                FILTER (WHERE s.kind = 'awareness_event'), 0) AS awareness_headcount,
       coalesce(sum(served.visits), 0) AS consultation_visits
FROM s LEFT JOIN seats ON seats.session_id = s.id LEFT JOIN served ON served.session_id = s.id
GROUP BY GROUPING SETS ((s.month), (s.venue_id), (s.program_id))
"""

# residents by district and age band: class participants (people), residents reached,
# survey sheets
PEOPLE_SQL = f"""
WITH s AS NOT MATERIALIZED (
    SELECT s.id, s.kind FROM sessions s
    WHERE {HELD} AND s.start_dt >= :start AND s.start_dt < :end
), learner AS (
    SELECT DISTINCT coalesce(p.merged_into_id, p.id) AS pid
    FROM s JOIN bookings b ON b.session_id = s.id JOIN people p ON p.id = b.person_id
    WHERE s.kind IN ('class', 'outreach_class') AND b.attendance = 'attended'
), reached AS (
    SELECT coalesce(p.merged_into_id, p.id) AS pid
    FROM s JOIN bookings b ON b.session_id = s.id JOIN people p ON p.id = b.person_id
    WHERE b.attendance = 'attended'
    UNION
    SELECT coalesce(p.merged_into_id, p.id)
    FROM s JOIN consult_tickets t ON t.session_id = s.id JOIN people p ON p.id = t.person_id
    WHERE t.status = 'served'
), counted AS (
    SELECT 'class_participant_residents' AS figure, k.district_id, k.age_band
    FROM learner JOIN people k ON k.id = learner.pid
    UNION ALL
    SELECT 'residents_reached', k.district_id, k.age_band
    FROM reached JOIN people k ON k.id = reached.pid
    UNION ALL
    SELECT 'survey_responses', e.district_id, e.age_band
    FROM s JOIN survey_entries e ON e.session_id = s.id
)
SELECT figure, CASE WHEN grouping(district_id) = 0 THEN 'district' ELSE 'age_band' END AS by,
       coalesce(district_id::text, age_band) AS key, count(*) AS n
FROM counted GROUP BY GROUPING SETS ((figure, district_id), (figure, age_band))
"""

TOPICS_SQL = f"""
SELECT ct.id, count(*) AS visits
FROM sessions s JOIN consult_visits v ON v.session_id = s.id
JOIN consult_tickets t ON t.id = v.ticket_id
JOIN consult_visit_topics vt ON vt.visit_id = v.id
JOIN consult_topics ct ON ct.id = vt.topic_id
WHERE {HELD} AND s.start_dt >= :start AND s.start_dt < :end AND t.status = 'served'
GROUP BY ct.id ORDER BY visits DESC, min(ct.position), ct.id
"""

VOLUNTEERS_SQL = """
SELECT vo.affiliation,
       coalesce(sum(greatest(extract(epoch FROM coalesce(a.check_out_dt,
           greatest(sh.end_dt, a.check_in_dt)) - a.check_in_dt), 0)), 0) AS seconds,
       count(DISTINCT a.volunteer_id) FILTER (WHERE a.check_in_dt IS NOT NULL) AS active
FROM shift_assignments a JOIN shifts sh ON sh.id = a.shift_id
JOIN sessions ss ON ss.id = sh.session_id JOIN volunteers vo ON vo.id = a.volunteer_id
WHERE a.status = 'active' AND sh.status = 'active' AND ss.status <> 'cancelled'
      AND sh.start_dt >= :start AND sh.start_dt < :end
GROUP BY vo.affiliation
"""


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def sql_kpi(conn, first, last, now):
    """The 24 figures of desk.reports.metrics, from KPI_SQL."""
    start, end = local_day_bounds(first, last)
    row = conn.execute(text(KPI_SQL), {"start": start, "end": end, "now": now}).mappings().one()
    return {
        "classes_held": row["classes"], "outreach_classes_held": row["outreach"],
        "awareness_events_held": row["awareness"],
        "class_participants": int(row["participants"]),
        "awareness_headcount": int(row["anonymous"] + row["event_seats"]),
        "consultation_sessions_held": row["desks"], "consultation_visits": row["visits"],
        "venues_used": row["venues"], "residents_reached": row["reached"],
        "new_residents": row["new"], "returning_residents": row["returning"],
        "repeat_rate": _share(row["returning"], row["reached"]),
        "no_show_rate": _share(row["no_shows"], row["no_shows"] + row["attended"]),
        "waiting_list_demand": row["waiting"],
        "class_participant_residents": row["people"],
        "share_aged_70_plus": _share(row["aged"], row["known"]),
        "age_not_given": row["no_age"],
        "volunteer_hours": round(float(row["seconds"]) / 3600, 2),
        "active_volunteers": row["active"],
        "resolved_share": _share(row["resolved"], row["logged"]),
        "referred_share": _share(row["referred"], row["logged"]),
        "survey_responses": row["sheets"],
        "survey_satisfaction": round(float(row["satisfaction"]), 2)
        if row["satisfaction"] is not None else None,
        "survey_can_do_share": _share(row["yes"], row["answered"]),
    }


def sql_dashboard(conn, today, now, zone):
    """The figures of the dashboard's default page (this fiscal year): the fiscal year to
    date and the same point of the previous one, their targets, the breakdowns, topics
    and volunteer hours over the whole fiscal year."""
    fy = fiscal_year_of(today)
    period = periods.fiscal_year(fy)
    current, previous = periods.to_date_same_point(period, today)
    start, end = local_day_bounds(period.first, period.last)
    bounds = {"start": start, "end": end, "now": now}
    breakdowns = {}
    for by, key, *values in conn.execute(text(BREAKDOWN_SQL), {**bounds, "zone": zone}):
        breakdowns.setdefault(by, {})[key] = dict(zip(metrics.SESSION_COLUMNS, values,
                                                      strict=True))
    for figure, by, key, count in conn.execute(text(PEOPLE_SQL), bounds):
        breakdowns.setdefault(by, {}).setdefault(key, {})[figure] = count
    return {
        "current": sql_kpi(conn, current.first, current.last, now),
        "previous": sql_kpi(conn, previous.first, previous.last, now),
        "targets": dict(conn.execute(text(
            "SELECT metric, value FROM kpi_targets WHERE fiscal_year = :fy"), {"fy": fy}).all()),
        "breakdowns": breakdowns,
        "topics": [tuple(row) for row in conn.execute(text(TOPICS_SQL), bounds)],
        "volunteers": {affiliation: (round(float(seconds) / 3600, 2), active)
                       for affiliation, seconds, active in conn.execute(
                           text(VOLUNTEERS_SQL), {"start": start, "end": end})},
    }


# -- checking that both sides agree ----------------------------------------------------------

def app_dashboard_figures(today, now):
    """The same figures as sql_dashboard, from desk.reports.metrics (not timed)."""
    from desk.consults.models import ConsultTopic
    from desk.consults.visit_forms import topic_label
    from desk.reports.services import targets_of
    from desk.volunteers.labels import AFFILIATION_LABELS

    fy = fiscal_year_of(today)
    period = periods.fiscal_year(fy)
    current, previous = periods.to_date_same_point(period, today)
    breakdowns = {}
    for by in metrics.BREAKDOWNS:
        rows = metrics.breakdown(period.first, period.last, by, now=now)
        breakdowns[by] = {str(row.key) if row.key is not None else None: row.values
                          for row in rows}
    labels = {topic_label(topic): topic.id for topic in db.session.scalars(
        db.select(ConsultTopic))}
    by_label = {str(label): affiliation for affiliation, label in AFFILIATION_LABELS.items()}
    return {
        "current": metrics.compute(current.first, current.last, now=now),
        "previous": metrics.compute(previous.first, previous.last, now=now),
        "targets": {key: float(value) for key, value in targets_of(fy).items()},
        "breakdowns": breakdowns,
        "topics": [(labels[str(label)], count)
                   for label, count in metrics.topics_ranked(period.first, period.last,
                                                             now=now)],
        "volunteers": {by_label[label]: (hours, active) for label, hours, active
                       in metrics.volunteers_by_affiliation(period.first, period.last)
                       if hours or active},
    }


def differences(app, sql):
    """Where the app's dashboard figures and the SQL's differ (an empty list: equal)."""
    found = []
    for side in ("current", "previous", "topics"):
        if app[side] != sql[side]:
            found.append((side, app[side], sql[side]))
    if {k: float(v) for k, v in sql["targets"].items()} != app["targets"]:
        found.append(("targets", app["targets"], sql["targets"]))
    if ({str(k): v for k, v in app["volunteers"].items()}
            != {k: v for k, v in sql["volunteers"].items() if any(v)}):
        found.append(("volunteers", app["volunteers"], sql["volunteers"]))
    for by, rows in app["breakdowns"].items():
        mine = sql["breakdowns"].get(by, {})
        for key, values in rows.items():
            theirs = mine.get(key, {})
            for column, value in values.items():
                if theirs.get(column, 0) != value:
                    found.append((f"{by} {key} {column}", value, theirs.get(column, 0)))
        for key in set(mine) - set(rows):  # a group the app does not show must be empty
            if any(mine[key].values()):
                found.append((f"{by} {key}", None, mine[key]))
    return found


# -- timing ----------------------------------------------------------------------------------

def timed(action):
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench report",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=200_000,
                        help="served consultation tickets, each with its visit log")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternate the two sides this many times (medians printed)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if base_url() is None:
        return needs_postgres("report")
    with bench_app() as bench:
        app = bench.app
        with app.app_context():
            apply_migrations()
            now = utcnow()
            seconds, counts = timed(lambda: generate(args, now))
            user = auth_services.create_user("bench-coordinator@city.example.jp",
                                             "bench-password-long-enough",
                                             role=Role.COORDINATOR, display_name="ベンチ 職員",
                                             actor="bench")
            _token, plaintext = auth_services.create_token(user, name="bench", actor="bench")
            db.session.commit()
            user_id = user.get_id()
            zone = app.config.get("DESK_TIMEZONE") or "Asia/Tokyo"
            db.session.remove()
        today = local_today(now)
        fy = fiscal_year_of(today)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        headers = {"Authorization": f"Bearer {plaintext}"}

        def app_json():
            response = client.get(f"/api/v1/reports/kpi?fy={fy - 1}", headers=headers)
            assert response.status_code == 200, response.status_code
            return {row["key"]: row["value"] for row in response.get_json()["metrics"]}

        def app_page():
            response = client.get("/staff/reports")
            assert response.status_code == 200, response.status_code
            return response.get_data()

        def with_connection(action):
            with app.app_context(), db.engine.connect() as conn:
                return action(conn)

        first, last = periods.fiscal_year(fy - 1).first, periods.fiscal_year(fy - 1).last

        def kpi_sql():
            return with_connection(lambda conn: sql_kpi(conn, first, last, utcnow()))

        def dashboard_sql():
            return with_connection(lambda conn: sql_dashboard(conn, local_today(), utcnow(),
                                                              zone))

        sides = [("kpi JSON", app_json, kpi_sql), ("dashboard", app_page, dashboard_sql)]
        times = {name: ([], []) for name, _app, _sql in sides}
        results = {}
        for round_number in range(args.rounds + 1):  # round 0 is the warm-up
            for name, app_side, sql_side in sides:
                app_seconds, app_result = timed(app_side)
                sql_seconds, sql_result = timed(sql_side)
                if round_number:
                    times[name][0].append(app_seconds)
                    times[name][1].append(sql_seconds)
                results[name] = (app_result, sql_result)
        with app.app_context():
            problems = []
            json_figures, sql_figures = results["kpi JSON"]
            if json_figures != sql_figures:
                problems.append(("kpi JSON", json_figures, sql_figures))
            page, sql_page = results["dashboard"]
            problems += differences(app_dashboard_figures(today, utcnow()), sql_page)
            db.session.remove()
            db.engine.dispose()
        print(f"bench report: {bench.database}, generated in {seconds:.0f} s: "
              + ", ".join(f"{count:,} {table}" for table, count in counts.items()))
        print(f"  {args.rounds} rounds after a warm-up, the two sides alternating; median seconds")
        print(f"  {'what':<58}{'app':>8}{'SQL':>8}{'ratio':>8}")
        labels = {"kpi JSON": f"KPI JSON, FY{fy - 1} (GET /api/v1/reports/kpi)",
                  "dashboard": f"dashboard, FY{fy} to date (GET /staff/reports, "
                               f"{len(page) // 1024} KiB)"}
        for name, (app_times, sql_times) in times.items():
            app_median, sql_median = statistics.median(app_times), statistics.median(sql_times)
            print(f"  {labels[name]:<58}{app_median:>8.3f}{sql_median:>8.3f}"
                  f"{app_median / sql_median:>8.2f}")
        print(f"  FY{fy - 1}: " + json.dumps(json_figures, ensure_ascii=False))
        if problems:
            for where, app_value, sql_value in problems[:10]:
                print(f"  PROBLEM {where}: app {app_value!r} != SQL {sql_value!r}")
            return 1
        print("  the app and the SQL give the same figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
