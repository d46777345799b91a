"""Checks that a large map is streamed out, not built up in memory: exports the full map as a
small edge list and then as GEXF (several times larger) and compares the processes' peak
resident memory. Were the document held in memory, the GEXF export would need at least its
own size more; streamed, it needs about the same.

Usage: check_streaming.py path/to/samenhang OUT_DIR  (DATABASE_URL names the database)"""

import os
import resource
import subprocess
import sys


def peak_kib_after(args):
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main(binary, out):
    small = os.path.join(out, "national-full.edges.csv")
    large = os.path.join(out, "national-full.gexf")
    base = peak_kib_after([binary, "map", "full.edges.csv", "--out", small])
    # The peak over both children: at least the GEXF export's own peak.
    peak = peak_kib_after([binary, "map", "full.gexf", "--out", large])
    size_kib = os.path.getsize(large) // 1024
    grew = peak - base
    print(
        f"streaming: full.gexf {size_kib / 1024:.1f} MiB written; peak memory "
        f"{base / 1024:.0f} MiB for the edge list, {peak / 1024:.0f} MiB with the GEXF "
        f"(+{grew / 1024:.1f} MiB)"
    )
    if grew > size_kib // 2:
        print("streaming FAILED: memory grew with the document", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
