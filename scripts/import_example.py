#!/usr/bin/env python3
"""Writes a valid import file of N existing reviews (README, "Importing existing reviews").

The reviews are spread over stages as an ICB's open caseload is (awaiting allocation to
completed, some on hold, a few children referred to the Child Death Review and a few not
eligible), notified between `--from` and `--to`, in the ICBs given (each valid throughout, so
the area code leads to it on every day of notification). Every review at `allocated` or later
names the reviewer `reviewer.<icb in lower case>`: create those accounts first, e.g.

    leder user create --username reviewer.qop --role reviewer --org QOP

The same arguments always write the same file. Python 3 standard library only.

    python3 scripts/import_example.py --rows 10000 --out reviews.ndjson
    python3 scripts/import_example.py --rows 20 --icbs QOP --format csv --out reviews.csv
"""

import argparse
import csv
import datetime as dt
import json
import random
import sys

# ICBs valid from 1 July 2022 with no end (none dissolved on 1 April 2026).
STABLE_ICBS = ("QE1 QF7 QGH QHL QHM QJ2 QJK QJM QKK QKS QMF QNC QOP QOQ QPM QR1 QRL QSL "
               "QT1 QT6 QUA QVV QWE QWO QWU QYG").split()

STAGES = [  # (stage, weight)
    ("awaiting_allocation", 14), ("allocated", 10), ("in_review", 24), ("awaiting_qa", 8),
    ("awaiting_sign_off", 5), ("on_hold", 9), ("completed", 24),
    ("referred_to_child_death_review", 2), ("not_eligible", 4),
]
PATH = ["allocated", "in_review", "awaiting_qa", "awaiting_sign_off", "completed"]
GIVEN = ["Alex", "Sam", "Jo", "Chris", "Morgan", "Robin", "Kim", "Lee", "Pat", "Terry", "Ali",
         "Priya", "Aisha", "Tom", "Grace", "Owen", "Ruth", "Dev", "Maya", "Ewan"]
ETHNIC = ["A"] * 12 + ["B", "C", "D", "H", "J", "K", "M", "N", "R", "S", "Z"]
HOLDS = ["coroner_inquest", "safeguarding_adults_review", "safeguarding_enquiry",
         "patient_safety_investigation", "police_investigation", "family_request"]
CAUSES = ["J18.9", "J69.0", "I21.9", "G40.9", "C18.9", "A41.9", "K56.6", "I50.0", "U07.1"]


def nhs_number(n):
    """A valid NHS number in the 999 test range, one per n (or None when n has none)."""
    digits = [9, 9, 9] + [int(c) for c in f"{n:06d}"]
    total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return None
    return "".join(map(str, digits)) + str(check)


def family_name(i):
    letters = ""
    i += 26 * 26
    while i:
        i, r = divmod(i, 26)
        letters = chr(ord("a") + r) + letters
    return "Example-" + letters.capitalize()


def day(rng, start, end):
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def findings(rng, place):
    return {
        "pen_portrait": "Loved music and long walks; lived with support in a shared house.",
        "cause_of_death": {"part_1a": "Pneumonia", "underlying_icd10": rng.choice(CAUSES)},
        "place_of_death": place,
        "dnacpr": {"in_place": False},
        "mental_capacity_act": {"relevant": True, "followed": True},
        "annual_health_check_last_12_months": rng.random() < 0.7,
        "reasonable_adjustments_made": rng.random() < 0.8,
        "learning_disability_level": rng.choice(["mild", "moderate", "severe"]),
        "care_grade": rng.randint(1, 5),
        "family_involvement": {"contacted": True, "feedback_shared": True},
        "key_episodes": [{"date": "2025-01-10", "setting": "GP surgery",
                          "description": "Annual health check with a learning disability nurse."}],
        "contributors": ["GP", "Community learning disability nurse"],
    }


