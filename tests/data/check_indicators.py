"""Checks the `indicators:` lists of samenhang data files against the agreed format (issue 14,
docs/data-format.md): required keys, enums, years, references to interventions, goals, lines
and wijken of the same area, and the `indicators` count of the `end` record.

    python3 tests/data/check_indicators.py                      # every data/*.yaml
    python3 tests/data/check_indicators.py data/lelystad-oost.yaml \
        --document lelystad-oost=/path/to/001_381af84b0bfdc882.txt

With `--document AREA=FILE`, every line of each indicator's `source` of that area must occur
in the document's text (tags, bullets and runs of white space ignored): a check that the
sources quote the plan and were not written from memory.

Needs PyYAML (tests/data/requirements.txt). Exits 1 and lists every problem when a file does
not fit; prints a summary per area otherwise.
"""

import argparse
import html
import pathlib
import re
import sys

import yaml

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MEASURES = {"count", "percentage", "yes_no", "qualitative"}
DIRECTIONS = {"higher", "lower"}
TARGET_NOTES = {"ntb", "none"}
INDICATOR_KEYS = {
    "slug", "name", "intervention", "goal", "line", "unit", "measure", "direction",
    "baseline", "start_year", "end_year", "targets", "target_note", "wijk",
    "target_group", "source",
}
REQUIRED = ("slug", "name", "measure", "source")
OWNERS = ("intervention", "goal", "line")
TARGET_KEYS = {"value", "qualifier", "start_year", "end_year"}
BASELINE_KEYS = {"value", "year"}


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_year(v):
    return isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 2100


def is_text(v):
    return isinstance(v, str) and v.strip() != ""


def goal_slugs(goals):
    for g in goals or []:
        yield g["slug"]
        yield from goal_slugs(g.get("sub_goals"))


