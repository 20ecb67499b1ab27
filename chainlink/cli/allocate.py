"""``chainlink allocate``, ``chainlink diff`` and ``chainlink explain``: many projects to many destinations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from chainlink.base.vocabulary import RELATION_ZH, component_label, note_label, pairing_label, pairing_round
from chainlink.cli import app
from chainlink.cli._options import DbOption, QuietOption, Rows, rows_command
from chainlink.cli._output import fold, render_table
from chainlink.cli._progress import progress_bar
from chainlink.cli._registry import open_registry

BINDING_ZH = {"land": "用地", "energy": "能耗", "land+energy": "用地+能耗", "none": "—"}
STATUS_ZH = {
    "optimal": "最优",
    "time_limit_feasible": "达到时限（可行解）",
    "time_limit_no_solution": "达到时限（无满足下限的解）",
    "error": "求解出错",
    "heuristic": "启发式",
}


def _write(text: str, output: Path | None) -> None:
    from chainlink.base.output import write_atomic

    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


# ---------------------------------------------------------------------------------------------------------
# allocate


@app.command()
@rows_command()
def allocate(
    projects: Annotated[
        Path | None,
        typer.Option(
            "--projects",
            help="Allocate the projects in FILE (YAML/JSON list or CSV rows; fields as `match --project`, "
            "plus added_value and tax) instead of the registry's open projects.",
            metavar="FILE",
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario YAML: preset, quotas, restrictions, exclusions, forced assignments, fairness "
            "(docs/allocation.md).",
            metavar="FILE",
        ),
    ] = None,
    any_pair: Annotated[
        bool | None,
        typer.Option(
            "--any-pair/--paired-only",
            help="Let any county take any project (default: only the counties paired with its origin).",
        ),
    ] = None,
    no_sample: Annotated[
        bool, typer.Option("--no-sample", help="Leave out the registry's sample (synthetic) projects.")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Solver time limit in seconds (default 10; 0: none).", metavar="S"),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="Weight preset name or YAML file (default: default).", metavar="NAME"),
    ] = None,
    enclave_rule: Annotated[
        str | None,
        typer.Option(
            "--enclave-rule",
            help="overflow (default): an enclave takes a project only when the county's platform lacks land "
            "for it; free: whenever the score is highest.",
            metavar="RULE",
        ),
    ] = None,
    min_projects: Annotated[
        int | None,
        typer.Option(
            "--min-projects",
            help="Fairness floor: at least K projects per county, where feasible.",
            metavar="K",
            min=0,
        ),  # fmt: skip
    ] = None,
    min_land_share: Annotated[
        str | None,
        typer.Option(
            "--min-land-share",
            help="Fairness floor: at least X (0.1 or 10%) of each county's land quota, where feasible.",
            metavar="X",
        ),
    ] = None,
    intensity: Annotated[
        str | None,
        typer.Option(
            "--intensity",
            help="Per-mu policy targets: flag (default: mark each assignment), constraint (refuse misses), off.",
            metavar="MODE",
        ),
    ] = None,
    intensity_target: Annotated[
        str | None,
        typer.Option(
            "--intensity-target",
            help="auto (default: Lishui 2026 in Lishui's counties, else 26-counties 2025), 26-counties-2025 "
            "(1.3 million yuan added value per mu) or lishui-2026 (1.5 million and 300,000 yuan tax per mu).",
            metavar="TARGET",
        ),
    ] = None,
    save_run: Annotated[
        Path | None,
        typer.Option(
            "--save-run", help="Also write the run record (JSON) to FILE, atomically.", metavar="FILE"
        ),
    ] = None,
    quiet: QuietOption = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Assign overflow projects to mountain-county platforms and enclaves, maximising the total match score.

    Each project goes to at most one destination (a county's platform, or an enclave serving the county)
    within land and energy quotas, the ecological restriction and pairing eligibility; optional fairness
    floors and per-mu intensity targets. Solved exactly (HiGHS MILP) with status, objective, bound and gap;
    every unassigned project is listed with its reason. Quotas and restrictions are SAMPLE values unless a
    --scenario gives real ones, and every output says so. --format json is the run record (inputs, parameters,
    registry version, results) that `chainlink diff` and `chainlink explain --run` read; the other row
    formats carry one row per project (--top N: the first N).
    """
    import time

    from chainlink.plan import (
        ALLOCATION_COLUMNS,
        Options,
        allocation_rows,
        build_plan,
        dump_run,
        parse_share,
        run_plan,
    )
    from chainlink.sources.scenario import read_scenario

    fmt, lang, output = out.fmt, out.lang, out.output
    options = Options(
        preset=preset, any_pair=any_pair, include_sample=not no_sample, time_limit=time_limit,
        enclave_rule=enclave_rule, min_projects=min_projects,
        min_land_share=parse_share(min_land_share) if min_land_share is not None else None,
        intensity_mode=intensity, intensity_target=intensity_target,
    )  # fmt: skip
    sc = read_scenario(scenario) if scenario is not None else None
    start = time.perf_counter()
    with progress_bar(quiet, "scoring" if lang == "en" else "评分"):  # a spinner with the time elapsed
        plan = build_plan(open_registry(db), options, scenario=sc, projects_file=projects)
    built = time.perf_counter() - start
    with progress_bar(quiet, "solving" if lang == "en" else "求解"):
        record, result = run_plan(plan)
    seconds = (built, result.seconds)
    text = dump_run(record)
    if save_run is not None:
        from chainlink.base.output import write_atomic

        write_atomic(save_run, text)
    if fmt == "json":
        _write(text, output)
    elif fmt == "table":
        _write(allocation_table(record, lang, seconds), output)
    else:
        notices = _notices(record, lang)
        if fmt != "md":
            for line in _notices(record, "en"):
                typer.echo(f"chainlink: {line}", err=True)
        out.emit(out.cut(allocation_rows(record)), ALLOCATION_COLUMNS, notices=notices,
                 table_columns=["project_id", "status", "destination_id", "score", "relation", "reason"])  # fmt: skip


