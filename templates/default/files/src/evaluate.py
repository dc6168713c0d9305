"""Evaluate step: score the trained model on the test set and write the evaluation report.

Runs in a SageMaker Processing job: the model artifact (model.tar.gz) is at
/opt/ml/processing/model, the test set at /opt/ml/processing/test, this code at
/opt/ml/processing/input/code. It writes /opt/ml/processing/evaluation/evaluation.json in
SageMaker's report layout:

    {"metrics": {"accuracy": {"value": 0.93}, "f1": {"value": 0.91}, ...}}

The pipeline's Condition step reads metrics.{{metric}}.value from it (Std:JsonGet), and
`mlops register --metrics evaluation.json --require "{{metric}}>=..."` reads the same file.
"""

import csv
import glob
import json
import math
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402  (model_fn and predict_scores for this project's framework)

METRIC = "{{metric}}"
MODEL_DIR = "/opt/ml/processing/model"
TEST_DIR = "/opt/ml/processing/test"
OUTPUT_DIR = "/opt/ml/processing/evaluation"


def read_test_set(directory):
    labels, features = [], []
    for path in sorted(glob.glob(os.path.join(directory, "*.csv"))):
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if row:
                    labels.append(float(row[0]))
                    features.append([float(v) for v in row[1:]])
    if not labels:
        sys.exit(f"no test rows under {directory}")
    return labels, features


def classification_metrics(labels, scores, cut=0.5):
    predicted = [1.0 if s >= cut else 0.0 for s in scores]
    tp = sum(1 for y, p in zip(labels, predicted) if y == 1 and p == 1)
    fp = sum(1 for y, p in zip(labels, predicted) if y == 0 and p == 1)
    fn = sum(1 for y, p in zip(labels, predicted) if y == 1 and p == 0)
    correct = sum(1 for y, p in zip(labels, predicted) if y == p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    errors = [s - y for y, s in zip(labels, scores)]
    mse = sum(e * e for e in errors) / len(errors)
    return {
        "accuracy": correct / len(labels),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "mse": mse,
        "rmse": math.sqrt(mse),
        "mae": sum(abs(e) for e in errors) / len(errors),
    }


def main():
    artifact = os.path.join(MODEL_DIR, "model.tar.gz")
    if os.path.exists(artifact):
        with tarfile.open(artifact) as tar:
            tar.extractall(MODEL_DIR, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(MODEL_DIR)
    model = train.model_fn(MODEL_DIR)
    labels, features = read_test_set(TEST_DIR)
    metrics = classification_metrics(labels, train.predict_scores(model, features))
    if METRIC not in metrics:
        sys.exit(f"evaluate.py computes {', '.join(sorted(metrics))}, not {METRIC!r}: add it to classification_metrics()")
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    report = {"metrics": {name: {"value": value} for name, value in metrics.items()}}
    with open(os.path.join(OUTPUT_DIR, "evaluation.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(f"{METRIC} = {metrics[METRIC]:.4f}")


if __name__ == "__main__":
    main()
