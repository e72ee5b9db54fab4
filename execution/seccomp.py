"""The system calls a sandboxed program is refused, as a BPF program for bubblewrap's ``--seccomp``.

The sandbox already takes away every capability and the host's namespaces; this closes what an
unprivileged process could still reach: tracing or reading other processes (even the sandbox's
own), the kernel keyring, BPF and perf events, userfaultfd (a favourite of kernel exploits), new
namespaces and mounts, and the rest of what Docker's default profile refuses. Each is answered
EPERM, so a student's program sees an ordinary error, never a mysterious kill.
"""

from __future__ import annotations

import errno
import functools
import tempfile

import pyseccomp

REFUSED: tuple[str, ...] = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_by_handle_at",
    "name_to_handle_at",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
    "move_mount",
    "open_tree",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "iopl",
    "ioperm",
    "personality",
    "lookup_dcookie",
    "vhangup",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
)
# clone3 takes its flags in memory, where a filter cannot look: refusing it with ENOSYS makes
# the C library fall back to clone, whose namespace flags the kernel refuses without privileges.
UNSUPPORTED: tuple[str, ...] = ("clone3",)


@functools.cache
def program() -> bytes:
    """The filter, compiled once per process."""
    sieve = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in REFUSED:
        sieve.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    for name in UNSUPPORTED:
        sieve.add_rule(pyseccomp.ERRNO(errno.ENOSYS), name)
    with tempfile.TemporaryFile() as sink:
        sieve.export_bpf(sink)
        sink.seek(0)
        return sink.read()