def normalise(text):
    """Document text as a reader sees it: no tags or bullets, one space between words."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.replace("●", " ").replace("**", " ")
    return re.sub(r"\s+", " ", text).strip()


def check_period(where, obj, problems):
    start, end = obj.get("start_year"), obj.get("end_year")
    for key, year in (("start_year", start), ("end_year", end)):
        if year is not None and not is_year(year):
            problems.append(f"{where}: {key} {year!r} is not a year between 1900 and 2100")
    if is_year(start) and is_year(end) and start > end:
        problems.append(f"{where}: start_year {start} is after end_year {end}")
    return start if is_year(start) else None, end if is_year(end) else None


def check_indicator(where, ind, refs, problems):
    if not isinstance(ind, dict):
        problems.append(f"{where}: an indicator is a mapping, found {type(ind).__name__}")
        return
    for key in sorted(set(ind) - INDICATOR_KEYS):
        problems.append(f"{where}: unknown key `{key}`")
    for key in REQUIRED:
        if not is_text(ind.get(key)):
            problems.append(f"{where}: `{key}` is required (non-empty text)")
    slug = ind.get("slug")
    if isinstance(slug, str) and (not SLUG.match(slug) or len(slug) > 100):
        problems.append(f"{where}: slug {slug!r} is not lowercase-kebab of at most 100 characters")

    owners = [k for k in OWNERS if ind.get(k) is not None]
    if len(owners) != 1:
        problems.append(f"{where}: exactly one of intervention / goal / line, found {owners or 'none'}")
    for key in owners:
        if ind[key] not in refs[key]:
            article = "an" if key == "intervention" else "a"
            problems.append(f"{where}: {key} `{ind[key]}` is not {article} {key} of this area")
    if ind.get("wijk") is not None and ind["wijk"] not in refs["wijk"]:
        problems.append(f"{where}: wijk `{ind['wijk']}` is not a wijk of this area")

    measure = ind.get("measure")
    if measure not in MEASURES:
        problems.append(f"{where}: measure {measure!r} is not one of {sorted(MEASURES)}")
    if ind.get("direction") is not None and ind["direction"] not in DIRECTIONS:
        problems.append(f"{where}: direction {ind['direction']!r} is not one of {sorted(DIRECTIONS)}")
    for key in ("unit", "target_group"):
        if key in ind and ind[key] is not None and not is_text(ind[key]):
            problems.append(f"{where}: `{key}` is empty; leave it out instead")

    start, end = check_period(where, ind, problems)

    baseline = ind.get("baseline")
    if baseline is not None:
        if not isinstance(baseline, dict):
            problems.append(f"{where}: baseline is a mapping with value and year")
        else:
            for key in sorted(set(baseline) - BASELINE_KEYS):
                problems.append(f"{where}: baseline: unknown key `{key}`")
            if not is_number(baseline.get("value")):
                problems.append(f"{where}: baseline.value is required and a number")
            if baseline.get("year") is not None and not is_year(baseline["year"]):
                problems.append(f"{where}: baseline.year {baseline['year']!r} is not a year")

    targets = ind.get("targets") or []
    if not isinstance(targets, list):
        problems.append(f"{where}: targets is a list")
        targets = []
    for n, target in enumerate(targets, 1):
        tw = f"{where}: targets[{n}]"
        if not isinstance(target, dict):
            problems.append(f"{tw}: a target is a mapping")
            continue
        for key in sorted(set(target) - TARGET_KEYS):
            problems.append(f"{tw}: unknown key `{key}`")
        value = target.get("value")
        if not is_number(value):
            problems.append(f"{tw}: value is required and a number")
        elif measure == "percentage" and not 0 <= value <= 100:
            problems.append(f"{tw}: a percentage target {value} is outside 0..100")
        elif measure == "yes_no" and value not in (0, 1):
            problems.append(f"{tw}: a yes/no target is 0 or 1, found {value}")
        if "qualifier" in target and not is_text(target["qualifier"]):
            problems.append(f"{tw}: qualifier is empty; leave it out instead")
        t_start, t_end = check_period(tw, target, problems)
        if start is not None and t_start is not None and t_start < start:
            problems.append(f"{tw}: starts in {t_start}, before the indicator's period ({start})")
        if end is not None and t_end is not None and t_end > end:
            problems.append(f"{tw}: ends in {t_end}, after the indicator's period ({end})")
    if measure == "qualitative" and targets:
        problems.append(f"{where}: a qualitative indicator has no target values")

    note = ind.get("target_note")
    if note is not None:
        if note not in TARGET_NOTES:
            problems.append(f"{where}: target_note {note!r} is not one of {sorted(TARGET_NOTES)}")
        if targets:
            problems.append(f"{where}: target_note is only for an indicator without a target value")


def check_file(path, documents):
    problems = []
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    total = 0
    summaries = []
    for area in data.get("areas") or []:
        aslug = area.get("slug")
        keys = list(area)
        indicators = area.get("indicators")
        if "indicators" in area:
            if "interventions" in keys and keys.index("indicators") < keys.index("interventions"):
                problems.append(f"{path}: area {aslug}: `indicators` comes after `interventions`")
            if not isinstance(indicators, list):
                problems.append(f"{path}: area {aslug}: `indicators` is a list")
                indicators = []
        indicators = indicators or []
        total += len(indicators)
        refs = {
            "intervention": {i["slug"] for i in area.get("interventions") or []},
            "goal": set(goal_slugs(area.get("goals"))),
            "line": set(),
            "wijk": {w["slug"] for w in area.get("wijken") or []},
        }
        for programme in area.get("programmes") or []:
            for line in programme.get("lines") or []:
                refs["line"].add(line["slug"])
                refs["goal"].update(goal_slugs(line.get("goals")))

        seen = set()
        document = documents.get(aslug)
        for n, ind in enumerate(indicators, 1):
            label = ind.get("slug") if isinstance(ind, dict) else None
            where = f"{path}: area {aslug}: indicator {n} ({label or 'no slug'})"
            check_indicator(where, ind, refs, problems)
            if label in seen:
                problems.append(f"{where}: slug used twice in this area")
            seen.add(label)
            if document is not None and isinstance(ind, dict) and is_text(ind.get("source")):
                for part in ind["source"].split("\n"):
                    if normalise(part) not in document:
                        problems.append(f"{where}: source {part!r} is not in the document")

        summaries.append((aslug, indicators))

    end = data.get("end")
    if not isinstance(end, dict):
        problems.append(f"{path}: the file has no `end` record")
    elif "indicators" not in end:
        # A file without indicators leaves the count out (the loader reads it as 0).
        if total:
            problems.append(f"{path}: end: the `indicators` count is missing (the file holds {total})")
    elif end["indicators"] != total:
        problems.append(
            f"{path}: end.indicators counts {end['indicators']}, but the file holds {total}"
        )
    elif list(end)[-1] != "indicators" or list(data)[-1] != "end":
        problems.append(f"{path}: end: `indicators` is the last count and `end` the last key")
    return problems, summaries


def describe(aslug, indicators):
    with_value = sum(1 for i in indicators if i.get("targets"))
    notes = {k: sum(1 for i in indicators if i.get("target_note") == k) for k in TARGET_NOTES}
    qualitative = sum(1 for i in indicators if i.get("measure") == "qualitative")
    measures = {}
    for i in indicators:
        measures[i.get("measure")] = measures.get(i.get("measure"), 0) + 1
    return (
        f"  {aslug}: {len(indicators)} indicators; with a target value {with_value}, "
        f"ntb {notes['ntb']}, none {notes['none']}, qualitative {qualitative}; "
        f"by measure {dict(sorted(measures.items()))}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--document", action="append", default=[], metavar="AREA=FILE")
    args = parser.parse_args()
    files = args.files or sorted(pathlib.Path(__file__).resolve().parents[2].glob("data/*.yaml"))
    documents = {}
    for item in args.document:
        area, _, file = item.partition("=")
        documents[area] = normalise(pathlib.Path(file).read_text(encoding="utf-8"))
    failed = False
    for path in files:
        problems, summaries = check_file(path, documents)
        if problems:
            failed = True
            print(f"{path}: {len(problems)} problem(s)")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"{path}: ok")
            for aslug, indicators in summaries:
                print(describe(aslug, indicators))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
