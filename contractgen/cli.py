"""The `contractgen` command. Maps every failure to an exit code: 0 ok, 1 internal or library fault,
2 bad input (validation, usage, a file that would be overwritten), 3 `check` found a risk at --fail-on,
4 `verify` found the returned contract differs; no traceback unless --debug."""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import traceback
from pathlib import Path

from .library.definitions import available_documents
from .core.errors import ContractgenError, InputError, ValidationError
from .core.messages import message
from .interview.definitions import available_interviews
from .documents.manifest import tool_version
from .core.progress import Progress
from .core.text import Text
from .render import LAYOUTS

DEMO_ORDER = "houseware-tooling.yaml"


# The CLI's own sentences (English: the CLI prints English; their Chinese is in the catalog with them).
_SAY = {
    "warning": message("cli.warning", "warning: {warning}"),
    "built": message("cli.built", "Built {n} document(s) for contract {contract}:"),
    "demo_order": message("cli.demo_order", "Demo order: {order}"),
    "demo_built": message("cli.demo_built", "Built the document set for contract {contract} into {folder}/:"),
    "demo_next": message("cli.demo_next", "Send the PDFs; edit the .docx files in Word or LibreOffice if you must; "
                                          "the .manifest.json files record which clause versions went into each "
                                          "document."),
    "skeleton": message("cli.skeleton", "Wrote the answers skeleton for {interview}:"),
    "skeleton_next": message("cli.skeleton_next", "Fill it in, then run: contractgen check {file}"),
    "spreadsheet": message("cli.spreadsheet", "Wrote the order spreadsheet for {interview}:"),
    "spreadsheet_next": message("cli.spreadsheet_next", "One row per order in sheet 'orders', one row per product "
                                                        "line in sheet 'products'; then run: contractgen batch {file}"),
    "lint_problems": message("cli.lint_problems", "{n} problem(s)"),
    "lint_clean": message("cli.lint_clean", "clause library: no problems"),
    "invalid": message("cli.invalid", "contractgen: {n} problem(s) in the answers:"),
    "input_error": message("cli.input_error", "contractgen: error: {message}"),
    "library_error": message("cli.library_error", "contractgen: library or internal error: {message}"),
    "interrupted": message("cli.interrupted", "contractgen: interrupted; no partial files were left behind"),
    "internal_error": message("cli.internal_error", "contractgen: internal error: {error} (run with --debug for "
                                                    "details)"),
}


def _say(key: str, **values) -> str:
    return _SAY[key].english(**values)


def _print(text: str = "") -> None:
    print(text, flush=True)


def _warn_unknown(answers) -> None:
    for warning in answers.warnings:
        print(_say("warning", warning=warning), file=sys.stderr)


def _report_files(files) -> None:
    for path, status in files:
        _print(f"  {status:9} {path}")


# what the CLI adds around a clause's notice (the notice itself is clause data, EN and ZH)
NOTICE = Text("Notice", "提示")


def _print_notices(notices: list[dict], langs: tuple[str, ...]) -> None:
    """A clause file's `notice` for each selected clause that has one (e.g. a forum clause that is not
    the institution's official model clause), in the languages asked."""
    for notice in notices:
        for lang in langs:
            _print(f"{getattr(NOTICE, lang)} ({notice['clause']}): {notice[lang]}")


def _progress(documents: list[str], formats: list[str]) -> Progress:
    """One line per file made, on stderr (a bar on a terminal): stdout stays the list of files written."""
    return Progress(len(documents) * len(formats), sys.stderr, "files")


def cmd_build(args) -> int:
    from .build import build, resolve_documents, set_notices
    from .core.output import local_folder

    documents = resolve_documents(args.docs)
    progress = _progress(documents, args.format)
    try:
        result = build(args.answers, documents, args.format, args.layout, local_folder(args.output or "."),
                       args.force, progress)
    finally:
        progress.close()
    _warn_unknown(result.answers)
    _print(_say("built", n=len(result.documents), contract=result.documents[0].reference))
    _report_files(result.files)
    _print_notices(set_notices(result.documents), ("en", "zh"))
    return 0


def cmd_demo(args) -> int:
    from .build import build, resolve_documents
    from .core.output import local_folder
    from .core.resources import data_path

    order = data_path("examples", DEMO_ORDER)
    outdir = local_folder(args.output)
    formats = ["docx", "md"] if args.no_pdf else ["docx", "pdf", "md"]
    documents = resolve_documents(["all"])
    progress = _progress(documents, formats)
    try:
        result = build(order, documents, formats, args.layout, outdir, args.force, progress)
    finally:
        progress.close()
    _print(_say("demo_order", order=order))
    _print(_say("demo_built", contract=result.documents[0].reference, folder=outdir))
    _report_files(result.files)
    _print(_say("demo_next"))
    return 0


