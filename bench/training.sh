#!/usr/bin/env bash
# Training quality and speed on flights (train January-May, test June, seeded samples):
# mlmesh's XGBoost and logistic regression beside Python's xgboost and scikit-learn's
# HistGradientBoostingClassifier on the same rows and inputs. Needs the Debian packages
# python3-xgboost python3-sklearn python3-pandas, and a built checkout (./mvnw install).
# Usage: bench/training.sh [train_rows] [test_rows]   (defaults 200000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."

# Idle OpenMP threads must sleep, not spin, on shared cores (as every mlmesh service sets).
export OMP_WAIT_POLICY=PASSIVE
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
BENCH_DIR="$out" BENCH_TRAIN_ROWS="${1:-200000}" BENCH_TEST_ROWS="${2:-50000}" \
  ./mvnw -o -q ${MAVEN_ARGS:-} -pl training-svc test -Dtest=TrainingBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false
/usr/bin/python3 bench/training.py "$out"
