#!/usr/bin/env bash
# The inference speed benchmark (issue 6, "Speed"): starts registry-svc and two inference-svc
# processes (dynamic batching as configured by default, and max batch size 1) plus the bare
# grpc-java echo service, trains and loads a flights GBDT, runs loadgen's concurrency sweep
# against the served model and the echo service alternately (step by step, so that the load of
# a shared machine weighs on both alike), one step at the top concurrency against batch size 1,
# and prints the figures with their targets.
#
#   bench/inference.sh                       # build what is needed, run, print
#   SKIP_BUILD=1 bench/inference.sh          # reuse the jars already built
#   MVN_ARGS="-o" bench/inference.sh         # extra Maven arguments for the build
#   CONCURRENCY=1,4,16,64,256 DURATION_MILLIS=4000 WARM_UP_MILLIS=1000 bench/inference.sh
#   INFERENCE_OPTS="-Dmlmesh.inference.batching.max-queue-delay-micros=0" bench/inference.sh
#                                            # settings for both inference-svc processes
#
# Results (tables, CSV, JSON, service logs) stay in .mlmesh/bench/inference-<time>/.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
concurrency="${CONCURRENCY:-1,4,16,64,256}"
duration_millis="${DURATION_MILLIS:-4000}"
warm_up_millis="${WARM_UP_MILLIS:-1000}"
out="$home/.mlmesh/bench/inference-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building registry-svc, inference-svc and loadgen ..." >&2
  (cd "$home" && ./mvnw -B -q ${MVN_ARGS:-} install -DskipTests \
    -pl registry-svc,inference-svc,loadgen -am)
fi

export OPT_OUT_TRACKING=true DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE
loadgen=(java -jar "$home/loadgen/target/mlmesh-loadgen.jar")
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

await_port() {
  local name=$1 port=$2 pid=$3
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before listening; see $out/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name not listening on $port after 60 s; see $out/$name.log" >&2
  exit 1
}

registry_port=$(free_port)
java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$registry_port" \
  -Dquarkus.otel.sdk.disabled=true -Dmlmesh.registry.data-dir="$out/registry" \
  -jar "$home/registry-svc/target/quarkus-app/quarkus-run.jar" >"$out/registry-svc.log" 2>&1 &
pids+=($!)
registry_pid=$!

start_inference() {
  local name=$1 port=$2
  shift 2
  java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dquarkus.otel.sdk.disabled=true \
    -Dquarkus.grpc.clients.registry.host=127.0.0.1 \
    -Dquarkus.grpc.clients.registry.port="$registry_port" ${INFERENCE_OPTS:-} "$@" \
    -jar "$home/inference-svc/target/quarkus-app/quarkus-run.jar" >"$out/$name.log" 2>&1 &
  pids+=($!)
}

inference_port=$(free_port)
start_inference inference-svc "$inference_port"
inference_pid=$!
unbatched_port=$(free_port)
start_inference inference-svc-batch1 "$unbatched_port" \
  -Dmlmesh.inference.batching.max-batch-size=1
unbatched_pid=$!
echo_port=$(free_port)
"${loadgen[@]}" echo-server --port "$echo_port" >"$out/echo-server.log" 2>&1 &
pids+=($!)
echo_pid=$!

await_port registry-svc "$registry_port" "$registry_pid"
await_port inference-svc "$inference_port" "$inference_pid"
await_port inference-svc-batch1 "$unbatched_port" "$unbatched_pid"
await_port echo-server "$echo_port" "$echo_pid"

"${loadgen[@]}" prepare --registry "127.0.0.1:$registry_port" \
  --inference "127.0.0.1:$inference_port,127.0.0.1:$unbatched_port" \
  --model flights-bench --out "$out"

sweep=(--model flights-bench --vectors "$out/vectors.csv" --bundle "$out/bundle.zip"
  --warm-up-millis "$warm_up_millis" --duration-millis "$duration_millis")
"${loadgen[@]}" sweep --target "127.0.0.1:$inference_port" "${sweep[@]}" \
  --concurrency "$concurrency" \
  --baseline-target "127.0.0.1:$echo_port" --baseline-title "bare grpc-java echo service" \
  --baseline-json "$out/echo.json" --target-pid "$inference_pid" --baseline-pid "$echo_pid" \
  --title "inference-svc, flights GBDT, dynamic batching (defaults)" \
  --json "$out/served.json" --csv "$out/served.csv" | tee "$out/served.txt"
echo
"${loadgen[@]}" sweep --target "127.0.0.1:$unbatched_port" "${sweep[@]}" \
  --concurrency "${concurrency##*,}" --target-pid "$unbatched_pid" \
  --title "inference-svc, flights GBDT, max batch size 1" \
  --json "$out/unbatched.json" --csv "$out/unbatched.csv" | tee "$out/unbatched.txt"
echo
"${loadgen[@]}" summary --served "$out/served.json" --echo "$out/echo.json" \
  --unbatched "$out/unbatched.json" --batching-concurrency "${concurrency##*,}" \
  | tee "$out/summary.txt"
echo "results in $out"
