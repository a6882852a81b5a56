"""Concurrent agencies (issue 14 §3): 200 simulated agency users through gunicorn, each saving and submitting
its own report with the REST API, then 20 clients saving one report at once.

Phase A, 200 users released together (threads, loopback only, bounded by DEADLINE_S): each reads its report
(GET /api/v1/reports/<pk>/), saves every entry (PATCH with the version read and an `Idempotency-Key`), and
submits (POST …/submit/). Every 20th user sends its save a second time with the same key, as a client whose
answer was lost on the way: the contract (COMMON.md) says that answers as saved (200), so a 409 there counts
as an error. Phase B: 20 clients send a save of one draft at the same version at once: one must win (200),
the 19 others must be refused with 409, none may be answered 500.

Then the database is compared with what was sent: every save answered 200 must be there entry by entry,
every submission answered 200 must have moved the report on, no entry may be duplicated, and a retried save
must not be recorded twice.

- submissions_errors: answers other than 200, except phase B's expected 409s (so: 5xx, timeouts, refused
  connections, a 409 on a user's own report or on a retried save), plus a phase B with other than one winner.
- submissions_lost: saves or submissions answered 200 whose effect is not in the database, plus duplicated
  entries or save events.

Tokens are issued directly (`agencies.tokens.token_issue`, what POST /api/v1/auth/token/ does after checking
the password), so the burst does not measure 200 password hashes; one real token login is checked beforehand.
Where the data has fewer than 200 editable reports with a user of their own, approved reports of the bench
plans are reopened (`report_reopen`, by the province's staff) to make up the number; the note says how many.
"""

import uuid
from collections import Counter
from decimal import Decimal

from bench.http import Client, concurrently
from bench.measure import Measurement, median, ms, p95

USERS = 200
SAME_REPORT_CLIENTS = 20
RETRY_EVERY = 20
DEADLINE_S = 300


def _payload(report, entries) -> dict:
    """Values for every entry of the report, by the indicator's kind, derived from the report's id (so they
    differ between reports and can be checked), each with a note (a far-off value must be explained)."""
    from indicators.models import Indicator

    items = []
    for n, entry in enumerate(entries):
        indicator = entry.indicator
        item = {"indicator": indicator.code, "note": "bench"}
        base = (report.pk * 7 + n) % 90
        if indicator.value_type == Indicator.ValueType.MILESTONE:
            item["milestone_state"] = "in_progress"
        elif indicator.aggregation == Indicator.Aggregation.RATIO:
            item["numerator"], item["denominator"] = base, 100
        elif indicator.value_type == Indicator.ValueType.COUNT:
            item["value"] = base
        else:
            item["value"] = base + 0.5
        items.append(item)
    return {"indicator_entries": items}


def _task_payload(report) -> list[dict]:
    return [{"task": entry.task.code, "status": "in_progress", "progress": 50}
            for entry in report.task_entries.select_related("task").order_by("pk")]


def _editable_pairs(bench, wanted: int) -> tuple[list[tuple[str, int]], int]:
    """(username, report id) pairs: each user a reporter or head of the report's agency, each report and user
    used once. Reopens approved reports when there are not enough editable ones."""
    from agencies.models import Membership
    from plans.models import Plan
    from reports.models import AgencyReport
    from reports.services import report_reopen

    plans = bench.data.plan_ids
    provinces = Plan.objects.filter(pk__in=plans).values("province_id")
    members = (Membership.objects.filter(role__in=[Membership.Role.REPORTER, Membership.Role.AGENCY_HEAD],
                                         user__username__regex=r"^bench-[0-9]+-", agency__province_id__in=provinces)
               .order_by("agency_id", "role", "user__username").values_list("agency_id", "user__username").distinct())
    users_of: dict[int, list[str]] = {}
    for agency_id, username in members:
        users_of.setdefault(agency_id, []).append(username)

    def pairs() -> list[tuple[str, int]]:
        reports_of: dict[int, list[int]] = {}
        for agency_id, pk in (AgencyReport.objects.filter(plan_id__in=plans, status__in=AgencyReport.EDITABLE_STATUSES,
                                                          agency_id__in=users_of)
                              .order_by("agency_id", "-period__starts_on", "pk").values_list("agency_id", "pk")):
            reports_of.setdefault(agency_id, []).append(pk)
        found = []
        for agency_id, users in users_of.items():
            found += list(zip(users, reports_of.get(agency_id, []), strict=False))
        return found

    found, reopened = pairs(), 0
    if len(found) < wanted:
        used = {pk for _u, pk in found}
        short = {agency_id: len(users) - sum(1 for u, _pk in found if u in users)
                 for agency_id, users in users_of.items()}
        prefix_staff = {}
        candidates = (AgencyReport.objects.filter(plan_id__in=plans, status=AgencyReport.Status.APPROVED,
                                                  agency_id__in=[a for a, n in short.items() if n > 0])
                      .exclude(pk__in=used).select_related("plan").order_by("-period__starts_on", "pk"))
        for report in candidates:
            if len(found) + reopened >= wanted:
                break
            if short.get(report.agency_id, 0) <= 0:
                continue
            code = report.plan.code.removesuffix("-kh")
            staff = prefix_staff.setdefault(code, bench.data.user(f"{code}-staff"))
            report_reopen(report=report, user=staff, reason="Đo hiệu năng: mở lại để có bản nháp")
            short[report.agency_id] -= 1
            reopened += 1
        found = pairs()
    return found[:wanted], reopened


