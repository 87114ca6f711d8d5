"""`waibao policy evaluate|test|show|simulate`: the policy engine from the command line.

Bad input exits with status 2, a message on stderr and nothing on stdout; failing cases exit 1.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError
from waibao.common.i18n import localized
from waibao.common.labels import label
from waibao.policy.display import display_value
from waibao.policy.engine import Package, default_package, evaluate, load_package
from waibao.policy.engine.amend import AmendmentError, parse_setting
from waibao.policy.engine.cases import run_cases
from waibao.policy.engine.facts import default_enterprise
from waibao.policy.engine.simulate import Simulation, simulate

BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "Evaluate, test, show and simulate policy packages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        ev = sub.add_parser("evaluate", help="Entitlements of one enterprise-year (JSON in, JSON out).")
        ev.add_argument("file", help="a JSON file: {year, as_of, enterprise}; - for stdin")
        ev.add_argument("--package", help="package name or folder (default: the configured package)")

        te = sub.add_parser("test", help="Run the package's YAML cases.")
        te.add_argument("--package")

        sh = sub.add_parser("show", help="Articles, rules and the parameters in force.")
        sh.add_argument("--package")
        sh.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        sh.add_argument("--json", action="store_true", dest="as_json")

        si = sub.add_parser("simulate", help="Totals per rule and fund, baseline against amended values.")
        si.add_argument("--package")
        si.add_argument("--year", type=int, required=True)
        si.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: 31 December of --year)")
        si.add_argument("--set", action="append", default=[], dest="amendments", metavar="PARAM=VALUE@DATE")
        source = si.add_mutually_exclusive_group(required=True)
        source.add_argument("--facts", help="a JSON list (or JSON lines) of enterprise fact objects")
        source.add_argument("--from-registry", action="store_true", dest="from_registry")
        si.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except DomainError as exc:
            raise _bad(str(exc)) from exc

    # ---- helpers --------------------------------------------------------------------------------

    def _package(self, options: dict[str, Any]) -> Package:
        name = options.get("package")
        return load_package(name) if name else default_package()

    def _date(self, value: str | None, *, field: str, default: date) -> date:
        if not value:
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _bad(
                _("%(field)s: %(value)r is not a date (YYYY-MM-DD)") % {"field": field, "value": value}
            ) from None

    def _read_json(self, file: str) -> Any:
        try:
            text = self.stdin_text() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise _bad(
                _("%(file)s: cannot read the file (%(error)s)") % {"file": file, "error": exc.strerror}
            ) from None
        except UnicodeDecodeError:
            raise _bad(_("%(file)s: not UTF-8 text") % {"file": file}) from None
        try:
            return json.loads(text, parse_float=_refuse_float)
        except _FloatError as exc:
            raise _bad(
                _("%(file)s: amounts must be decimal strings, not JSON numbers with a fraction (%(value)s)")
                % {"file": file, "value": exc}
            ) from None
        except json.JSONDecodeError as exc:
            raise _bad(_("%(file)s: not valid JSON (%(error)s)") % {"file": file, "error": exc}) from None

    def stdin_text(self) -> str:
        import sys

        return sys.stdin.read()

    # ---- subcommands ----------------------------------------------------------------------------

    def _evaluate(self, options: dict[str, Any]) -> None:
        package = self._package(options)
        data = self._read_json(options["file"])
        result = evaluate(package, data)
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))

    def _test(self, options: dict[str, Any]) -> None:
        package = self._package(options)
        outcomes = run_cases(package)
        failed = 0
        for outcome in outcomes:
            status = "PASS" if outcome.passed else "FAIL"
            self.stdout.write(f"{status}  {outcome.file}: {outcome.name}")
            for failure in outcome.failures:
                self.stdout.write(f"      {failure}")
            failed += not outcome.passed
        self.stdout.write(
            _("%(total)d cases, %(passed)d passed, %(failed)d failed")
            % {"total": len(outcomes), "passed": len(outcomes) - failed, "failed": failed}
        )
        if failed:
            raise CommandError(_("%(failed)d policy case(s) failed") % {"failed": failed}, returncode=1)

    def _show(self, options: dict[str, Any]) -> None:
        package = self._package(options)
        as_of = self._date(options.get("as_of"), field="--as-of", default=date.today())
        data = show_data(package, as_of)
        if options.get("as_json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"{package.title.zh}\n{package.title.en}")
        w(
            _("package %(id)s, version %(version)s, in effect from %(start)s; values in force on %(as_of)s")
            % {"id": package.id, "version": package.version, "start": package.effective_from, "as_of": as_of}
        )
        w("\n" + _("Articles"))
        for article in data["articles"]:
            w(f"  {article['id']:<7} {localized(article['title']['zh'], article['title']['en'])}")
            w(f"          {localized(article['summary']['zh'], article['summary']['en'])}")
        w("\n" + _("Rules"))
        facts_label, from_label = _("facts"), _("from")
        for rule in data["rules"]:
            w(
                f"  {rule['id']:<12} {rule['article']:<6} {label('reward_kind', rule['kind'])} · "
                f"{label('basis', rule['basis'])} · {label('fund', rule['fund'])} · "
                f"{localized(rule['title']['zh'], rule['title']['en'])}"
            )
            w(f"               {facts_label}: {'、'.join(label('fact', f) for f in rule['facts'])}")
        w("\n" + _("Parameters in force"))
        for param in data["parameters"]:
            spec = package.parameters.get(param["id"])
            value = display_value(spec, param["value"]) if spec is not None else str(param["value"])
            citation = param["citation"] or {"article": "", "text": ""}
            w(
                f"  {label('parameter', param['id'])}: {value} · {from_label} {param['effective_from'] or '—'}  "
                f"[{citation['article']}] {citation['text']}"
            )

    def _simulate(self, options: dict[str, Any]) -> None:
        package = self._package(options)
        year = options["year"]
        if not 1000 <= year <= 9999:
            raise _bad(_("--year: must be a four-digit year"))
        as_of = self._date(options.get("as_of"), field="--as-of", default=date(year, 12, 31))
        changes = []
        for text in options["amendments"]:
            try:
                changes.append(parse_setting(package, text, default_date=date(year, 1, 1), note="simulate --set"))
            except AmendmentError as exc:
                raise _bad(f"--set {exc}") from None
        if options.get("from_registry"):
            records, defaulted, source = registry_records(package, year=year)
        else:
            records, defaulted, source = self._fact_records(options["facts"]), [], options["facts"]
        simulation = simulate(
            package, records, year=year, as_of=as_of, changes=changes, defaulted_facts=defaulted, source=source
        )
        if options.get("as_json"):
            self.stdout.write(json.dumps(simulation.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(simulation_table(simulation))

    def _fact_records(self, file: str) -> list[Any]:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise _bad(
                _("%(file)s: cannot read the file (%(error)s)") % {"file": file, "error": exc.strerror}
            ) from None
        try:
            data = json.loads(text, parse_float=_refuse_float)
        except json.JSONDecodeError:
            try:
                data = [json.loads(line, parse_float=_refuse_float) for line in text.splitlines() if line.strip()]
            except json.JSONDecodeError as exc:
                raise _bad(
                    _("%(file)s: neither a JSON list nor JSON lines (%(error)s)") % {"file": file, "error": exc}
                ) from None
        except _FloatError as exc:
            raise _bad(
                _("%(file)s: amounts must be decimal strings, not JSON numbers with a fraction (%(value)s)")
                % {"file": file, "value": exc}
            ) from None
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise _bad(_("%(file)s: expected a list of enterprise fact objects") % {"file": file})
        # Each entry is the enterprise facts, or an evaluate input whose `enterprise` holds them.
        return [d["enterprise"] if isinstance(d, dict) and isinstance(d.get("enterprise"), dict) else d for d in data]


class _FloatError(ValueError):
    pass


def _refuse_float(text: str) -> Any:
    raise _FloatError(text)


def show_data(package: Package, as_of: date) -> dict[str, Any]:
    """Articles, rules and the parameters in force on `as_of`, with citations, for `show` and pages."""
    resolved = package.parameters_at(as_of)
    return {
        "package": package.id,
        "version": package.version,
        "title": package.title.to_dict(),
        "effective_from": package.effective_from.isoformat(),
        "as_of": as_of.isoformat(),
        "articles": [
            {"id": a.id, "number": a.number, "title": a.title.to_dict(), "summary": a.summary.to_dict(), "text": a.text}
            for a in package.articles.values()
        ],
        "rules": [
            {
                "id": r.id,
                "article": r.article,
                "title": r.title.to_dict(),
                "kind": r.kind,
                "basis": r.basis,
                "fund": r.fund,
                "facts": list(r.facts),
                "parameters": list(r.parameter_ids),
            }
            for r in package.rules
        ],
        "parameters": [
            {
                "id": pid,
                "title": p.title.to_dict(),
                "type": p.type,
                "value": None if resolved[pid] is None else _json(resolved[pid].value),  # type: ignore[union-attr]
                "effective_from": None if resolved[pid] is None else resolved[pid].effective_from.isoformat(),  # type: ignore[union-attr]
                "citation": None if resolved[pid] is None else resolved[pid].citation.to_dict(),  # type: ignore[union-attr]
            }
            for pid, p in package.parameters.items()
        ],
    }


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def registry_records(package: Package, *, year: int) -> tuple[list[dict[str, Any]], list[str], str]:
    """Enterprises from the registry (not rejected or suspended) as fact records.

    A fact is read from the Enterprise field of the same name where there is one; `software_export_usd`
    comes from approved statistics (of `year`, or of the latest earlier year with approved statistics, as
    a forecast); every other fact takes its facts.yaml default, and is listed as defaulted.
    """
    from waibao.registry.models import Enterprise, EnterpriseStatus
    from waibao.statistics.selectors import latest_statistics_year, software_export_usd_by_enterprise

    field_names = {f.name for f in Enterprise._meta.get_fields()}
    from_registry = [name for name in package.facts if name in field_names]
    stats_year = latest_statistics_year(up_to=year)
    exports = software_export_usd_by_enterprise(year=stats_year) if stats_year is not None else {}
    from_statistics = ["software_export_usd"] if exports and "software_export_usd" in package.facts else []
    defaulted = [name for name in package.facts if name not in field_names and name not in from_statistics]
    defaults = default_enterprise(package)
    excluded = [EnterpriseStatus.REJECTED, EnterpriseStatus.SUSPENDED]
    records: list[dict[str, Any]] = []
    rows = Enterprise.objects.exclude(status__in=excluded).order_by("pk").values("pk", *from_registry)
    for row in rows:
        record = dict(defaults)
        for name in from_registry:
            value = row[name]
            record[name] = str(value) if isinstance(value, Decimal) else value
        if from_statistics:
            record["software_export_usd"] = str(exports.get(row["pk"], Decimal("0.00")))
        records.append(record)
    source = _("the registry (without enterprises %(statuses)s)") % {
        "statuses": "、".join(label("enterprise_status", s) for s in excluded)
    }
    if from_statistics:
        source += "; " + _("%(fact)s from the approved statistics of %(year)s") % {
            "fact": label("fact", "software_export_usd"),
            "year": stats_year,
        }
    return records, defaulted, source


def _money(text: str | None) -> str:
    if text is None:
        return "—"
    return f"{Decimal(text):,.2f}"


def simulation_table(simulation: Simulation) -> str:
    """The human-readable report of a simulation."""
    data = simulation.to_dict()
    lines = [
        _("Simulation of %(package)s for %(year)s (values in force on %(as_of)s), %(n)d enterprises")
        % {"package": data["package"], "year": data["year"], "as_of": data["as_of"], "n": data["enterprises"]},
        _("Source: %(source)s") % {"source": data["source"]},
    ]
    if data["defaulted_facts"]:
        lines.append(
            _("Facts not held by the source, assumed at their defaults: %(facts)s")
            % {"facts": "、".join(label("fact", f) for f in data["defaulted_facts"])}
        )
    if data["amendments"]:
        lines.append(
            _("Amended: %(changes)s")
            % {
                "changes": "; ".join(
                    f"{label('parameter', a['parameter'])} = {a['value']} ({a['from']})" for a in data["amendments"]
                )
            }
        )
    lines.append(
        _("Amounts are maxima (ceilings, tops of ranges); eligibility without an amount is counted, not summed.")
    )
    rule_h, fund_h, basis_h, count_h = _("rule"), _("fund"), _("basis"), _("count")
    unset_h, base_h, amended_h, change_h = _("no amount"), _("baseline CNY"), _("amended CNY"), _("change")
    header = (
        f"{rule_h:<12} {fund_h:<30} {basis_h:<9} {count_h:>7} {unset_h:>9} {base_h:>18} {amended_h:>18} {change_h:>16}"
    )
    lines += ["", header, "-" * len(header)]
    for r in data["rules"]:
        lines.append(
            f"{r['rule']:<12} {label('fund', r['fund']):<30} {label('basis', r['basis']):<9} "
            f"{r['amended']['entitlements']:>7} "
            f"{r['amended']['without_amount']:>9} {_money(r['baseline']['amount_cny']):>18} "
            f"{_money(r['amended']['amount_cny']):>18} {_money(r['change_cny']):>16}"
        )
    lines += ["", f"{fund_h:<43} {base_h:>18} {amended_h:>18} {change_h:>16}"]
    for f in data["funds"]:
        lines.append(
            f"{label('fund', f['fund']):<43} {_money(f['baseline_cny']):>18} {_money(f['amended_cny']):>18} "
            f"{_money(f['change_cny']):>16}"
        )
    budget = data["budget"]
    if budget["parameter"]:
        lines.append("")
        for name, b in ((_("baseline"), budget["baseline"]), (_("amended"), budget["amended"])):
            share = "—" if b["share_percent"] is None else f"{b['share_percent']} %"
            lines.append(
                _(
                    "%(label)s: rewards from %(funds)s %(rewards)s of the annual budget %(budget)s "
                    "(%(parameter)s): %(share)s"
                )
                % {
                    "label": name,
                    "funds": "、".join(label("fund", f) for f in budget["funds"]),
                    "rewards": _money(b["rewards_cny"]),
                    "budget": _money(b["budget_cny"]),
                    "parameter": label("parameter", budget["parameter"]),
                    "share": share,
                }
            )
    return "\n".join(lines)
