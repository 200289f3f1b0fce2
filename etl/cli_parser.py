"""The command line's arguments, with their help and their errors in the reader's language (--lang).

argparse writes its help's headings and its errors in English, and its translation hook is gettext with
compiled catalogues; the dashboard's messages live in translations/*.toml. So a parser of this module
(``LocalisedParser``) writes its headings and help from the catalogue's ``cli_help`` table, and turns each
error argparse can report for these commands into the catalogue's sentence (``usage_message``; any other
stays argparse's own, still naming what and where). The language is read from the arguments before they are
parsed (``language_of``): ``python -m etl --lang zh load`` is told in Chinese that files are missing.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from etl import schema
from etl.uploads import DEFAULT_RETENTION_DAYS, RETENTION_ENV
from translations import DEFAULT_LANGUAGE, LANGUAGES, format_days, translate

EXIT_USAGE = 2
PROG = "python -m etl"

# The errors argparse (Python 3.11) reports for these commands, as it writes them, and the catalogue's
# sentence for each. A named group is a parameter of the sentence.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli_help.required"),
    (re.compile(r"unrecognized arguments: (?P<arguments>.+)"), "cli_help.unrecognized"),
    (re.compile(r"argument (?P<argument>.+?): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
     "cli_help.invalid_choice"),
    (re.compile(r"argument (?P<argument>.+?): invalid int value: (?P<value>.+)"), "cli_help.invalid_int"),
    (re.compile(r"argument (?P<argument>.+?): invalid float value: (?P<value>.+)"), "cli_help.invalid_float"),
    (re.compile(r"argument (?P<argument>.+?): expected (?:one|at least one) argument"), "cli_help.expected_value"),
)


def usage_message(message: str, lang: str) -> str:
    """argparse's error ``message`` as the catalogue writes it in ``lang`` (unchanged if it is none of
    ``_ARGPARSE_ERRORS``)."""
    for pattern, key in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return translate(lang, key, **found.groupdict())
    return message


def language_of(argv: Sequence[str] | None) -> str:
    """The language asked for by --lang, read before the arguments are parsed; an unknown one is the default
    (the parser then reports it, in the default language)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", nargs="?", default=DEFAULT_LANGUAGE)  # "--lang" alone: the parser reports it
    known, _ = early.parse_known_args(argv)
    return known.lang if known.lang in LANGUAGES else DEFAULT_LANGUAGE


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: str | None, actions: Iterable[argparse.Action], groups: Iterable[object],
                      prefix: str | None = None) -> None:
            # None is "the usage line's own word"; the subcommands' names are built with "" (no word).
            super().add_usage(usage, actions, groups, translate(lang, "cli_help.usage") if prefix is None else prefix)

    return Formatter


class LocalisedParser(argparse.ArgumentParser):
    """An argument parser whose help and errors are written in ``lang``."""

    def __init__(self, *args: object, lang: str, **kwargs: object) -> None:
        super().__init__(*args, add_help=False, formatter_class=_formatter(lang), **kwargs)  # type: ignore[misc]
        self.lang = lang
        # argparse names its two sections itself, in English, and offers no setting for them.
        self._positionals.title = translate(lang, "cli_help.positionals")
        self._optionals.title = translate(lang, "cli_help.options")
        self.add_argument("-h", "--help", action="help", help=translate(lang, "cli_help.help"))

    def format_help(self) -> str:
        """argparse ends each section's heading with an ASCII colon; Chinese writes the full-width one."""
        text = super().format_help()
        if self.lang != "zh":
            return text
        for title in (self._positionals.title, self._optionals.title):
            text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = translate(self.lang, "cli_help.error", message=usage_message(message, self.lang))
        self.exit(EXIT_USAGE, f"{self.prog}: {text}\n")


def build_parser(lang: str = DEFAULT_LANGUAGE) -> LocalisedParser:
    """Every command and option of ``python -m etl``, described in ``lang``."""
    says = functools.partial(translate, lang)
    parser = LocalisedParser(prog=PROG, description=says("cli_help.description"), lang=lang)
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help=says("cli_help.lang"))
    commands = parser.add_subparsers(dest="command", required=True,
                                     parser_class=functools.partial(LocalisedParser, lang=lang))

    check = commands.add_parser("validate", help=says("cli_help.validate"), description=says("cli_help.validate"))
    check.add_argument("files", nargs="+", type=Path, help=says("cli_help.files"))
    check.add_argument("--year", type=int, help=says("cli_help.year"))

    load = commands.add_parser("load", help=says("cli_help.load"), description=says("cli_help.load"))
    load.add_argument("files", nargs="+", type=Path, help=says("cli_help.files"))
    load.add_argument("--replace", action="store_true", help=says("cli_help.replace"))
    load.add_argument("--by", dest="loaded_by", help=says("cli_help.by"))
    load.add_argument("--year", type=int, help=says("cli_help.year_one_file"))
    load.add_argument("--provisional", action="store_true", help=says("cli_help.provisional"))
    _allow_empty_argument(load, lang)

    template = commands.add_parser("template", help=says("cli_help.template"), description=says("cli_help.template"))
    template.add_argument("out", type=Path, help=says("cli_help.out"))
    template.add_argument("--template-lang", choices=LANGUAGES, default=None, help=says("cli_help.template_lang"))

    commands.add_parser("history", help=says("cli_help.history"), description=says("cli_help.history"))

    restore_cmd = commands.add_parser("restore", help=says("cli_help.restore"), description=says("cli_help.restore"))
    restore_cmd.add_argument("load_id", type=int, help=says("cli_help.load_id"))
    restore_cmd.add_argument("--by", dest="loaded_by", help=says("cli_help.restore_by"))
    _allow_empty_argument(restore_cmd, lang)

    finalise = commands.add_parser("finalise", help=says("cli_help.finalise"), description=says("cli_help.finalise"))
    finalise.add_argument("year", type=int, help=says("cli_help.finalise_year"))
    finalise.add_argument("--by", dest="changed_by", help=says("cli_help.finalise_by"))

    export = commands.add_parser("export-package", help=says("cli_help.export"), description=says("cli_help.export"))
    export.add_argument("directory", type=Path, metavar="DIR", help=says("cli_help.directory"))

    retention = says("cli_help.purge", env=RETENTION_ENV, days=format_days(DEFAULT_RETENTION_DAYS, lang))
    purge = commands.add_parser("purge", help=retention, description=retention)
    purge.add_argument("--days", type=float, default=None, help=says("cli_help.days"))

    analyst = commands.add_parser("add-analyst", help=says("cli_help.add_analyst"),
                                  description=says("cli_help.add_analyst"))
    analyst.add_argument("name", help=says("cli_help.name"))
    analyst.add_argument("--secrets", type=Path, default=None, help=says("cli_help.secrets"))
    return parser


def _allow_empty_argument(command: argparse.ArgumentParser, lang: str) -> None:
    command.add_argument("--allow-empty", action="append", default=[], metavar="SHEET",
                         choices=[s.name for s in schema.SHEETS], help=translate(lang, "cli_help.allow_empty"))
