"""Known vulnerabilities in the pinned requirements (`make audit`, part of `make test`).

Runs pip-audit on requirements/test.txt (which includes base.txt) without installing anything, and says plainly
which of three things happened: every pin checked and clean; vulnerabilities found (exit 1: CI fails); or the
vulnerability database could not be reached for some or all pins (exit 0, with a loud NOT CHECKED line: an
offline machine is not a failure of the code, but it is never reported as a pass).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements" / "test.txt"
SERVICES = ("pypi", "osv")


def audit(service: str) -> tuple[dict[str, object] | None, str]:
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--disable-pip",
        "--no-deps",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--vulnerability-service",
        service,
        "--timeout",
        "20",
        "-r",
        str(REQUIREMENTS),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)  # noqa: S603 - fixed argv
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    try:
        return json.loads(done.stdout), done.stderr
    except json.JSONDecodeError:
        return None, (done.stderr or done.stdout)[-2000:]


def main() -> int:
    last_error = ""
    for service in SERVICES:
        report, error = audit(service)
        if report is None:
            last_error = error
            continue
        dependencies = list(report.get("dependencies", []))  # type: ignore[call-overload]
        checked = [d for d in dependencies if not d.get("skip_reason")]
        skipped = [d for d in dependencies if d.get("skip_reason")]
        vulnerable = [d for d in checked if d.get("vulns")]
        if not checked:
            reason = skipped[0]["skip_reason"] if skipped else "no pins"
            last_error = f"{service}: all {len(dependencies)} pins skipped ({reason})"
            continue
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
                pin = f"{dependency['name']}=={dependency['version']}"
                print(f"pip-audit: VULNERABLE {pin}: {vuln['id']} (fixed in {fixes})")
        print(
            f"pip-audit ({service}): checked {len(checked)} of {len(dependencies)} pinned packages, "
            f"{len(vulnerable)} with known vulnerabilities."
        )
        if skipped:
            names = ", ".join(f"{d['name']}=={d['version']}" for d in skipped)
            print(f"pip-audit: NOT CHECKED (the database did not answer for them): {names}")
        return 1 if vulnerable else 0
    print("pip-audit: NOT CHECKED — no vulnerability database could be reached from this machine, so the pinned")
    print("requirements were NOT audited (this is not a pass). Run `make audit` where the network is reachable.")
    if last_error:
        print(f"pip-audit: last error: {last_error.strip().splitlines()[-1] if last_error.strip() else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
