#!/usr/bin/env bash
# Per-thread CPU (% of one core) and voluntary context switches (wake-ups) per second of every java process,
# over a window: what the bench's analysis of the misses quotes. Read-only: it only reads /proc.
#   clustr-bench/tools/threads.sh [seconds]      (default 3; run it while a bench phase is measuring)
set -euo pipefail
WINDOW="${1:-3}"
TICKS="$(getconf CLK_TCK)"

snapshot()
{
    for task in /proc/[0-9]*/task/[0-9]*; do
        local pid="${task#/proc/}"; pid="${pid%%/*}"
        [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" == "java" ]] || continue
        local stat name switches rest
        stat="$(cat "${task}/stat" 2>/dev/null)" || continue
        name="$(cat "${task}/comm" 2>/dev/null | tr ' ' '_')" || continue
        switches="$(awk '/^voluntary_ctxt_switches/{print $2}' "${task}/status" 2>/dev/null)" || continue
        rest="${stat##*) }"
        # shellcheck disable=SC2086
        set -- ${rest}
        echo "${task##*/} ${pid} ${name} $(( ${12} + ${13} )) ${switches}"
    done | sort -k1,1
}

before="$(snapshot)"
sleep "${WINDOW}"
after="$(snapshot)"
join <(echo "${before}") <(echo "${after}") |
    awk -v w="${WINDOW}" -v t="${TICKS}" '{
        cpu = 100 * ($8 - $4) / t / w; wakeups = ($9 - $5) / w
        if (cpu > 0 || wakeups > 0) printf "%6.1f %%  %7.0f wake-ups/s  pid=%s tid=%s %s\n", cpu, wakeups, $2, $1, $3
    }' | sort -rn | head -20
