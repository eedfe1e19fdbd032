#!/usr/bin/env python3
"""A sample ICS case system that keeps a local copy of its ICB's cases in step with leder.

It signs in with the client-credentials grant, polls GET /api/v1/events with the cursor it
saved last time, applies each event's `data` (the case's new state) to a local JSON file, and
saves the cursor after each page. Stop it at any moment and start it again: it carries on from
the saved cursor, so it never misses or double-applies a change. Python 3 standard library only.

    python3 examples/ics_client.py --base http://127.0.0.1:8080 \
        --client-id ID --client-secret SECRET --state ics-state.json [--max-pages N]
"""

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request


def post_form(url, fields):
    body = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def get_json(url, token):
    req = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def load_state(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"cursor": None, "cases": {}, "applied": 0}


def save_state(path, state):
    # Write then rename, so a stop mid-write never leaves a half-written copy.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:8080")
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--state", default="ics-state.json")
    p.add_argument("--max-pages", type=int, default=0, help="stop after N pages (0: until caught up)")
    p.add_argument("--limit", type=int, default=50)
    args = p.parse_args()

    token = post_form(f"{args.base}/api/v1/auth/token", {
        "grant_type": "client_credentials",
        "client_id": args.client_id,
        "client_secret": args.client_secret,
    })["access_token"]
    state = load_state(args.state)
    pages = 0
    while True:
        query = {"limit": args.limit}
        if state["cursor"]:
            query["after"] = state["cursor"]
        page = get_json(f"{args.base}/api/v1/events?{urllib.parse.urlencode(query)}", token)
        for event in page["items"]:
            case = event["data"]
            state["cases"][event["subject_id"]] = {
                "reference": event["reference"],
                "status": case.get("status"),
                "organisation": case.get("organisation"),
                "version": case.get("version"),
                "last_event": event["type"],
            }
            state["applied"] += 1
        state["cursor"] = page["next_cursor"]
        save_state(args.state, state)
        pages += 1
        print(f"page {pages}: {len(page['items'])} events applied; "
              f"{len(state['cases'])} cases held; cursor {state['cursor']}")
        if not page["items"] or (args.max_pages and pages >= args.max_pages):
            break
    caught_up = not page["items"]
    print("caught up" if caught_up else "stopped before catching up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
