"""The demo's residents: about 420 people, created through desk.people.services.

Kanji names with their kana, mobile (090/080/070) or landline (0466) numbers, districts,
age bands mostly in the 70s and 80s, a few foreign residents reading English, consent
recorded the way it was given, family members and care managers as proxy contacts, a
few records flagged for staff review and a few likely duplicates (the same phone booked
again under a slightly different reading, as the web booking form flags them), and a few
couples sharing a landline, some of them already checked as different people.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.demo import data
from desk.people import services as people_services

RESIDENTS = 420
FAMILY_PROXIES = 24
DUPLICATES = 5
COUPLES = 4  # spouses on one landline; the first COUPLES_CHECKED checked as different people
COUPLES_CHECKED = 2
COUPLE_SEED = 41212  # their own generator: the other residents and bookings stay the same
AGE_BANDS = (("under_60", 4), ("60s", 14), ("70s", 40), ("80s", 30), ("90_plus", 6), ("", 6))
# where the record was made: (created channel, consent method, share)
ORIGINS = (("phone_desk", "phone_staff", 55), ("web", "web", 20), ("kiosk", "kiosk", 10),
           ("walk_in", "paper", 15))
REMINDER_CHANNELS = (("automatic", 82), ("sms", 4), ("voice", 6), ("email", 3), ("none", 5))


@dataclass
class Resident:
    person: object
    since: datetime  # when the record was made
    weight: float  # how keen: regulars book much more often than others
    district_id: int | None


def _weighted(rng, pairs):
    return rng.choices([value for value, _weight in pairs],
                       weights=[weight for _value, weight in pairs])[0]


class DemoResidents:
    def __init__(self, rng, *, districts, start, now, staff):
        self.rng = rng
        self.districts = districts
        self.start = start  # the earliest time a record can be made
        self.now = now
        self.staff = staff  # the coordinators, who take calls
        self.phones = set()
        self.residents = []

    def _phone(self, mobile):
        while True:
            if mobile:
                number = (f"{self.rng.choice(data.MOBILE_PREFIXES)}-"
                          f"{self.rng.randrange(1000, 10000)}-{self.rng.randrange(10000):04d}")
            else:
                number = (f"0466-{self.rng.choice(data.LANDLINE_EXCHANGES)}-"
                          f"{self.rng.randrange(10000):04d}")
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _since(self):
        """Most records are old; new ones keep coming."""
        span = (self.now - timedelta(days=14) - self.start).total_seconds()
        return self.start + timedelta(seconds=span * self.rng.random() ** 1.6)

    def _actor(self, channel):
        return self.rng.choice(self.staff) if channel in ("phone_desk", "walk_in") else channel

    def _values(self, number):
        rng = self.rng
        surname, surname_kana, surname_romaji = rng.choice(data.SURNAMES)
        names = data.FEMALE_NAMES if rng.random() < 0.62 else data.MALE_NAMES
        given, given_kana, given_romaji = rng.choice(names)
        age_band = _weighted(rng, AGE_BANDS)
        mobile = rng.random() < (0.8 if age_band in ("under_60", "60s", "70s") else 0.55)
        email = None
        if rng.random() < (0.25 if age_band in ("under_60", "60s") else 0.06):
            email = f"{given_romaji}.{surname_romaji}{number % 97}@{data.MAIL_DOMAIN}"
        channel = _weighted(rng, REMINDER_CHANNELS)
        if channel == "email" and email is None:
            channel = "automatic"
        district = rng.choice(self.districts) if rng.random() < 0.95 else None
        return {
            "name": f"{surname} {given}", "name_kana": f"{surname_kana} {given_kana}",
            "phone": self._phone(mobile), "email": email,
            "district_id": district.id if district else None, "age_band": age_band,
            "language": "ja", "reminder_channel": channel,
            "consent": rng.random() < 0.93,
        }

    def _create(self, values, *, needs_review=False, review_note=None):
        channel, method, _share = self.rng.choices(ORIGINS, weights=[o[2] for o in ORIGINS])[0]
        since = self._since()
        person = people_services.create_person(
            values, channel=channel, consent_method=method, actor=self._actor(channel),
            now=since, needs_review=needs_review, review_note=review_note)
        resident = Resident(person, since, min(self.rng.paretovariate(1.6), 8.0),
                            values["district_id"])
        self.residents.append(resident)
        return resident

    def load(self):
        for number in range(RESIDENTS - len(data.FOREIGN_RESIDENTS)):
            flagged = number % 140 == 7
            self._create(self._values(number), needs_review=flagged,
                         review_note=self.rng.choice(data.REVIEW_NOTES) if flagged else None)
        for name, kana in data.FOREIGN_RESIDENTS:
            values = self._values(len(self.residents))
            self._create({**values, "name": name, "name_kana": kana, "language": "en",
                          "phone": self._phone(True), "consent": True})
        self.add_proxies()
        self.add_duplicates()
        self.add_couples()
        return self.residents

    def add_proxies(self):
        """Family members for some of the oldest, care managers for a few."""
        elderly = [resident for resident in self.residents
                   if resident.person.age_band in ("80s", "90_plus")]
        for resident in self.rng.sample(elderly, min(FAMILY_PROXIES, len(elderly))):
            surname = resident.person.name.split(" ")[0]
            given = self.rng.choice(data.FEMALE_NAMES + data.MALE_NAMES)[0]
            people_services.add_proxy(resident.person, {
                "name": f"{surname} {given}", "relation": "family",
                "relation_note": self.rng.choice(data.FAMILY_RELATIONS),
                "phone": self._phone(True), "wants_copies": self.rng.random() < 0.6,
            }, consent_method="phone_staff", actor=self.rng.choice(self.staff),
                now=resident.since)
        for name, phone in data.CARE_MANAGERS:
            for resident in self.rng.sample(elderly, 2):
                people_services.add_proxy(resident.person, {
                    "name": name, "relation": "care_manager", "phone": phone,
                    "wants_copies": False,
                }, consent_method="phone_staff", actor=self.rng.choice(self.staff),
                    now=resident.since)

    def add_duplicates(self):
        """The same phone booked on the web with the reading written differently
        (サトウ -> サトー): a new record, flagged because the phone is already known."""
        candidates = [resident for resident in self.residents
                      if resident.person.name_kana.split("\u3000")[0].endswith("ウ")]
        for resident in self.rng.sample(candidates, min(DUPLICATES, len(candidates))):
            person = resident.person
            surname, given = person.name_kana.split("\u3000", 1)
            since = max(resident.since, self.now - timedelta(days=60)) + timedelta(days=3)
            twin = people_services.person_for_public_booking({
                "name": person.name, "name_kana": f"{surname[:-1]}ー {given}",
                "phone": person.phone, "consent": True, "district_id": person.district_id,
                "age_band": person.age_band.value if person.age_band else "",
            }, channel="web", consent_method="web", actor="web", now=since)
            self.residents.append(Resident(twin, since, 1.0, person.district_id))

    def add_couples(self):
        """Spouses registered on the same landline: likely duplicates by phone. A
        coordinator has checked the first of them (different people); the others wait on
        the Likely duplicates page. The spouses book nothing of their own."""
        rng = random.Random(COUPLE_SEED)
        landline = [resident for resident in self.residents
                    if resident.person.phone_kind == "landline" and not resident.person.is_merged]
        for index, resident in enumerate(rng.sample(landline, min(COUPLES, len(landline)))):
            person = resident.person
            surname, surname_kana = person.name.split(" ")[0], person.name_kana.split("\u3000")[0]
            names = data.MALE_NAMES if rng.random() < 0.62 else data.FEMALE_NAMES
            given, given_kana, _romaji = rng.choice(
                [name for name in names if name[0] not in person.name])
            since = max(resident.since, self.now - timedelta(days=30)) + timedelta(days=2)
            coordinator = rng.choice(self.staff)
            spouse = people_services.create_person({
                "name": f"{surname} {given}", "name_kana": f"{surname_kana} {given_kana}",
                "phone": person.phone, "district_id": person.district_id,
                "age_band": person.age_band.value if person.age_band else "",
                "consent": True}, channel="phone_desk", consent_method="phone_staff",
                actor=coordinator, now=since)
            if index < COUPLES_CHECKED:
                people_services.mark_different_people([person, spouse], actor=coordinator,
                                                      now=since + timedelta(hours=1))
