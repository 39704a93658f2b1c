#!/usr/bin/env bash
# The feature store benchmark (BENCHMARKS.md, "Feature store"): builds feature-store-svc and the
# benchmark when their sources changed, then starts the packaged service against Redis
# (default redis://127.0.0.1:6379, under a key prefix of its own that is deleted afterwards) and
# prints the figures. Options: --help.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_jar="$home/bench-feature-store/target/bench-feature-store.jar"
service_jar="$home/feature-store-svc/target/quarkus-app/quarkus-run.jar"

needs_build() {
  [ -f "$bench_jar" ] && [ -f "$service_jar" ] || return 0
  [ -n "$(find "$home/proto" "$home/core" "$home/feature-store-svc" "$home/bench-feature-store" \
    \( -path '*/src/main/*' -o -name pom.xml \) -newer "$bench_jar" -type f -print -quit)" ]
}

if needs_build; then
  echo "building feature-store-svc and the benchmark ..." >&2
  (cd "$home" && ./mvnw -B -q -pl bench-feature-store -am install -DskipTests)
fi

cd "$home"
exec java -jar "$bench_jar" --feature-store-jar "$service_jar" "$@"
