"""Train step (PyTorch): a small feed-forward binary classifier on the train channel.

SageMaker's PyTorch container runs this file in script mode: the train channel is in
SM_CHANNEL_TRAIN, hyperparameters come as --name value arguments, and whatever is saved in
SM_MODEL_DIR becomes model.tar.gz. The serving container calls model_fn to load it (and
evaluate.py too, through predict_scores).
"""

import argparse
import glob
import json
import os

import numpy as np
import torch
from torch import nn

MODEL_FILE = "model.pth"
SHAPE_FILE = "model-shape.json"


def build(features, hidden):
    return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, 1))


def load_csv(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    return data[:, 1:].astype(np.float32), data[:, 0].astype(np.float32)


def model_fn(model_dir):
    """Load the network saved by main() (the serving container's hook)."""
    with open(os.path.join(model_dir, SHAPE_FILE)) as f:
        shape = json.load(f)
    model = build(shape["features"], shape["hidden"])
    model.load_state_dict(torch.load(os.path.join(model_dir, MODEL_FILE), map_location="cpu"))
    model.eval()
    return model


def predict_fn(data, model):
    """Serving: probabilities of the positive class."""
    with torch.no_grad():
        return torch.sigmoid(model(torch.as_tensor(np.asarray(data, dtype=np.float32)))).squeeze(-1).numpy()


def predict_scores(model, rows):
    return [float(p) for p in predict_fn(rows, model)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    args, _ = parser.parse_known_args()
    features, labels = load_csv(os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    torch.manual_seed(42)
    model = build(features.shape[1], args.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    x, y = torch.from_numpy(features), torch.from_numpy(labels)
    for _ in range(args.epochs):
        optimiser.zero_grad()
        loss = loss_fn(model(x).squeeze(-1), y)
        loss.backward()
        optimiser.step()
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(model_dir, MODEL_FILE))
    with open(os.path.join(model_dir, SHAPE_FILE), "w") as f:
        json.dump({"features": int(features.shape[1]), "hidden": args.hidden}, f)
    print(f"trained on {len(labels)} rows, final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
