#!/usr/bin/env python3
"""Writes the hand-made hostile seeds of the fuzz targets (tests/fuzz/) into
tests/fuzz_corpus/<target>/hostile_*: forged markers, CSI sequences,
CR-only streams, floods of empty lines, hostile telnet negotiation and
logins, SFTP lengths and counts far beyond their packets. Each starts with
its target's option bytes, as the target's header comment describes.

usage: tests/fuzz/make_hostile_seeds.py [corpus dir]   (default tests/fuzz_corpus)
"""
import os
import struct
import sys

# --- session_reader: 8 option bytes, then the shell's bytes ---------------
T = b"__OTTO_0123456789ab_"
BEGIN = T + b"BEGIN_b0b0b0b0b0b0__"
RECOVER = T + b"RECOVER_c0c0c0c0c0c0__"


def end(code, nonce=b"e0e0e0e0e0e0"):
    return T + b"END_" + nonce + b"__" + str(code).encode() + b"__"


def session(flags=0, repeat=0, repeat_at=0, timeout_at=0, reads=(0, 0, 0, 0)):
    return bytes([flags, repeat, repeat_at, timeout_at, *reads])


EARLIER = b"e1e1e1e1e1e1"
SESSION_READER = {
    "hostile_forged_markers": session(reads=(3, 17, 0, 40)) + end(0, EARLIER) + b"\r\nleaked\r\n" + T +
    b"BEGIN_b1b1b1b1b1b1__\r\n" + T + b"READY__\r\n> > " + BEGIN + b"\r\nout " + T + b" inside\r\n" +
    end(0, EARLIER) + b"\r\n__OTTO_ffffffffffff_END_e0e0e0e0e0e0__0__\r\n" + T +
    b"END_e0e0e0e0e0e0__9999999999__\r\n" + T + b"END_e0e0e0e0e0e0____\r\nlast" + end(7) + b"\r\nbash-5.2$ ",
    "hostile_csi": session(flags=1, reads=(1, 2, 5, 9)) + b"\x1b[?2004l\r" + BEGIN +
    b"\r\n\x1b[31mred\x1b[0m\r\n\x1b[1;32;40mPassword:\x1b[0m\r\n\x1b[K\x1b[2J\x1b[H\x1b[\x1b[?\x1b[999999999999m\r\n" +
    T[:10] + b"\x1b[0m" + T[10:] + b"READY__\r\nx\x1b[" + end(0) + b"\r\n\x1b[?2004h$ ",
    "hostile_cr_only": session(flags=2, reads=(1, 1, 1, 1)) + BEGIN + b"\rone\rtwo\r\rthree\r" + end(0) + b"\r" +
    BEGIN + b"\n\ra\r\rb\rc\r\r\n\r\r\nd\r\n\r\r" + end(1) + b"\r\n",
    "hostile_rejected_frame": session() + b"leaked\r\n" + end(3, EARLIER) +
    b"\r\n> bash: syntax error near unexpected token `fi'\r\nbash-5.2# " + end(2) +
    b"\r\nbash-5.2# bash: syntax error near unexpected token `}'\r\n",
    # 64 times the first half: some 70 000 empty lines before END.
    "hostile_rejected_after_empty_lines": session(repeat=63, repeat_at=128) + b"x\n" + b"\n" * 2200 +
    b"bash: syntax error near unexpected token `fi'\r\n" + end(2) + b"\r\n",
    "hostile_timeout_drain": session(flags=0x20 | 3, timeout_at=100, reads=(7, 3, 11, 2)) + BEGIN +
    b"\r\npartial\r\nfoo" + end(130) + b"\r\n" + T + b"RECOVER__0__\r\n" + T +
    b"RECOVER_c1c1c1c1c1c1__0__\r\nmore\r\nbash$ " + RECOVER + b"130__\r\nbash$ ",
    "hostile_truncated_output": session(flags=4 << 2, repeat=40, repeat_at=40, reads=(5, 60, 1, 33)) + BEGIN +
    b"\n0123456789\n\n\nabc\n" + b"x" * 40 + b"\n" + end(0) + b"\n",
    "hostile_expects": session(flags=3, reads=(2, 9, 4, 1)) + b"Password:\n" + BEGIN +
    b"\r\nPassword:Password:got=s3cret\r\nContinue [y/n] xyzxyz a+b aab ## login LOGIN 12345\r\n" + b"x" * 45 +
    b"\r\nPassword: " + end(0) + b"Password:\r\n",
    "hostile_binary": session(reads=(0, 1, 2, 3)) + BEGIN + b"\n\xff\xfe\x00\x01\x7f\x1b\x9b\x80\n\x00" + T +
    b"\x00\n" + end(255) + b"\n",
}

# --- telnet_login: 1 option byte, then records ----------------------------
IAC, DONT, DO, WONT, WILL, SB, SE, NOP, GA = 255, 254, 253, 252, 251, 250, 240, 241, 249
ECHO, SGA, TTYPE, NAWS = 1, 3, 24, 31
PHASE, PROBE, QUIET = 1, 2, 4  # waits that run out


def iac(*command):
    return bytes([IAC, *command])


def records(*events):
    """Bytes are reads of the server (255 bytes a record at most); an int
    says which waits run out."""
    out = b""
    for event in events:
        if isinstance(event, int):
            out += bytes([0, event])
            continue
        while event:
            out += bytes([min(len(event), 255)]) + event[:255]
            event = event[255:]
    return out


