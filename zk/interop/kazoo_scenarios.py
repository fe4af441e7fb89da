#!/usr/bin/python3
"""kazoo 2.8 scenarios against one ZooKeeper server.

Usage: kazoo_scenarios.py HOST:PORT ROOT

Driven by kazoo_test.go (go test -tags interop ./zk/interop/), once per
target: first Apache ZooKeeper 3.8, then our server. Each scenario works
under ROOT/<scenario> and prints one JSON line:

    {"name": ..., "ok": true|false, "error": "...", "observed": {...}}

"observed" holds only values that must be equal on every correct server
(no zxids, times or session ids), so the Go side can also compare the two
servers' lines. Waits are on threading.Event with deadlines, never blind
sleeps. Reference: docs/reference/zookeeper.md §1.9 (kazoo's ops), §7
(recipes), §2 (four-letter words, kazoo #626).
"""

import json
import sys
import threading
import traceback

from kazoo.client import KazooClient
from kazoo.exceptions import (BadVersionError, NoNodeError, NodeExistsError,
                              NotEmptyError, NoChildrenForEphemeralsError)
from kazoo.protocol.states import EventType

WAIT = 10.0  # seconds any single expected event may take


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def expect_error(exc_type, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except exc_type:
        return exc_type.__name__
    except Exception as e:  # noqa: BLE001 - report the wrong error by name
        raise Fail("%s%r raised %s, want %s" % (fn.__name__, args, type(e).__name__, exc_type.__name__))
    raise Fail("%s%r succeeded, want %s" % (fn.__name__, args, exc_type.__name__))


def client(hosts):
    zk = KazooClient(hosts=hosts, timeout=10.0)
    zk.start(timeout=WAIT)
    return zk


def scenario_crud(hosts, root):
    zk = client(hosts)
    try:
        n = root + "/n"
        check(zk.create(n, b"v0") == n, "create returned wrong path")
        data, st = zk.get(n)
        check((data, st.version, st.data_length, st.numChildren) == (b"v0", 0, 2, 0), "fresh node %r %r" % (data, st))
        st = zk.set(n, b"v1", version=0)
        check(st.version == 1, "set version %d" % st.version)
        errs = [
            expect_error(BadVersionError, zk.set, n, b"x", version=0),
            expect_error(NodeExistsError, zk.create, n),
            expect_error(NoNodeError, zk.create, root + "/missing/kid"),
            expect_error(NoNodeError, zk.get, root + "/missing"),
            expect_error(BadVersionError, zk.delete, n, version=7),
        ]
        zk.ensure_path(n + "/a/b")
        zk.create(n + "/c")
        expect_error(NotEmptyError, zk.delete, n)
        kids = sorted(zk.get_children(n))
        seq = zk.create(n + "/s-", sequence=True)
        _, pst = zk.get(n)
        check(zk.exists(root + "/missing") is None, "exists on a missing node is not None")
        e = zk.create(root + "/eph", ephemeral=True)
        errs.append(expect_error(NoChildrenForEphemeralsError, zk.create, e + "/kid"))
        zk.delete(n, recursive=True)
        check(zk.exists(n) is None, "recursive delete left the node")
        return {"errors": errs, "children": kids, "seq": seq[len(root):],
                "parent": [pst.version, pst.cversion, pst.numChildren]}
    finally:
        zk.stop()
        zk.close()


def scenario_watches(hosts, root):
    zk = client(hosts)
    other = client(hosts)
    try:
        n = root + "/n"
        zk.create(n, b"0")
        data_calls, kid_calls = [], []
        data_seen = {b"0": threading.Event(), b"1": threading.Event(), None: threading.Event()}
        kids_seen = {1: threading.Event(), 2: threading.Event()}

        @zk.DataWatch(n)
        def on_data(data, stat, event=None):
            data_calls.append([data.decode() if data else None,
                               stat.version if stat else None,
                               event.type if event else None])
            if data in data_seen:
                data_seen[data].set()
            if data is None:
                return False  # node deleted: stop watching

        @zk.ChildrenWatch(n)
        def on_kids(children):
            kid_calls.append(sorted(children))
            if len(children) in kids_seen:
                kids_seen[len(children)].set()

        check(data_seen[b"0"].wait(WAIT), "DataWatch initial call missing")
        other.set(n, b"1")
        check(data_seen[b"1"].wait(WAIT), "DataWatch did not see set")
        other.create(n + "/a")
        check(kids_seen[1].wait(WAIT), "ChildrenWatch did not see create")
        other.create(n + "/b")
        check(kids_seen[2].wait(WAIT), "ChildrenWatch did not see second create")
        return {"data": data_calls, "children": kid_calls}
    finally:
        other.stop()
        other.close()
        zk.stop()
        zk.close()


def scenario_ephemeral(hosts, root):
    zk = client(hosts)
    owner = client(hosts)
    try:
        e = owner.create(root + "/e", b"x", ephemeral=True)
        es = owner.create(root + "/es-", ephemeral=True, sequence=True)
        _, st = zk.get(e)
        check(st.ephemeralOwner == owner.client_id[0], "ephemeralOwner %x != session %x" % (st.ephemeralOwner, owner.client_id[0]))
        gone = threading.Event()
        events = []

        def w(event):
            events.append(event.type)
            gone.set()

        check(zk.exists(e, watch=w) is not None, "ephemeral not visible to another session")
        owner.stop()  # closes the session
        owner.close()
        check(gone.wait(WAIT), "no event when the owning session closed")
        check(zk.exists(e) is None and zk.exists(es) is None, "ephemerals survived their session")
        return {"events": events, "seq": es[len(root):]}
    finally:
        zk.stop()
        zk.close()


def scenario_transaction(hosts, root):
    zk = client(hosts)
    try:
        x = root + "/x"
        zk.create(x, b"x")
        t = zk.transaction()
        t.create(root + "/a", b"a")
        t.set_data(x, b"xx", version=0)
        t.check(x, 1)
        t.delete(root + "/a")
        ok = t.commit()
        t = zk.transaction()
        t.create(root + "/b")
        t.check(x, 9)
        t.set_data(x, b"never")
        bad = t.commit()
        check(zk.exists(root + "/b") is None, "failed transaction created a node")
        check(zk.get(x)[0] == b"xx", "failed transaction changed data")

        def show(r):
            if isinstance(r, Exception):
                return type(r).__name__
            if hasattr(r, "version"):  # a ZnodeStat
                return ["stat", r.version, r.data_length]
            return r if not isinstance(r, str) else r[len(root):]
        return {"ok": [show(r) for r in ok], "failed": [show(r) for r in bad]}
    finally:
        zk.stop()
        zk.close()


def scenario_lock(hosts, root):
    workers, rounds = 3, 4
    clients = [client(hosts) for _ in range(workers)]
    errors, holders, counter = [], [0], [0]
    mu = threading.Lock()
    try:
        def work(i):
            lock = clients[i].Lock(root + "/lock", "w%d" % i)
            for _ in range(rounds):
                if not lock.acquire(timeout=WAIT * 3):
                    errors.append("w%d: acquire timed out" % i)
                    return
                with mu:
                    holders[0] += 1
                    if holders[0] != 1:
                        errors.append("%d holders at once" % holders[0])
                counter[0] += 1
                clients[i].set(root + "/lock", b"%d" % counter[0])  # a write while holding it
                with mu:
                    holders[0] -= 1
                lock.release()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        [th.start() for th in threads]
        [th.join(WAIT * 6) for th in threads]
        check(not any(th.is_alive() for th in threads), "lock workers hung")
        check(not errors, "; ".join(errors))
        left = clients[0].get_children(root + "/lock")
        return {"count": counter[0], "left": left}
    finally:
        for c in clients:
            c.stop()
            c.close()


def scenario_election(hosts, root):
    n = 3
    clients = [client(hosts) for _ in range(n)]
    led, errors, leading = [], [], [0]
    mu = threading.Lock()
    done = threading.Event()
    try:
        def lead(i):
            with mu:
                leading[0] += 1
                if leading[0] != 1:
                    errors.append("%d leaders at once" % leading[0])
                led.append(i)
            # Contenders: everybody is in the election while the first leads.
            clients[i].set(root + "/election", b"w%d" % i)
            with mu:
                leading[0] -= 1
                if len(led) == n:
                    done.set()

        elections = [c.Election(root + "/election", "w%d" % i) for i, c in enumerate(clients)]
        threads = [threading.Thread(target=e.run, args=(lead, i)) for i, e in enumerate(elections)]
        [th.start() for th in threads]
        check(done.wait(WAIT * 3), "not every candidate led once: %r" % led)
        [th.join(WAIT) for th in threads]
        check(not errors, "; ".join(errors))
        return {"leaders": len(led), "distinct": len(set(led))}
    finally:
        for c in clients:
            c.stop()
            c.close()


def scenario_fourlw(hosts, root):
    zk = client(hosts)
    try:
        version = zk.server_version()
        ruok = zk.command(b"ruok")
        srvr = zk.command(b"srvr")
        check(ruok == "imok", "ruok answered %r" % ruok)
        check("Mode: standalone" in srvr, "srvr lacks 'Mode: standalone': %r" % srvr)
        return {"version": list(version[:2]), "ruok": ruok}
    finally:
        zk.stop()
        zk.close()


SCENARIOS = [
    ("crud", scenario_crud),
    ("watches", scenario_watches),
    ("ephemeral", scenario_ephemeral),
    ("transaction", scenario_transaction),
    ("lock", scenario_lock),
    ("election", scenario_election),
    ("fourlw", scenario_fourlw),
]


def main():
    hosts, root = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    setup = client(hosts)
    setup.ensure_path(root)
    for name, _ in SCENARIOS:
        setup.ensure_path(root + "/" + name)
    setup.stop()
    setup.close()
    failed = False
    for name, fn in SCENARIOS:
        if only and name not in only:
            continue
        line = {"name": name, "ok": True}
        try:
            line["observed"] = fn(hosts, root + "/" + name)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failed = True
            line.update(ok=False, error="%s: %s" % (type(e).__name__, e),
                        trace=traceback.format_exc(limit=4))
        print(json.dumps(line, sort_keys=True), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
