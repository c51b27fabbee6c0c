"""Runs the real hearth-agent for the packaging tests: ephemeral ports, waits for its ready
line (with a deadline, no sleeps), drains it with SIGTERM at the end."""
import os
import re
import select
import signal
import subprocess
import time

# ctest's SKIP_RETURN_CODE for these tests: a tool that is truly unavailable.
SKIP = 77


class Agent:
    def __init__(self, binary, args, log_path):
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen([binary] + args, stdout=subprocess.PIPE, stderr=self._log)
        self.grpc, self.metrics = self._wait_ready(deadline=time.monotonic() + 60)

    def _wait_ready(self, deadline):
        # "hearth-agent ready grpc=HOST:PORT metrics=HOST:PORT ..." (agent/main.cc).
        line = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"hearth-agent exited before it was ready (exit {self.proc.wait()})")
            line += chunk
            m = re.search(rb"ready grpc=(\S+) metrics=(\S+)", line)
            if m:
                return m.group(1).decode(), m.group(2).decode()
        self.proc.kill()
        raise RuntimeError("hearth-agent printed no ready line within 60 s")

    def stop(self):
        """SIGTERM (drain), then the exit code; SIGKILL past the deadline."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            self._log.close()
