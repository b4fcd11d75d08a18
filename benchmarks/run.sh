#!/usr/bin/env bash
# Builds the benchmark application with the extension as checked out, then runs every benchmark and writes
# benchmarks/target/results.md. Arguments go to the application: --quick (smoke run), --only REGEX; --micrometer
# builds the application with a Prometheus registry (the report says which it measured).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }
profile=()
args=()
for a in "$@"; do
  if [ "$a" = "--micrometer" ]; then profile=(-Pmicrometer); else args+=("$a"); fi
done
./mvnw -B -q -pl benchmarks -am package -DskipTests "${profile[@]}"
exec java -jar benchmarks/target/quarkus-app/quarkus-run.jar "${args[@]}"
