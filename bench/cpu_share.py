"""Where the CPU goes during a bench phase, process by process (Linux ``/proc``).

A profile at the grain of processes: for each platform process (its whole tree, so rq's work
horses and gunicorn's workers count with their parent, reaped or alive), the PostgreSQL server
and the Redis server, the CPU seconds spent between two snapshots. py-spy then says where the
time goes inside the one that matters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command, parent pid, own CPU s, reaped children's CPU s) of a process, or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    # After the name: state ppid ... utime(14th field overall) stime cutime cstime.
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return name, ppid, (utime + stime) / TICKS, (cutime + cstime) / TICKS


def _table() -> dict[int, tuple[str, int, float, float]]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                out[int(entry.name)] = stat
    return out


def _tree_cpu(root: int, table: dict[int, tuple[str, int, float, float]]) -> float:
    children: dict[int, list[int]] = {}
    for pid, (_, ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][2] + table[pid][3]
        todo.extend(children.get(pid, []))
    return total


def snapshot(procs: dict[str, int], servers: Iterable[str] = ("postgres", "redis-server")
             ) -> dict[str, float]:
    """CPU seconds so far of each named process tree and of each server by command name."""
    table = _table()
    out = {name: _tree_cpu(pid, table) for name, pid in procs.items()}
    for server in servers:
        roots = [pid for pid, (cmd, ppid, _, _) in table.items()
                 if cmd.startswith(server[:15]) and table.get(ppid, ("",))[0] != cmd]
        out[server] = sum(_tree_cpu(pid, table) for pid in roots)
    out["this bench (load generator)"] = table[os.getpid()][2]  # its own, not its children
    return out


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per process between two snapshots, largest first."""
    delta = {k: round(after.get(k, 0.0) - v, 2) for k, v in before.items()}
    return dict(sorted(delta.items(), key=lambda kv: -kv[1]))
