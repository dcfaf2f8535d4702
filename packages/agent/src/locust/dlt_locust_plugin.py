"""dlt's bridge inside Locust: streams every request Locust makes to the dlt agent that started
this process, one JSON line each on the file descriptor named by DLT_LOCUST_FD, so the agent
records it in its own histograms. Loaded by Locust as one more locustfile (`-f this.py,user.py`: the user's file last, whose LoadTestShape Locust keeps);
it defines no User class, only event listeners.

Once the locustfiles are loaded it writes {"t":"init"} and waits for one byte on the descriptor
DLT_LOCUST_GO_FD names (when set) before Locust starts the test.

Lines: {"t":"init"} once the locustfiles are loaded, {"t":"start"} when the test starts,
{"t":"u","u":N} with the running users every second, one {"t":"r",...} per request, and
{"t":"ue","e":what,"w":where,"n":N} every second for exceptions the locustfile's tasks raised
(Locust's "Error report": they are no requests, but the user must hear of them).
"""

import json
import os
import sys
import time
import traceback

import gevent
from locust import events
from locust.runners import LocalRunner

_out = os.fdopen(int(os.environ.get("DLT_LOCUST_FD", "3")), "w", buffering=1 << 16, encoding="utf-8")


def _emit(message):
    _out.write(json.dumps(message, separators=(",", ":")) + "\n")


def _flush():
    try:
        _out.flush()
    except (BrokenPipeError, ValueError, OSError):
        # The agent is gone or closed the stream: nothing left to tell it.
        pass


@events.request.add_listener
def _on_request(request_type=None, name=None, response_time=None, response_length=None, response=None,
                context=None, exception=None, start_time=None, url=None, **_):
    elapsed = float(response_time or 0)
    started = float(start_time) if start_time else time.time() - elapsed / 1000
    status = getattr(response, "status_code", 0) if response is not None else 0
    message = {
        "t": "r",
        # Bounded as the agent reads them (a longer line would be dropped, and its request lost).
        "n": str(name)[:2048],
        "m": str(request_type)[:64],
        "s": int(status or 0),
        "rt": elapsed,
        "st": started,
        "l": int(response_length or 0),
    }
    if exception is not None:
        message["ek"] = type(exception).__name__
        message["e"] = str(exception)[:500]
    _emit(message)


_user_errors = {}


@events.user_error.add_listener
def _on_user_error(user_instance=None, exception=None, tb=None, **_):
    where = ""
    frames = traceback.extract_tb(tb) if tb is not None else []
    if frames:
        f = frames[-1]
        where = f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
    key = (f"{type(exception).__name__}: {exception}"[:300], where)
    _user_errors[key] = _user_errors.get(key, 0) + 1


def _emit_user_errors():
    for (what, where), n in list(_user_errors.items()):
        _emit({"t": "ue", "e": what, "w": where, "n": n})
    _user_errors.clear()


def _report(environment):
    # Users every second, and a flush so the agent's live view lags by at most ~0.2 s.
    ticks = 0
    while True:
        gevent.sleep(0.2)
        ticks += 1
        runner = environment.runner
        if ticks % 5 == 0 and runner is not None:
            _emit({"t": "u", "u": int(runner.user_count)})
            _emit_user_errors()
        _flush()


_shape_run_time = None


@events.init.add_listener
def _on_init(environment, runner=None, **_):
    global _shape_run_time
    if runner is not None and not isinstance(runner, LocalRunner):
        # A master would wait for workers forever: refuse before the agent's go, with the reason.
        sys.stderr.write(
            "Locust's configuration (a locust.conf or pyproject.toml beside the locustfile, or "
            "~/.locust.conf) asks for distributed mode (master or worker); dlt runs one Locust per "
            "task and spreads the load itself: remove master, worker and expect-workers from it\n"
        )
        sys.stderr.flush()
        os._exit(2)
    options = environment.parsed_options
    if environment.shape_class is not None and options is not None and options.run_time:
        # Locust refuses --run-time with a load shape; the shape decides the users and dlt's run
        # time still ends the test.
        _shape_run_time = options.run_time
        options.run_time = None
    _emit({"t": "init"})
    _flush()
    gevent.spawn(_report, environment)
    go = os.environ.get("DLT_LOCUST_GO_FD")
    if go:
        # Hold the whole process (nothing has started yet) until the agent says go: the common
        # start of every task. End of file (the agent gone) goes too, and is stopped by it.
        os.read(int(go), 1)


@events.test_start.add_listener
def _on_test_start(environment, **_):
    if _shape_run_time is not None and environment.runner is not None:
        gevent.spawn_later(_shape_run_time, environment.runner.quit)
    _emit({"t": "start"})
    _flush()


@events.quitting.add_listener
def _on_quitting(environment, **_):
    _emit_user_errors()
    _emit({"t": "u", "u": 0})
    _flush()
