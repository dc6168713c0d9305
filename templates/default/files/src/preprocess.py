"""Preprocess step: split the input CSV files into train and test sets.

Runs in a SageMaker Processing job (see pipelines/): the input data is mounted at
/opt/ml/processing/input/data, and what is written under /opt/ml/processing/train and
/opt/ml/processing/test is uploaded to S3 when the job ends.

Data layout expected (edit here for yours): CSV files with a header row, one column named
LABEL_COLUMN (0/1), every other column numeric. Written out: CSV without header, label first,
the layout train.py and evaluate.py read.
"""

import csv
import glob
import os
import random
import sys

PROJECT = "{{name}}"
LABEL_COLUMN = "label"
TEST_FRACTION = 0.2
SEED = 42

INPUT_DIR = "/opt/ml/processing/input/data"
TRAIN_DIR = "/opt/ml/processing/train"
TEST_DIR = "/opt/ml/processing/test"


def read_rows(input_dir):
    """Every data row of every CSV under input_dir, label first, as lists of strings."""
    rows = []
    files = sorted(glob.glob(os.path.join(input_dir, "**", "*.csv"), recursive=True))
    if not files:
        sys.exit(f"{PROJECT}: no .csv file under {input_dir}: check the InputDataUrl parameter")
    for path in files:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                continue
            if LABEL_COLUMN not in header:
                sys.exit(f"{path}: no column named {LABEL_COLUMN!r} (columns: {', '.join(header)})")
            label = header.index(LABEL_COLUMN)
            for row in reader:
                if row:
                    rows.append([row[label]] + row[:label] + row[label + 1:])
    return rows


def write_rows(rows, directory, name):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "w", newline="") as f:
        csv.writer(f).writerows(rows)


def main():
    rows = read_rows(INPUT_DIR)
    random.Random(SEED).shuffle(rows)
    cut = max(1, int(len(rows) * (1 - TEST_FRACTION)))
    write_rows(rows[:cut], TRAIN_DIR, "train.csv")
    write_rows(rows[cut:], TEST_DIR, "test.csv")
    print(f"{PROJECT}: {cut} training rows, {len(rows) - cut} test rows")


if __name__ == "__main__":
    main()
