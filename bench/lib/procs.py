"""Starting, measuring and stopping the processes of a benchmark run.

Every process is started in its own session (so its whole group can be signalled), and its group id and start
time are appended to a pid file. bench/run's exit trap reads that file and ends whatever is still running, even
if the Python harness itself was killed. Every wait here has a deadline.
"""

import os
import signal
import socket
import subprocess
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def start_time_ticks(pid):
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def cpu_seconds(pid):
    """utime + stime of a live process (all its threads), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def memory_kib(pid):
    """(VmRSS, VmHWM) in KiB of a live process, or (None, None)."""
    rss = hwm = None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


class ProcessTable:
    """The processes this harness started; stop_all() ends the ones still running."""

    def __init__(self, pid_file):
        self.pid_file = pid_file
        self.live = {}  # pid -> start ticks

    def spawn(self, command, cwd, stdout_path, stderr_path, env=None):
        """Starts a command in its own session with stdout and stderr to files; returns the Popen."""
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                       env=env, start_new_session=True)
        ticks = start_time_ticks(process.pid)
        self.live[process.pid] = ticks
        with open(self.pid_file, "a", encoding="ascii") as handle:
            handle.write(f"{process.pid} {ticks}\n")
        return process

    def _is_ours(self, pid):
        ticks = self.live.get(pid)
        return ticks is not None and start_time_ticks(pid) == ticks

    def stop(self, process, grace_s=15.0):
        """SIGTERM to the process group, SIGKILL after grace_s; reaps the process. Returns its exit code."""
        pid = process.pid
        if process.returncode is None and self._is_ours(pid):
            _signal_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + grace_s
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.1)
            if process.poll() is None:
                _signal_group(pid, signal.SIGKILL)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        elif process.returncode is None:
            process.poll()
        # Children the leader left behind in its group (none expected) go too.
        _signal_group(pid, signal.SIGKILL)
        self.live.pop(pid, None)
        return process.returncode

    def stop_all(self):
        for pid in list(self.live):
            if self._is_ours(pid):
                _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(self._is_ours(pid) for pid in self.live):
            time.sleep(0.2)
        for pid in list(self.live):
            if self._is_ours(pid):
                _signal_group(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        self.live.clear()


def _signal_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def run_measured(table, command, cwd, stdout_path, stderr_path, timeout_s, env=None, interval_s=0.5,
                 watch_pid=None, at_limit=None):
    """Runs a command to completion (or timeout) and measures it.

    Returns a dict: start_epoch, wall_s, exit_code, timed_out, cpu_s and peak_rss_kib (from the kernel's
    rusage of the child, exact), samples [[t, rss_mib, cpu_s], ...] polled every interval_s, and
    watched_cpu_s: the CPU seconds that watch_pid (the fixture) used meanwhile.

    at_limit, for a crawler without a page limit of its own (wget), is called with the epoch time about 20 times a
    second while the process runs; when it returns True the process gets SIGTERM (SIGKILL 15 s later), and
    stopped_at_limit is True in the result.
    """
    watched_before = cpu_seconds(watch_pid) if watch_pid else None
    start_epoch = time.time()
    started = time.monotonic()
    process = table.spawn(command, cwd, stdout_path, stderr_path, env)
    samples = []
    timed_out = False
    stopped_at_limit = False
    stop_kill_at = None
    rusage = None
    status = None
    next_sample = started
    while True:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            break
        now = time.monotonic()
        if at_limit is not None and not stopped_at_limit and at_limit(time.time()):
            stopped_at_limit = True
            _signal_group(process.pid, signal.SIGTERM)
            stop_kill_at = now + 15
        if stop_kill_at is not None and now > stop_kill_at:
            _signal_group(process.pid, signal.SIGKILL)
            stop_kill_at = None
        if now >= next_sample:
            rss, _ = memory_kib(process.pid)
            cpu = cpu_seconds(process.pid)
            if rss is not None and cpu is not None:
                samples.append([round(now - started, 3), round(rss / 1024, 1), round(cpu, 2)])
            next_sample = now + interval_s
        if now - started > timeout_s and not timed_out:
            timed_out = True
            _signal_group(process.pid, signal.SIGTERM)
            kill_at = now + 20
        if timed_out and now > kill_at:
            _signal_group(process.pid, signal.SIGKILL)
            kill_at = now + 3600
        time.sleep(0.05)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    _signal_group(process.pid, signal.SIGKILL)  # anything the leader left in its group
    table.live.pop(process.pid, None)
    watched_after = cpu_seconds(watch_pid) if watch_pid else None
    return {
        "start_epoch": start_epoch,
        "wall_s": round(wall, 3),
        "exit_code": process.returncode,
        "timed_out": timed_out,
        "stopped_at_limit": stopped_at_limit,
        "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 2),
        "peak_rss_kib": rusage.ru_maxrss,
        "samples": samples,
        "watched_cpu_s": (round(watched_after - watched_before, 2)
                          if watched_before is not None and watched_after is not None else None),
    }


def port_answers(address, port, timeout_s=0.5):
    """True if something accepts TCP connections on address:port."""
    try:
        with socket.create_connection((address, port), timeout=timeout_s):
            return True
    except OSError:
        return False
