#!/usr/bin/env bash
# Compares checkov's ARM checks with `palisade check` on the same templates, per concern both
# tools cover (public network access, TLS minimum, HTTPS only, purge protection, WAF, blob
# public access, management ports, registry admin user).
#
#   scripts/compare-checkov.sh [TEMPLATE.json ...]     (default: tests/fixtures/arm/*.json)
#
# checkov is installed from PyPI into a virtual environment under target/ on first use.
# A concern is "flagged" by checkov when one of its failed checks matches, and by Palisade when
# one of its rules reports a finding. checkov reads an expression it cannot resolve (such as a
# parameter without a default) as a failure; Palisade leaves the property at the catalog
# default and lists it in the import report, so some differences are expected and explained
# by the import report's "Unknown values" section.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${CHECKOV_VENV:-$root/target/checkov-venv}"
if [ ! -x "$venv/bin/checkov" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet checkov
fi
palisade="${PALISADE:-$root/target/release/palisade}"
if [ ! -x "$palisade" ]; then
    cargo build --release --manifest-path "$root/Cargo.toml" --quiet
fi

if [ "$#" -eq 0 ]; then
    set -- "$root"/tests/fixtures/arm/*.json
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for template in "$@"; do
    name="$(basename "$template" .json)"
    "$venv/bin/checkov" --quiet --compact --framework arm -f "$template" -o json \
        > "$work/$name.checkov.json" 2>/dev/null || true
    "$palisade" check "$template" --format json --fail-on never \
        > "$work/$name.palisade.json" 2>/dev/null || true
done

python3 - "$work" "$@" <<'PY'
import json, os, re, sys

work, templates = sys.argv[1], sys.argv[2:]
# Concern: (pattern on checkov check names, Palisade rules, pattern on Palisade messages).
concerns = {
    "public network access": (r"public network access|publicnetworkaccess|public access is disabled",
                              {"NET-001", "NET-002", "KV-004"}, r"public endpoint|from any network"),
    "TLS minimum": (r"\bTLS\b|tls version", {"CMP-001", "DATA-001", "EDGE-005"}, r"TLS"),
    "HTTPS only": (r"HTTPS|secure transfer", {"CMP-001", "EDGE-004"}, r"HTTPS|plain HTTP|insecure"),
    "purge protection": (r"purge|recoverable", {"KV-002"}, r""),
    "WAF": (r"\bWAF\b|web application firewall", {"NET-001", "EDGE-001", "EDGE-002"}, r"firewall|WAF"),
    "blob public access": (r"blob.*public|public.*blob|anonymous", {"DATA-003"}, r""),
    "management ports": (r"(SSH|RDP) access|port 22|port 3389", {"NET-007"}, r""),
    "registry admin user": (r"ACR admin|registr.*admin", {"CMP-008"}, r"admin"),
    "AKS local accounts": (r"local admin|local account", {"IAM-008"}, r""),
}

def checkov_failed(path):
    try:
        data = json.load(open(path))
    except (OSError, ValueError):
        return None
    reports = data if isinstance(data, list) else [data]
    failed, passed = [], []
    for report in reports:
        results = report.get("results", {}) if isinstance(report, dict) else {}
        failed += [c.get("check_name", "") for c in results.get("failed_checks", [])]
        passed += [c.get("check_name", "") for c in results.get("passed_checks", [])]
    return failed, passed

def palisade_findings(path):
    try:
        data = json.load(open(path))
    except (OSError, ValueError):
        return None
    return [(f["rule"], f["message"]) for d in data.get("designs", []) for f in d.get("findings", [])]

agree = differ = palisade_only = 0
for template in templates:
    name = os.path.basename(template)[:-5]
    checkov = checkov_failed(os.path.join(work, name + ".checkov.json"))
    palisade = palisade_findings(os.path.join(work, name + ".palisade.json"))
    print(f"== {name}")
    if checkov is None or palisade is None:
        print("   (a tool produced no report)")
        continue
    failed, passed = checkov
    for concern, (pattern, rules, message) in concerns.items():
        regex = re.compile(pattern, re.I)
        checked = any(regex.search(n) for n in failed + passed)
        c_flag = any(regex.search(n) for n in failed)
        p_flag = any(r in rules and re.search(message, m, re.I) for r, m in palisade)
        if not checked and not p_flag:
            continue
        if not checked:
            palisade_only += 1
            verdict = "checkov has no check"
        else:
            same = c_flag == p_flag
            agree += same
            differ += not same
            verdict = "agree" if same else "DIFFER"
        print(f"   {concern:<22} checkov {'flags' if c_flag else 'passes' if checked else 'n/a':<7} "
              f"palisade {'flags' if p_flag else 'passes':<7} {verdict}")
print(f"\nagree: {agree}, differ: {differ}, only Palisade checks: {palisade_only}")
PY
