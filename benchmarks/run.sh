#!/usr/bin/env bash
# Builds the benchmark application with the extension as checked out, then runs every benchmark and writes
# benchmarks/target/results.md. Arguments go to the application: --quick (smoke run), --only REGEX.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }
./mvnw -B -q -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/quarkus-app/quarkus-run.jar "$@"
