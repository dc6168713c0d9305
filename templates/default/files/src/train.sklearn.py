"""Train step (scikit-learn): a logistic regression on the train channel.

SageMaker's scikit-learn container runs this file in script mode: the train channel is in
SM_CHANNEL_TRAIN, hyperparameters come as --name value arguments, and whatever is saved in
SM_MODEL_DIR becomes model.tar.gz. The serving container calls model_fn to load it (and
evaluate.py too, through predict_scores).
"""

import argparse
import glob
import os

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

MODEL_FILE = "model.joblib"


def load_csv(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    return data[:, 1:], data[:, 0]


def model_fn(model_dir):
    """Load the model saved by main() (the serving container's hook)."""
    return joblib.load(os.path.join(model_dir, MODEL_FILE))


def predict_scores(model, rows):
    """Probability of the positive class for each row."""
    return [float(p) for p in model.predict_proba(np.asarray(rows, dtype=float))[:, 1]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=1000)
    args, _ = parser.parse_known_args()
    features, labels = load_csv(os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    model = LogisticRegression(C=args.C, max_iter=args.max_iter).fit(features, labels)
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(model_dir, MODEL_FILE))
    print(f"trained on {len(labels)} rows")


if __name__ == "__main__":
    main()
