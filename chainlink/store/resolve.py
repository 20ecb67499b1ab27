"""One resolver for names: counties, partner districts and zones, chains.

Accepts a six-digit code, 汉字 with or without 县/市/区, pinyin with or without tones, any case
and spacing, the English name, aliases from the sources, and — for typos — a fuzzy match
(rapidfuzz). Unknown or ambiguous names raise :class:`chainlink.errors.DataError` with up to
five "did you mean" candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chainlink.errors import DataError

KINDS = ("county", "partner", "chain")
_ZH_SUFFIXES = ("畲族自治县", "自治县", "县", "市", "区")
_LATIN_SUFFIXES = (
    "sheautonomouscounty",
    "autonomouscounty",
    "countylevel",
    "county",
    "district",
    "city",
    "shezuzizhixian",
    "zizhixian",
    "xian",
    "shi",
    "qu",
)
_DROP = re.compile(r"[\s'’`\-_.,·/()（）]+")
FUZZY_CUTOFF = 80.0


@dataclass(frozen=True)
class Entity:
    """A resolved name: its kind (county, partner, chain), id, and display names."""

    kind: str
    id: str
    name_zh: str
    name_en: str

    @property
    def label(self) -> str:
        """``青田县 (331121, Qingtian County)``."""
        return f"{self.name_zh} ({self.id}, {self.name_en})"


def normalise(text: str) -> str:
    """Fold ``text`` for matching: NFKC, lower case, tone marks and punctuation removed.

    >>> normalise("Qīngtián Xiàn")
    'qingtianxian'
    >>> normalise(" Qingtian  County (county-level) ")
    'qingtiancountycountylevel'
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = unicodedata.normalize("NFC", stripped).replace("ü", "v")
    return _DROP.sub("", stripped)


def _variants(name: str) -> set[str]:
    """The keys one name is known by: itself and with an administrative suffix removed."""
    key = normalise(name)
    if not key:
        return set()
    out = {key}
    for suffix in _ZH_SUFFIXES + _LATIN_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            out.add(key[: -len(suffix)])
    # "Jiangshan City (county-level)" → also without both suffixes
    for key2 in list(out):
        for suffix in _LATIN_SUFFIXES:
            if key2.endswith(suffix) and len(key2) > len(suffix) + 1:
                out.add(key2[: -len(suffix)])
    return out


# The command that lists the names of each kind (the hint of an unknown name).
_LISTED_BY = {"county": "`chainlink counties`", "partner": "`chainlink pairs`", "chain": "`chainlink chains list`"}


