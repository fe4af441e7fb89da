"""kazoo 2.8 against a ZooKeeper ensemble whose members die under it.

Usage: kazoo_failover.py HOSTS ROOT

Talks to its driver (kazoo_failover_test.go) in lines: after each phase of
writes it prints "phase N" and waits for a line on stdin (the driver kills
or restarts members meanwhile). Writes go through KazooRetry: a create
lost with its connection is retried, and NodeExistsError on a retry means
the first attempt succeeded, so every path in "acked" was acknowledged.
At the end it prints one JSON line: the session ids before and after, the
ephemeral node's survival, and the acknowledged paths.
"""
import json
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NodeExistsError
from kazoo.retry import KazooRetry

hosts, root = sys.argv[1], sys.argv[2]
client = KazooClient(hosts=hosts, timeout=6.0,
                     connection_retry=KazooRetry(max_tries=-1, delay=0.05, max_delay=0.5),
                     command_retry=KazooRetry(max_tries=-1, delay=0.05, max_delay=0.5, deadline=30))
client.start(timeout=15)
session_before = client.client_id[0]
client.create(root + "/eph", b"", ephemeral=True)
acked = []
n = 0


def write():
    global n
    path = "%s/k%04d" % (root, n)
    n += 1

    def once():
        try:
            client.create(path, b"x")
        except NodeExistsError:
            pass  # an earlier attempt went through

    client.retry(once)
    acked.append(path)


PHASES = 6  # follower down, leader down, then each member down in turn
for phase in range(PHASES):
    for _ in range(20):
        write()
    print("phase %d" % phase, flush=True)
    if phase < PHASES - 1:
        sys.stdin.readline()

client.sync(root)
result = {
    "session_before": session_before,
    "session_after": client.client_id[0],
    "ephemeral": client.exists(root + "/eph") is not None,
    "acked": acked,
    "children": sorted(client.get_children(root)),
}
print(json.dumps(result), flush=True)
client.stop()
