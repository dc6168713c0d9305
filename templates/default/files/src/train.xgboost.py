"""Train step (XGBoost): gradient-boosted trees on the train channel.

SageMaker's XGBoost container runs this file in script (framework) mode: the train channel is in
SM_CHANNEL_TRAIN, hyperparameters come as --name value arguments, and whatever is saved in
SM_MODEL_DIR becomes model.tar.gz. The serving container calls model_fn to load it (and
evaluate.py too, through predict_scores).
"""

import argparse
import glob
import os

import numpy as np
import xgboost as xgb

MODEL_FILE = "xgboost-model"


def load_csv(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    return data[:, 1:], data[:, 0]


def model_fn(model_dir):
    """Load the booster saved by main() (the serving container's hook)."""
    booster = xgb.Booster()
    booster.load_model(os.path.join(model_dir, MODEL_FILE))
    return booster


def predict_scores(model, rows):
    """Probability of the positive class for each row (objective binary:logistic)."""
    return [float(p) for p in model.predict(xgb.DMatrix(np.asarray(rows, dtype=float)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-round", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=5)
    parser.add_argument("--eta", type=float, default=0.2)
    args, _ = parser.parse_known_args()
    features, labels = load_csv(os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    params = {"objective": "binary:logistic", "max_depth": args.max_depth, "eta": args.eta, "eval_metric": "logloss"}
    booster = xgb.train(params, xgb.DMatrix(features, label=labels), num_boost_round=args.num_round)
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    booster.save_model(os.path.join(model_dir, MODEL_FILE))
    print(f"trained on {len(labels)} rows")


if __name__ == "__main__":
    main()