class Resolver:
    """Resolve free-text names to :class:`Entity` objects of the requested kinds."""

    def __init__(self, entities: Iterable[tuple[Entity, Sequence[str]]]) -> None:
        self._index: dict[str, set[Entity]] = {}
        self._codes: dict[str, Entity] = {}
        self._entities: list[Entity] = []
        for entity, names in entities:
            self._entities.append(entity)
            for name in names:
                if not name:
                    continue
                if re.fullmatch(r"\d{6}", name.strip()):
                    self._codes[name.strip()] = entity
                for key in _variants(name):
                    self._index.setdefault(key, set()).add(entity)

    @classmethod
    def from_registry(cls, registry) -> Resolver:
        """Build the resolver from a :class:`chainlink.store.registry.Registry`.

        Uses the lookup keys precomputed by ``chainlink build`` (the ``names`` table, see :func:`name_rows`):
        a name typed as the table knows it is looked up there (:class:`_TableResolver`); computes them from
        the counties, partners and chains when the registry has no such table.
        """
        conn = registry.conn
        has_names = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='names'"
        ).fetchone()[0]
        if not has_names:
            return cls(_named_entities(registry.counties, registry.partners, registry.chains))
        return _TableResolver(conn)

    @classmethod
    def _read_names(cls, conn) -> Resolver:
        """The resolver of every row of the ``names`` table (in ``ordinal`` order, as built from the names)."""
        resolver = cls(())
        entities: dict[tuple[str, str], Entity] = {}
        sql = "SELECT key, kind, id, name_zh, name_en, exact FROM names ORDER BY ordinal"
        for key, kind, eid, name_zh, name_en, exact in conn.execute(sql):
            entity = entities.get((kind, eid))
            if entity is None:
                entity = entities[(kind, eid)] = Entity(kind, eid, name_zh, name_en)
                resolver._entities.append(entity)
            if exact:
                resolver._codes[key] = entity
            else:
                resolver._index.setdefault(key, set()).add(entity)
        return resolver

    def resolve(self, name: str, kinds: Sequence[str] = KINDS) -> Entity:
        """Return the one entity of ``kinds`` that ``name`` means, or raise :class:`DataError`."""
        what = " or ".join(kinds)
        query = name.strip()
        if not query:
            raise DataError(f"empty {what} name")
        if query in self._codes and self._codes[query].kind in kinds:
            return self._codes[query]
        found: set[Entity] = set()
        for key in _variants(query):
            found |= {e for e in self._index.get(key, ()) if e.kind in kinds}
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            labels = "; ".join(e.label for e in sorted(found, key=lambda e: e.id)[:5])
            raise DataError(f"{name!r} is ambiguous: {labels}; use a code or a fuller name")
        candidates = self.candidates(query, kinds)
        if (
            candidates
            and candidates[0][1] >= FUZZY_CUTOFF
            and (len(candidates) == 1 or candidates[0][1] - candidates[1][1] >= 3)
        ):
            return candidates[0][0]
        hint = "; ".join(e.label for e, _ in candidates[:5])
        if hint:
            raise DataError(f"unknown {what} {name!r}; did you mean: {hint}")
        lists = " or ".join(dict.fromkeys(_LISTED_BY[k] for k in kinds if k in _LISTED_BY))
        raise DataError(f"unknown {what} {name!r}" + (f"; list them with {lists}" if lists else ""))

    def candidates(
        self, name: str, kinds: Sequence[str] = KINDS, limit: int = 5
    ) -> list[tuple[Entity, float]]:
        """Up to ``limit`` distinct entities nearest to ``name`` with their rapidfuzz scores."""
        from rapidfuzz import fuzz, process

        query = normalise(name)
        keys = [k for k, ents in self._index.items() if any(e.kind in kinds for e in ents)]
        best: dict[Entity, float] = {}
        for key, score, _ in process.extract(query, keys, scorer=fuzz.ratio, limit=50):
            for entity in self._index[key]:
                if entity.kind in kinds and score > best.get(entity, -1):
                    best[entity] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0].id))
        return [(e, s) for e, s in ranked if s >= 50][:limit]


class _TableResolver(Resolver):
    """A :class:`Resolver` over a registry's ``names`` table. A name the table knows (a code, or one entity of the
    kinds asked for under its variants) is looked up with one query on the keys it can have; anything else
    (ambiguous, unknown, a typo, the candidates) reads every row into the plain resolver, which answers and
    words the error (tests/test_resolve.py compares the two on every key, variants, typos and random text)."""

    def __init__(self, conn) -> None:  # no super().__init__(): the index is read on first use
        self._conn = conn
        self._whole: Resolver | None = None

    def _read(self) -> Resolver:
        if self._whole is None:
            self._whole = Resolver._read_names(self._conn)
        return self._whole

    @property
    def _index(self) -> dict[str, set[Entity]]:  # type: ignore[override]
        return self._read()._index

    @property
    def _codes(self) -> dict[str, Entity]:  # type: ignore[override]
        return self._read()._codes

    @property
    def _entities(self) -> list[Entity]:  # type: ignore[override]
        return self._read()._entities

    def resolve(self, name: str, kinds: Sequence[str] = KINDS) -> Entity:
        """:meth:`Resolver.resolve`, looked up in the table when the name is known there."""
        return self._known(name, kinds) or self._read().resolve(name, kinds)

    def candidates(self, name: str, kinds: Sequence[str] = KINDS, limit: int = 5) -> list[tuple[Entity, float]]:
        """:meth:`Resolver.candidates` (over every name)."""
        return self._read().candidates(name, kinds, limit)

    def _known(self, name: str, kinds: Sequence[str]) -> Entity | None:
        """What :meth:`Resolver.resolve` returns for ``name`` when it takes one of its two exact steps, from the
        rows of ``name``'s keys: the last code row of the query as typed (the plain resolver's code map keeps the
        last) when of ``kinds``; else the one entity of ``kinds`` under the query's variants. None otherwise."""
        query = name.strip()
        if not query:
            return None
        variants = sorted(_variants(query))
        sql = "SELECT kind, id, name_zh, name_en, exact FROM names WHERE (exact = 1 AND key = ?)"
        if variants:
            sql += f" OR (exact = 0 AND key IN ({', '.join('?' * len(variants))}))"
        rows = self._conn.execute(sql + " ORDER BY ordinal", (query, *variants)).fetchall()
        codes = [r for r in rows if r[4]]
        if codes and codes[-1][0] in kinds:
            return Entity(*codes[-1][:4])
        found = {Entity(*r[:4]) for r in rows if not r[4] and r[0] in kinds}
        return found.pop() if len(found) == 1 else None


