#!/usr/bin/env bash
# Exports a design whose every user string is a script-injection payload to HTML and SVG, opens
# each file in headless Chromium, and fails if any payload ran.
#
# Each payload, if it ever ran, would set a `data-pwned` attribute on the document element. The
# check reads Chromium's serialised DOM after the page settled (--dump-dom with a virtual time
# budget, so onerror/onload handlers have had their turn). A positive control (a page that does
# run such a payload) proves the detection works; the HTML report is also checked with its
# Content-Security-Policy removed, so the escaping alone must hold.
#
# Usage: scripts/check-export-safety.sh   (installs chromium with apt-get if missing;
#        KEEP_WORK=1 keeps the exported files)
set -euo pipefail

cd "$(dirname "$0")/.."
work="$(mktemp -d)"
# KEEP_WORK=1 keeps the exported files for a look.
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "files in $work"; else trap 'rm -rf "$work"' EXIT; fi

fail() {
    echo "FAIL: export safety: $*"
    exit 1
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium is missing; installing it with apt-get"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "chromium is not installed and this is not root; run: apt-get install -y chromium"
        sudo="sudo"
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || fail "could not install chromium"
fi

cargo build --quiet --bin palisade 2>"$work/build.log" || {
    cat "$work/build.log"
    fail "build failed"
}
palisade="target/debug/palisade"

# RON strings: backslash-escape `"` and `\`.
mark="document.documentElement.setAttribute('data-pwned',"
payloads=(
    "<script>${mark}'script')</script>"
    "\\\"><img src=x onerror=\\\"${mark}'img')\\\">"
    "<image href='x' onerror=\\\"${mark}'svg-image')\\\"/>"
    "<svg onload=\\\"${mark}'svg-onload')\\\"></svg>"
    "]]><script>${mark}'cdata')</script>"
    "' onmouseover='${mark}\\\"attr\\\")' x='"
    "</title><script>${mark}'title')</script>"
    "</style><script>${mark}'style')</script>"
    "<iframe srcdoc='<script>parent.${mark}1)</script>'></iframe>"
    "javascript:${mark}'link')"
)
kinds=(app_service key_vault sql_database storage_account container_registry function_app cosmos_db service_bus redis_cache container_app)

design="$work/hostile.ron"
{
    echo "("
    echo "    format_version: 4,"
    echo "    meta: ("
    echo "        name: \"${payloads[0]}\","
    echo "        description: \"${payloads[1]}\","
    echo "        owner: \"${payloads[6]}\","
    echo "        data_classification: \"${payloads[7]}\","
    echo "        rule_settings: { \"KV-002\": (enabled: true, severity: Some(critical), reason: \"${payloads[2]}\") },"
    echo "    ),"
    echo "    containers: ["
    echo "        (id: \"sub\", kind: \"subscription\", name: \"${payloads[3]}\", rect: (0.0, 0.0, 3200.0, 300.0)),"
    echo "    ],"
    echo "    components: ["
    for i in "${!payloads[@]}"; do
        x=$((30 + 310 * i))
        echo "        (id: \"n$i\", kind: \"${kinds[$i]}\", name: \"${payloads[$i]}\", rect: ($x.0, 100.0, 170.0, 56.0), parent: Some(\"sub\"), notes: \"${payloads[$(((i + 1) % ${#payloads[@]}))]}\"),"
    done
    echo "    ],"
    echo "    connections: ["
    for i in $(seq 0 $((${#payloads[@]} - 2))); do
        echo "        (id: \"c$i\", kind: \"traffic\", from: \"n$i\", to: \"n$((i + 1))\", label: \"${payloads[$(((i + 4) % ${#payloads[@]}))]}\", routing: Some(orthogonal), waypoints: [($((130 + 310 * i)).0, 250.0)]),"
    done
    echo "    ],"
    echo "    notes: ["
    for i in "${!payloads[@]}"; do
        echo "        (id: \"note$i\", text: \"${payloads[$(((i + 2) % ${#payloads[@]}))]}\", rect: ($((30 + 310 * i)).0, 320.0, 220.0, 80.0), anchor: Some(\"n$i\")),"
    done
    echo "    ],"
    echo ")"
} >"$design"

"$palisade" validate "$design" >/dev/null || fail "the hostile design does not load: $("$palisade" validate "$design" 2>&1 | head -3)"
for format in html svg; do
    "$palisade" export "$design" --format "$format" --date 2026-01-01 -o "$work/hostile.$format" >/dev/null ||
        fail "export to $format failed"
done
# The HTML report without its Content-Security-Policy: escaping alone must keep scripts out.
grep -v 'http-equiv="Content-Security-Policy"' "$work/hostile.html" >"$work/hostile-no-csp.html"
# Positive controls: an HTML page and an SVG whose payloads do run, so a broken check cannot pass.
echo "<!DOCTYPE html><html><body><img src=x onerror=\"${mark}'control')\"></body></html>" >"$work/control.html"
echo "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>${mark}'control')</script></svg>" >"$work/control.svg"

dump() {
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-extensions \
        --user-data-dir="$(mktemp -d -p "$work")" --virtual-time-budget=3000 \
        --dump-dom "file://$1" 2>/dev/null
}

for control in control.html control.svg; do
    grep -q 'data-pwned="control"' <<<"$(dump "$work/$control")" ||
        fail "the positive control $control did not trigger; the check cannot be trusted"
done

failures=0
for file in hostile.html hostile-no-csp.html hostile.svg; do
    dom="$(dump "$work/$file")"
    if [ -z "$dom" ]; then
        echo "  $file: Chromium returned no DOM"
        failures=$((failures + 1))
    elif grep -q '<parsererror' <<<"$dom"; then
        echo "  $file: is not well-formed: $(grep -o 'error on line[^<]*' <<<"$dom" | head -1)"
        failures=$((failures + 1))
    elif grep -q 'data-pwned="' <<<"$dom"; then
        echo "  $file: a payload RAN: $(grep -o 'data-pwned="[^"]*"' <<<"$dom" | head -3 | tr '\n' ' ')"
        failures=$((failures + 1))
    elif ! grep -q 'setAttribute' <<<"$dom"; then
        # The payloads must be there as text: otherwise the page did not load what we think.
        echo "  $file: the payload text is missing from the page"
        failures=$((failures + 1))
    else
        echo "  $file: no payload ran ($(wc -c <<<"$dom") bytes of DOM)"
    fi
done
# No injected element survives as markup in the files themselves.
for file in hostile.html hostile.svg; do
    if grep -Eqi '<(script|iframe|img)[ >]|<svg onload|<image href=.x' "$work/$file"; then
        echo "  $file: contains injected markup"
        failures=$((failures + 1))
    fi
done

if [ "$failures" -ne 0 ]; then
    fail "$failures problem(s) above"
fi
echo "PASS: export safety: no script ran in the HTML report (with and without CSP) or the SVG diagram"
