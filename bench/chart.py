#!/usr/bin/python3
"""Draws the benchmark chart from a results file written by bench/cmd/runbench.

    chart.py RESULTS.json OUT.png

Needs matplotlib (Debian's python3-matplotlib: run with /usr/bin/python3).
Every panel puts wasinet next to its native baseline from the same run; a
dashed line marks the issue's target where there is one.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NATIVE1 = "#4c72b0"    # native, GOMAXPROCS=1
NATIVE_D = "#8fb0dd"   # native, default GOMAXPROCS
WASINET = "#dd8452"
V8 = "#55a868"
GUARD_ON = "#c44e52"
GUARD_OFF = "#e6a0a2"


def find(points, **want):
    for p in points:
        if all(p.get(k) == v for k, v in want.items()):
            return p
    return None


def value(p, key):
    return p[key] if p else 0


def short(v):
    if v >= 1e6:
        return f"{v/1e6:.1f}M"
    if v >= 1e4:
        return f"{v/1e3:.0f}k"
    if v >= 1e3:
        return f"{v/1e3:.1f}k"
    if v >= 10:
        return f"{v:.0f}"
    if v >= 1:
        return f"{v:.1f}"
    return f"{v:.2f}"


def bars(ax, groups, series, title, ylabel, log=False, target=None, target_label=None, baseline=None):
    """groups: x labels; series: [(label, color, [values per group])].
    baseline: index of the series the others' bars are labelled relative to
    (their value as a % of it)."""
    n = len(series)
    width = 0.8 / n
    for i, (label, color, values) in enumerate(series):
        xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
        rects = ax.bar(xs, values, width, label=label, color=color)
        for g, (r, v) in enumerate(zip(rects, values)):
            if v <= 0:
                continue
            text = short(v)
            if baseline is not None and i != baseline and series[baseline][2][g] > 0:
                text += f"\n{100 * v / series[baseline][2][g]:.0f}%"
            ax.annotate(text, (r.get_x() + r.get_width() / 2, v), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 1), textcoords="offset points")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    if log:
        ax.set_yscale("log")
    if target is not None:
        ax.axhline(target, color="black", linestyle="--", linewidth=0.8, label=target_label)
    ax.margins(y=0.25)
    ax.legend(fontsize=7, loc="upper left")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py RESULTS.json OUT.png")
    with open(sys.argv[1]) as f:
        r = json.load(f)
    fig, axes = plt.subplots(2, 4, figsize=(20, 9))
    conns = r["settings"]["http_conns"]
    http = r.get("http") or []

    def http_series(key, scale=1.0):
        return [
            ("native, GOMAXPROCS=1", NATIVE1,
             [value(find(http, server="native-gomaxprocs1", conns=c), key) * scale for c in conns]),
            ("native, default GOMAXPROCS", NATIVE_D,
             [value(find(http, server="native-default", conns=c), key) * scale for c in conns]),
            ("wasinet", WASINET, [value(find(http, server="wasinet", conns=c), key) * scale for c in conns]),
        ]

    groups = [f"{c} conn{'s' if c > 1 else ''}" for c in conns]
    bars(axes[0][0], groups, http_series("req_per_sec"), "HTTP hello (wrk): requests/s\n(% of native GOMAXPROCS=1)",
         "req/s", baseline=0)
    bars(axes[0][1], groups, http_series("p99_us", 1e-3), "HTTP hello (wrk): p99 latency", "ms (log)", log=True)

    comp = r.get("compute") or []
    bars(axes[0][2], ["parse + answer in memory"], [
        ("native, GOMAXPROCS=1", NATIVE1, [value(find(comp, runner="native"), "req_per_sec")]),
        ("wasinet", WASINET, [value(find(comp, runner="wasinet"), "req_per_sec")]),
        ("node (V8)", V8, [value(find(comp, runner="node-v8"), "req_per_sec")]),
    ], "Compute-only HTTP, no sockets\n(% of native)", "req/s", baseline=0)

    bulk = r.get("bulk") or []
    dirs = [("guest-to-host", "guest → host"), ("host-to-guest", "host → guest")]
    bars(axes[0][3], [d[1] for d in dirs], [
        ("native", NATIVE1, [value(find(bulk, direction=d, runner="native"), "mb_per_sec") for d, _ in dirs]),
        ("wasinet", WASINET, [value(find(bulk, direction=d, runner="wasinet"), "mb_per_sec") for d, _ in dirs]),
    ], "Bulk TCP throughput (MB = 10^6 bytes)", "MB/s", target=1000, target_label="target 1 GB/s")

    start = r.get("start") or []
    kinds = [("native", "native binary", NATIVE1), ("warm", "warm (cache)", WASINET),
             ("cold", "cold (no cache)", GUARD_ON)]
    ax = axes[1][0]
    vals = [value(find(start, kind=k), "median_ms") for k, _, _ in kinds]
    rects = ax.bar([lbl for _, lbl, _ in kinds], vals, color=[c for _, _, c in kinds])
    for rect, v in zip(rects, vals):
        if v > 0:
            ax.annotate(f"{v:.1f} ms", (rect.get_x() + rect.get_width() / 2, v), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 1), textcoords="offset points")
    ax.set_yscale("log")
    ax.axhline(25, color="black", linestyle="--", linewidth=0.8, label="target: warm ≤ 25 ms")
    ax.set_title("Start of a Go hello (median)", fontsize=10)
    ax.set_ylabel("ms (log)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.margins(y=0.15)
    ax.legend(fontsize=7)

    idle = r.get("idle") or []
    servers = [("native-gomaxprocs1", "native", NATIVE1), ("wasinet", "wasinet", WASINET),
               ("v0-guard-on", "old lib,\nguard on", GUARD_ON), ("v0-guard-off", "old lib,\nguard off", GUARD_OFF)]
    ax = axes[1][1]
    vals = [value(find(idle, server=s), "cpu_percent_of_core") for s, _, _ in servers]
    rects = ax.bar([lbl for _, lbl, _ in servers], vals, color=[c for _, _, c in servers])
    for rect, v in zip(rects, vals):
        ax.annotate(f"{v:.2f}%", (rect.get_x() + rect.get_width() / 2, v), ha="center", va="bottom",
                    fontsize=7, xytext=(0, 1), textcoords="offset points")
    ax.set_yscale("symlog", linthresh=1)
    ax.axhline(0.5, color="black", linestyle="--", linewidth=0.8, label="target < 0.5%")
    ax.set_title(f"Idle server CPU over {r['settings']['idle_sec']:g} s", fontsize=10)
    ax.set_ylabel("% of one core (linear to 1, then log)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_ylim(0, max(vals + [1]) * 3)
    ax.legend(fontsize=7)

    cn = r.get("conns") or []
    mem_groups = ["idle server"]
    for c in r["settings"]["idle_conns"]:
        p = find(cn, server="wasinet", conns=c)
        served = f"\nwasinet held {p['held']:,}\nserved {p['served']:,}" if p else ""
        mem_groups.append(f"{c:,} idle conns{served}")

    def mem(server):
        p = find(idle, server=server)
        out = [p["memory"]["vmrss_kib"] / 1024 if p else 0]
        for c in r["settings"]["idle_conns"]:
            p = find(cn, server=server, conns=c)
            out.append(p["memory"]["vmrss_kib"] / 1024 if p else 0)
        return out

    bars(axes[1][2], mem_groups, [("native, GOMAXPROCS=1", NATIVE1, mem("native-gomaxprocs1")),
                                  ("wasinet", WASINET, mem("wasinet"))],
         "Server memory (VmRSS)", "MiB")

    v0c = r["settings"]["v0_conns"]
    bars(axes[1][3], [f"{c} conn{'s' if c > 1 else ''}" for c in v0c], [
        ("native, GOMAXPROCS=1", NATIVE1,
         [value(find(http, server="native-gomaxprocs1", conns=c), "req_per_sec") for c in v0c]),
        ("old lib, guard on", GUARD_ON, [value(find(http, server="v0-guard-on", conns=c), "req_per_sec") for c in v0c]),
        ("old lib, guard off", GUARD_OFF,
         [value(find(http, server="v0-guard-off", conns=c), "req_per_sec") for c in v0c]),
    ], "Old-library guest (retries EAGAIN): requests/s\n(% of native GOMAXPROCS=1)", "req/s", baseline=0)

    title = f"wasinet vs native — {r['date']}, {r['machine']['cpus']} CPUs, {r['machine']['cpu_model']}"
    if r.get("quick"):
        title += "  (QUICK RUN: short durations)"
    fig.suptitle(title, fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
