# Sourced by ./demo and ./example (from the repository root): builds clustr-examples and the modules it needs with
# Maven, showing one line per module, only when a pom or a main source is newer than the last build's stamp
# (clustr-examples/target/.build-stamp). CLUSTR_BUILD=always rebuilds anyway, CLUSTR_BUILD=never never builds.
# Sets $jar and $classpath for the caller; the class path ends with the applications' logging binding (logging.sh).
. config/logging.sh
build_examples() {
    local stamp=clustr-examples/target/.build-stamp
    local changed=""
    jar=$(ls clustr-examples/target/clustr-examples-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)
    if [[ -z "$jar" || ! -f "$stamp" || ! -f clustr-examples/target/classpath.txt ]]; then
        changed="first"
    elif [[ "${CLUSTR_BUILD:-}" == always ]] || [[ -n "$(find pom.xml ./*/pom.xml clustr-spawn/src/main \
            media-driver-config/src/main clustr-core/src/main clustr-patterns/src/main clustr-examples/src/main \
            config/jvm -newer "$stamp" -type f -print -quit 2>/dev/null)" ]]; then
        changed="changed"
    fi
    if [[ -z "$changed" || "${CLUSTR_BUILD:-}" == never ]]; then
        logging_binding clustr-examples
        classpath="$jar:$(cat clustr-examples/target/classpath.txt)$logging_classpath"
        return 0
    fi

    if [[ "$changed" == first ]]; then
        echo "building clustr (first run: about a minute on 2 cores, plus downloads into ~/.m2 the very first time;" \
            "later runs skip this while nothing changed)..." >&2
    else
        echo "sources changed since the last build: rebuilding clustr..." >&2
    fi
    local log="${TMPDIR:-/tmp}/clustr-build-$(id -un).log"
    local started=$SECONDS
    local next="clustr-examples/target/.build-stamp.next"
    mkdir -p clustr-examples/target
    touch "$next"
    set +e
    mvn -B -DskipTests -Dcheckstyle.skip --no-transfer-progress package -pl clustr-examples -am 2>&1 | tee "$log" |
        grep --line-buffered -E '^\[INFO\] Building [a-z].*\[[0-9]+/[0-9]+\]$|^\[ERROR\]|BUILD (SUCCESS|FAILURE)' |
        sed -u -e 's/^\[INFO\] Building \([^ ]*\) [^ ]* *\(\[.*\]\)$/  \2 \1/' -e 's/^\[INFO\] /  /' >&2
    local status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        echo "the build failed (exit $status); the whole log is in $log, its end:" >&2
        tail -n 30 "$log" >&2
        rm -f "$next"
        exit "$status"
    fi
    mv "$next" "$stamp"
    echo "built in $((SECONDS - started)) s (log: $log)" >&2
    jar=$(ls clustr-examples/target/clustr-examples-*.jar | grep -v -- '-tests.jar' | head -n 1)
    logging_binding clustr-examples
    classpath="$jar:$(cat clustr-examples/target/classpath.txt)$logging_classpath"
}