def _notices(record: dict[str, Any], lang: str) -> list[str]:
    """What the reader must know: sample data, sample capacities, judgement restrictions, notes, warnings."""
    zh = lang == "zh"
    out = []
    if record["sample"]:
        out.append("注意：项目含示例(sample)数据，非真实项目；结果仅作演示。" if zh else
                   "Note: the projects include SAMPLE (synthetic) data, not real projects; the result only illustrates.")  # fmt: skip
    if record["capacities_confidence"] == "sample":
        p = record["parameters"]["sample_capacities"]
        land, energy = p["land_mu"], p["energy_tce"]
        out.append(
            f"注意：用地与能耗指标为示例(SAMPLE)值（每县平台 {land['platform']:g} 亩、{energy['platform']:g} 吨标煤，"
            f"每块飞地 {land['enclave']:g} 亩、{energy['enclave']:g} 吨标煤），无来源给出真实指标（缺口 G09）；"
            "请用 --scenario 提供真实指标。capacities_confidence: sample"
            if zh else
            f"Note: land and energy quotas are SAMPLE values ({land['platform']:g} mu and {energy['platform']:g} tce "
            f"per county platform, {land['enclave']:g} mu and {energy['enclave']:g} tce per enclave); no source gives "
            "real quotas (gap G09); give them with --scenario. capacities_confidence: sample"
        )  # fmt: skip
    if record["restrictions_confidence"] == "judgement":
        out.append(
            f"生态准入为 chainlink 的判断：默认最高污染等级 {record['parameters']['default_max_pollution']}"
            "（依据2021年指导意见偏好环境不敏感产业），可在情景文件中按县覆盖。"
            if zh else
            f"Ecological restrictions are chainlink's judgement: highest pollution class "
            f"{record['parameters']['default_max_pollution']} by default (the 2021 Guiding Opinions favour "
            "environmentally insensitive industries); override per county in a scenario."
        )  # fmt: skip
    for note in record["notes"]:
        if note.startswith("nothing"):
            out.insert(0, note_label(note, lang))
        else:
            out.append(note_label(note, lang, "missing"))
    for warning in record["results"]["warnings"]:
        out.append(note_label(warning, lang, "warning"))
    return out


def _num(value: Any) -> str:
    return "∞" if value is None else f"{value:,.0f}"


