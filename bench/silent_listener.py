"""PLAN M7's hanging host: a TCP listener on 127.0.0.1 that accepts every
connection and never writes a byte, so an SSH client waits for a banner
that never comes. Prints its port on stdout, then serves until it is
terminated or its stdin closes (the harness that started it is gone)."""

import selectors
import socket
import sys


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    listener.setblocking(False)
    print(listener.getsockname()[1], flush=True)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "listener")
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    while True:
        for key, _ in sel.select():
            if key.data == "listener":
                conn, _ = listener.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "client")
            elif key.data == "stdin":
                if not sys.stdin.buffer.raw.read(4096):
                    return
            else:
                # Read what the client sends (its own banner) and forget it;
                # a closed connection is dropped, so none piles up.
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()


if __name__ == "__main__":
    main()