def cmd_init(args) -> int:
    from .interview.definitions import load_interview
    from .core.output import write_files
    from .interview.skeleton import skeleton

    text = skeleton(load_interview(args.interview))
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    files = write_files({Path(args.output): text.encode("utf-8")}, args.force)
    _print(_say("skeleton", interview=args.interview))
    _report_files(files)
    _print(_say("skeleton_next", file=args.output))
    return 0


def cmd_interview(args) -> int:
    from .terminal.interview import run_interview

    return run_interview(args.interview, args.output, args.resume, args.lang, args.force)


def cmd_check(args) -> int:
    from .answers.load import load_answers
    from .build import interview_for, order_notices, resolve_documents
    from .risk.assess import assess
    from .risk.summary import summary_json, summary_text

    documents = resolve_documents(args.docs)
    interview = interview_for(documents)
    answers = load_answers(args.answers, interview)
    _warn_unknown(answers)
    assessment = assess(answers.data, interview)
    failed = bool(assessment.at_or_above(args.fail_on))
    notices = order_notices(answers.data, documents, str(args.answers))
    if args.format == "json":
        record = json.loads(summary_json(assessment, str(args.answers), documents, args.fail_on, failed))
        _print(json.dumps({**record, "notices": notices}, ensure_ascii=False, indent=2))
    else:
        _print(summary_text(assessment, str(args.answers), documents, args.lang))
        _print_notices(notices, (args.lang,))
    return 3 if failed else 0


def cmd_batch(args) -> int:
    from .batch.run import run_batch

    return run_batch(args.sheet, args.docs, args.format, args.layout, args.output or ".", args.jobs, args.force,
                     scheduler=args.scheduler)


def cmd_batch_template(args) -> int:
    from .batch.template import template_workbook
    from .interview.definitions import load_interview
    from .core.output import write_files

    files = write_files({Path(args.output): template_workbook(load_interview(args.interview))}, args.force)
    _print(_say("spreadsheet", interview=args.interview))
    _report_files(files)
    _print(_say("spreadsheet_next", file=args.output))
    return 0


def cmd_serve(args) -> int:
    from .web.app import serve

    return serve(args.host, args.port, args.interview)


def cmd_clauses_list(args) -> int:
    from .library.clauses import load_library

    library = load_library()
    for clause in sorted(library.clauses.values(), key=lambda c: c.id):
        if args.document and args.document not in clause.applies_to:
            continue
        _print(f"{clause.id:32} {clause.version:8} {clause.status:9} {clause.title.en} / {clause.title.zh}")
    return 0


def cmd_clauses_show(args) -> int:
    from .library.clauses import load_library

    clause = load_library().get(args.id)
    _print(f"id:         {clause.id}\nversion:    {clause.version}\nstatus:     {clause.status}")
    _print(f"title:      {clause.title.en} / {clause.title.zh}\nfile:       {clause.file}")
    _print(f"applies_to: {', '.join(clause.applies_to)}\nwhen:       {clause.when.source if clause.when else '(always)'}")
    for relation in ("requires", "excludes", "alternatives"):
        if getattr(clause, relation):
            _print(f"{relation + ':':11} {', '.join(getattr(clause, relation))}")
    _print(f"sha256:     {clause.sha256}\n\n--- EN ---\n{clause.text.en.rstrip()}\n\n--- ZH ---\n{clause.text.zh.rstrip()}")
    if clause.notes:
        _print(f"\n--- notes (not printed in documents) ---\n{clause.notes.rstrip()}")
    return 0


def cmd_clauses_preview(args) -> int:
    from .build import preview_clause
    from .core.resources import data_path

    answers = args.answers or data_path("examples", DEMO_ORDER)
    preview = preview_clause(args.id, answers)
    clause = preview.clause
    _print(f"{clause.id}@{clause.version}: {clause.title.en} / {clause.title.zh}")
    _print(f"answers: {answers} (as in {preview.document})")
    if not preview.selected:
        _print(f"note: its when ({clause.when.source}) is false for these answers, so no document would include it")
    _print("\n--- EN ---\n" + "\n\n".join(preview.paragraphs_en))
    _print("\n--- ZH ---\n" + "\n\n".join(preview.paragraphs_zh))
    return 0