def _short_reason(u: dict[str, Any], dests: dict[str, Any], lang: str) -> str:
    from chainlink.plan import REASON_EN, REASON_ZH

    names = REASON_ZH if lang == "zh" else REASON_EN
    if u["reason"] == "capacity":
        parts = []
        for did in u["destinations"]:
            d = dests[did]
            short = []
            for key, amount, zh in (
                ("land", u["land_mu"] or 0, "用地"),
                ("energy", u["energy_tce"] or 0, "能耗"),
            ):
                cap = d[f"{key}_cap"]
                if cap is not None and amount > cap - d[f"{key}_used"] + 1e-6:
                    short.append(zh if lang == "zh" else key)
            if not short:
                short.append("飞地未开放" if lang == "zh" else "enclave closed")
            parts.append(f"{d['name_zh'] if lang == 'zh' else d['name_en']}: {'/'.join(short)}")
        return "; ".join(parts)
    if u["reason"] in ("non_positive_score", "not_selected"):
        return u["detail"]
    return "; ".join(f"{names.get(k, k)} {v}" for k, v in u["cell_reasons"].items())


def allocation_table(record: dict[str, Any], lang: str, seconds: tuple[float, float] | None = None) -> str:
    """The human report: summary, destinations, assignments, unassigned projects, notices."""
    from chainlink.plan import REASON_EN, REASON_ZH

    zh = lang == "zh"
    res = record["results"]
    dests = {d["id"]: d for d in res["destinations"]}
    n_proj = len(record["inputs"]["projects"])
    n_plat = sum(d["kind"] == "platform" for d in res["destinations"])
    n_encl = len(res["destinations"]) - n_plat
    reasons: dict[str, int] = {}
    for u in res["unassigned"]:
        reasons[u["reason"]] = reasons.get(u["reason"], 0) + 1
    names = REASON_ZH if zh else REASON_EN
    why = ("；" if zh else "; ").join(f"{names.get(k, k)} {v}" for k, v in sorted(reasons.items()))
    gap = res["gap"]
    timing = ""
    if seconds is not None:
        timing = f"用时：评分 {seconds[0]:.1f} 秒，求解 {seconds[1]:.1f} 秒" if zh else \
            f"time: scoring {seconds[0]:.1f} s, solving {seconds[1]:.1f} s"  # fmt: skip
    sample = "（示例数据）" if zh and record["sample"] else " (SAMPLE data)" if record["sample"] else ""
    if zh:
        head = [
            f"山区26县项目分配{sample}：{n_proj} 个项目 → {len(dests)} 个目的地（{n_plat} 个县平台、{n_encl} 块飞地）",
            f"求解(HiGHS)：{STATUS_ZH.get(res['status'], res['status'])} ({res['status']})；目标值 {_f(res['objective'])}；"
            f"上界 {_f(res['bound'])}；间隙 {_f(gap)}",
            f"已分配 {res['assigned']} 个，未分配 {res['unassigned_count']} 个" + (f"（{why}）" if why else ""),
        ]  # fmt: skip
    else:
        head = [
            f"Allocation to the 26 mountain counties{sample}: {n_proj} projects → {len(dests)} destinations "
            f"({n_plat} county platforms, {n_encl} enclaves)",
            f"Solver (HiGHS): {res['status']}; objective {_f(res['objective'])}; bound {_f(res['bound'])}; "
            f"gap {_f(gap)}",
            f"{res['assigned']} assigned, {res['unassigned_count']} unassigned"
            + (f" ({why})" if why else ""),
        ]
    parts = ["\n".join(fold(line) for line in head + ([timing] if timing else [])) + "\n\n"]
    if not n_proj:
        return parts[0] + "".join(fold(n) + "\n" for n in _notices(record, lang))
    drows = [
        {"dest": d["name_zh"] if zh else d["name_en"], "n": d["projects"],
         "land": f"{_num(d['land_used'])}/{_num(d['land_cap'])}" + ("*" if d["land_source"] == "sample" else ""),
         "energy": f"{_num(d['energy_used'])}/{_num(d['energy_cap'])}" + ("*" if d["energy_source"] == "sample" else ""),
         "poll": d["max_pollution"], "bind": BINDING_ZH[d["binding"]] if zh else d["binding"]}
        for d in res["destinations"] if d["projects"] or d["binding"] != "none"
    ]  # fmt: skip
    hidden = len(res["destinations"]) - len(drows)
    dh = {"dest": "目的地", "n": "项目", "land": "用地(亩)", "energy": "能耗(吨标煤)", "poll": "污染上限", "bind": "约束"} \
        if zh else {"dest": "destination", "n": "projects", "land": "land (mu)", "energy": "energy (tce)",
                    "poll": "max pollution", "bind": "binding"}  # fmt: skip
    notes = [("* 示例(SAMPLE)指标" if zh else "* SAMPLE quota")]
    if hidden:
        notes.append(f"另有 {hidden} 个目的地未获分配且无约束绑定" if zh else
                     f"{hidden} more destination(s) got no project and bind nothing")  # fmt: skip
    parts.append(
        render_table(drows, list(dh), headers=dh, title="目的地" if zh else "Destinations", notices=notes)
    )
    arows = [
        {"p": a["project"], "dest": dests[a["destination"]]["name_zh" if zh else "name_en"], "score": a["score"],
         "rel": RELATION_ZH[a["relation"]] if zh else a["relation"],
         "seg": a["segment_zh"] if zh else a["segment_key"].split("/")[-1],
         "mu": "" if a["land_mu"] is None else f"{a['land_mu']:g}",
         "int": {True: "✓", False: "✗", None: "?"}[a["meets_intensity"]]}
        for a in res["assignments"]
    ]  # fmt: skip
    ah = {"p": "项目", "dest": "目的地", "score": "得分", "rel": "类型", "seg": "环节", "mu": "亩", "int": "亩均"} \
        if zh else {"p": "project", "dest": "destination", "score": "score", "rel": "type", "seg": "segment",
                    "mu": "mu", "int": "intensity"}  # fmt: skip
    intensity = record["parameters"]["intensity"]
    if intensity["mode"] == "off":
        for row in arows:
            del row["int"]
        del ah["int"]
        inote = []
    else:
        inote = [_intensity_note(intensity, zh)]
    parts.append("\n" + render_table(arows, list(ah), headers=ah, title="分配结果" if zh else "Assignments",
                                     notices=inote))  # fmt: skip
    urows = [
        {
            "p": u["project"],
            "reason": names.get(u["reason"], u["reason"]),
            "detail": _short_reason(u, dests, lang),
        }
        for u in res["unassigned"]
    ]
    uh = {"p": "项目", "reason": "原因", "detail": "说明"} if zh else {"p": "project", "reason": "reason",
                                                                   "detail": "detail"}  # fmt: skip
    parts.append(
        "\n" + render_table(urows, list(uh), headers=uh, title="未分配项目" if zh else "Unassigned projects")
    )
    parts.append("\n" + "".join(fold(n) + "\n" for n in _notices(record, lang)))
    return "".join(parts)


