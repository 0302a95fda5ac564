"""Merges the JSON figures of one tools/bench/run into a markdown table with ratios, one JSON file and a PNG plot.

Goals (issue 6): sessiond's durable appends >= 10x each peer's, bytes on disk <= 1/3, full-transcript load
>= 5x faster, and the append rate within 2x of the raw fdatasync-per-batch limit at the same batch size.
"""

import argparse
import json
import os

from adapters import markdown as adapters_markdown


def load(paths):
    results = []
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            data = json.load(f)
        results += data if isinstance(data, list) else [data]
    return results


def num(value, digits=0):
    if value is None:
        return "N/A"
    return f"{value:,.{digits}f}"


def ratio(ours, theirs, higher_is_better=True):
    if not ours or not theirs:
        return None
    return ours / theirs if higher_is_better else theirs / ours


def table(results):
    adapters = [r for r in results if "framework" in r]
    results = [r for r in results if "framework" not in r]
    systems = [r for r in results if r["system"] != "physical limits"]
    limits = next((r for r in results if r["system"] == "physical limits"), None)
    lines = [
        "| System | Durability (default) | Durable appends/s | Append p50 / p99 ms "
        "| One session alone: appends/s, p50 / p99 ms | Bytes on disk "
        "| Transcript load p50 / p99 ms (sessiond: unchanged session; cold: first load after a change) "
        "| As-of read p50 / p99 ms | Recover / rebuild s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in systems:
        as_of = (f"{num(r.get('as_of_p50_ms'), 2)} / {num(r.get('as_of_p99_ms'), 2)}"
                 if "as_of_p50_ms" in r else "N/A")
        recover = num(r.get("recover_s"), 3) + (f" / {num(r['rebuild_s'], 3)}" if "rebuild_s" in r else "")
        # sessiond keeps a session's latest export (decision 0153): the cold figure is the render after a change.
        cold = (f" (cold {num(r['transcript_cold_p50_ms'], 2)} / {num(r.get('transcript_cold_p99_ms'), 2)})"
                if "transcript_cold_p50_ms" in r else "")
        lines.append(
            f"| {r['system']} | {r.get('durability', '')} | {num(r.get('appends_per_s'))} "
            f"| {num(r.get('append_p50_ms'), 2)} / {num(r.get('append_p99_ms'), 2)} "
            f"| {num(r.get('sequential_appends_per_s'))}, {num(r.get('sequential_p50_ms'), 2)} / "
            f"{num(r.get('sequential_p99_ms'), 2)} | {num(r.get('bytes_on_disk'))} "
            f"| {num(r.get('transcript_p50_ms'), 2)} / {num(r.get('transcript_p99_ms'), 2)}{cold} | {as_of} | {recover} |")
    if limits:
        lines += ["", "| Physical limit (same bytes, same run) | Figure |", "|---|---|"]
        for r in systems:
            if "raw_fdatasync_per_s" in r:
                lines.append(f"| write + fdatasync per {r['raw_fdatasync_batch']}-item batch (Swift loop) "
                             f"| {num(r['raw_fdatasync_per_s'])} items/s |")
        lines.append(f"| write + fdatasync per {limits['fdatasync_batch']}-item batch (Python loop) "
                     f"| {num(limits['python_fdatasync_per_s'])} items/s |")
        lines.append(f"| zstd decompression of the corpus (level 3) | {num(limits['zstd_decompress_mb_per_s'])} MB/s = "
                     f"{num(limits['zstd_decompress_items_per_s'])} items/s (ratio {limits['zstd_ratio']:.2f}x) |")
        lines.append(f"| raw SQLite inserts, one transaction | {num(limits['sqlite_one_transaction_rows_per_s'])} rows/s |")
    ours = [r for r in systems if r["system"].startswith("sessiond")]
    peers = [r for r in systems if not r["system"].startswith("sessiond")]
    if ours and peers:
        # Each peer's load reads and parses its store every time; sessiond's warm load is its kept export of the
        # unchanged session, its cold one the first load after the session changed (rendered from the projection).
        lines += ["", "| sessiond vs peer | appends (goal >= 10x) | bytes (goal <= 1/3) "
                  "| transcript load, unchanged session (goal >= 5x) | first load after a change (cold) |",
                  "|---|---|---|---|---|"]
        for o in ours:
            for p in peers:
                a = ratio(o.get("appends_per_s"), p.get("appends_per_s"))
                b = ratio(o.get("bytes_on_disk"), p.get("bytes_on_disk"), higher_is_better=True)
                t = ratio(o.get("transcript_p50_ms"), p.get("transcript_p50_ms"), higher_is_better=False)
                c = ratio(o.get("transcript_cold_p50_ms"), p.get("transcript_p50_ms"), higher_is_better=False)
                lines.append(
                    f"| {o['system']} vs {p['system']} | {mark(a, a is not None and a >= 10, 'x')} "
                    f"| {mark(b, b is not None and b <= 1 / 3, 'x of its bytes')} "
                    f"| {mark(t, t is not None and t >= 5, 'x faster')} "
                    f"| {mark(c, c is not None and c >= 5, 'x faster')} |")
        for o in ours:
            limit = next((r.get("raw_fdatasync_per_s") for r in ours if "raw_fdatasync_per_s" in r), None)
            if limit and o.get("appends_per_s"):
                share = limit / o["appends_per_s"]
                lines.append(f"| {o['system']} vs raw fdatasync limit | {mark(share, share <= 2, 'x below the limit')} "
                             f"(goal within 2x) | | | |")
    if adapters:
        # Issue 10's goals: with 32 agents >= 5x the built-in store's appends, with one no slower, loads never slower.
        lines += ["", "Framework adapters (tools/bench/adapters.py): each framework on its built-in store and on sessiond", "",
                  adapters_markdown(adapters)]
    return "\n".join(lines)


def mark(value, met, unit):
    if value is None:
        return "N/A"
    return f"{value:,.2f}{unit} {'(met)' if met else '(not met)'}"


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    systems = [r for r in results if r.get("system", "physical limits") != "physical limits"]
    names = [r["system"].replace(" ", "\n", 1) for r in systems]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    panels = [("appends_per_s", "durable appends/s (log scale)"), ("append_p99_ms", "append p99 latency, ms (log)"),
              ("transcript_p50_ms", "1,000-message transcript load p50, ms (log)")]
    for axis, (key, title) in zip(axes, panels):
        values = [r.get(key) or 0 for r in systems]
        axis.barh(names, values, color=["#2b6cb0" if r["system"].startswith("sessiond") else "#a0aec0" for r in systems])
        axis.set_xscale("log")
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="+", help="JSON files from sessiond-bench --json and peers.py --out")
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--png")
    args = parser.parse_args()
    results = load(args.inputs)
    text = table(results)
    with open(args.markdown, "w") as f:
        f.write(text + "\n")
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    if args.png:
        plot(results, args.png)
    print(text)


if __name__ == "__main__":
    main()
