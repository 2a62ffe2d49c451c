"""`python -m bench.subscriptions.profiled OUT -m src.cli serve …`: a server under cProfile during the
measured window only (start-up's migrations and reference data would drown the delivery path).

SIGUSR1 starts the profiler on the main thread (the event loop's), SIGUSR2 stops it and writes the stats
to OUT (pstats format: `python -m pstats OUT`), timed in this process's CPU seconds. The standard library's
profiler (no dependency) roughly doubles the server's CPU: a profiled run's latencies are not the figures."""

import cProfile
import runpy
import signal
import sys
import time
from types import FrameType


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    assert flag == "-m", "usage: python -m bench.subscriptions.profiled OUT -m MODULE [ARGS]"
    # CPU time, not wall time: on a shared machine the wall clock counts the other processes' turns too.
    profiler = cProfile.Profile(time.process_time)

    def start(signum: int, frame: FrameType | None) -> None:
        profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(out)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