def _intensity_note(intensity: dict[str, Any], zh: bool) -> str:
    target = intensity["target"]
    if target == "auto":
        goal_zh = "丽水市各县 2026 年每亩增加值 150 万元、税收 30 万元，其他县 2025 年每亩增加值 130 万元"
        goal_en = (
            "Lishui's counties 1.5 million yuan added value and 300,000 yuan tax per mu (2026), the other "
            "counties 1.3 million yuan added value per mu (2025)"
        )
    elif target == "26-counties-2025":
        goal_zh, goal_en = "每亩增加值 130 万元（2025）", "1.3 million yuan added value per mu (2025)"
    elif target == "lishui-2026":
        goal_zh = "每亩增加值 150 万元、税收 30 万元（丽水 2026）"
        goal_en = "1.5 million yuan added value and 300,000 yuan tax per mu (Lishui 2026)"
    else:
        goal_zh = goal_en = ", ".join(f"{k} {v:g} 万元" for k, v in target.items())
    mode = intensity["mode"]
    if zh:
        how = "未达标者不予分配" if mode == "constraint" else "仅标注"
        return f"亩均（{how}）：✓ 达到目标，✗ 未达到，? 缺少增加值或税收数据；目标：{goal_zh}"
    how = "misses are not allocated" if mode == "constraint" else "flag only"
    return f"intensity ({how}): ✓ meets the target, ✗ misses it, ? no added value or tax figures; target: {goal_en}"


