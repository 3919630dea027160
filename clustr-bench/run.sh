#!/usr/bin/env bash
# clustr-bench: measures clustr beside raw Aeron, Redis, NATS and Node.js IPC in one go.
#
#   clustr-bench/run.sh [--quick] [--suites aeron,redis,node,clustr,calls] [more BenchRunner options, see --help]
#
# It builds what it needs (mvn package -DskipTests of clustr-bench and the modules it depends on, only when a
# source or pom is newer than the last build), starts redis-server and nats-server on free loopback ports when the
# chosen suites need them (installing Debian's redis-server / nats-server first when missing and we are root), runs
# io.clustr.bench.BenchRunner, and on exit - normal, error, Ctrl-C, SIGTERM, SIGHUP or SIGPIPE (a closed output
# pipe: `run.sh ... 2>&1 | head`) - stops every process it started (the bench's whole process group, the servers)
# and deletes its /dev/shm directory. The servers and the bench run under setpriv's parent-death signal, so they
# end even if this script is SIGKILLed. --help / --version start nothing: they only print BenchRunner's text.
# The bench launches every child through clustr-spawn (parent-death signal: they die with it even if it is
# SIGKILLed). Child logs: clustr-bench/target/bench-logs/<id>-<name>.log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUN_ID="$$"
SHM_DIR="/dev/shm/clustr-bench-${RUN_ID}"
LOG_DIR="${HERE}/target/bench-logs"
REDIS_DIR="${HERE}/target/redis-${RUN_ID}"
# BenchRunner's default --suites: keep in step with its @Option.
SUITES="aeron,redis,node,clustr,calls"
REDIS_PID=""
NATS_PID=""
BENCH_PID=""

# Never fails: a log line to a closed pipe is lost, it does not end the script (nor its cleanup).
log() { echo "# $*" >&2 || true; }

# Stop one server this script started: SIGTERM, up to 5 s, then SIGKILL; reap it.
stop_server()
{
    local name="$1" pid="$2"
    if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
        log "stopping ${name} ${pid}"
        kill -TERM "${pid}" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "${pid}" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "${pid}" 2>/dev/null
    fi
    if [[ -n "${pid}" ]]; then
        wait "${pid}" 2>/dev/null
    fi
}

cleanup()
{
    local rc=$?
    # From here on nothing may stop the cleanup half-way: no errexit, and a further SIGPIPE, SIGHUP, SIGINT or
    # SIGTERM is ignored (a write to a closed pipe then just fails).
    set +e
    trap - EXIT
    trap '' PIPE HUP INT TERM
    if [[ -n "${BENCH_PID}" ]] && kill -0 "${BENCH_PID}" 2>/dev/null; then
        log "stopping bench process group ${BENCH_PID}"
        kill -TERM -- "-${BENCH_PID}" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 -- "-${BENCH_PID}" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if [[ -n "${BENCH_PID}" ]]; then
        kill -KILL -- "-${BENCH_PID}" 2>/dev/null
        wait "${BENCH_PID}" 2>/dev/null
    fi
    stop_server nats-server "${NATS_PID}"
    stop_server redis-server "${REDIS_PID}"
    rm -rf "${SHM_DIR}" "${REDIS_DIR}"
    exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# What the arguments ask for: --help / --version start nothing; the suites say which servers are needed.
HELP=0
prev=""
for arg in "$@"; do
    case "${arg}" in
        -h|-V|-hV|-Vh|--help|--version) HELP=1 ;;
        --suites=*) SUITES="${arg#--suites=}" ;;
    esac
    if [[ "${prev}" == "--suites" ]]; then
        SUITES="${arg}"
    fi
    prev="${arg}"
done
needs() { [[ ",${SUITES}," == *",$1,"* ]]; }

cd "${ROOT}"

# 1. Build what the bench needs, when a source or pom changed since the last build.
STAMP="${HERE}/target/bench.classpath"
if [[ ! -f "${STAMP}" ]] || [[ -n "$(find pom.xml */pom.xml clustr-*/src media-driver-config/src \
        -newer "${STAMP}" -type f -print -quit 2>/dev/null)" ]]; then
    log "building clustr-bench and the modules it needs (mvn package -DskipTests)"
    mvn -B -q -pl clustr-bench -am package -DskipTests
    touch "${STAMP}"
fi
# Jars only: a class path with a directory of classes gets only the JDK's classes into the class-data archive that
# clustr-spawn gives JVM children (docs/spawning.md), so workers would start slower than a deployed cluster's.
BENCH_JAR="$(ls "${HERE}"/target/clustr-bench-*.jar | grep -v -- '-tests.jar' | head -n 1)"
. "${ROOT}/config/logging.sh"
logging_binding "${HERE}"
CLASSPATH_RUN="${BENCH_JAR}:$(cat "${STAMP}")${logging_classpath}"
ADD_OPENS=("@${ROOT}/config/jvm/add-opens.args")