def cmd_clauses_lint(args) -> int:
    from .lint import glossary_rule, lint

    problems = lint(Path(args.library) if args.library else None)
    for problem in problems:
        _print(str(problem))
    if any("the glossary forbids" in problem.message for problem in problems):
        _print(glossary_rule())
    if problems:
        print(_say("lint_problems", n=len(problems)), file=sys.stderr)
        return 2
    _print(_say("lint_clean"))
    return 0


def cmd_verify(args) -> int:
    from .core.output import write_files
    from .verify.redline import redline_docx
    from .verify.report import report_json, report_text
    from .verify.run import EXIT_DIFFERS, verify

    result = verify([Path(p) for p in args.returned], Path(args.against) if args.against else None,
                    Path(args.answers) if args.answers else None, args.doc, args.layout,
                    Path(args.library) if args.library else None, args.docs)
    if args.redline:
        files = write_files({Path(args.redline): redline_docx(result)}, args.force)
        for path, status in files:
            print(f"redline {status}: {path}", file=sys.stderr)
    _print(report_json(result) if args.format == "json" else report_text(result))
    return 0 if result.matches else EXIT_DIFFERS


def cmd_clauses_impact(args) -> int:
    from .audit.impact import impact, impact_csv, impact_json, impact_text

    found, problems = impact(args.clause, [Path(f) for f in args.folders])
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(impact_csv(found))
    else:
        _print(impact_json(args.clause, found) if args.format == "json" else impact_text(args.clause, found))
    return 0


def cmd_clauses_diff(args) -> int:
    from .audit.diff import diff_json, diff_libraries, diff_text

    result = diff_libraries(args.old, args.new)
    _print(diff_json(result) if args.format == "json" else diff_text(result))
    return 2 if result.problems else 0


class DocumentNames(argparse.Action):
    """`--docs a b` or `--docs a,b`. Each name is checked as it is parsed, so a file name the list swallowed
    (`build --docs all order.yaml`) is a usage error that says where the file goes."""

    def __call__(self, parser, namespace, values, option_string=None):
        known = ["all", *available_documents()]
        names = [name.strip() for value in values for name in value.split(",") if name.strip()]
        if not names:
            raise argparse.ArgumentError(self, f"expected document names (one of: {', '.join(known)}), found none")
        for name in names:
            if name not in known:
                looks_like_file = "." in name or os.sep in name or Path(name).exists()
                hint = "; give the file before --docs, or end the list with --" if looks_like_file else ""
                raise argparse.ArgumentError(self, f"expected document names (one of: {', '.join(known)}), "
                                                   f"found {name!r}{hint}")
        setattr(namespace, self.dest, names)


