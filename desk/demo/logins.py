"""The demo accounts' passwords: random per installation, kept in instance/demo-logins.txt
(readable by the owner only) and printed by `desk serve`."""

import os
from pathlib import Path

FILENAME = "demo-logins.txt"


def write_demo_logins(instance_path, logins):
    path = Path(instance_path) / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for role, email, password in logins:
            fh.write(f"{role}\t{email}\t{password}\n")


def read_demo_logins(instance_path):
    path = Path(instance_path) / FILENAME
    if not path.exists():
        return []
    logins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            logins.append(tuple(parts))
    return logins
