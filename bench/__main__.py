"""`python -m bench` runs every benchmark with its defaults;
`python -m bench NAME [options]` runs one (`python -m bench booking --help`)."""

import sys

from bench import booking, calls, dispatch, kiosk, pages, phone, report

BENCHES = {"booking": booking.main, "calls": calls.main, "dispatch": dispatch.main,
           "kiosk": kiosk.main,
           "pages": pages.main,
           "phone": phone.main, "report": report.main}


def main(argv):
    if argv and argv[0] in BENCHES:
        return BENCHES[argv[0]](argv[1:])
    if argv:
        names = ", ".join(BENCHES)
        print(f"unknown benchmark {argv[0]!r}; there are: {names}", file=sys.stderr)
        return 2
    status = 0
    for run in BENCHES.values():
        status = run([]) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