def _parser() -> argparse.ArgumentParser:
    interviews, documents = available_interviews(), available_documents()
    interview_help = f"interview name, one of: {', '.join(interviews)}"
    docs_help = f"comma- or space-separated, from: all (every document), {', '.join(documents)}"
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    top.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    # Sub-commands accept --debug too; SUPPRESS keeps them from resetting a --debug given before them.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback on errors")
    parser = argparse.ArgumentParser(
        prog="contractgen", parents=[top], formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Bilingual (EN/ZH) contracts for buying from Chinese factories, from one answers file.",
        epilog="\n".join([*textwrap.wrap(f"interviews: {', '.join(interviews)}", subsequent_indent="  "),
                          *textwrap.wrap(f"documents (--docs, comma- or space-separated): all, {', '.join(documents)}",
                                         subsequent_indent="  "),
                          "", "`contractgen COMMAND --help` describes a command."]))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, handler, help_text: str):
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def output_options(sub, default_output: str | None):
        sub.add_argument("-o", "--output", default=default_output, metavar="DIR",
                         help=f"folder for the outputs (default: {default_output or 'the current folder'})")
        sub.add_argument("--layout", default="parallel", choices=LAYOUTS,
                         help="parallel: EN | ZH columns (default); stacked: EN then ZH per clause; en or zh only")
        sub.add_argument("--force", action="store_true", help="replace existing outputs that differ")

    sub = command("demo", cmd_demo, "build the full document set for the bundled example order")
    output_options(sub, "contractgen-demo")
    sub.add_argument("--no-pdf", action="store_true", help="skip the PDFs (they need the Chinese fonts)")

    sub = command("init", cmd_init, "write a commented answers skeleton for an interview")
    sub.add_argument("interview", choices=interviews, metavar="INTERVIEW", help=interview_help)
    sub.add_argument("-o", "--output", required=True, metavar="FILE", help="answers file to write ('-' for stdout)")
    sub.add_argument("--force", action="store_true", help="replace an existing file")

    sub = command("interview", cmd_interview, "answer an interview's questions in the terminal and save the "
                                              "answers file (Ctrl-C saves the answers so far for --resume)")
    sub.add_argument("interview", choices=interviews, metavar="INTERVIEW", help=interview_help)
    sub.add_argument("-o", "--output", metavar="FILE",
                     help="answers file to save (default: the --resume file, else order.yaml)")
    sub.add_argument("--resume", metavar="FILE", help="continue the answers in FILE (saved by an earlier Ctrl-C)")
    sub.add_argument("--lang", default="en", choices=("en", "zh"), help="language of the questions (default: en)")
    sub.add_argument("--force", action="store_true", help="replace an existing answers file")

    sub = command("check", cmd_check, "validate an answers file and print the pre-deposit risk summary "
                                      "(exit 3 when a finding is at or above --fail-on)")
    sub.add_argument("answers", help="answers YAML file")
    sub.add_argument("--docs", nargs="+", action=DocumentNames, default=["sales_contract"], metavar="DOC",
                     help=f"documents the answers are for (default: sales_contract); {docs_help}")
    sub.add_argument("--format", default="text", choices=("text", "json"),
                     help="text for reading (default), json for scripts")
    sub.add_argument("--fail-on", default="very-high", choices=("low", "medium", "high", "very-high"),
                     help="exit 3 when any finding is in this band or above (default: very-high)")
    sub.add_argument("--lang", default="en", choices=("en", "zh"), help="language of the text summary (default: en)")

    sub = command("build", cmd_build, "build documents from an answers file")
    sub.add_argument("answers", help="answers YAML file")
    sub.add_argument("--docs", nargs="+", action=DocumentNames, default=["sales_contract"], metavar="DOC",
                     help=f"documents to build (default: sales_contract); {docs_help}")
    sub.add_argument("--format", default=["docx"], type=lambda s: [f.strip() for f in s.split(",") if f.strip()],
                     help="comma-separated formats: docx, pdf, html, md (default: docx)")
    output_options(sub, None)

    sub = command("batch", cmd_batch, "build one document set per order of a spreadsheet (.xlsx or .csv)")
    sub.add_argument("sheet", help="orders.xlsx (sheets 'orders' and 'products') or orders.csv (one row per product line)")
    sub.add_argument("--docs", nargs="+", action=DocumentNames, default=["sales_contract"], metavar="DOC",
                     help=f"documents to build per order (default: sales_contract); {docs_help}")
    sub.add_argument("--format", default=["docx"], type=lambda s: [f.strip() for f in s.split(",") if f.strip()],
                     help="comma-separated formats: docx, pdf, html, md (default: docx)")
    sub.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="worker processes (default: the number of CPU cores)")
    sub.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="build on a Dask cluster: its scheduler's address, e.g. tcp://host:8786 (default: "
                          "$CONTRACTGEN_SCHEDULER; needs `pip install 'contractgen[dask]'`; docs/scaling.md)")
    output_options(sub, None)

    sub = command("batch-template", cmd_batch_template, "write the order spreadsheet for `contractgen batch`")
    sub.add_argument("interview", choices=interviews, metavar="INTERVIEW", help=interview_help)
    sub.add_argument("-o", "--output", required=True, metavar="FILE", help="the .xlsx file to write")
    sub.add_argument("--force", action="store_true", help="replace an existing file")

    sub = command("serve", cmd_serve, "the interview as a web page on this computer, with a live bilingual "
                                      "preview, the risk summary and the downloads")
    sub.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default: 127.0.0.1, this computer only)")
    sub.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    sub.add_argument("--interview", default="order_set", choices=interviews, metavar="INTERVIEW",
                     help=f"interview to ask (default: order_set, every document of the set); {interview_help}")

    clauses = command("clauses", None, "the lawyer's tools: list, show, lint, preview the clause library; impact "
                                        "and diff")
    clause_commands = clauses.add_subparsers(dest="clauses_command", metavar="ACTION", required=True)
    sub = clause_commands.add_parser("list", parents=[common], help="list every clause")
    sub.add_argument("--document", help="only clauses that apply to this document")
    sub.set_defaults(handler=cmd_clauses_list)
    sub = clause_commands.add_parser("show", parents=[common], help="show one clause's text and metadata")
    sub.add_argument("id", help="clause id, e.g. payment.deposit_advance")
    sub.set_defaults(handler=cmd_clauses_show)
    sub = clause_commands.add_parser("preview", parents=[common],
                                     help="render one clause in both languages with an order's answers")
    sub.add_argument("id", help="clause id, e.g. dispute.cietac")
    sub.add_argument("--answers", metavar="FILE", help="answers file to render with (default: the bundled example)")
    sub.set_defaults(handler=cmd_clauses_preview)
    sub = clause_commands.add_parser("lint", parents=[common], help="check the clause library; exit 2 on problems")
    sub.add_argument("--library", help="lint this clause folder instead of the bundled library")
    sub.set_defaults(handler=cmd_clauses_lint)
    sub = clause_commands.add_parser("impact", parents=[common],
                                     help="every issued document that carries a clause (or that version of it), "
                                          "from the .manifest.json files under the folders")
    sub.add_argument("clause", metavar="CLAUSE[@VERSION]", help="clause id, e.g. dispute.cietac or dispute.cietac@1.1.0")
    sub.add_argument("folders", nargs="+", metavar="FOLDER", help="folders of built documents, searched recursively")
    sub.add_argument("--format", default="text", choices=("text", "csv", "json"), help="default: text")
    sub.set_defaults(handler=cmd_clauses_impact)
    sub = clause_commands.add_parser("diff", parents=[common],
                                     help="what changed between two versions of the clause library, and whether each "
                                          "change bumped the version (exit 2 when one did not)")
    sub.add_argument("old", metavar="OLD", help="a clause library folder (or a project folder holding clause_library/), "
                                                "or a git ref of the project in the current folder")
    sub.add_argument("new", metavar="NEW", help="the same, for the newer version")
    sub.add_argument("--format", default="text", choices=("text", "json"), help="default: text")
    sub.set_defaults(handler=cmd_clauses_diff)

    sub = command("verify", cmd_verify, "compare the contract that came back (DOCX, PDF or scan) with the one built "
                                        "from its answers, clause by clause in EN and ZH; exit 4 when it differs")
    sub.add_argument("returned", nargs="+", metavar="RETURNED",
                     help="the returned .docx or .pdf (scanned pages are read by OCR), or scanned pages as "
                          ".png/.jpg files in page order")
    sub.add_argument("--against", metavar="MANIFEST",
                     help="the .manifest.json written beside the contract: its answers, document, layout and clause "
                          "versions")
    sub.add_argument("--answers", metavar="FILE",
                     help="the answers file the contract was built from (with --against: checked against it)")
    sub.add_argument("--doc", default="sales_contract", choices=available_documents(), metavar="DOC",
                     help="without --against: which document it is (default: sales_contract)")
    sub.add_argument("--docs", nargs="+", action=DocumentNames, default=None, metavar="DOC",
                     help="without --against: the documents it was built together with, as given to `build --docs` "
                          "(default: it alone); the set's questions decide some values")
    sub.add_argument("--layout", default="parallel", choices=LAYOUTS, help="without --against: its layout (default: parallel)")
    sub.add_argument("--library", metavar="FOLDER",
                     help="the clause library the contract was built with, when this one no longer has its versions")
    sub.add_argument("--format", default="text", choices=("text", "json"), help="text for reading (default), json for scripts")
    sub.add_argument("--redline", metavar="FILE.docx",
                     help="also write the redline: the contract as built, with the differences as Word tracked changes")
    sub.add_argument("--force", action="store_true", help="replace an existing redline file")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except BrokenPipeError:
        # The reader of our output stopped early (`contractgen clauses list | head`): stop quietly, as other
        # Unix tools do, with the shell's code for it; devnull takes the unflushed rest, so exit is silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # SIGPIPE
    except ValidationError as exc:
        print(_say("invalid", n=len(exc.problems)), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except ContractgenError as exc:
        if args.debug:
            traceback.print_exc()
        message = str(exc)
        if isinstance(exc, InputError) and len(exc.problems) > 1:
            message = "\n  " + "\n  ".join(str(p) for p in exc.problems)
        print(_say("input_error" if isinstance(exc, InputError) else "library_error", message=message), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_say("interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # an internal fault: say so plainly, traceback only on request
        if args.debug:
            traceback.print_exc()
        print(_say("internal_error", error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
