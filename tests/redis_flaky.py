#!/usr/bin/env python3
# redis_flaky.py PORT - a server speaking just enough RESP for
# tests/redis_rough.sh: PING answers PONG, every other command an error
# naming it, so a client's writes and its checks fail in turn.
import socket, sys, threading
def serve(c):
    buf = b""
    try:
        while True:
            d = c.recv(65536)
            if not d:
                return
            buf += d
            while True:
                if not buf:
                    break
                if not buf.startswith(b"*"):
                    return
                try:
                    i = buf.index(b"\r\n")
                except ValueError:
                    break
                n, p, args = int(buf[1:i]), i + 2, []
                ok = True
                for _ in range(n):
                    try:
                        j = buf.index(b"\r\n", p)
                    except ValueError:
                        ok = False
                        break
                    ln = int(buf[p + 1:j])
                    if len(buf) < j + 2 + ln + 2:
                        ok = False
                        break
                    args.append(buf[j + 2:j + 2 + ln])
                    p = j + 2 + ln + 2
                if not ok:
                    break
                buf = buf[p:]
                cmd = args[0].upper() if args else b""
                if cmd == b"PING":
                    c.sendall(b"+PONG\r\n")
                else:
                    c.sendall(b"-ERR flaky refuses " + cmd + b"\r\n")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
