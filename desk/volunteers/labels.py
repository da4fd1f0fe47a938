"""Human labels for the volunteers' enumerations, translated lazily."""

from flask_babel import lazy_gettext as _l

from desk.volunteers.models import (
    Affiliation,
    AssignmentStatus,
    ShiftRole,
    Skill,
    VolunteerChannel,
)

AFFILIATION_LABELS = {
    Affiliation.ICT_VOLUNTEER: _l("Local ICT volunteer"),
    Affiliation.DIGITAL_PROMOTER: _l("Digital promotion volunteer"),
    Affiliation.STUDENT: _l("Student"),
    Affiliation.COMPANY: _l("Company or mobile carrier staff"),
    Affiliation.CITY_STAFF: _l("City staff"),
}

SKILL_LABELS = {
    Skill.IPHONE: _l("iPhone"),
    Skill.ANDROID: _l("Android"),
    Skill.LINE: _l("LINE"),
    Skill.MY_NUMBER: _l("My Number card procedures"),
    Skill.MYNAPORTAL: _l("Mynaportal"),
    Skill.CASHLESS: _l("Cashless payment"),
    Skill.ENGLISH: _l("English"),
    Skill.CHINESE: _l("Chinese"),
    Skill.KOREAN: _l("Korean"),
    Skill.VIETNAMESE: _l("Vietnamese"),
    Skill.PORTUGUESE: _l("Portuguese"),
}

ROLE_LABELS = {
    ShiftRole.LEAD: _l("Lead"),
    ShiftRole.ASSISTANT: _l("Assistant"),
    ShiftRole.RECEPTION: _l("Reception"),
}

ASSIGNMENT_STATUS_LABELS = {
    AssignmentStatus.ACTIVE: _l("On the shift"),
    AssignmentStatus.WITHDRAWN: _l("Withdrew"),
    AssignmentStatus.REMOVED: _l("Taken off by a coordinator"),
    AssignmentStatus.CANCELLED: _l("Shift cancelled"),
}

CHANNEL_LABELS = {
    VolunteerChannel.SMS: _l("SMS"),
    VolunteerChannel.EMAIL: _l("E-mail"),
    VolunteerChannel.NONE: _l("No messages"),
}

WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                  _l("Saturday"), _l("Sunday"))


def skill_label(skill):
    return SKILL_LABELS[Skill(skill)]


def affiliation_label(affiliation):
    return AFFILIATION_LABELS[Affiliation(affiliation)]


def role_label(role):
    return ROLE_LABELS[ShiftRole(role)]
