#!/usr/bin/env bash
# Writes docs/reliability.md from the rows the reliability tests recorded (ReliabilityLog: one
# line per thing tried, "area<TAB>tried<TAB>command<TAB>result").
#   reliability-report.sh ROWS_DIR OUTPUT   (run by the CMake target reliability-report)
# A new area is one more entry in `sections`, in the order the report shows them; a row whose
# area has no section fails the report rather than go missing from it. Sections of OUTPUT
# that no area writes (written by hand, e.g. figures from a bench program) are kept, after
# the written ones.
set -euo pipefail
rows=$1
output=$2

sections=(
    "limits|Limits in front of QHttpServer"
    "hostile input|Hostile input (each correctly signed, so it reaches the service's own checks)"
    "fault|Faults, and nothing lost"
)

shopt -s nullglob
files=("$rows"/*.tsv)
((${#files[@]})) || { echo "no reliability rows in $rows: run the tests first" >&2; exit 1; }
areas=()
for section in "${sections[@]}"; do
    areas+=("${section%%|*}")
done
unknown=$(cat "${files[@]}" | cut -f1 | sort -u | grep -vxF -f <(printf '%s\n' "${areas[@]}") || true)
[[ -z $unknown ]] || { echo "rows of an area with no section in $0: $unknown" >&2; exit 1; }

headings=()
for section in "${sections[@]}"; do
    headings+=("## ${section#*|}")
done
kept=
if [[ -f $output ]]; then
    kept=$(awk 'NR == FNR { written[$0] = 1; next } /^## / { keep = !($0 in written) } keep' \
        <(printf '%s\n' "${headings[@]}") "$output")
fi

{
    echo "# Reliability report"
    echo
    echo "Every fault and hostile input the test suite tries against the real service binary, the"
    echo "command that tries it, and what happened. Written by \`bash scripts/test.sh"
    echo "--reliability-report\` (CMake target \`reliability-report\`), which runs those tests"
    echo "again, so it describes the code as it was then."
    for section in "${sections[@]}"; do
        echo
        echo "## ${section#*|}"
        echo
        echo "| tried | command | result |"
        echo "|---|---|---|"
        cat "${files[@]}" | awk -F'\t' -v area="${section%%|*}" \
            '$1 == area { printf "| %s | `%s` | %s |\n", $2, $3, $4 }'
    done
    if [[ -n $kept ]]; then
        echo
        printf '%s\n' "$kept"
    fi
} >"$output.new"
mv "$output.new" "$output"
echo "wrote $output"
