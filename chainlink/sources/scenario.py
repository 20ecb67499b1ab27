"""Allocation scenarios: a strict YAML file of quotas, restrictions, exclusions, forced assignments, floors.

A scenario is where real figures enter ``chainlink allocate``: no source gives the counties' land and energy
quotas or their ecological restrictions (registry table ``gaps``, G09), so without a scenario the allocation
runs on SAMPLE capacities (docs/allocation.md). :func:`read_scenario` checks the file's shape and types and
names ``file:line`` for every problem; names of counties, enclaves and projects are resolved later against
the registry and the project list (:func:`chainlink.plan.build_plan`), again with ``file:line``.

```yaml
name: 丽水 quotas 2026                   # optional text
preset: default                          # weight preset: name, or YAML path relative to this file
any_pair: false                          # true: any county may take any project, not only paired ones
enclave_rule: overflow                   # overflow (an enclave only when the home platform lacks land) | free
time_limit: 10                           # seconds (0: no limit)
capacities:                              # quotas: land in mu, energy in tce per year; or "unlimited"
  青田: {land_mu: 500, energy_tce: 20000}
  萧龙科创园: {land_mu: 80}               # an enclave, by name or destination id
restrictions:                            # highest pollution class allowed: low | medium | high
  青田: low
exclude:
  - project: sample-P0001                # the project takes no part
  - destination: 永嘉                    # the destination takes no project
  - {project: sample-P0002, destination: 青田}   # this pair only
forced:
  sample-P0003: 青田                     # project id: destination
fairness:
  min_projects: 1                        # every county, or per county {青田: 2}
  min_land_share: 10%                    # or 0.1: share of the county platform's land quota
intensity:
  mode: flag                             # off | flag | constraint
  target: auto                           # auto | 26-counties-2025 | lishui-2026 | {added_value_per_mu: 130, tax_per_mu: 30}
```
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainlink.errors import SourceError

FIELDS = {
    "name": "scenario name (text)",
    "description": "what the scenario is for (text)",
    "preset": "weight preset: a name (chainlink/presets/NAME.yaml) or a YAML file relative to the scenario",
    "any_pair": "true: every county may take every project; false (default): only the paired counties",
    "enclave_rule": "overflow (default): an enclave takes a project only when the home platform lacks land; free",
    "time_limit": "solver time limit in seconds (0: none)",
    "capacities": "destination: {land_mu: N, energy_tce: N} (numbers ≥ 0 or 'unlimited')",
    "restrictions": "destination: highest pollution class allowed (low, medium, high)",
    "exclude": "list of {project: ID}, {destination: NAME} or {project: ID, destination: NAME}",
    "forced": "project id: destination",
    "fairness": "{min_projects: K, min_land_share: X} for every county, or per county",
    "intensity": "{mode: off|flag|constraint, target: auto|26-counties-2025|lishui-2026|{...}}",
}
CAPACITY_KEYS = ("land_mu", "energy_tce")
POLLUTION_CLASSES = ("low", "medium", "high")
ENCLAVE_RULES = ("overflow", "free")
INTENSITY_MODES = ("off", "flag", "constraint")
INTENSITY_TARGETS = ("auto", "26-counties-2025", "lishui-2026")
TARGET_KEYS = ("added_value_per_mu", "tax_per_mu")


@dataclass(frozen=True)
class Ref:
    """A name as written in the scenario and the line it is on."""

    name: str
    line: int


@dataclass(frozen=True)
class Exclusion:
    """One ``exclude`` item: a project, a destination, or one pair."""

    project: Ref | None
    destination: Ref | None
    line: int


@dataclass
class Scenario:
    """A scenario file, checked for shape and types; names are resolved by :mod:`chainlink.plan`."""

    path: str
    text: str
    name: str = ""
    description: str = ""
    preset: str | None = None
    any_pair: bool | None = None
    enclave_rule: str | None = None
    time_limit: float | None = None
    capacities: list[tuple[Ref, dict[str, float]]] = field(default_factory=list)
    restrictions: list[tuple[Ref, str]] = field(default_factory=list)
    exclude: list[Exclusion] = field(default_factory=list)
    forced: list[tuple[Ref, Ref]] = field(default_factory=list)
    min_projects: int | list[tuple[Ref, int]] | None = None
    min_land_share: float | list[tuple[Ref, float]] | None = None
    intensity_mode: str | None = None
    intensity_target: str | dict[str, float] | None = None
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's text (as read, UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def error(self, line: int | None, message: str) -> SourceError:
        """A :class:`SourceError` at ``line`` of this scenario."""
        return SourceError(self.path, line, message)

    def line_of(self, key: str) -> int | None:
        """The line of a top-level key (None if absent)."""
        return self.lines.get(key)


def read_scenario(path: str | Path) -> Scenario:
    """Read and check one scenario file (strict YAML); errors are :class:`SourceError` with ``file:line``."""
    from chainlink.base.yamlstrict import load_yaml_text

    p = Path(path)
    name = str(p)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(name, None, "scenario file not found") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder, not a scenario file") from None
    except UnicodeDecodeError:
        raise SourceError(name, None, "not UTF-8 text; save it as UTF-8") from None
    data = load_yaml_text(text, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError(name, getattr(data, "line", 1) or 1, "a scenario must be a mapping of field: value")
    lines = dict(getattr(data, "key_lines", {}))
    sc = Scenario(path=name, text=text, lines={str(k): v for k, v in lines.items()})
    for key in data:
        if not isinstance(key, str) or key not in FIELDS:
            raise sc.error(lines.get(key), f"unknown field {key!r}; fields: {', '.join(FIELDS)}")
    for key in ("name", "description"):
        if key in data and data[key] is not None:
            setattr(sc, key, _text(sc, data[key], lines[key], key))
    if data.get("preset") is not None:
        value = _text(sc, data["preset"], lines["preset"], "preset")
        preset = Path(value)
        if preset.suffix and not preset.is_absolute():
            preset = p.parent / preset
        sc.preset = str(preset) if preset.suffix else value
    if "any_pair" in data:
        sc.any_pair = _bool(sc, data["any_pair"], lines["any_pair"], "any_pair")
    if "enclave_rule" in data:
        sc.enclave_rule = _choice(
            sc, data["enclave_rule"], lines["enclave_rule"], "enclave_rule", ENCLAVE_RULES
        )
    if "time_limit" in data:
        sc.time_limit = _number(sc, data["time_limit"], lines["time_limit"], "time_limit")
    if "capacities" in data:
        sc.capacities = _capacities(sc, data["capacities"], lines["capacities"])
    if "restrictions" in data:
        sc.restrictions = [
            (ref, _choice(sc, value, ref.line, f"restrictions: {ref.name}", POLLUTION_CLASSES))
            for ref, value in _named_items(sc, data["restrictions"], lines["restrictions"], "restrictions")
        ]
    if "exclude" in data:
        sc.exclude = _exclusions(sc, data["exclude"], lines["exclude"])
    if "forced" in data:
        sc.forced = [
            (ref, Ref(_text(sc, value, ref.line, f"forced: {ref.name}"), ref.line))
            for ref, value in _named_items(sc, data["forced"], lines["forced"], "forced")
        ]
    if "fairness" in data:
        _fairness(sc, data["fairness"], lines["fairness"])
    if "intensity" in data:
        _intensity(sc, data["intensity"], lines["intensity"])
    return sc


# -- field checks -----------------------------------------------------------------------------------------


def _text(sc: Scenario, value: Any, line: int, what: str) -> str:
    from chainlink.base.yamlstrict import scalar_text

    text = scalar_text(value, sc.path, line, what).strip()
    if not text:
        raise sc.error(line, f"{what}: empty")
    return text


def _bool(sc: Scenario, value: Any, line: int, what: str) -> bool:
    if not isinstance(value, bool):
        raise sc.error(line, f"{what}: {value!r} must be true or false")
    return value


def _choice(sc: Scenario, value: Any, line: int, what: str, allowed: tuple[str, ...]) -> str:
    if isinstance(value, bool) and "off" in allowed:
        raise sc.error(line, f'{what}: YAML 1.1 read {value!r} as a boolean (yes/no/on/off); quote it: "off"')
    text = _text(sc, value, line, what)
    if text not in allowed:
        raise sc.error(line, f"{what}: {text!r}; use {', '.join(allowed)}")
    return text


def _number(sc: Scenario, value: Any, line: int, what: str, *, unlimited: bool = False) -> float:
    if unlimited and value == "unlimited":
        return math.inf
    if isinstance(value, bool):
        raise sc.error(line, f"{what}: YAML read {value!r} as a boolean; give a number")
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            pass
        else:  # YAML 1.1 reads 1e3 (no dot) as text
            raise sc.error(
                line, f"{what}: YAML 1.1 read {value!r} as text, not a number; write it as 1.0e+3 or 1000"
            )
        hint = " or 'unlimited'" if unlimited else ""
        raise sc.error(line, f"{what}: {value!r} is not a number{hint}")
    if not isinstance(value, (int, float)) or value != value or math.isinf(value):
        raise sc.error(line, f"{what}: {value!r} must be a finite number")
    if value < 0:
        raise sc.error(line, f"{what}: {value!r} must not be negative")
    return float(value)


def _mapping(sc: Scenario, value: Any, line: int, what: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise sc.error(line, f"{what}: expected a mapping (name: value), got {type(value).__name__}")
    return value


def _named_items(sc: Scenario, value: Any, line: int, what: str) -> list[tuple[Ref, Any]]:
    """The items of a mapping keyed by names (counties, destinations, projects), with their lines."""
    mapping = _mapping(sc, value, line, what)
    key_lines = getattr(mapping, "key_lines", {})
    out = []
    for key, item in mapping.items():
        at = key_lines.get(key, line)
        out.append((Ref(_text(sc, key, at, f"{what} key"), at), item))
    return out


def _capacities(sc: Scenario, value: Any, line: int) -> list[tuple[Ref, dict[str, float]]]:
    out = []
    for ref, item in _named_items(sc, value, line, "capacities"):
        quota = _mapping(sc, item, ref.line, f"capacities: {ref.name}")
        key_lines = getattr(quota, "key_lines", {})
        if not quota:
            raise sc.error(ref.line, f"capacities: {ref.name}: give land_mu and/or energy_tce")
        values = {}
        for key, amount in quota.items():
            at = key_lines.get(key, ref.line)
            if key not in CAPACITY_KEYS:
                raise sc.error(at, f"capacities: {ref.name}: unknown key {key!r}; use land_mu, energy_tce")
            values[key] = _number(sc, amount, at, f"capacities: {ref.name}: {key}", unlimited=True)
        out.append((ref, values))
    return out


def _exclusions(sc: Scenario, value: Any, line: int) -> list[Exclusion]:
    if not isinstance(value, list):
        raise sc.error(line, "exclude: expected a list of {project: ID} / {destination: NAME} items")
    item_lines = getattr(value, "item_lines", [line] * len(value))
    out = []
    for item, at in zip(value, item_lines, strict=True):
        mapping = _mapping(sc, item, at, "exclude item")
        key_lines = getattr(mapping, "key_lines", {})
        refs: dict[str, Ref] = {}
        for key, name in mapping.items():
            kline = key_lines.get(key, at)
            if key not in ("project", "destination"):
                raise sc.error(kline, f"exclude: unknown key {key!r}; use project and/or destination")
            refs[key] = Ref(_text(sc, name, kline, f"exclude: {key}"), kline)
        if not refs:
            raise sc.error(at, "exclude: an item needs project and/or destination")
        out.append(Exclusion(refs.get("project"), refs.get("destination"), at))
    return out


def _share(sc: Scenario, value: Any, line: int, what: str) -> float:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1]) / 100
        except ValueError:
            raise sc.error(line, f"{what}: {value!r} is not a percentage") from None
    else:
        number = _number(sc, value, line, what)
    if not 0 <= number <= 1:
        raise sc.error(line, f"{what}: {value!r} must be between 0 and 1 (or 0% and 100%)")
    return number


def _count(sc: Scenario, value: Any, line: int, what: str) -> int:
    number = _number(sc, value, line, what)
    if number != int(number):
        raise sc.error(line, f"{what}: {value!r} must be a whole number")
    return int(number)


def _fairness(sc: Scenario, value: Any, line: int) -> None:
    mapping = _mapping(sc, value, line, "fairness")
    key_lines = getattr(mapping, "key_lines", {})
    for key, item in mapping.items():
        at = key_lines.get(key, line)
        check = {"min_projects": _count, "min_land_share": _share}.get(key)
        if check is None:
            raise sc.error(at, f"fairness: unknown key {key!r}; use min_projects, min_land_share")
        if isinstance(item, dict):
            parsed = [(ref, check(sc, v, ref.line, f"fairness: {key}: {ref.name}")) for ref, v in
                      _named_items(sc, item, at, f"fairness: {key}")]  # fmt: skip
        else:
            parsed = check(sc, item, at, f"fairness: {key}")
        setattr(sc, key, parsed)


def _intensity(sc: Scenario, value: Any, line: int) -> None:
    mapping = _mapping(sc, value, line, "intensity")
    key_lines = getattr(mapping, "key_lines", {})
    for key, item in mapping.items():
        at = key_lines.get(key, line)
        if key == "mode":
            sc.intensity_mode = _choice(sc, item, at, "intensity: mode", INTENSITY_MODES)
        elif key == "target":
            if isinstance(item, dict):
                tlines = getattr(item, "key_lines", {})
                target = {}
                for tkey, amount in item.items():
                    if tkey not in TARGET_KEYS:
                        raise sc.error(tlines.get(tkey, at), f"intensity: target: unknown key {tkey!r}; use "
                                       f"{', '.join(TARGET_KEYS)} (万元 per mu)")  # fmt: skip
                    target[tkey] = _number(sc, amount, tlines.get(tkey, at), f"intensity: target: {tkey}")
                if not target:
                    raise sc.error(at, "intensity: target: give added_value_per_mu and/or tax_per_mu")
                sc.intensity_target = target
            else:
                sc.intensity_target = _choice(sc, item, at, "intensity: target", INTENSITY_TARGETS)
        else:
            raise sc.error(at, f"intensity: unknown key {key!r}; use mode, target")
