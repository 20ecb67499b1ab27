"""Check and normalise imported rows against the registry: one :class:`Issue` per problem, with its fix.

A :class:`Context` holds what the checks need from the registry (the resolver, chain segments, partner
kinds, the ids of the source tables) and looks GB/T codes and the 2011 → 2017 crosswalk up per distinct code.
:class:`RowChecker` turns one raw row into the tuple written to the user table, or into issues.
Checks of repeated values (county names, codes, enumerations) are cached per distinct value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.base.vocabulary import CONFIDENCE_LEVELS as CONFIDENCE
from chainlink.errors import BadValue, DataError, UsageError
from chainlink.imports._cell import Formula

SIZE = {
    "large": "large",
    "medium": "medium",
    "small": "small",
    "micro": "micro",
    "大型": "large",
    "中型": "medium",
    "小型": "small",
    "微型": "micro",
    "大": "large",
    "中": "medium",
    "小": "small",
    "微": "micro",
}
FLAG = {
    "0": 0,
    "1": 1,
    "yes": 1,
    "no": 0,
    "y": 1,
    "n": 0,
    "true": 1,
    "false": 0,
    "是": 1,
    "否": 0,
    "链主": 1,
    "√": 1,
    "✓": 1,
}
PROJECT_KINDS = {
    "transfer": "transfer",
    "co_construction": "co_construction",
    "enclave_park": "enclave_park",
    "investment": "investment",
    "pilot": "pilot",
    "转移": "transfer",
    "产业转移": "transfer",
    "共建": "co_construction",
    "共引共建": "co_construction",
    "飞地": "enclave_park",
    "飞地园区": "enclave_park",
    "招商": "investment",
    "投资": "investment",
    "试点": "pilot",
}
PAIRING_KINDS = {
    "shanhai": "shanhai",
    "zone_pair": "zone_pair",
    "dual_chain_pilot": "dual_chain_pilot",
    "enclave": "enclave",
    "山海协作": "shanhai",
    "开发区结对": "zone_pair",
    "园区结对": "zone_pair",
    "双链长制": "dual_chain_pilot",
    "双链长制试点": "dual_chain_pilot",
    "飞地": "enclave",
}
ENCLAVE_KINDS = {
    "industry": "industry",
    "innovation": "innovation",
    "poverty": "poverty",
    "产业飞地": "industry",
    "科创飞地": "innovation",
    "消薄飞地": "poverty",
}
POLLUTION = {"low": "low", "medium": "medium", "high": "high", "低": "low", "中": "medium", "高": "high"}
STATUS = {
    "lead": "lead",
    "negotiating": "negotiating",
    "signed": "signed",
    "started": "started",
    "producing": "producing",
    "unknown": "unknown",
    "线索": "lead",
    "在谈": "negotiating",
    "洽谈": "negotiating",
    "洽谈中": "negotiating",
    "签约": "signed",
    "已签约": "signed",
    "开工": "started",
    "已开工": "started",
    "在建": "started",
    "投产": "producing",
    "已投产": "producing",
    "未知": "unknown",
}
AMOUNT_MAX = {
    "investment_wan": (1e8, "investment is in 万元 (10,000 yuan)"),
    "land_mu": (1e6, "land is in 亩 (mu, 1/15 hectare)"),
    "energy_tce": (1e8, "energy is in tonnes of standard coal equivalent per year"),
    "added_value_wan": (1e8, "added value is in 万元 (10,000 yuan)"),
    "tax_wan": (1e8, "tax is in 万元 (10,000 yuan)"),
}
YEARS = (1949, 2100)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional overrides and marks: they make text display in another order than it is stored.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CODE_SPLIT = re.compile(r"[;；,，、/\s]+")
_CODE = re.compile(r"([A-Ta-t])?(\d{1,4})")
_ID = re.compile(r"[^\s;]{1,64}")
_EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!")
_MISS = object()
SOURCE_TABLES = ("projects", "characteristic_industries", "pairings")  # imported ids may not be theirs
# One GB/T class's section (classes below the sections: level > 1), and a 2011 code's 2017 codes.
_SECTION_SQL = "SELECT section FROM industries WHERE code = ? AND level > 1"
_CROSSWALK_SQL = "SELECT code_2017 FROM industry_crosswalk WHERE code_2011 = ? ORDER BY code_2017"


def _unreadable(path: str | Path, exc: sqlite3.DatabaseError) -> DataError:
    """The error when the registry's reference tables cannot be read while checks are set up or look a value up."""
    return DataError(f"{path}: cannot read the registry's reference tables ({exc}); run `chainlink doctor`")


