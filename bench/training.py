#!/usr/bin/python3
"""Python half of bench/training.sh: trains Python's xgboost (the parameters mlmesh's trees
use) and scikit-learn's HistGradientBoostingClassifier on the matrices TrainingBenchmark wrote,
the same rows and inputs, and prints one table beside mlmesh's figures."""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import xgboost
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

REPEATS = 3
TREE_PARAMS = {"max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": 2, "seed": 42,
               "objective": "binary:logistic", "eval_metric": "logloss"}
ROUNDS = 100


def load(folder, name, width):
    x = np.fromfile(folder / f"{name}_x.f32", dtype="<f4").reshape(-1, width)
    y = np.fromfile(folder / f"{name}_y.f32", dtype="<f4")
    return x, y


def python_xgboost(train_x, train_y, test_x, test_y):
    """Median seconds of xgb.train with a train and a validation watch, as mlmesh trains."""
    seconds = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        dtrain = xgboost.DMatrix(train_x, label=train_y, missing=np.nan)
        dtest = xgboost.DMatrix(test_x, label=test_y, missing=np.nan)
        booster = xgboost.train(TREE_PARAMS, dtrain, ROUNDS,
                                evals=[(dtrain, "train"), (dtest, "validation")],
                                verbose_eval=False)
        seconds.append(time.perf_counter() - start)
    return roc_auc_score(test_y, booster.predict(dtest)), seconds


def hist_gradient_boosting(train_x, train_y, test_x, test_y, inputs):
    categorical = [name in ("origin", "destination") for name in inputs]
    model = HistGradientBoostingClassifier(max_iter=ROUNDS, learning_rate=0.1,
                                           categorical_features=categorical, random_state=42)
    start = time.perf_counter()
    model.fit(train_x, train_y)
    seconds = time.perf_counter() - start
    return roc_auc_score(test_y, model.predict_proba(test_x)[:, 1]), seconds


def main():
    folder = Path(sys.argv[1])
    ours = json.loads((folder / "mlmesh.json").read_text())
    width = len(ours["inputs"])
    train_x, train_y = load(folder, "train", width)
    test_x, test_y = load(folder, "test", width)
    xgb_auc, xgb_seconds = python_xgboost(train_x, train_y, test_x, test_y)
    hgb_auc, hgb_seconds = hist_gradient_boosting(train_x, train_y, test_x, test_y,
                                                  ours["inputs"])
    our_median = statistics.median(ours["mlmesh_xgboost_train_seconds"])
    xgb_median = statistics.median(xgb_seconds)

    print(f"rows: train {ours['train_rows']} (Jan-May), test {ours['test_rows']} (June);"
          f" inputs {', '.join(ours['inputs'])}")
    print(f"python xgboost {xgboost.__version__}, scikit-learn {sklearn.__version__}")
    print("| model | test AUC | train seconds (median of 3) |")
    print("|---|---|---|")
    print(f"| mlmesh XGBoost (XGBoost4J, 100 rounds, depth 6, eta 0.1, hist, 2 threads)"
          f" | {ours['mlmesh_xgboost_auc']:.4f} | {our_median:.2f} |")
    print(f"| mlmesh logistic regression (gblinear) | {ours['mlmesh_logistic_regression_auc']:.4f}"
          " | |")
    print(f"| Python xgboost, same parameters | {xgb_auc:.4f} | {xgb_median:.2f} |")
    print(f"| scikit-learn HistGradientBoostingClassifier (100 iterations, airports"
          f" categorical) | {hgb_auc:.4f} | {hgb_seconds:.2f} (one run) |")
    print("each run, seconds: mlmesh " + ", ".join(f"{t:.2f}" for t in
                                                  sorted(ours["mlmesh_xgboost_train_seconds"]))
          + "; Python xgboost " + ", ".join(f"{t:.2f}" for t in sorted(xgb_seconds)))
    print(f"ratio mlmesh / Python xgboost training time: {our_median / xgb_median:.2f}")
    print("mlmesh train + test scoring + TreeSHAP of the test rows (a job's training step):"
          f" {ours['mlmesh_xgboost_with_scoring_and_shap_seconds']:.2f} s")


if __name__ == "__main__":
    main()
