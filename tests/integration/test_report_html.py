"""report.html in headless Chromium: the chart bars are laid out and every example image decodes, offline."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from synthocr.dataset.records import Record
from synthocr.report import build_report

from .test_report import fabricate_predictions
from .train_fixtures import write_dataset

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    pytest.skip("chromium not installed: apt-get install chromium")


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}  # a throwaway profile: nothing from the user's browser
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, check=False)


def _body_data(dom: str) -> dict[str, str]:
    body = re.search(r"<body([^>]*)>", dom)
    assert body, dom[:500]
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body.group(1)))


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = _chromium()
    data = write_dataset(tmp_path / "data", {"test": 30}, shards=2)

    def misread(record: Record, i: int) -> bool:
        made = int(record.id.split("-")[1])  # Roboto-Regular 0-19 (14 misread), OpenSans-Regular 20-29 (1)
        return made % 10 < 7 if made < 20 else made == 22

    predictions = tmp_path / "run" / "predictions.parquet"
    fabricate_predictions(data, "test", predictions, misread)
    report = build_report(predictions, min_samples=5)
    expected_images = 6 + 1  # at most 6 worst examples per group
    assert list(report.groups["flagged"]) == [True, False]

    profile = tmp_path / "profile"
    dom = _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                "--dump-dom", report.html_path.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = _body_data(dom.stdout)
    assert found["images-expected"] == str(expected_images) and found["chart-bars-expected"] == "2"
    assert found.get("images-loaded") == str(expected_images), found
    assert found.get("chart-bars") == "2", found

    shot = tmp_path / "shot.png"
    done = _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1200,900",
                 f"--screenshot={shot}", report.html_path.as_uri()], tmp_path)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.size == (1200, 900)
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, bars and word images, not a blank page
    assert max(ImageStat.Stat(image).stddev) > 10
    bar_red = sum(n for n, rgb in colours if rgb == (0xC0, 0x39, 0x2B))
    assert bar_red > 1000  # the flagged group's bar (the only solid #c0392b on the page)
