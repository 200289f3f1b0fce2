"""The command line's own help and usage errors in the language asked for (--lang, default Indonesian):
argparse wrote them in English ("error: the following arguments are required: files") whatever --lang said."""

from __future__ import annotations

import contextlib
import io

import pytest

from etl.cli import main
from tests.paths import SAMPLE_FILES
from translations import translate


def run(*argv: str) -> tuple[int, str, str]:
    """main(argv) in this process: (exit code, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 0
    return code, stdout.getvalue(), stderr.getvalue()


ENGLISH_ARGPARSE = ("usage:", "error:", "the following arguments", "invalid", "unrecognized", "expected",
                    "positional arguments", "options:", "show this help")


@pytest.mark.parametrize(("argv", "key", "params"), [
    (("load",), "cli_help.required", {"names": "files"}),
    (("load", "2019.xlsx", "--year", "abc"), "cli_help.invalid_int", {"argument": "--year", "value": "'abc'"}),
    (("purge", "--days", "x"), "cli_help.invalid_float", {"argument": "--days", "value": "'x'"}),
    (("load", "2019.xlsx", "--by"), "cli_help.expected_value", {"argument": "--by"}),
    (("history", "extra"), "cli_help.unrecognized", {"arguments": "extra"}),
    (("load", "2019.xlsx", "--allow-empty", "nope"), "cli_help.invalid_choice",
     {"argument": "--allow-empty", "value": "'nope'",
      "choices": "'participants', 'activities', 'benefits', 'obstacles'"}),
])
@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_usage_error_is_told_in_the_readers_language(lang: str, argv: tuple[str, ...], key: str,
                                                      params: dict[str, str]) -> None:
    code, stdout, stderr = run("--lang", lang, *argv)
    assert code == 2 and stdout == ""
    said = translate(lang, "cli_help.error", message=translate(lang, key, **params))
    assert stderr.splitlines()[-1].endswith(f": {said}"), stderr
    assert stderr.startswith(translate(lang, "cli_help.usage")), stderr
    assert not [word for word in ENGLISH_ARGPARSE if word in stderr], stderr


def test_an_unknown_or_missing_language_is_reported_in_the_default_one() -> None:
    code, _, stderr = run("--lang", "xx", "history")
    assert code == 2
    assert translate("id", "cli_help.invalid_choice", argument="--lang", value="'xx'",
                     choices="'id', 'en', 'zh'") in stderr, stderr
    code, _, stderr = run("--lang")  # read before parsing, it printed argparse's English error itself
    assert code == 2 and translate("id", "cli_help.expected_value", argument="--lang") in stderr, stderr


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_help_is_written_in_the_readers_language(lang: str) -> None:
    code, stdout, _ = run("--lang", lang, "--help")
    assert code == 0
    for key in ("description", "positionals", "options", "help", "lang", "validate", "load", "history"):
        assert translate(lang, f"cli_help.{key}") in " ".join(stdout.split()), (key, stdout)
    _, load_help, _ = run("--lang", lang, "load", "--help")
    for key in ("files", "replace", "by", "year_one_file", "allow_empty"):
        assert translate(lang, f"cli_help.{key}") in " ".join(load_help.split()), (key, load_help)
    if lang != "en":
        assert not [word for word in ENGLISH_ARGPARSE if word in stdout + load_help], stdout
    if lang == "zh":  # the full-width colon after each section's heading, as Chinese writes it
        headings = [line for line in (stdout + load_help).splitlines() if line and not line.startswith(" ")
                    and line.endswith((":", "："))]
        assert headings and all(line.endswith("：") for line in headings), headings


@pytest.mark.parametrize(("lang", "separator"), [("zh", "、"), ("en", ", ")])
def test_a_checked_files_rows_are_listed_as_the_language_lists(lang: str, separator: str) -> None:
    """"participants 137, activities 17, …" stood inside a Chinese sentence; Chinese lists with 、."""
    code, out, _ = run("--lang", lang, "validate", str(SAMPLE_FILES[2]))
    counts = {"participants": 137, "activities": 17, "benefits": 20, "obstacles": 7}  # the 2019 sample's rows
    rows = separator.join(translate(lang, "cli.rows_per_sheet", sheet=sheet, count=count)
                          for sheet, count in counts.items())
    assert code == 0 and translate(lang, "cli.ok_file", file="2019.xlsx", year=2019, rows=rows) in out, out
