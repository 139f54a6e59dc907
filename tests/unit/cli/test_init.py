"""The console script: the command line's own mistakes are one line and exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from synthocr.cli import main


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["synthocr", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.parametrize(("args", "line"), [
    (["nosuch"], "error: synthocr: No such command 'nosuch'."),
    (["train"], "error: synthocr train: Missing argument 'recipe'."),
    (["train", "r.yaml", "--data", "d", "--out", "o", "--steps", "0"],
     "error: synthocr train: Invalid value for '--steps': Input should be greater than or equal to 1"),
    (["train", "r.yaml", "--data", "d", "--out", "o", "--schedule-steps", "many"],
     "error: synthocr train: Invalid value for '--schedule-steps': Input should be a valid integer, unable to parse string as an integer"),
    (["generate", "r.yaml", "--out", "o", "--no-such-flag"], "error: synthocr generate: No such option: --no-such-flag"),
])
def test_a_command_line_mistake_is_one_line_and_exit_2(
    args: list[str], line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(monkeypatch, capsys, *args)
    assert (code, out, err.splitlines()) == (2, "", [line])
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_user_error_keeps_its_line_and_help_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(monkeypatch, capsys, "fonts", "--recipe", str(tmp_path / "none.yaml"))
    assert (code, err.splitlines()) == (2, [f"error: {tmp_path / 'none.yaml'}: recipe file not found"])
    code, out, _ = _run(monkeypatch, capsys, "--help")
    assert code == 0 and "generate" in out
