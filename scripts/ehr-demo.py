#!/usr/bin/env python3
"""A practice's record system (EHR) referring over FHIR, for demonstrations and tests.

Against a running Linkwork (`linkwork demo`), it:
  1. signs in as the referrer and takes a token with the `fhir` scope;
  2. subscribes (rest-hook, id-only) with a small HTTP receiver of its own;
  3. refers a made-up person as one transaction Bundle (Patient with a valid NHS number,
     ServiceRequest with an SDOH category, Task at `requested`);
  4. plays the link worker through the pathway API (contact, assessment, plan, close), and after
     each step waits to be told of the Task's change and reads it, as an EHR would;
  5. reads what was done (the Procedure the Task's output names) and the messages back
     (Communications about the ServiceRequest).
It prints each step and exits 0 only if the referral was followed to completion and the message
back was read. Standard library only.

    python3 scripts/ehr-demo.py --url http://127.0.0.1:8080 --password linkwork-demo
"""

import argparse
import http.server
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request

FHIR = "application/fhir+json"
TOPIC = "http://linkwork.example/fhir/SubscriptionTopic/task-changed"
BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"


def call(base, method, path, token=None, body=None, content_type="application/json"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", content_type)
    req.add_header("Accept", FHIR if path.startswith("/fhir") else "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


def ok(result, what):
    status, body = result
    if status >= 300:
        sys.exit(f"FAILED: {what} answered {status}: {json.dumps(body, indent=1)}")
    return body


def nhs_number():
    """A random valid NHS number (modulus 11 check digit), in the 999 test range."""
    while True:
        digits = [9, 9, 9] + [random.randint(0, 9) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits + [check]))


class Receiver(http.server.BaseHTTPRequestHandler):
    """The EHR's rest-hook endpoint: keeps each notification Bundle."""

    received = []
    signals = []
    lock = threading.Condition()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
        status = (body or {}).get("entry", [{}])[0].get("resource", {})
        kind = next((p.get("valueCode") for p in status.get("parameter", []) if p.get("name") == "type"), None)
        with Receiver.lock:
            # A handshake (on subscribing) or a heartbeat (when all is quiet) names no Task.
            (Receiver.signals if kind in ("handshake", "heartbeat") else Receiver.received).append(body)
            Receiver.lock.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def wait_for_notification(count, timeout=30):
    deadline = time.time() + timeout
    with Receiver.lock:
        while len(Receiver.received) < count:
            left = deadline - time.time()
            if left <= 0:
                return None
            Receiver.lock.wait(left)
        return Receiver.received[count - 1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--referrer", default="gp")
    p.add_argument("--link-worker", default="linkworker")
    p.add_argument("--password", default="linkwork-demo")
    p.add_argument("--link-worker-password", default=None)
    a = p.parse_args()
    base = a.url.rstrip("/")

    gp = ok(call(base, "POST", "/api/v1/auth/token", body={"username": a.referrer, "password": a.password}), "signing in as the referrer")["token"]
    ehr = ok(call(base, "POST", "/api/v1/tokens", gp, {"name": "EHR demo", "scopes": ["fhir"]}), "a token with the fhir scope")["token"]
    print("1. The EHR has a token with the fhir scope.")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/hooks/linkwork"
    requester = "Practitioner/ehr-demo-dr-okafor"
    sub = ok(call(base, "POST", "/fhir/Subscription", ehr, {
        "resourceType": "Subscription", "status": "requested", "reason": "Our referrals", "criteria": TOPIC,
        "_criteria": {"extension": [{"url": BACKPORT + "backport-filter-criteria", "valueString": f"Task?requester={requester}"}]},
        "channel": {"type": "rest-hook", "endpoint": endpoint, "payload": FHIR,
                    "_payload": {"extension": [{"url": BACKPORT + "backport-payload-content", "valueCode": "id-only"}]}},
    }, FHIR), "subscribing")
    print(f"2. Subscribed ({sub['id']}, {sub['status']}): notifications go to {endpoint}.")
    deadline = time.time() + 30
    with Receiver.lock:
        while not Receiver.signals and time.time() < deadline:
            Receiver.lock.wait(deadline - time.time())
    # The server marks it active once the endpoint has answered the handshake.
    while time.time() < deadline:
        sub = ok(call(base, "GET", f"/fhir/Subscription/{sub['id']}", ehr), "reading the subscription")
        if sub["status"] == "active":
            break
        time.sleep(0.2)
    if sub["status"] != "active":
        sys.exit(f"FAILED: the subscription is {sub['status']} after the handshake")
    print(f"   The handshake arrived; the subscription is {sub['status']}.")

    nhs = nhs_number()
    u = lambda n: f"urn:uuid:00000000-0000-4000-8000-00000000000{n}"
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": u(1), "request": {"method": "POST", "url": "Patient"}, "resource": {
            "resourceType": "Patient", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}],
            "name": [{"family": "Adeyemi", "given": ["Grace"]}], "birthDate": "1946-03-14", "gender": "female",
            "telecom": [{"system": "phone", "value": "01632 960 123"}]}},
        {"fullUrl": u(2), "request": {"method": "POST", "url": "ServiceRequest"}, "resource": {
            "resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "category": [{"coding": [{"system": "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes", "code": "social-connection"}]}],
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "871731000000106", "display": "Referral to social prescribing service"}]},
            "subject": {"reference": u(1)}, "requester": {"reference": requester},
            "note": [{"text": "Lonely since moving; would like company and something to do."}]}},
        {"fullUrl": u(3), "request": {"method": "POST", "url": "Task"}, "resource": {
            "resourceType": "Task", "status": "requested", "intent": "order",
            "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
            "focus": {"reference": u(2)}, "for": {"reference": u(1)}, "authoredOn": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "requester": {"reference": requester}}},
    ]}
    sent = ok(call(base, "POST", "/fhir", ehr, bundle, FHIR), "the referral Bundle")
    where = {e["response"]["location"].split("/")[0]: e["response"]["location"].split("/")[1] for e in sent["entry"]}
    task_id, sr_id, patient_id = where["Task"], where["ServiceRequest"], where["Patient"]
    print(f"3. Referred Grace Adeyemi (NHS number {nhs}): Task/{task_id} requested.")

    lw_pw = a.link_worker_password or a.password
    lw_token = ok(call(base, "POST", "/api/v1/auth/token", body={"username": a.link_worker, "password": lw_pw}), "signing in as the link worker")["token"]
    me = ok(call(base, "GET", "/api/v1/me", lw_token), "who the link worker is")
    episodes = ok(call(base, "GET", "/api/v1/episodes?per_page=100", lw_token), "the queue")["contents"]
    episode = next(e for e in episodes if e["person_id"] == patient_id)
    eid = episode["id"]
    lw = lambda path, body: ok(call(base, "POST", f"/api/v1/episodes/{eid}{path}", lw_token, body), path)
    lw("/assign", {"link_worker_id": me["id"]})

    seen = 0

    def follow(step):
        nonlocal seen
        seen += 1
        n = wait_for_notification(seen)
        if n is None:
            sys.exit(f"FAILED: no notification after '{step}'")
        focus = n["entry"][1]["fullUrl"]
        task = ok(call(base, "GET", "/fhir" + focus.split("/fhir", 1)[1], ehr), "reading the Task")
        print(f"   {step}: told of {focus.rsplit('/', 2)[-2]}/{task['id']}, read it: {task['status']} (version {task['meta']['versionId']})")
        return task

    print("4. The link worker works the referral; the EHR is told of each change:")
    lw("/transitions", {"to": "contacted", "accepted": True})
    follow("contacted, the person accepted")
    req = urllib.request.Request(f"{base}/api/v1/episodes/{eid}", headers={"Authorization": "Bearer " + lw_token})
    with urllib.request.urlopen(req) as r:
        etag = r.headers["ETag"]
    body = json.dumps({"what_matters": "Meeting people and gardening again", "strengths": [], "interests": ["gardening"], "barriers": []}).encode()
    put = urllib.request.Request(f"{base}/api/v1/episodes/{eid}/assessment", data=body, method="PUT", headers={"Authorization": "Bearer " + lw_token, "Content-Type": "application/json", "If-Match": etag})
    urllib.request.urlopen(put).read()
    lw("/transitions", {"to": "assessed"})
    follow("assessed")
    goal = lw("/goals", {"description": "Go to the community garden each week", "target_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 90 * 86400))})
    lw("/prescription", {"activity": "Community garden on Wednesdays", "goal_ids": [goal["id"]]})
    for to in ["plan_agreed", "active"]:
        lw("/transitions", {"to": to})
    lw("/transitions", {"to": "closed", "reason": "goals_met"})
    done = follow("closed, goals met")
    if done["status"] != "completed":
        sys.exit(f"FAILED: the Task is {done['status']}, not completed")

    output = done["output"][0]["valueReference"]["reference"]
    procedure = ok(call(base, "GET", f"/fhir/{output}", ehr), "the Procedure")
    print(f"5. What was done ({output}): {procedure['status']}; " + " ".join(n["text"] for n in procedure.get("note", [])))
    messages = ok(call(base, "GET", f"/fhir/Communication?based-on=ServiceRequest/{sr_id}", ehr), "the messages back")
    for e in messages.get("entry", []):
        c = e["resource"]
        print(f"   Message back ({c['category'][0]['text']}): {c['payload'][0].get('contentString', '')}")
    if not messages.get("entry"):
        sys.exit("FAILED: no message back")
    print("The referral was followed to completion over FHIR and the message back was read.")
    server.shutdown()


if __name__ == "__main__":
    main()