BUSYBOX = iac(DO, ECHO) + iac(DO, NAWS) + iac(WILL, ECHO) + iac(WILL, SGA)
TELNET_LOGIN = {
    "hostile_login_incorrect": b"\0" + records(BUSYBOX, b"\r\n\r\nvm login: ", b"operator\r\n", b"Password: ",
                                               b"\r\n", b"Login inc", b"orrect\r\nvm login: "),
    "hostile_prompt_again": b"\0" + records(b"\r\nconsole login: ", b"Password: ", b"\r\n\r\nconsole login: ", QUIET),
    "hostile_iac_storm": b"\0" + records(
        b"".join(iac(c, o) for c in (WILL, WONT, DO, DONT) for o in (0, 1, 3, 5, 24, 31, 34, 39, 200)),
        iac(SB, NAWS) + b"\0\x50\0\x18" + iac(SE) + iac(SB, TTYPE, 1) + iac(SE) + iac(NOP) + iac(GA),
        b"lo" + iac(IAC) + b"gin: ", iac(SB, 39) + b"x" * 300, b"Password: " + bytes([IAC])),
    "hostile_csi_prompts": b"\4" + records(b"\x1b[1mUsername\x1b[0m: ", b"\x1b[?2004hPass\x1b[0mword: ",
                                           b"\r\n\x1b[32mLast login: today\x1b[0m\r\n",
                                           b"\x1b]0;title\x07router\x1b[1m>\x1b[0m "),
    "hostile_silent_after_password": b"\0" + records(b"login: ", b"Password: ", b"\r\n\0\0\r\n", QUIET, PHASE),
    "hostile_password_echo": b"\0" + records(b"login: ", b"operator\r\nPassword: ", b"Pw9-Zq\r\n",
                                             b"Access denied for Pw9-Zq\r\n"),
    "hostile_no_login": b"\2" + records(BUSYBOX, b"\r\n/ # ", b"\x1b[6n", T + b"READY__\r\n/ # "),
    "hostile_chosen_shell": bytes([3 | 8]) + records(b"login: ", b"Password: ", b"\r\nWelcome\r\n$ ", QUIET,
                                                     b"$ ", PROBE, b"$ "),
    "hostile_chosen_shell_refused": b"\3" + records(b"login: ", b"Password: ", b"\r\n$ ", PROBE,
                                                    b"\r\nPermission denied\r\n"),
    "hostile_refused_after_login": b"\0" + records(b"login: ", b"Password: ", b"\r\n", QUIET, PHASE,
                                                   b"\r\nLogin incorrect\r\n\r\nlogin: "),
}


# --- sftp_reply: 4 option bytes (the reads), then the server's bytes ------
def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def string(b):
    return u32(len(b)) + b


def packet(kind, body):
    return u32(len(body) + 1) + bytes([kind]) + body


VERSION = packet(2, u32(3) + string(b"posix-rename@openssh.com") + string(b"1") + string(b"statvfs@openssh.com") +
                 string(b"2"))
ATTRS = u32(0x8000000f) + u64(1234) + u32(0) + u32(0) + u32(0o100644) + u32(1) + u32(2) + u32(1) + string(b"x@y") + \
    string(b"z")
SFTP_REPLY = {
    "hostile_huge_length": bytes([1, 2, 3, 4]) + VERSION + u32(0xffffffff) + b"\x65" + b"\0" * 16,
    "hostile_empty_packet": bytes(4) + VERSION + u32(0),
    "hostile_name_count": bytes([5, 5, 5, 5]) + VERSION + packet(104, u32(7) + u32(0xffffffff) + string(b"a") +
                                                                 string(b"b") + u32(0)),
    "hostile_attrs_extended_count": bytes(4) + VERSION + packet(105, u32(8) + u32(0x80000000) + u32(0xffffffff) +
                                                                string(b"t") + string(b"d")),
    "hostile_string_past_end": bytes([0, 1, 0, 1]) + VERSION + packet(103, u32(9) + u32(0x7fffffff) + b"abc"),
    "hostile_replies": bytes([3, 7, 1, 60]) + VERSION + packet(101, u32(1) + u32(0) + string(b"Success") + string(b"")) +
    packet(101, u32(2) + u32(2)) + packet(102, u32(3) + string(b"\0\0\0\1")) + packet(103, u32(4) + string(b"data" * 10)) +
    packet(104, u32(5) + u32(2) + string(b"a") + string(b"-rw-r--r-- a") + ATTRS + string(b"b") + string(b"b") + u32(0)) +
    packet(105, u32(6) + ATTRS) + packet(201, u32(7) + b"anything") + packet(101, u32(8) + u32(0) + b"xx") +
    packet(3, u32(9)) + packet(103, u32(10) + string(b"x") + b"extra") + u32(1 << 20) + b"\x67",
}


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz_corpus"
    for target, seeds in (("session_reader", SESSION_READER), ("telnet_login", TELNET_LOGIN),
                          ("sftp_reply", SFTP_REPLY)):
        os.makedirs(os.path.join(corpus, target), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(corpus, target, name), "wb") as out:
                out.write(data)
            print(f"{target}/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