#: One value is wrong: ``problem`` says what, ``fix`` what to do (the library-wide :class:`BadValue`).
Bad = BadValue


@dataclass
class Issue:
    """A problem (or warning) at a row and column of the input file."""

    row: int | None
    header: str | None
    column: str | None
    value: Any
    problem: str
    fix: str

    def message(self, name: str) -> str:
        """``file:row: column 'X' value 'Y': problem; fix``."""
        where = f"{name}:{self.row}" if self.row else name
        if self.header is None:
            return f"{where}: {self.problem}; {self.fix}"
        label = f"'{self.header}'" + (
            f" ({self.column})" if self.column and self.column != self.header else ""
        )
        return f"{where}: column {label} value '{show(self.value)}': {self.problem}; {self.fix}"


def show(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: control characters escaped, long text cut with its length."""
    if value is None:
        text = ""
    elif isinstance(value, Formula):
        text = value.text
    else:
        text = str(value)
    size = len(text)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("\n", "\\n").replace("\r", "\\r")
    if size > limit:
        return f"{text[: limit - 1]}… ({size:,} characters)"
    return text


def text_of(raw: Any) -> str:
    """A raw cell as stripped text; raise :class:`Bad` for formulas, booleans and nested values."""
    if raw is None:
        return ""
    if type(raw) is str:
        text = raw.strip()
        bad = _CONTROL.search(text) or _BIDI.search(text)
        if bad:
            ch = bad.group()
            raise Bad(
                f"contains the control character U+{ord(ch):04X}", "remove it (it is invisible in Excel)"
            )
        return text
    if isinstance(raw, Formula):
        raise Bad("holds a formula, not a value", "in Excel copy the column and Paste Special → Values")
    if isinstance(raw, bool):
        raise Bad("is a true/false value where text is expected", "type the text")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise Bad("is not a finite number", "type the value")
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, (list, dict)):
        raise Bad("is a nested JSON value", "give plain text or a number")
    return str(raw).strip()


class Context:
    """What the checks need from the registry open on ``conn``, and the defaults for source/confidence."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str | Path,
        file_name: str,
        *,
        source: str | None = None,
        confidence: str | None = None,
    ) -> None:
        from chainlink.store.registry import Registry
        from chainlink.store.resolve import Resolver

        conn.row_factory = sqlite3.Row
        try:
            reg = Registry(conn, Path(path))
            self.resolver = Resolver.from_registry(reg)
            # (only the columns needed, through the registry's reader as reg.partners/counties are)
            self.partner_kind = {
                p["id"]: p["kind"] for p in reg.query("SELECT id, kind FROM partners ORDER BY id")
            }
            self.counties = {c["code"] for c in reg.query("SELECT code FROM counties ORDER BY code")}
            # GB/T codes are looked up one distinct code at a time (the file names a few of the 1,971
            # classes; reading them all was ≈ 20 % of a small import): the statements are tried once here.
            self._conn = conn
            self._path = path
            self._sections: dict[str, str | None] = {}
            self._targets: dict[str, list[str]] = {}
            self._lookup(_SECTION_SQL, "")
            self._lookup(_CROSSWALK_SQL, "")
            self.segments = {
                r[0]: (r[1], r[2]) for r in conn.execute("SELECT key, name_zh, name_en FROM segments")
            }
            self._source_ids: dict[str, set[str]] = {}  # read on first use: only imports with ids need them
        except sqlite3.DatabaseError as exc:
            raise _unreadable(path, exc) from None
        finally:
            conn.row_factory = None
        self.cities = {c[:4] + "00" for c in self.counties}
        self.segment_names: dict[str, list[str]] = {}
        for key, (zh, en) in self.segments.items():
            for name in (zh, en):
                self.segment_names.setdefault(name.strip().lower(), []).append(key)
        self.default_source = source or f"import of {Path(file_name).name}"
        if confidence is not None and confidence not in CONFIDENCE:
            raise UsageError(f"unknown --confidence {confidence!r}; use one of {', '.join(CONFIDENCE)}")
        self.default_confidence = confidence or "unverified"
        self.file_name = Path(file_name).name
        self.warning: tuple[str, str] | None = None
        self.clean_codes: dict[str, str] = {}  # GB/T code as written → code, for codes without warnings

    def _lookup(self, sql: str, code: str) -> list[Any]:
        try:
            return self._conn.execute(sql, (code,)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self._path, exc) from None

    def section(self, code: str) -> str | None:
        """The GB/T 4754-2017 section letter of ``code`` (a code below the sections), ``None`` if no such code."""
        try:
            return self._sections[code]
        except KeyError:
            rows = self._lookup(_SECTION_SQL, code)
            found = self._sections[code] = (rows[0][0] or "") if rows else None
            return found

    def crosswalk(self, code: str) -> list[str]:
        """The GB/T 4754-2017 codes the 2011 code ``code`` maps to, in code order (empty if none)."""
        try:
            return self._targets[code]
        except KeyError:
            found = self._targets[code] = [r[0] for r in self._lookup(_CROSSWALK_SQL, code)]
            return found

    def source_ids(self, table: str) -> set[str]:
        """The ids of the source table ``table`` (``projects``, ``characteristic_industries``, ``pairings``):
        an imported row may not take one; empty when the registry has no such table."""
        if table not in self._source_ids:
            from chainlink.store.registry import has_table

            try:
                found = has_table(self._conn, table) and table in SOURCE_TABLES
                ids = {r[0] for r in self._conn.execute(f"SELECT id FROM [{table}]")} if found else set()
            except sqlite3.DatabaseError as exc:
                raise _unreadable(self._path, exc) from None
            self._source_ids[table] = ids
        return self._source_ids[table]

    def warn(self, problem: str, fix: str) -> None:
        """Attach a warning to the value being checked (the row loop picks it up)."""
        self.warning = (problem, fix)

    # -- checks of one value ------------------------------------------------------------------

    def entity(self, raw: Any, kinds: tuple[str, ...], what: str, listing: str) -> str:
        from chainlink.store.resolve import _variants

        text = text_of(raw)
        if not text:
            return ""
        try:
            found = self.resolver.resolve(text, kinds)
        except DataError as exc:
            detail = str(exc)
            if "ambiguous" in detail:
                raise Bad(
                    f"could mean several {what}s ({detail.split(': ', 1)[-1].split('; use')[0]})",
                    "use the code or the full name",
                ) from None
            cands = [e.label for e, _ in self.resolver.candidates(text, kinds)[:3]]
            hint = f"did you mean {' or '.join(cands)}? " if cands else ""
            raise Bad(
                f"is not a known {what}", f"{hint}use the code or the Chinese name; {listing}"
            ) from None
        exact = text in self.resolver._codes or any(k in self.resolver._index for k in _variants(text))
        if not exact:
            self.warn(f"read as {found.label} (closest match)", "check it; write the code to be exact")
        return found.id

    def county(self, raw: Any) -> str:
        return self.entity(raw, ("county",), "mountain county", "`chainlink counties` lists the 26 counties")

    def county_or_city(self, raw: Any) -> str:
        text = text_of(raw)
        if text in self.cities:
            return text
        return self.county(text)

    def partner(self, raw: Any) -> str:
        return self.entity(raw, ("partner",), "partner district or zone", "`chainlink pairs` lists partners")

    def enclave_host(self, raw: Any) -> str:
        return self.entity(
            raw,
            ("partner", "county"),
            "partner or county",
            "give the partner id or the county code of the territory the enclave lies in",
        )

    def county_platform(self, raw: Any) -> str:
        pid = self.partner(raw)
        if pid and self.partner_kind.get(pid) not in ("platform", "etdz"):
            raise Bad(
                f"{pid} is a {self.partner_kind.get(pid)}, not a county platform",
                "give the county's development zone (kind platform or etdz) or leave it empty",
            )
        return pid

    def gbt(self, raw: Any) -> str:
        if isinstance(raw, list):
            parts = [text_of(x) for x in raw]
        else:
            parts = [p for p in _CODE_SPLIT.split(text_of(raw)) if p]
        out: list[str] = []
        known = self.clean_codes
        for part in parts:
            code = known.get(part)
            if code is None:
                self.warning = None
                code = self.gbt_code(part)
                if self.warning is None:
                    known[part] = code
            if code not in out:
                out.append(code)
        return ";".join(out)

    def gbt_code(self, part: str) -> str:
        m = _CODE.fullmatch(part)
        if not m:
            raise Bad(
                f"{part!r} is not a GB/T 4754 code", "write 2–4 digits such as 3443, several joined by ';'"
            )
        letter, code = m.group(1), m.group(2)
        if self.section(code) is not None:
            chosen = code
        elif len(code) in (1, 3) and self.section("0" + code) is not None:
            chosen = "0" + code
            self.warn(
                f"code {code} read as {chosen} (a leading zero was lost, e.g. by Excel)",
                "store codes as text",
            )
        elif targets := self.crosswalk(code):
            if len(targets) > 1:
                raise Bad(
                    f"{code} is a GB/T 4754-2011 code that maps to several 2017 codes ({', '.join(targets)})",
                    "choose the right GB/T 4754-2017 code",
                )
            chosen = targets[0]
            self.warn(f"GB/T 4754-2011 code {code} mapped to 2017 code {chosen}", "use 2017 codes")
        else:
            raise Bad(
                f"{code} is not a GB/T 4754-2017 code",
                "use a 2–4 digit code of GB/T 4754-2017 (for example 3443 for valves)",
            )
        if letter:
            section = self.section(chosen) or ""
            if section and section != letter.upper():
                raise Bad(
                    f"section letter {letter} does not match code {chosen} (section {section})",
                    "drop the letter or correct it",
                )
        return chosen

    def segment(self, raw: Any) -> str:
        text = text_of(raw)
        if not text or text in self.segments:
            return text
        keys = self.segment_names.get(text.lower(), [])
        if len(keys) == 1:
            return keys[0]
        if len(keys) > 1:
            raise Bad(f"names several chain segments ({', '.join(keys[:4])})", "write the key chain/segment")
        raise Bad("is not a chain segment", "write chain/segment as shown by `chainlink chains show CHAIN`")

    def chains(self, raw: Any) -> str:
        parts = [text_of(x) for x in raw] if isinstance(raw, list) else _CODE_SPLIT.split(text_of(raw))
        out = []
        for part in parts:
            if part:
                cid = self.entity(part, ("chain",), "chain", "`chainlink chains list` lists them")
                if cid not in out:
                    out.append(cid)
        return ";".join(out)

    def amount(self, raw: Any, column: str) -> float | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, (bool, Formula)):
            text_of(raw)  # raises the right Bad
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            text = text_of(raw)
            if not text:
                return None
            if text.upper() in _EXCEL_ERRORS:
                raise Bad("is an Excel error value", "fix the formula in the source sheet, then paste values")
            cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
            try:
                value = float(cleaned)
            except ValueError:
                raise Bad("is not a number", "write a plain number (no units)") from None
        if not math.isfinite(value):
            raise Bad("is not a finite number", "write a plain number")
        if value < 0:
            raise Bad("is negative", "amounts cannot be below 0: check the sign")
        top, unit = AMOUNT_MAX[column]
        if value > top:
            raise Bad(f"is larger than {top:,.0f}", f"check the unit: {unit}")
        return value

    def year(self, raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, (dt.date, dt.datetime)):
            value = raw.year
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        else:
            text = text_of(raw).removesuffix("年")
            if not text:
                return None
            if not text.isdigit():
                raise Bad("is not a year", "write four digits such as 2024")
            value = int(text)
        if not YEARS[0] <= value <= YEARS[1]:
            raise Bad(f"is outside {YEARS[0]}–{YEARS[1]}", "write the four-digit year")
        return value

    def choice(self, raw: Any, table: dict[str, Any], default: Any = "") -> Any:
        text = text_of(raw)
        if not text:
            return default
        key = text.lower()
        if key in table:
            return table[key]
        if table is FLAG:
            raise Bad("is not a yes/no value", "write 1 or 0 (是/否, yes/no also work)")
        names = sorted({v for v in table.values() if isinstance(v, str)})
        zh = sorted(k for k in table if not k.isascii())
        also = f" (or {'/'.join(zh[:6])})" if zh else ""
        raise Bad("is not one of the allowed values", f"use one of {', '.join(names)}{also}")