def _status(answer) -> int | str:
    """The HTTP status, or why there is none (the client waits Client.timeout, 60 s: nginx's default
    proxy_read_timeout, what a user behind the deployed proxy would get)."""
    if answer is None:
        return "job past the deadline"
    return answer.status or "no answer in 60 s"


def _saved_events(report_ids: list[int]) -> Counter:
    from reports.models import ReportEvent

    return Counter(ReportEvent.objects.filter(report_id__in=report_ids, action=ReportEvent.Action.SAVED)
                   .values_list("report_id", flat=True))


def run(bench) -> list[Measurement]:
    from reports.models import AgencyReport, IndicatorEntry

    server = bench.gunicorn()
    pairs, reopened = _editable_pairs(bench, USERS + 1)
    same_report_pair = pairs.pop()  # phase B's draft: nobody's in phase A
    pairs = pairs[:USERS]

    # One real token login (the password check and its throttle), as a client would start.
    from bench.data import PASSWORD

    login = Client(server.base).request("POST", "/api/v1/auth/token/",
                                        payload={"username": pairs[0][0], "password": PASSWORD})

    reports = {r.pk: r for r in AgencyReport.objects.filter(pk__in=[pk for _u, pk in pairs] + [same_report_pair[1]])}
    entries_of: dict[int, list] = {}
    for entry in (IndicatorEntry.objects.filter(report_id__in=reports).select_related("indicator")
                  .order_by("report_id", "indicator__order", "pk")):
        entries_of.setdefault(entry.report_id, []).append(entry)
    before_counts = Counter(IndicatorEntry.objects.filter(report_id__in=reports).values_list("report_id", flat=True))
    payloads = {}
    for pk, report in reports.items():
        payloads[pk] = {**_payload(report, entries_of.get(pk, [])), "task_entries": _task_payload(report)}
    tokens = {username: bench.token(username) for username, _pk in pairs}
    saved_before = _saved_events([pk for _u, pk in pairs])

    def user_job(index: int, username: str, pk: int):
        def job():
            client = Client(server.base, token=tokens[username])
            log = []
            read = client.get(f"/api/v1/reports/{pk}/")
            log.append(("read", read))
            if read.status != 200:
                return log
            body = {**payloads[pk], "version": read.json()["version"]}
            key = uuid.uuid4().hex
            saved = client.request("PATCH", f"/api/v1/reports/{pk}/", payload=body, headers={"Idempotency-Key": key})
            log.append(("save", saved))
            if index % RETRY_EVERY == 0:
                log.append(("retry", client.request("PATCH", f"/api/v1/reports/{pk}/", payload=body,
                                                    headers={"Idempotency-Key": key})))
            if saved.status == 200:
                log.append(("submit", client.request("POST", f"/api/v1/reports/{pk}/submit/", payload={})))
            return log
        return job

    outcomes, wall = concurrently([user_job(i, u, pk) for i, (u, pk) in enumerate(pairs)], deadline_s=DEADLINE_S)
    answers = []
    for (username, pk), outcome in zip(pairs, outcomes, strict=True):
        if isinstance(outcome, Exception):
            answers.append((username, pk, "timeout", None))
            continue
        answers += [(username, pk, kind, answer) for kind, answer in outcome]
    statuses = Counter(_status(a) for _u, _pk, _k, a in answers)
    latencies = [a.seconds for _u, _pk, _k, a in answers if a is not None]
    errors = sum(1 for _u, _pk, _k, a in answers if a is None or a.status != 200)
    by_kind = {kind: dict(Counter(_status(a) for _u, _pk, k, a in answers if k == kind))
               for kind in ("read", "save", "retry", "submit", "timeout")}

    # Phase B: one draft, 20 clients at the same version, at once.
    same_user, same_pk = same_report_pair
    same_token = tokens.get(same_user) or bench.token(same_user)
    version = AgencyReport.objects.values_list("version", flat=True).get(pk=same_pk)
    first = entries_of[same_pk][0]
    field = ("milestone_state" if first.indicator.value_type == "milestone"
             else "numerator" if first.indicator.aggregation == "ratio" else "value")

    def racer(n: int):
        item = {"indicator": first.indicator.code, "note": f"bench client {n}"}
        if field == "milestone_state":
            item[field] = ["not_started", "in_progress", "completed"][n % 3]
        elif field == "numerator":
            item.update(numerator=n, denominator=100)
        else:
            item["value"] = n
        return lambda: (n, Client(server.base, token=same_token).request(
            "PATCH", f"/api/v1/reports/{same_pk}/", payload={"version": version, "indicator_entries": [item]},
            headers={"Idempotency-Key": uuid.uuid4().hex}), item)

    race, _race_wall = concurrently([racer(n) for n in range(SAME_REPORT_CLIENTS)], deadline_s=120)
    race_statuses = Counter(o[1].status if not isinstance(o, Exception) else "timeout" for o in race)
    winners = [o for o in race if not isinstance(o, Exception) and o[1].status == 200]
    race_errors = sum(n for status, n in race_statuses.items() if status not in (200, 409))
    if len(winners) != 1:
        race_errors += 1

    # The database against what was sent.
    lost, problems = 0, []
    stored: dict[int, dict[str, tuple]] = {}
    for entry in IndicatorEntry.objects.filter(report_id__in=reports).select_related("indicator"):
        stored.setdefault(entry.report_id, {})[entry.indicator.code] = (
            entry.value, entry.numerator, entry.denominator, entry.milestone_state)
    after_counts = Counter(IndicatorEntry.objects.filter(report_id__in=reports).values_list("report_id", flat=True))
    duplicated = sum(max(0, after_counts[pk] - before_counts[pk]) for pk in reports)
    saved_events = _saved_events([pk for _u, pk in pairs]) - saved_before
    final_status = dict(AgencyReport.objects.filter(pk__in=reports).values_list("pk", "status"))
    for _username, pk, kind, answer in answers:
        if answer is None or answer.status != 200:
            continue
        if kind == "save":
            for item in payloads[pk]["indicator_entries"]:
                value, numerator, denominator, milestone = stored[pk][item["indicator"]]
                expected_ok = (
                    (milestone == item["milestone_state"]) if "milestone_state" in item
                    else (numerator == Decimal(item["numerator"]) and denominator == Decimal(item["denominator"]))
                    if "numerator" in item else value == Decimal(str(item["value"])))
                if not expected_ok:
                    lost += 1
                    problems.append(f"report {pk}: {item['indicator']} not as sent")
                    break
            if saved_events[pk] > 1:
                lost += 1  # a retried save recorded twice: a duplicate
                problems.append(f"report {pk}: {saved_events[pk]} save events")
        elif kind == "submit" and final_status[pk] not in ("submitted", "awaiting_confirmation"):
            lost += 1
            problems.append(f"report {pk}: submit answered 200, status {final_status[pk]}")
    if len(winners) == 1:
        _n, _answer, item = winners[0]
        value, numerator, _denominator, milestone = stored[same_pk][first.indicator.code]
        got = {"value": value, "numerator": numerator, "milestone_state": milestone}[field]
        if str(got if field == "milestone_state" else Decimal(got).normalize()) != str(
                item[field] if field == "milestone_state" else Decimal(item[field]).normalize()):
            lost += 1
            problems.append(f"report {same_pk}: the winning concurrent save is not what is stored")
    lost += duplicated

    requests_total = len(latencies)
    note = (f"phase A: {len(pairs)} users ({reopened} reports reopened to have enough drafts), {requests_total} "
            f"requests in {wall:.1f} s; statuses {dict(statuses)}; by kind {by_kind}; phase B: "
            f"{SAME_REPORT_CLIENTS} clients on report {same_pk}: {dict(race_statuses)}; token login "
            f"{login.status}")
    details = {"phase_a": {"users": len(pairs), "requests": requests_total, "seconds": round(wall, 2),
                           "statuses": {str(k): v for k, v in statuses.items()}, "by_kind": by_kind,
                           "p50_ms": ms(median(latencies)) if latencies else None,
                           "p95_ms": ms(p95(latencies)) if latencies else None, "reopened": reopened},
               "phase_b": {"clients": SAME_REPORT_CLIENTS, "statuses": {str(k): v for k, v in race_statuses.items()},
                           "winners": len(winners)},
               "token_login_status": login.status, "problems": problems[:20], "duplicated_entries": duplicated,
               "gunicorn_workers": bench.settings.get("gunicorn_workers")}
    return [
        Measurement("submissions_per_s", round(requests_total / wall, 1) if wall else None, unit="req/s",
                    note=note, details=details),
        Measurement("submissions_errors", errors + race_errors, unit="",
                    note=f"phase A {errors} (retried saves: {by_kind.get('retry')}), phase B {race_errors}"),
        Measurement("submissions_lost", lost, unit="", note="; ".join(problems[:5]) or "none"),
        Measurement("", ms(p95(latencies)) if latencies else None, label="submitters: latency p95 (phase A)",
                    unit="ms", samples=latencies, note=f"p50 {ms(median(latencies)) if latencies else '—'} ms"),
    ]
