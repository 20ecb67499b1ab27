"""Weight presets: the weights and values of scoring, read from ``chainlink/presets/NAME.yaml`` (docs/scoring.md).

:func:`load_preset` reads and validates one; the shipped presets are also kept parsed in
``chainlink/presets/compiled.json`` (:func:`compiled_presets` writes its text) so that loading one
needs no YAML parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainlink.errors import DataError, UsageError

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"


def load_preset(name_or_path: str = "default") -> dict[str, Any]:
    """Load a weight preset by name (``chainlink/presets/NAME.yaml``) or path, validated.

    A shipped preset whose text equals the copy in ``chainlink/presets/compiled.json`` is taken from that
    file's parsed form (no YAML parser to import); any other file, or an edited shipped one, is parsed.
    """
    path = Path(name_or_path)
    if not path.suffix:
        path = PRESET_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise UsageError(f"{path}: no such preset")
    preset = _compiled_preset(path)
    if preset is None or not _valid_preset(path, preset):
        from chainlink.base.yamlstrict import load_yaml

        preset = load_yaml(path)
        _valid_preset(path, preset, strict=True)
    return preset


COMPILED_PRESETS = PRESET_DIR / "compiled.json"


def _compiled_preset(path: Path) -> dict[str, Any] | None:
    """The parsed form of a shipped preset from :data:`COMPILED_PRESETS`, if its text is unchanged."""
    if path.resolve().parent != PRESET_DIR or not COMPILED_PRESETS.exists():
        return None
    import json

    try:
        entry = json.loads(COMPILED_PRESETS.read_text(encoding="utf-8")).get(path.name)
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("text") != text or not isinstance(entry.get("preset"), dict):
        return None
    return entry["preset"]


def _valid_preset(path: Path, preset: Any, *, strict: bool = False) -> bool:
    """Is ``preset`` a valid weight preset? With ``strict``, raise :class:`DataError` naming the line."""
    weights = preset.get("weights") if isinstance(preset, dict) else None
    if not isinstance(weights, dict) or not weights:
        if strict:
            raise DataError(f"{path}: a preset needs a 'weights' mapping")
        return False
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            if strict:
                raise DataError(f"{path}:{weights.key_lines[key]}: weight {key} must be a number ≥ 0")
            return False
    if sum(weights.values()) <= 0:
        if strict:
            raise DataError(f"{path}: the weights sum to 0")
        return False
    return True


def compiled_presets() -> str:
    """The text of :data:`COMPILED_PRESETS` for the shipped presets as they are now (every
    ``chainlink/presets/*.yaml`` that is a valid preset and survives JSON unchanged). Regenerate with
    ``python -c "import chainlink.scoring.presets as s; s.COMPILED_PRESETS.write_text(s.compiled_presets())"``;
    tests/test_score_index.py checks the file is in step."""
    import json

    from chainlink.base.yamlstrict import load_yaml

    out: dict[str, Any] = {}
    for path in sorted(PRESET_DIR.glob("*.yaml")):
        data = load_yaml(path)
        if not _valid_preset(path, data) or repr(json.loads(json.dumps(data, ensure_ascii=False))) != repr(data):
            continue
        out[path.name] = {"text": path.read_text(encoding="utf-8"), "preset": data}
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"
