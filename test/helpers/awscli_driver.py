"""Run many AWS CLI v1 commands in one Python process: the CLI's own driver, not a reimplementation.

Reads one JSON array of arguments per line on stdin (e.g. ["sts", "get-caller-identity", ...]);
writes one JSON object per line on stdout: {"rc": exit status, "stdout": ..., "stderr": ...}.
One driver serves every command, so botocore loads each service model once.
"""
import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver

answers = sys.stdout
driver = create_clidriver()
for line in sys.stdin:
    args = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = driver.main(args)
        except SystemExit as exit:
            rc = exit.code if isinstance(exit.code, int) else 1
    answers.write(json.dumps({"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\n")
    answers.flush()
