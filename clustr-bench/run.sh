#!/usr/bin/env bash
# clustr-bench: measures clustr beside raw Aeron, Redis pub/sub and Node.js IPC in one go.
#
#   clustr-bench/run.sh [--quick] [more BenchRunner options, see --help]
#
# It builds what it needs (mvn package -DskipTests of clustr-bench and the modules it depends on, only when a
# source or pom is newer than the last build), starts redis-server on a free loopback port (installing Debian's
# redis-server first when it is missing and we are root), runs io.clustr.bench.BenchRunner, and on exit - normal,
# error or Ctrl-C - stops every process it started (the bench's whole process group), the Redis server, and
# deletes its /dev/shm directory. The bench launches every child through clustr-spawn (parent-death signal: they
# die with it even if it is SIGKILLed). Child logs: clustr-bench/target/bench-logs/<id>-<name>.log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUN_ID="$$"
SHM_DIR="/dev/shm/clustr-bench-${RUN_ID}"
LOG_DIR="${HERE}/target/bench-logs"
REDIS_DIR="${HERE}/target/redis-${RUN_ID}"
REDIS_PID=""
BENCH_PID=""

log() { echo "# $*" >&2; }

cleanup()
{
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "${BENCH_PID}" ]] && kill -0 "${BENCH_PID}" 2>/dev/null; then
        log "stopping bench process group ${BENCH_PID}"
        kill -TERM -- "-${BENCH_PID}" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 -- "-${BENCH_PID}" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if [[ -n "${BENCH_PID}" ]]; then
        kill -KILL -- "-${BENCH_PID}" 2>/dev/null || true
    fi
    if [[ -n "${REDIS_PID}" ]] && kill -0 "${REDIS_PID}" 2>/dev/null; then
        log "stopping redis-server ${REDIS_PID}"
        kill -TERM "${REDIS_PID}" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "${REDIS_PID}" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "${REDIS_PID}" 2>/dev/null || true
    fi
    rm -rf "${SHM_DIR}" "${REDIS_DIR}"
    exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
CLASSPATH_RUN="${BENCH_JAR}:$(cat "${STAMP}")"
rm -rf "${LOG_DIR}"
mkdir -p "${LOG_DIR}"

# 2. Redis: Debian's redis-server on a free loopback port, no persistence, no pub/sub output-buffer limit.
REDIS_PORT=0
if ! command -v redis-server >/dev/null 2>&1; then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing redis-server (apt-get)"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null 2>&1 \
            || log "could not install redis-server: the Redis peer will be skipped"
    fi
fi
if command -v redis-server >/dev/null 2>&1; then
    for port in $(seq 16379 16479); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            REDIS_PORT="${port}"
            break
        fi
    done
    mkdir -p "${REDIS_DIR}"
    redis-server --port "${REDIS_PORT}" --bind 127.0.0.1 --protected-mode yes --save '' --appendonly no \
        --dir "${REDIS_DIR}" --daemonize no --client-output-buffer-limit 'pubsub 0 0 0' \
        --logfile "${LOG_DIR}/redis-server.log" &
    REDIS_PID=$!
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${REDIS_PORT}") 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    log "redis-server $(redis-server --version | awk '{print $3}') pid ${REDIS_PID} on 127.0.0.1:${REDIS_PORT}"
else
    log "redis-server not available: the Redis peer will be skipped"
fi

# 3. Node, when installed.
NODE="$(command -v node || true)"
if [[ -z "${NODE}" ]]; then
    log "node not installed: the Node IPC peer will be skipped"
fi

# 4. Run, in a process group of its own so that cleanup can stop everything it started.
log "uptime: $(uptime)"
ADD_OPENS=("@${ROOT}/config/jvm/add-opens.args")
setsid java -XX:+UseSerialGC -Xmx256m "${ADD_OPENS[@]}" -cp "${CLASSPATH_RUN}" io.clustr.bench.BenchRunner \
    --shm-dir "${SHM_DIR}" --log-dir "${LOG_DIR}" --redis-port "${REDIS_PORT}" --node "${NODE}" \
    --js-dir "${HERE}/src/main/js" "$@" &
BENCH_PID=$!
set +e
wait "${BENCH_PID}"
BENCH_RC=$?
set -e
log "uptime: $(uptime)"
exit "${BENCH_RC}"
