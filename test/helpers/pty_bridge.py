"""Run a command in a real pseudo-terminal and relay it over pipes, for interactive e2e tests.

Usage: python3 pty_bridge.py COMMAND [ARGS...]
Whatever arrives on our stdin is typed into the terminal; whatever the terminal shows goes to our
stdout. Exits with the command's exit code. The terminal is 100 columns wide unless
PTY_BRIDGE_COLUMNS says otherwise (that variable is not passed on to the command).
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns = int(os.environ.pop("PTY_BRIDGE_COLUMNS", "100"))
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

# A real terminal has a size; prompt libraries lay out their lines with it.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
stdin_open = True
while True:
    watch = [fd] + ([0] if stdin_open else [])
    ready, _, _ = select.select(watch, [], [], 0.05)
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if stdin_open and 0 in ready:
        data = os.read(0, 4096)
        if data:
            os.write(fd, data)
        else:
            stdin_open = False

_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
