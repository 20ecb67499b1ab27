"""The concepts of matching as small typed records: Project, Pairing, Holding, Suggestion.

One shape per concept. Registry rows, project files and the allocation's projects are all turned
into a :class:`Project` (:meth:`Project.from_row`, :meth:`Project.from_fields`) before scoring; a
pairing row into a :class:`Pairing`; every claim that a county holds a chain segment is a
:class:`Holding` that names the fact behind it. Records also answer ``record["field"]`` (read-only)
so that code written against the old row dicts keeps reading them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from chainlink.base.industries import split_codes


class _Readable:
    """Read-only mapping access to a record's fields (``rec["id"]``, ``rec.get("id")``)."""

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key``, or ``default``."""
        return getattr(self, key, default)

    def keys(self) -> list[str]:
        """The field names, so that ``dict(record)`` gives the old row dict."""
        return [f.name for f in fields(self)]  # type: ignore[arg-type]


def _num(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


@dataclass(frozen=True)
class Project(_Readable):
    """An investment project that could move (or did): where from, what industry, how big.

    >>> p = Project.from_fields({"name": "膜材料", "origin": "柯桥经开区", "gbt": "2921"})
    >>> p.name_zh, p.origin, p.codes
    ('膜材料', '柯桥经开区', ['2921'])
    """

    id: str
    name_zh: str
    name_en: str = ""
    origin: str = ""  # origin zone or district as given (an id for registry rows)
    gbt: str = ""  # GB/T 4754-2017 codes, ';'-separated
    segment: str = ""  # chain segment key (or a segment name, in project files)
    county_code: str = ""  # destination, when the project has landed
    landing: str = ""  # county | enclave, when known
    enclave_host: str = ""
    platform: str = ""
    kind: str = ""
    status: str = ""
    investment: float | None = None  # 万元
    land_mu: float | None = None
    energy: float | None = None  # tce per year
    added_value: float | None = None  # 万元
    tax: float | None = None  # 万元
    pollution: str = ""  # low | medium | high
    confidence: str = "unverified"
    source: str = ""
    file: str = ""  # where it was read from, for messages

    @property
    def name(self) -> str:
        """The project's name (Chinese as given)."""
        return self.name_zh

    @property
    def codes(self) -> list[str]:
        """The GB/T codes as a list."""
        return split_codes(self.gbt)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Project:
        """A ``projects`` / ``user_projects`` registry row (columns in :data:`PROJECT_FIELDS`)."""
        values = {f: _convert(kind, row.get(col)) for f, col, _key, kind in PROJECT_FIELDS if col}
        return cls(
            id=row["id"],
            name_zh=row["name_zh"],
            confidence=row.get("confidence") or "unverified",
            file=f"project {row['id']}",
            **values,
        )

    @classmethod
    def from_fields(cls, data: dict[str, Any]) -> Project:
        """The validated fields of a project file (:func:`chainlink.scoring.projects.read_project`; keys in
        :data:`PROJECT_FIELDS`)."""
        values = {f: _convert(kind, data.get(key)) for f, _col, key, kind in PROJECT_FIELDS if key}
        return cls(id=data.get("id") or "", name_zh=data["name"], file=data.get("_file") or "<project>", **values)

    @classmethod
    def coerce(cls, value: Any) -> Project:
        """A :class:`Project` from a Project, registry row or project-file fields."""
        if isinstance(value, Project):
            return value
        if "name_zh" in value:
            return cls.from_row(value)
        return cls.from_fields(value)


# One list of a project's optional fields: (Project field, registry column, project-file key, kind).
# ``None`` = the source has no such field; kind "num" = a number or None, "text" = text or ''.
PROJECT_FIELDS: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("name_en", "name_en", None, "text"),
    ("origin", "origin_id", "origin", "text"),
    ("gbt", "gbt_codes", "gbt", "text"),
    ("segment", "segment_key", "segment", "text"),
    ("county_code", "county_code", None, "text"),
    ("landing", "landing", None, "text"),
    ("enclave_host", "enclave_host", None, "text"),
    ("platform", "platform", None, "text"),
    ("kind", "kind", None, "text"),
    ("status", "status", None, "text"),
    ("investment", "investment_wan", "investment", "num"),
    ("land_mu", "land_mu", "land_mu", "num"),
    ("energy", "energy_tce", "energy", "num"),
    ("added_value", "added_value_wan", "added_value", "num"),
    ("tax", "tax_wan", "tax", "num"),
    ("pollution", "pollution", "pollution", "text"),
    ("source", "source", None, "text"),
)


def _convert(kind: str, value: Any) -> Any:
    """A field value as :data:`PROJECT_FIELDS` types it: ``num`` → float or None, ``text`` → str ('' for empty).

    >>> _convert("num", "12.5"), _convert("num", ""), _convert("text", None)
    (12.5, None, '')
    """
    return _num(value) if kind == "num" else (value or "")


