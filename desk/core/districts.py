"""地区: the city's districts, a reference list that venues, residents, survey sheets and
the KPI breakdowns all point at. It lives in core because packages on every layer use it
(people for residents, events for venues, reports for breakdowns)."""

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from desk.core.i18n import in_reader_language
from desk.extensions import db


class District(db.Model):
    """A district of the city (地区), in the order the city lists them."""

    __tablename__ = "districts"
    NAME_MAX = 50

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    name_kana: Mapped[str] = mapped_column(String(100))
    # the name in English (romanised at least, e.g. "Kugenuma"); None: English pages
    # show the Japanese name
    name_en: Mapped[str | None] = mapped_column(String(NAME_MAX))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def display_name(self):
        """The name in the reader's language (desk.core.i18n.in_reader_language)."""
        return in_reader_language(self.name, self.name_en)

    def __repr__(self):
        return f"<District {self.id} {self.name}>"


def all_districts():
    """Every district, in the city's order."""
    return db.session.scalars(select(District).order_by(District.position,
                                                        District.name_kana)).all()
