"""Runs every rule of the DfE's SSDA903 validator (csc-validator-be-903) that reads OC3 on a return.

    python run_validator.py --year 2026 --oc3 OC3.csv [--last-oc3 OC3-last-year.csv]

The Header table is made from the same children (CHILD and DOB; the rest blank), as the
DfE's own tables would hold them. Prints one JSON object: the ruleset, the rules that ran,
those skipped for want of other tables (episodes, for example), those that crashed, and
every failure with the child it names. Exit status 0 whenever the validator ran; 3 when the
upload itself was rejected (the columns are not a 903 table).
"""

import argparse
import csv
import inspect
import io
import json
import logging
import sys


def header_csv(oc3_bytes):
    rows = list(csv.DictReader(io.StringIO(oc3_bytes.decode("utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
    for r in rows:
        w.writerow([r.get("CHILD", ""), "", r.get("DOB", ""), "", "", "", ""])
    return out.getvalue().encode("utf-8")


def reads_oc3(rule):
    if "OC3" in (rule.tables or []):
        return True
    try:
        return '"OC3"' in inspect.getsource(rule.func)
    except (OSError, TypeError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", required=True, help="collection year, by the year it ends")
    ap.add_argument("--oc3", required=True)
    ap.add_argument("--last-oc3")
    args = ap.parse_args()

    # The validator logs every rule at INFO; only the JSON belongs on stdout.
    logging.disable(logging.CRITICAL)
    from lac_validator.datastore import copy_datastore, create_datastore
    from lac_validator.ingress import read_from_text
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.types import UploadError

    oc3 = open(args.oc3, "rb").read()
    files = [
        {"name": "oc3.csv", "description": "This year", "file_content": oc3},
        {"name": "header.csv", "description": "This year", "file_content": header_csv(oc3)},
    ]
    if args.last_oc3:
        last = open(args.last_oc3, "rb").read()
        files.append({"name": "oc3_last.csv", "description": "Prev year", "file_content": last})
        files.append({"name": "header_last.csv", "description": "Prev year", "file_content": header_csv(last)})
    try:
        dfs, extras = read_from_text(raw_files=files)
    except UploadError as e:
        print(json.dumps({"rejected": str(e)}))
        return 3
    metadata = {"collectionYear": str(args.year), "localAuthority": "E09000027"}
    metadata.update(extras)
    ds = create_datastore(dfs, metadata)
    ruleset = f"lac{int(args.year) - 1}_{str(args.year)[2:4]}"
    registry = get_year_ruleset(str(args.year))

    ran, skipped, crashed, failures = [], [], [], []
    for code, rule in sorted(registry.items()):
        if not reads_oc3(rule):
            continue
        try:
            result = rule.func(copy_datastore(ds))
        except Exception as e:  # a rule that cannot run on this data is reported, not hidden
            crashed.append({"rule": code, "error": f"{type(e).__name__}: {e}"})
            continue
        if result == {}:
            skipped.append(code)
            continue
        ran.append(code)
        for table, locs in result.items():
            for loc in locs:
                try:
                    child = str(ds[table].loc[loc, "CHILD"])
                except Exception:
                    child = None
                failures.append({"rule": code, "table": table, "child": child, "message": rule.message})
    print(json.dumps({
        "ruleset": ruleset,
        "rows": len(ds["OC3"]),
        "ran": ran,
        "skipped": skipped,
        "crashed": crashed,
        "failures": failures,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