@dataclass(frozen=True)
class Pairing(_Readable):
    """A mountain county ↔ partner pairing, with its kind, chains and (for enclaves) where the enclave is."""

    id: str
    county_code: str
    partner_id: str
    kind: str
    chains: tuple[str, ...] = ()
    county_platform: str = ""
    round: str = ""
    enclave_name: str = ""
    enclave_host: str = ""
    enclave_kind: str = ""  # industry | innovation | poverty
    quote: str = ""
    source: str = ""
    confidence: str = "sourced"
    round_zh: str = ""  # the shipped row's own Chinese for ``round`` (imported pairings: none)

    @property
    def has_enclave(self) -> bool:
        """Can a project land in an enclave in the partner's territory through this pairing?"""
        return bool(self.enclave_name) or self.kind == "enclave"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Pairing:
        """A ``pairings`` / ``user_pairings`` registry row."""
        return cls(
            id=row["id"],
            county_code=row["county_code"],
            partner_id=row["partner_id"],
            kind=row["kind"],
            chains=tuple(split_codes(row.get("chains"))),
            county_platform=row.get("county_platform") or "",
            round=row.get("round") or "",
            enclave_name=row.get("enclave_name") or "",
            enclave_host=row.get("enclave_host") or "",
            enclave_kind=row.get("enclave_kind") or "",
            quote=row.get("quote") or "",
            source=row.get("source") or "",
            confidence=row.get("confidence") or "sourced",
            round_zh=row.get("round_zh") or "",
        )


@dataclass(frozen=True)
class Holding(_Readable):
    """A holder's claim on one chain segment and the fact behind it.

    ``basis`` is ``industry`` (a reviewed mapping of a sourced characteristic industry, data/holdings.csv),
    ``firm`` (a real enterprise located there on the segment) or ``overlap`` (only a GB/T code overlap:
    a weak "related" signal, never 强链, never sourced).
    """

    segment: str
    strength: float
    basis: str
    fact_id: str
    industry_zh: str
    industry_en: str
    held_code: str
    confidence: str
    source: str
    quote: str = ""
    derivation: str = ""
    as_of: str = ""

    @property
    def evidence(self) -> bool:
        """True when a source (or a located firm) says the holder has this segment."""
        return self.basis in ("industry", "firm")

    @property
    def first_source(self) -> str:
        """The first of the ' ; '-separated sources (explanations cite one; the row lists all)."""
        return self.source.split(" ; ")[0].strip()

    def cite_zh(self) -> str:
        """The fact behind the holding, quoted with its source, for explanations.

        >>> Holding("s", 1.0, "industry", "F1", "阀门", "valves", "3443", "sourced", "http://a ; http://b",
        ...         quote="青田阀门产业").cite_zh()
        '特色产业“阀门”：“青田阀门产业”（来源：http://a）'
        """
        quote = f"：“{self.quote}”" if self.quote else ""
        if self.basis == "firm":
            when = f"，{self.as_of}" if self.as_of else ""
            return f"企业{self.industry_zh}（来源：{self.first_source}{when}）"
        return f"特色产业“{self.industry_zh}”{quote}（来源：{self.first_source}）"

    def cite_en(self) -> str:
        """The fact behind the holding, quoted with its source (English)."""
        quote = f': "{self.quote}"' if self.quote else ""
        if self.basis == "firm":
            when = f", {self.as_of}" if self.as_of else ""
            return f"firm {self.industry_zh} (source: {self.first_source}{when})"
        return f"characteristic industry '{self.industry_en}'{quote} (source: {self.first_source})"


@dataclass
class Suggestion(_Readable):
    """One scored, explained suggestion: a segment (or project) for a county via a partner, landing somewhere."""

    county_code: str
    county_zh: str
    county_en: str
    partner_id: str
    partner_zh: str
    partner_en: str
    partner_short_zh: str
    partner_short_en: str
    pairing_id: str
    pairing_kind: str
    chain_id: str
    chain_zh: str
    chain_en: str
    segment_key: str
    segment_zh: str
    segment_en: str
    segment_gbt: str
    stage: str
    relation: str
    via_segment: str
    via_segment_zh: str
    via_segment_en: str
    via_industry_zh: str
    via_industry_en: str
    via_code: str
    path: list[str]
    components: dict[str, float]
    score: float = 0.0
    confidence: str = "sourced"
    sources: list[str] = field(default_factory=list)
    other_partners: list[str] = field(default_factory=list)
    project_id: str = ""
    project_name: str = ""
    sample: bool = False
    more_projects: int = 0
    mode: str = "county"  # "county": suggestions for a county; "project": destinations for one project
    notes: list[str] = field(default_factory=list)  # English; Chinese in notes_zh
    rank: int = 0
    notes_zh: list[str] = field(default_factory=list)
    holding: Holding | None = None
    landing: str = "county"  # county | enclave
    enclave_name: str = ""
    enclave_host: str = ""
    partner_fit_reason_zh: str = ""
    partner_fit_reason_en: str = ""
    partner_evidence: int = 0  # how many facts support the partner fit
    county_firms: list[dict[str, Any]] = field(default_factory=list)
    partner_firms: list[dict[str, Any]] = field(default_factory=list)
    polluting: bool = False
    ecology_rule_zh: str = ""
    ecology_rule_en: str = ""
    fact_confidence: str = "sourced"  # weakest confidence of the facts about places (holding, pairing)
    io_industry_zh: str = ""  # the county industry the IO component was measured against

    @property
    def hops(self) -> int:
        """Edges between the suggested segment and the county's held segment."""
        return max(0, len(self.path) - 1)

    def explanation(self, lang: str = "zh") -> str:
        """One-line explanation in Chinese (default) or English."""
        from chainlink.scoring.explain import explain_en, explain_zh

        return explain_zh(self) if lang == "zh" else explain_en(self)


__all__ = ["Holding", "Pairing", "Project", "Suggestion"]
