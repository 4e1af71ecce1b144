#!/usr/bin/env python3
"""Write load for scripts/crash-test.sh, and the check after the restart.

load URL TOKEN OUT_DIR WORKERS: each worker keeps one connection and loops:
create an incident, and triage every second one. Every 201 is appended to
OUT_DIR/acked-<worker>.tsv (kind, incidentId, triageId) and flushed before
the next request, so the file holds exactly what the server acknowledged
(an acknowledgement the kill cut off on the way back is not counted: the
client never saw it). Runs until the server dies.

check URL TOKEN OUT_DIR DB: every acknowledged incident must be readable
through the API (GET /v1/triage/{id}: 200, or 404 triage_not_found, which
says the incident exists) and be a row in the database; every acknowledged
triage must be completed with the same triageId. Prints one JSON line.
"""
import glob
import http.client
import json
import os
import sqlite3
import sys
import threading
import urllib.parse


def connect(url):
    u = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def load(url, token, out_dir, workers):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()

    def worker(n):
        conn = connect(url)
        out = open(os.path.join(out_dir, "acked-%d.tsv" % n), "a", buffering=1)
        i = 0
        while True:
            i += 1
            body = json.dumps({"title": "crash test %d/%d" % (n, i),
                               "description": "The primary database is down since noon; writes fail with timeouts."})
            try:
                conn.request("POST", "/v1/incidents/chat", body, headers)
                r = conn.getresponse()
                data = r.read()
                if r.status != 201:
                    with lock:
                        counts["errors"] += 1
                    continue
                incident = json.loads(data)["incidentId"]
                out.write("incident\t%s\t\n" % incident)
                out.flush()
                if i % 2 == 0:
                    conn.request("POST", "/v1/triage/" + incident, "{}", headers)
                    r = conn.getresponse()
                    data = r.read()
                    if r.status == 201:
                        out.write("triage\t%s\t%s\n" % (incident, json.loads(data)["triageId"]))
                        out.flush()
                with lock:
                    counts["requests"] += 1
            except (OSError, http.client.HTTPException):
                return  # the server is gone

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def check(url, token, out_dir, db):
    incidents, triages = set(), {}
    for path in glob.glob(os.path.join(out_dir, "acked-*.tsv")):
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue  # a line cut short cannot be an acknowledgement the client finished reading
            if parts[0] == "incident":
                incidents.add(parts[1])
            elif parts[0] == "triage":
                triages[parts[1]] = parts[2]
    headers = {"Authorization": "Bearer " + token}
    conn = connect(url)
    api_missing, triage_wrong = [], []
    for incident in sorted(incidents):
        conn.request("GET", "/v1/triage/" + incident, headers=headers)
        r = conn.getresponse()
        body = json.loads(r.read() or b"{}")
        if r.status == 200:
            if incident in triages and (body.get("triageId") != triages[incident] or body.get("status") != "completed"):
                triage_wrong.append(incident)
        elif r.status == 404 and body.get("error", {}).get("code") == "triage_not_found":
            if incident in triages:
                triage_wrong.append(incident)
        else:
            api_missing.append(incident)
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = set(r[0] for r in c.execute("SELECT id FROM incident"))
    stored_triages = dict(c.execute("SELECT incident_id, id FROM triage WHERE status = 'completed'"))
    db_missing = sorted(incidents - rows)
    db_triage_missing = sorted(i for i, t in triages.items() if stored_triages.get(i) != t)
    extra = len(rows) - len(incidents)
    examples = (api_missing + db_missing + triage_wrong + db_triage_missing)[:5]
    print("acknowledged %d incidents, %d triages; missing: %d via the API, %d in the db; triages wrong: %d via the API, "
          "%d in the db; %d incident rows (%d committed but never acknowledged)%s" % (
              len(incidents), len(triages), len(api_missing), len(db_missing), len(triage_wrong),
              len(db_triage_missing), len(rows), extra, (" e.g. " + ", ".join(examples)) if examples else ""))
    return 0 if not (api_missing or db_missing or triage_wrong or db_triage_missing) else 1


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]))