def digest(text: str) -> str:
    import hashlib  # here, not at the top: a project file's checks do not need it (≈ 11 M instructions)

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def identifier(raw: Any) -> str:
    text = text_of(raw)
    if text and not _ID.fullmatch(text):
        raise Bad("is not a usable id", "use up to 64 characters without spaces or ';'")
    return text


def credit(raw: Any) -> str:
    from chainlink.base.credit import CreditCodeError, validate

    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise Bad(
            "is stored as a number in Excel, which loses digits",
            "format the column as Text in Excel and enter the codes again",
        )
    text = raw if type(raw) is str and len(raw) == 18 else text_of(raw)
    if not text:
        return ""
    try:
        return validate(text)
    except CreditCodeError as exc:
        raise Bad(exc.problem, exc.fix) from None


# -- project files (chainlink match --project, allocate) -------------------------------------------
PROJECT_TEXT_MAX = {"id": 64, "name": 200, "origin": 200, "gbt": 200, "segment": 200, "pollution": 20}
PROJECT_AMOUNTS = {"investment": "investment_wan", "land_mu": "land_mu", "energy": "energy_tce"}
PROJECT_FILE_MAX = 1 << 20  # bytes: a project file is a few lines


def validate_project_fields(data: Any, name: str, lines: Any = None) -> None:
    """The limits imports apply, for one project mapping read from a project file: text at most 200
    characters (ids 64) without control or bidirectional-override characters; amounts finite numbers
    (not true/false) within the import limits (``investment`` ≤ 10⁸ 万元, ``land_mu`` ≤ 10⁶, ``energy``
    ≤ 10⁸). Raises :class:`chainlink.errors.SourceError` naming the field (and its line when known).
    """
    from chainlink.errors import SourceError

    lines = lines or {}
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        line = lines.get(key)
        if key in PROJECT_TEXT_MAX and isinstance(value, str):
            limit = PROJECT_TEXT_MAX[key]
            if len(value) > limit:
                raise SourceError(
                    name, line, f"{key}: '{show(value)}' is {len(value):,} characters long, at most {limit:,}"
                )
            bad = _CONTROL.search(value) or _BIDI.search(value)
            if bad:
                raise SourceError(
                    name,
                    line,
                    f"{key}: '{show(value)}' contains the control or text-direction character "
                    f"U+{ord(bad.group()):04X}; remove it",
                )
        if key in PROJECT_AMOUNTS and value is not None and value != "":
            if isinstance(value, bool):
                raise SourceError(name, line, f"{key}: {str(value).lower()} is true/false, not a number")
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                continue  # validate_project says it is not a number
            if not math.isfinite(number):
                raise SourceError(name, line, f"{key}: '{show(value)}' is not a finite number")
            limit, unit = AMOUNT_MAX[PROJECT_AMOUNTS[key]]
            if number > limit:
                raise SourceError(
                    name, line, f"{key}: {number:g} is more than {limit:g}; {unit}: check the unit"
                )