if [[ "${HELP}" == "1" ]]; then
    # Nothing started, nothing to clean: the help text only.
    java -XX:+UseSerialGC -Xmx64m "${ADD_OPENS[@]}" -cp "${CLASSPATH_RUN}" io.clustr.bench.BenchRunner "$@"
    exit $?
fi

rm -rf "${LOG_DIR}"
mkdir -p "${LOG_DIR}"

# Servers and the bench get a parent-death signal: they end with this script even if it is SIGKILLed.
PDEATH=()
if command -v setpriv >/dev/null 2>&1; then
    PDEATH=(setpriv --pdeathsig TERM)
else
    log "setpriv (util-linux) not found: a SIGKILLed run.sh would leave its servers running"
fi

# Install a Debian package when its command is missing and we are root.
ensure_installed()
{
    local command="$1" package="$2"
    if ! command -v "${command}" >/dev/null 2>&1; then
        if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
            log "installing ${package} (apt-get)"
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${package}") \
                >/dev/null 2>&1 || log "could not install ${package}"
        fi
    fi
    command -v "${command}" >/dev/null 2>&1
}

# The first port from $1 on (100 tried) where nothing listens on 127.0.0.1; 0 if none.
free_port()
{
    local port
    for port in $(seq "$1" $(($1 + 99))); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            echo "${port}"
            return
        fi
    done
    echo 0
}

# Wait up to 10 s for something to listen on 127.0.0.1:$1.
await_port()
{
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# 2. Redis: Debian's redis-server on a free loopback port, no persistence, no pub/sub output-buffer limit.
REDIS_PORT=0
if needs redis || needs calls; then
    if ensure_installed redis-server redis-server; then
        REDIS_PORT="$(free_port 16379)"
        mkdir -p "${REDIS_DIR}"
        "${PDEATH[@]}" redis-server --port "${REDIS_PORT}" --bind 127.0.0.1 --protected-mode yes --save '' \
            --appendonly no --dir "${REDIS_DIR}" --daemonize no --client-output-buffer-limit 'pubsub 0 0 0' \
            --logfile "${LOG_DIR}/redis-server.log" &
        REDIS_PID=$!
        if await_port "${REDIS_PORT}"; then
            log "redis-server $(redis-server --version | awk '{print $3}') pid ${REDIS_PID} on 127.0.0.1:${REDIS_PORT}"
        else
            log "redis-server did not listen on 127.0.0.1:${REDIS_PORT} within 10 s (${LOG_DIR}/redis-server.log)"
        fi
    else
        log "redis-server not available: the Redis peer will be skipped"
    fi
fi

# 3. NATS: Debian's nats-server on a free loopback port (core NATS only, no JetStream, no monitoring port).
NATS_PORT=0
if needs calls; then
    if ensure_installed nats-server nats-server; then
        NATS_PORT="$(free_port 14222)"
        "${PDEATH[@]}" nats-server --addr 127.0.0.1 --port "${NATS_PORT}" --log "${LOG_DIR}/nats-server.log" &
        NATS_PID=$!
        if await_port "${NATS_PORT}"; then
            log "nats-server $(nats-server --version | awk '{print $2}') pid ${NATS_PID} on 127.0.0.1:${NATS_PORT}"
        else
            log "nats-server did not listen on 127.0.0.1:${NATS_PORT} within 10 s (${LOG_DIR}/nats-server.log)"
        fi
    else
        log "nats-server not available: the NATS peer will be skipped"
    fi
fi

# 4. Node, when installed.
NODE="$(command -v node || true)"
if [[ -z "${NODE}" ]] && needs node; then
    log "node not installed: the Node IPC peer will be skipped"
fi

# 5. Run, in a process group of its own so that cleanup can stop everything it started.
log "uptime: $(uptime)"
setsid "${PDEATH[@]}" java -XX:+UseSerialGC -Xmx256m "${ADD_OPENS[@]}" -cp "${CLASSPATH_RUN}" \
    io.clustr.bench.BenchRunner --shm-dir "${SHM_DIR}" --log-dir "${LOG_DIR}" --redis-port "${REDIS_PORT}" \
    --nats-port "${NATS_PORT}" --node "${NODE}" --js-dir "${HERE}/src/main/js" "$@" &
BENCH_PID=$!
set +e
wait "${BENCH_PID}"
BENCH_RC=$?
set -e
log "uptime: $(uptime)"
exit "${BENCH_RC}"
