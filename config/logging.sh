# Sourced by ./demo, ./example and clustr-bench/run.sh: the logging binding of these applications. clustr's modules
# declare none (a library does not choose its user's logging); the affinity library, Jedis and jnats log through
# slf4j 1.7, which without a binding prints a "no binding" notice in every JVM. The applications here run with
# slf4j's NOP binding, fetched into target/app-lib/ of the given module once (from ~/.m2, or downloaded), and put on
# their class path only. If it cannot be fetched the application runs without it (and the notice shows).
# Sets $logging_classpath: ":<jar>" or empty.
SLF4J_NOP_VERSION="1.7.36"
SLF4J_BINDING="org.slf4j:slf4j-nop:${SLF4J_NOP_VERSION}"
logging_binding() {
    local dir="$1/target/app-lib"
    local jar="$dir/slf4j-nop-${SLF4J_NOP_VERSION}.jar"
    if [[ ! -f "$jar" ]]; then
        mvn -B -q -N --no-transfer-progress dependency:copy -Dartifact="$SLF4J_BINDING" -DoutputDirectory="$dir" \
            >/dev/null 2>&1 || true
    fi
    if [[ -f "$jar" ]]; then
        logging_classpath=":$(cd "$dir" && pwd)/${jar##*/}"
    else
        logging_classpath=""
    fi
}