def _named_entities(
    counties: Iterable[dict], partners: Iterable[dict], chains: Iterable[dict]
) -> list[tuple[Entity, list[str]]]:
    """Each county, partner and chain with every name it is known by (codes, 汉字, pinyin, English, aliases)."""
    items: list[tuple[Entity, list[str]]] = []
    for c in counties:
        entity = Entity("county", c["code"], c["name_zh"], c["name_en"])
        names = [
            c["code"],
            c["name_zh"],
            c["short_zh"],
            c["pinyin"],
            c["name_en"],
            c["city"] + c["name_zh"],
            *_split(c["aliases"]),
        ]
        items.append((entity, names))
    for p in partners:
        entity = Entity("partner", p["id"], p["name_zh"], p["name_en"])
        names = [
            p["id"],
            p["admin_code"],
            p["name_zh"],
            p["short_zh"],
            p["pinyin"],
            p["name_en"],
            (p["city"] or "") + p["name_zh"],
            *_split(p["aliases"]),
        ]
        items.append((entity, names))
    for ch in chains:
        entity = Entity("chain", ch["id"], ch["name_zh"], ch["name_en"])
        items.append((entity, [ch["id"], ch["name_zh"], ch["name_en"], *_split(ch["aliases"])]))
    return items


def name_rows(
    counties: Iterable[dict], partners: Iterable[dict], chains: Iterable[dict]
) -> list[dict[str, object]]:
    """The rows of the registry's ``names`` table, written by ``chainlink build``.

    One row per lookup key of each entity: ``exact`` 1 for a six-digit code (matched as typed), 0 for a
    normalised name variant (:func:`normalise`, administrative suffixes removed). ``ordinal`` keeps the
    order in which :class:`Resolver` would have met them (counties by code, partners by id, chains by id),
    so that the resolver read back from the table is the one built from the names.

    >>> rows = name_rows([], [], [{"id": "x", "name_zh": "阀门", "name_en": "Valves", "aliases": ""}])
    >>> sorted(r["key"] for r in rows)
    ['valves', 'x', '阀门']
    """
    by_code = sorted(counties, key=lambda r: r["code"])
    by_id = sorted(partners, key=lambda r: r["id"])
    chain_rows = sorted(chains, key=lambda r: r["id"])
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, str, str, int]] = set()
    for entity, names in _named_entities(by_code, by_id, chain_rows):
        for name in names:
            if not name:
                continue
            keys = [(name.strip(), 1)] if re.fullmatch(r"\d{6}", name.strip()) else []
            keys += [(key, 0) for key in sorted(_variants(name))]
            for key, exact in keys:
                if (key, entity.kind, entity.id, exact) in seen:
                    continue
                seen.add((key, entity.kind, entity.id, exact))
                rows.append(
                    {
                        "ordinal": len(rows) + 1,
                        "key": key,
                        "kind": entity.kind,
                        "id": entity.id,
                        "name_zh": entity.name_zh,
                        "name_en": entity.name_en,
                        "exact": exact,
                    }
                )
    return rows


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]
