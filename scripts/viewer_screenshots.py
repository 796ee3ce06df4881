"""Screenshots of the probe viewer in headless Chromium, for docs/.

    python scripts/viewer_screenshots.py RESULTS.duckdb docs/ --probe CONVERSATION/PROBE

Needs Debian's chromium and chromium-driver and the dev extra (selenium).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from urllib.parse import quote

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from memlab.commands.view import load_page
from memlab.lab.view import ViewServer

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def main() -> None:
    """Save viewer-leaderboard.png and viewer-probe.png into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("out", type=Path)
    parser.add_argument("--probe", required=True, help="CONVERSATION/PROBE to show")
    args = parser.parse_args()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    conversation, probe = args.probe.split("/", 1)
    shots = {
        "viewer-leaderboard.png": ("#/", (1400, 820)),
        "viewer-probe.png": (f"#/probe/{quote(conversation)}/{quote(probe)}", (1200, 1100)),
    }
    try:
        with ViewServer(load_page(args.db, experiment=None, dataset=None)) as server:
            for name, (route, (width, height)) in shots.items():
                driver.set_window_size(width, height)
                driver.get(server.url + route)
                time.sleep(1)
                driver.save_screenshot(str(args.out / name))
                print(f"wrote {args.out / name}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
