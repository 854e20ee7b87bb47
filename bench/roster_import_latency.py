#!/usr/bin/env python3
"""Agreement command latency while the employment office imports a 100,000-row roster (run by hand, not by CI).

    swift build -c release
    . deploy/local/env.sh && WANGQIAN_BIN_DIR=$(swift build -c release --show-bin-path) python3 bench/roster_import_latency.py

Starts a fresh system (four service processes, fresh databases and topics, the real PostgreSQL and broker), then
measures, one command at a time, the answer time of agreement commands that wait for their outcome:
  - the counselor's 通过 (college service: its outbox also carries the roster import),
  - the student's 确定 on a draft (student service: its consumer also applies every roster record),
first while idle, then from the start of a 100,000-row roster upload until its records have reached the student
service. Prints the medians, p99s and the ratio p99(import) / p99(idle). Target: ratio within 2x.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from demo_data import Wangqian, roster_csv, roster_row, COLLEGES  # noqa: E402
from scenarios import World  # noqa: E402
from wangqian_system import System, bin_dir  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cpu_seconds() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by every process on the machine, by pid (with its command name), from /proc: to
    see who takes the two cores in each phase."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")].split("/")[0]
        fields = stat[stat.rindex(")") + 2:].split()
        used[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return used


def cpu_report(phase: str, before: dict, after: dict, seconds: float) -> str:
    """The busiest commands of a phase (all PostgreSQL backends as one `postgres`), in cores (CPU s per s); a
    process started within the phase counts whole."""
    by_name: dict[str, float] = {}
    for pid, (name, used) in after.items():
        earlier = before.get(pid)
        spent = used - (earlier[1] if earlier and earlier[0] == name else 0.0)
        by_name[name] = by_name.get(name, 0.0) + spent
    rates = sorted((spent / seconds, name) for name, spent in by_name.items())
    top = ", ".join(f"{name} {rate:.2f}" for rate, name in reversed(rates[-6:]) if rate >= 0.01)
    return f"[bench] cores used {phase} ({seconds:.0f} s): {top}"


def summary(name: str, values: list[float]) -> str:
    return (f"{name}: n={len(values)} median {statistics.median(values) * 1000:.1f} ms, "
            f"p99 {percentile(values, 99) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--agreements", type=int, default=60, help="confirmed agreements per phase (approvals)")
    parser.add_argument("--bulk-rate", type=int, default=None,
                        help="WANGQIAN_BULK_PUBLISH_RATE for the services (records/s; default: the services' own)")
    parser.add_argument("--idle-saves", type=int, default=400, help="draft saves measured while idle (the p99's base)")
    args = parser.parse_args()

    # A SIGTERM still stops the four services (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    extra = {} if args.bulk_rate is None else {"WANGQIAN_BULK_PUBLISH_RATE": str(args.bulk_rate)}
    system = System(bin_dir(), extra_env=extra)
    problems = system.check_prerequisites()
    if problems:
        sys.exit("cannot start: " + "; ".join(problems))
    system.start()
    try:
        wq = Wangqian(system.urls(), system.secret, command_timeout=60)
        world = World(wq)
        employer, _ = world.employer()
        college = COLLEGES[0]
        counselor = world.counselor(college)
        print(f"[bench] preparing {2 * args.agreements} confirmed agreements and draft savers …", flush=True)
        students = world.enroll(2 * args.agreements + 20, college)
        confirmed = [(s, world.agreement(s, employer, until="confirmed", counselor=counselor)) for s in students[:2 * args.agreements]]
        savers = students[2 * args.agreements:]
        for s in savers:
            world.agreement(s, employer, until="draft")
        for _, agreement_id in confirmed:
            wq.wait_status("college", agreement_id, "confirmed")

        def approve(pair) -> float:
            _, agreement_id = pair
            started = time.perf_counter()
            outcome = wq.approve(counselor, agreement_id, world.review(college))
            elapsed = time.perf_counter() - started
            assert outcome.ok, f"approve: {outcome!r}"
            return elapsed

        save_times: list[tuple[float, float]] = []  # (when it ended, how long it took)

        def save(student, i: int) -> float:
            started = time.perf_counter()
            outcome = wq.save_draft(student.id, employer, remarks=f"第{i}次修改")
            elapsed = time.perf_counter() - started
            assert outcome.ok, f"draft: {outcome!r}"
            save_times.append((started + elapsed, elapsed))
            return elapsed

        def run_phase(pairs, keep_going) -> tuple[list[float], list[float]]:
            approvals, saves = [], []
            i = 0
            for pair in pairs:
                approvals.append(approve(pair))
                saves.append(save(savers[i % len(savers)], i))
                i += 1
            while keep_going(len(saves)):
                saves.append(save(savers[i % len(savers)], i))
                i += 1
            return approvals, saves

        cpu_idle, idle_began = cpu_seconds(), time.perf_counter()
        idle_approvals, idle_saves = run_phase(confirmed[:args.agreements], lambda n: n < args.idle_saves)
        print("[bench] idle: " + summary("approve", idle_approvals) + "; " + summary("draft save", idle_saves), flush=True)
        print(cpu_report("while idle", cpu_idle, cpu_seconds(), time.perf_counter() - idle_began), flush=True)

        # The import: one upload of --rows rows (about 7.7 MB for 100,000), in another thread.
        ids = [f"9{n:09d}" for n in range(args.rows)]
        # Short names and majors keep 100,000 rows under the 8 MiB upload limit (about 7.9 MB).
        body = roster_csv([roster_row(i, "张三", college, "软件工程", gender="男") for i in ids]).encode("utf-8")
        print(f"[bench] uploading a roster of {args.rows} rows ({len(body) / 1e6:.1f} MB) …", flush=True)
        upload: dict = {}

        def do_upload():
            started = time.perf_counter()
            reply = wq.college.post("/v1/roster/import", wq.office_token(), data=body,
                                    headers={"Content-Type": "text/csv; charset=utf-8"}, timeout=600)
            upload["seconds"] = time.perf_counter() - started
            upload["ended"] = time.perf_counter()
            upload["reply"] = reply

        uploader = threading.Thread(target=do_upload)
        cpu_import = cpu_seconds()
        import_started = time.perf_counter()
        uploader.start()
        time.sleep(0.5)
        last_id = ids[-1]

        def still_importing(_saves: int) -> bool:
            if uploader.is_alive():
                return True
            if upload["reply"].status != 200:
                return False
            me = wq.student.get("/v1/me", wq.student_token(last_id))
            return me.status != 200 and time.perf_counter() - import_started < 900

        cpu_upload: dict = {}

        def upload_watch(_saves: int) -> bool:
            if not uploader.is_alive() and not cpu_upload:
                cpu_upload.update(cpu_seconds())
            return still_importing(_saves)

        import_approvals, import_saves = run_phase(confirmed[args.agreements:], upload_watch)
        uploader.join()
        drained = time.perf_counter() - import_started
        cpu_end = cpu_seconds()
        if cpu_upload:
            print(cpu_report("while the upload is processed", cpu_import, cpu_upload, upload["ended"] - import_started))
            print(cpu_report("while its records are delivered", cpu_upload, cpu_end, drained - (upload["ended"] - import_started)))
        reply = upload["reply"]
        assert reply.status == 200 and reply.body["imported"] == args.rows, f"import: {reply.status} {str(reply.body)[:300]}"
        print(f"[bench] import answered 200 after {upload['seconds']:.1f} s; the last row reached the student service "
              f"{drained:.1f} s after the upload began")
        print("[bench] during import: " + summary("approve", import_approvals) + "; " + summary("draft save", import_saves))
        uploading = [d for t, d in save_times if import_started <= t <= upload["ended"]]
        draining = [d for t, d in save_times if t > upload["ended"]]
        for name, values in (("while the upload is processed", uploading), ("while its records are delivered", draining)):
            if values:
                print(f"[bench]   draft saves {name}: " + summary("draft save", values))
        for name, idle, busy in (("approve", idle_approvals, import_approvals), ("draft save", idle_saves, import_saves)):
            ratio = percentile(busy, 99) / percentile(idle, 99)
            print(f"[bench] {name}: p99 during import / p99 idle = {ratio:.2f}x (target <= 2x)")
        status = wq.college.get("/v1/status", wq.office_token())
        print(f"[bench] college outbox after the run: {status.body.get('outbox')}")
    finally:
        system.stop()
        print(f"[bench] service logs: {system.workdir}")


if __name__ == "__main__":
    main()
