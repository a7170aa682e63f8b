"""Runs many commands of one real cloud CLI in a single Python process, the way the CLI's own
entry point runs one, and records each command's exit code, stdout and stderr.

    python batch.py <aws|az|gcloud> <commands.json> <results.json>

commands.json is a JSON list of argv lists (without the CLI's name); results.json receives one
{"code", "stdout", "stderr", "seconds"} per command. One process per CLI rather than one per
command: each CLI takes 1 to 5 s to start on a busy machine, and the check runs about a hundred
commands. Each command gets a fresh CLI object (the CLIs keep per-invocation state such as the
region on it), its own stdout and stderr at the file-descriptor level, and a time limit.
"""

import json
import os
import signal
import sys
import tempfile
import time
import traceback

PER_COMMAND_SECONDS = int(os.environ.get("HA_CLI_COMMAND_TIMEOUT", "60"))


class CommandTimeout(BaseException):
    """A BaseException, so that the CLIs' own `except Exception` handlers cannot swallow it."""


def aws_runner():
    # awscli/clidriver.py main(): builds a driver and returns the exit code.
    from awscli.clidriver import create_clidriver

    # A fresh driver and session per command, sharing one botocore data loader: reading the
    # service models and endpoints.json again for every command is most of its time.
    shared = {}

    def run(argv):
        driver = create_clidriver()
        if "loader" in shared:
            driver.session.register_component("data_loader", shared["loader"])
        else:
            shared["loader"] = driver.session.get_component("data_loader")
        return driver.main(argv)

    return run


def az_runner():
    # azure/cli/__main__.py: get_default_cli().invoke(args) returns the exit code.
    from azure.cli.core import get_default_cli

    return lambda argv: get_default_cli().invoke(argv)


def gcloud_runner():
    # lib/googlecloudsdk/gcloud_main.py main(): CreateCLI([]) then Execute(argv). Building the
    # command tree is the slow part, and calliope pushes and pops the flag-bound properties
    # (--project, --quiet) around each Execute, so one tree serves every command. lib/gcloud.py,
    # the script the `gcloud` wrapper runs, puts the SDK's vendored packages on sys.path first.
    import gcloud

    gcloud._fix_google_module()
    cli = gcloud._import_gcloud_main().CreateCLI([])
    # apitools retries a failed connection up to 7 times with exponential backoff (about 30 s,
    # third_party/apitools/base/py/http_wrapper.py MakeRequest). The network is cut on purpose, so
    # the retries happen at once: the request and its URL are the same, only the waiting goes.
    from apitools.base.py import util as apitools_util

    apitools_util.CalculateWaitForRetry = lambda *_args, **_kwargs: 0
    def run(argv):
        # Execute returns the displayed resources; failures exit or raise, as in gcloud_main.
        cli.Execute(argv)
        return 0

    return run


RUNNERS = {"aws": aws_runner, "az": az_runner, "gcloud": gcloud_runner}


def run_one(run, argv):
    def on_alarm(_signum, _frame):
        raise CommandTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(PER_COMMAND_SECONDS)
    try:
        code = run(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except CommandTimeout:
        sys.stderr.write(f"batch.py: timed out after {PER_COMMAND_SECONDS} s\n")
        code = 124
    except Exception as error:  # what the CLI's own main would report as a crash
        sys.stderr.write(f"batch.py: crashed ({type(error).__name__}): {error}\n")
        traceback.print_exc()
        code = 1
    finally:
        signal.alarm(0)
    return code


def main():
    cli, commands_path, results_path = sys.argv[1:4]
    sys.argv = [cli]  # the CLIs name themselves after argv[0] in usage messages
    with open(commands_path, encoding="utf-8") as f:
        commands = json.load(f)
    run = RUNNERS[cli]()
    results = []
    for argv in commands:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush()
            sys.stderr.flush()
            saved = os.dup(1), os.dup(2)
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            started = time.monotonic()
            try:
                code = run_one(run, argv)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
            seconds = time.monotonic() - started
            out.seek(0)
            err.seek(0)
            results.append(
                {
                    "code": code,
                    "stdout": out.read().decode("utf-8", "replace"),
                    "stderr": err.read().decode("utf-8", "replace"),
                    "seconds": round(seconds, 2),
                }
            )
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
