#!/usr/bin/env python
"""Draw the cost curve from `bench` reports at several sizes: a markdown table (printed),
the combined JSON and a PNG plot.

    .venv/bin/python scripts/cost_curve.py docs/cost-curve/bench-10k.json \
        docs/cost-curve/bench-100k.json docs/cost-curve/bench-1m.json --out docs/cost-curve
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))
from archive.benchmark.curve import curve, markdown, plot  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, nargs="+", help="bench --json files")
    parser.add_argument("--out", type=Path, required=True, help="folder for curve.json/png")
    options = parser.parse_args()
    result = curve([json.loads(path.read_text()) for path in options.reports])
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "curve.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    plot(result, options.out / "curve.png")
    print(markdown(result))
    print(f"\nWritten: {options.out / 'curve.json'}, {options.out / 'curve.png'}")


if __name__ == "__main__":
    main()