def _f(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.6g}" if abs(value) < 1 else f"{value:.4f}"


# ---------------------------------------------------------------------------------------------------------
# diff


@app.command()
@rows_command()
def diff(
    run_a: Annotated[
        Path, typer.Argument(help="The earlier run record (JSON from `allocate`).", metavar="RUN1")
    ],
    run_b: Annotated[Path, typer.Argument(help="The later run record.", metavar="RUN2")],
    *,
    out: Rows,
) -> None:
    """What changed between two allocation runs: moved, newly assigned and dropped projects, score changes,
    capacity and parameter changes. Exit 0 whether or not they differ; 1 if a file is not a run record."""
    from chainlink.plan import DIFF_COLUMNS, diff_runs, load_run

    lang = out.lang
    a, b = load_run(run_a), load_run(run_b)
    rows = out.cut(diff_runs(a, b))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["change"]] = counts.get(row["change"], 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or "no differences"
    zh = lang == "zh"
    title = f"运行比较：{run_a} → {run_b}" if zh else f"Runs compared: {run_a} → {run_b}"
    notices = [("变化：" if zh else "changes: ") + summary]
    if a.get("capacities_confidence") == "sample" or b.get("capacities_confidence") == "sample":
        notices.append("注意：至少一次运行使用示例(SAMPLE)容量。" if zh else
                       "Note: at least one run uses SAMPLE capacities.")  # fmt: skip
    from chainlink.cli.browse import labels

    out.emit(rows, DIFF_COLUMNS, headers=labels(lang, *DIFF_COLUMNS), title=title, notices=notices)


# ---------------------------------------------------------------------------------------------------------
# explain


@app.command()
@rows_command()
def explain(
    project: Annotated[
        str | None,
        typer.Argument(help="Project id in the registry (or in --project FILE).", metavar="PROJECT"),
    ] = None,
    county: Annotated[
        str | None, typer.Argument(help="County: code, 汉字, pinyin or English name.", metavar="COUNTY")
    ] = None,
    project_file: Annotated[
        Path | None,
        typer.Option(
            "--project", help="Read the project from FILE (one project, or name it by id).", metavar="FILE"
        ),  # fmt: skip
    ] = None,
    run: Annotated[
        Path | None,
        typer.Option(
            "--run",
            help="A run record from `allocate`: binding constraints and why a "
            "higher-scoring destination was not chosen.",
            metavar="RUN",
        ),  # fmt: skip
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="Weight preset (default: the run's, else default).", metavar="NAME"),
    ] = None,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Take one (project, county) score apart: each component with its value, weight and contribution and
    the data behind it (the chain path upstream→downstream, IO edge weights and their source, IO relatedness,
    density, the pairing and its source), the eligibility rules, and with --run the binding constraints and
    why each higher-scoring destination was not chosen. --format json is the whole explanation; the other
    row formats carry one row per component."""
    from chainlink.errors import UsageError
    from chainlink.plan import explain as explain_cell
    from chainlink.plan import find_project, load_run
    from chainlink.scoring.presets import load_preset
    from chainlink.store.resolve import Resolver

    fmt, lang, output = out.fmt, out.lang, out.output
    if project_file is not None and county is None:
        project, county = None, project
    if county is None:
        raise UsageError("give PROJECT and COUNTY (or --project FILE and COUNTY)")
    registry = open_registry(db)
    record = load_run(run) if run is not None else None
    if project_file is None and record is not None and record["inputs"].get("projects_file"):
        project_file = Path(record["inputs"]["projects_file"])  # the run's own project list
        if not project_file.exists():
            raise UsageError(
                f"the run's projects came from {project_file}, which is gone: pass --project FILE"
            )
    pr = find_project(registry, project, project_file)
    code = Resolver.from_registry(registry).resolve(county, ("county",)).id
    data = explain_cell(registry, pr, code, run=record, preset=load_preset(preset) if preset else None)
    if fmt == "json":
        from chainlink.plan import dump_run

        _write(dump_run(data), output)
        return
    if fmt != "table":
        rows = [{**r, "label": component_label(r["component"], lang)} for r in data["components"]]
        columns = ("component", "label", "value", "weight", "contribution", "data", "data_zh")
        shown = ["component", "value", "weight", "contribution", "data_zh" if lang == "zh" else "data"]
        from chainlink.cli.browse import labels

        out.emit(out.cut(rows), columns, table_columns=shown, headers=labels(lang, *shown) | {
            "data_zh": "依据", "data": "data"})  # fmt: skip
        return
    _write(explain_text(data, lang), output)


# The explanation's sentences, Chinese and English, in one table: key → (zh, en) templates.
EXPLAIN_TEXT: dict[str, tuple[str, str]] = {
    "head": ("解释：项目 {id}“{project}” → {county}（{code}）", "Explain: project {id} '{project}' → {county} ({code})"),
    "sample": ("注意：示例(sample)项目，非真实项目。", "Note: a SAMPLE project, not a real one."),
    "score": ("得分 {score:.4f}（{relation}：{segment}，{chain}；可信度 {confidence}）",
              "Score {score:.4f} ({relation}: {segment}, chain {chain}; confidence {confidence})"),
    "path": ("产业链路径（上游→下游）：{path}", "Chain path (upstream→downstream): {path}"),
    "edge": ("  {a} → {b}: 权重 {weight:.4g}（{source}），可信度 {confidence}",
             "  {a} → {b}: weight {weight:.4g} ({source}), confidence {confidence}"),
    "components": ("分项", "Components"),
    "formula": ("得分 = Σ 权重×值 / Σ 权重 = {total:.4f}", "score = Σ weight×value / Σ weight = {total:.4f}"),
    "pairing": ("结对：{id} {kind}，结对方 {partner}{chains}；{round}；来源：{source}（{confidence}）",
                "Pairing: {id} {kind} with {partner}{chains}; {round}; source: {source} ({confidence})"),
    "unpaired": ("与项目来源地无结对记录：默认不可分配到该县（--any-pair 放开）。",
                 "Not paired with the project's origin: not eligible by default (--any-pair relaxes it)."),
    "no_run": ("未给出 --run：容量与其他项目的竞争未计入；先运行 `chainlink allocate --output run.json`。",
               "No --run given: capacities and competing projects are not considered; run "
               "`chainlink allocate --output run.json` first."),
    "not_in_run": ("该项目不在此次运行中。", "The project is not in this run."),
    "hash_differs": ("注意：项目数据与运行记录中的不一致（哈希不同）。",
                     "Note: the project's data differ from the run's (hash differs)."),
    "assigned": ("运行结果：分配到 {where}，得分 {score}（{status}）", "In the run: assigned to {where}, score {score} ({status})"),
    "unassigned": ("运行结果：未分配，原因 {reason}：{detail}", "In the run: unassigned, {reason}: {detail}"),
    "constraints": ("约束 {id}（{kind}）：用地 {land_used}/{land_cap} 亩（{land_source}），能耗 {energy_used}/{energy_cap} "
                    "吨标煤（{energy_source}），污染上限 {max_pollution}（{restriction_source}）；约束绑定：{binding}",
                    "Constraints {id} ({kind}): land {land_used}/{land_cap} mu ({land_source}), energy "
                    "{energy_used}/{energy_cap} tce ({energy_source}), max pollution {max_pollution} "
                    "({restriction_source}); binding: {binding}"),
    "fairness": ("公平下限：{projects} 个项目、{land} 亩；是否满足：{met}",
                 "fairness floor: {projects} projects, {land} mu; met: {met}"),
    "why_not": ("为何未选得分更高的目的地：", "Why not a higher-scoring destination:"),
    "why_none": ("为何未分配到其可去的目的地：", "Why none of its destinations took it:"),
    "higher": ("  - {destination} {name} ({score}): {why}", "  - {destination} {name} ({score}): {why}"),
    "none_higher": ("没有得分更高的目的地。", "No destination scores higher."),
}  # fmt: skip


def explain_text(data: dict[str, Any], lang: str) -> str:
    """The explanation as text (Chinese first, ``lang='en'`` for English): one path, worded by
    :data:`EXPLAIN_TEXT`; components, pairing kinds, relations, confidence levels and notes labelled
    from :mod:`chainlink.base.vocabulary`."""
    from chainlink.base.vocabulary import confidence_label, relation_label

    zh = lang == "zh"
    side = 0 if zh else 1

    def t(key: str, **values: Any) -> str:
        return EXPLAIN_TEXT[key][side].format(**values)

    def name(item: dict[str, Any]) -> str:
        return item["name_zh"] if zh else item["name_en"]

    p, c = data["project"], data["county"]
    lines = [t("head", id=p["id"], project=name(p), county=name(c), code=c["code"])]
    if p["sample"]:
        lines.append(t("sample"))
    lines += [note_label(problem, lang, "missing") for problem in p["problems"]]
    if data["score"] is None:
        lines.append(note_label(data["no_score"], lang, "no_score"))
    else:
        seg = data["segment"]
        lines.append(t("score", score=data["score"], relation=relation_label(data["relation"], lang),
                       segment=name(seg), chain=seg["chain_zh"] if zh else seg["chain_id"],
                       confidence=confidence_label(data["confidence"], lang)))  # fmt: skip
        lines.append(t("path", path=data["path_zh"] if zh else data["path_en"]))
        for e in data["path"]:
            lines.append(t("edge", a=e["from_zh"], b=e["to_zh"], weight=e["weight"], source=e["weight_source"],
                           confidence=confidence_label(e["confidence"], lang)))  # fmt: skip
    text = "\n".join(fold(line) for line in lines) + "\n\n"
    if data["components"]:
        rows = [{**r, "component": component_label(r["component"], lang)} for r in data["components"]]
        notices = [f"· {r['component']}: {r['data_zh'] if zh else r['data']}" for r in rows]
        notices.insert(0, t("formula", total=sum(r["contribution"] for r in rows)))
        columns = ["component", "value", "weight", "contribution"]
        from chainlink.cli.browse import labels

        text += render_table(rows, columns, headers=labels(lang, *columns), title=t("components"), notices=notices)
    more = []
    for pr in data["pairings"]:
        chains = f"（{pr['chains']}）" if zh and pr["chains"] else f" on {pr['chains']}" if pr["chains"] else ""
        more.append(t("pairing", id=pr["id"], kind=pairing_label(pr["kind"], lang), partner=pr["partner_id"],
                      chains=chains, round=pairing_round(pr, lang), source=pr["source"],
                      confidence=confidence_label(pr["confidence"], lang)))  # fmt: skip
    if not data["pairings"]:
        more.append(t("unpaired"))
    run = data["run"]
    if run is None:
        more.append(t("no_run"))
    else:
        if not run["in_run"]:
            more.append(t("not_in_run"))
        elif not run["hash_matches"]:
            more.append(t("hash_differs"))
        where = run["assigned_to"]
        if where:
            more.append(t("assigned", where=where, score=run["score"], status=run["status"]))
        elif run["in_run"]:
            more.append(t("unassigned", reason=run["unassigned_reason"], detail=run["unassigned_detail"]))
        for d in run["county_destinations"]:
            more.append(t("constraints", id=d["id"], kind=d["kind"], land_used=_num(d["land_used"]),
                          land_cap=_num(d["land_cap"]), land_source=d["land_source"],
                          energy_used=_num(d["energy_used"]), energy_cap=_num(d["energy_cap"]),
                          energy_source=d["energy_source"], max_pollution=d["max_pollution"],
                          restriction_source=d["restriction_source"], binding=d["binding"]))  # fmt: skip
        county = run["county"]
        if county and (county["min_projects"] or county["min_land"]):
            more.append(t("fairness", projects=county["min_projects"], land=county["min_land"], met=county["floor_met"]))
        if run["higher_scoring"]:
            more.append(t("why_not") if where else t("why_none"))
            for h in run["higher_scoring"]:
                more.append(t("higher", destination=h["destination"], name=name(h), score=h["score"],
                              why=h["why_zh"] if zh else h["why"]))  # fmt: skip
        elif run["in_run"]:
            more.append(t("none_higher"))
    return text + "\n" + "".join(fold(line) + "\n" for line in more)