def review(i, rng, icbs, first, last):
    stage = rng.choices([s for s, _ in STAGES], [w for _, w in STAGES])[0]
    icb = icbs[i % len(icbs)]
    notified = day(rng, first, last)
    died = notified - dt.timedelta(days=rng.randint(1, 30))
    if stage == "referred_to_child_death_review":
        age = rng.randint(5, 16)
    else:
        age = rng.randint(19, 85)
    born = died - dt.timedelta(days=int(age * 365.25) + rng.randint(10, 300))
    place = rng.choice(["home", "hospital", "care_home", "hospice"])
    ethnic = rng.choice(ETHNIC)
    row = {
        "source": {"system": "legacy-leder", "id": f"R-{i:07d}"},
        "notified_on": notified.isoformat(),
        "icb": icb,
        "stage": stage,
        "person": {
            "given_name": rng.choice(GIVEN), "family_name": family_name(i),
            "date_of_birth": born.isoformat(), "date_of_death": died.isoformat(),
            "sex": rng.choice(["female", "male"]), "ethnic_category": ethnic,
            "learning_disability": stage != "not_eligible", "autistic": rng.random() < 0.15,
            "lived_in_england": True, "national_data_opt_out": "no", "area_code": icb,
            "place_of_death": place,
        },
        "notifier": {"name": "Case system", "relationship": "health_professional"},
    }
    if stage == "not_eligible":
        row["person"]["autistic"] = False
    number = nhs_number(i)
    if number and rng.random() < 0.8:
        row["person"]["nhs_number"] = number
    if stage in ("awaiting_allocation", "not_eligible", "referred_to_child_death_review"):
        return row
    row["reviewer"] = f"reviewer.{icb.lower()}"
    today = last
    steps = {"allocated": 1, "in_review": 2, "awaiting_qa": 3, "awaiting_sign_off": 4,
             "completed": 5, "on_hold": rng.randint(1, 4)}[stage]
    when, reached = notified, {}
    for name in PATH[:steps]:
        when = day(rng, when, min(when + dt.timedelta(days=40), today))
        reached[name] = when.isoformat()
    row["stages_reached"] = reached
    if stage == "on_hold":
        start = day(rng, when, today)
        row["holds"] = [{"reason": rng.choice(HOLDS), "started_on": start.isoformat()}]
    elif stage == "completed" and rng.random() < 0.2:
        # A hold that ended before QA: between in_review and awaiting_qa.
        a = dt.date.fromisoformat(reached["in_review"])
        b = dt.date.fromisoformat(reached["awaiting_qa"])
        if b > a:
            start = day(rng, a, b - dt.timedelta(days=1))
            row["holds"] = [{"reason": "coroner_inquest", "started_on": start.isoformat(),
                             "ended_on": day(rng, start, b).isoformat()}]
    if steps >= 2:
        row["findings"] = findings(rng, place)
    if ethnic == "Z" and steps >= 3:
        row["ethnicity_confirmed_reason"] = "Asked the family and the GP record: not stated."
    if steps >= 4:
        row["learning_points"] = [{
            "text": "Reasonable adjustments were made for the health check.",
            "themes": ["reasonable_adjustments"], "kind": "learning"}]
    return row


CSV_COLUMNS = [
    "source.system", "source.id", "notified_on", "icb", "stage", "reviewer",
    "person.given_name", "person.family_name", "person.nhs_number", "person.date_of_birth",
    "person.date_of_death", "person.sex", "person.ethnic_category",
    "person.learning_disability", "person.autistic", "person.lived_in_england",
    "person.national_data_opt_out", "person.area_code", "person.place_of_death",
    "notifier.name", "notifier.relationship",
    "stages_reached.allocated", "stages_reached.in_review", "stages_reached.awaiting_qa",
    "stages_reached.awaiting_sign_off", "stages_reached.completed", "holds", "findings",
    "learning_points", "ethnicity_confirmed_reason",
]


def csv_cells(row):
    cells = []
    for column in CSV_COLUMNS:
        value = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            cells.append("")
        elif isinstance(value, (bool, list, dict)):
            cells.append(json.dumps(value))
        else:
            cells.append(str(value))
    return cells


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=["ndjson", "csv"], default="ndjson")
    p.add_argument("--icbs", default=",".join(STABLE_ICBS), help="comma-separated ICB codes")
    p.add_argument("--from", dest="first", default="2025-01-01")
    p.add_argument("--to", dest="last", default="2026-11-01")
    p.add_argument("--seed", type=int, default=19)
    a = p.parse_args()
    rng = random.Random(a.seed)
    icbs = a.icbs.split(",")
    first, last = dt.date.fromisoformat(a.first), dt.date.fromisoformat(a.last)
    with open(a.out, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out) if a.format == "csv" else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        for i in range(a.rows):
            row = review(i, rng, icbs, first, last)
            if writer:
                writer.writerow(csv_cells(row))
            else:
                out.write(json.dumps(row, separators=(",", ":")) + "\n")
    print(f"{a.out}: {a.rows} reviews", file=sys.stderr)


if __name__ == "__main__":
    main()
