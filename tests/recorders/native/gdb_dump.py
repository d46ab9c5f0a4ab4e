"""Run inside gdb (`gdb -batch -x gdb_dump.py`): after the crash, dump every thread's backtrace,
the crashing thread's registers, the loaded images and the mutex owner as JSON to $DUMP_JSON.

The same facts `thread apply all bt`, `info registers` and `info sharedlibrary` print, read
through gdb's Python API so nothing depends on the layout of gdb's text.
"""

import json
import os

import gdb

REGISTERS = [
    "rax",
    "rbx",
    "rcx",
    "rdx",
    "rsi",
    "rdi",
    "rbp",
    "rsp",
    "r8",
    "r9",
    "r10",
    "r11",
    "r12",
    "r13",
    "r14",
    "r15",
    "rip",
    "eflags",
]


def frame_info(frame):
    pc = int(frame.pc())
    sal = frame.find_sal()
    function = frame.function()
    symbol_addr = None
    if function is not None:
        symbol_addr = int(function.value().address)
    else:
        block = gdb.block_for_pc(pc)
        if block is not None and block.function is not None:
            symbol_addr = int(block.start)
    objfile = gdb.current_progspace().solib_name(pc) or gdb.current_progspace().filename
    return {
        "pc": pc,
        "function": frame.name() or "",
        "symbol_addr": symbol_addr,
        "file": sal.symtab.filename if sal.symtab else "",
        "line": sal.line or None,
        "objfile": objfile,
        "crashed_by_signal": frame.type() == gdb.SIGTRAMP_FRAME,
    }


def thread_info(thread):
    thread.switch()
    frames = []
    frame = gdb.newest_frame()
    while frame is not None:
        frames.append(frame_info(frame))
        frame = frame.older()
    return {
        "num": thread.num,
        "lwp": thread.ptid[1],
        "name": thread.name or "",
        "frames": frames,
    }


gdb.execute("set pagination off")
gdb.execute("run")
inferior = gdb.selected_inferior()
crashed = gdb.selected_thread()
signal = gdb.parse_and_eval("$_siginfo")
dump = {
    "signal": {
        "number": int(signal["si_signo"]),
        "code": int(signal["si_code"]),
        "address": int(signal["_sifields"]["_sigfault"]["si_addr"]),
    },
    "crashed_thread": crashed.num,
    "registers": {name: int(gdb.parse_and_eval(f"${name}")) for name in REGISTERS},
    "threads": [thread_info(t) for t in sorted(inferior.threads(), key=lambda t: t.num)],
    "lock_owner_lwp": int(gdb.parse_and_eval("cache_lock.__data.__owner")),
    "lock_address": int(gdb.parse_and_eval("&cache_lock")),
    "mappings": gdb.execute("info proc mappings", to_string=True),
}
with open(os.environ["DUMP_JSON"], "w") as out:
    json.dump(dump, out, indent=1)
gdb.execute("kill")
