"""``python -m bench`` (``make bench``): every benchmark under ``bench/``, each in its own process.

``pages.py`` (server time of every page at 1M households) is one of them: it builds its own database, so it
also runs alone with ``--reuse`` to measure again without reloading.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    failed = False
    for script in sorted(HERE.glob("*.py")):
        if script.name.startswith("_") or script.name in ("common.py", "database.py"):
            continue
        print(f"== {script.name}", flush=True)
        failed |= subprocess.run([sys.executable, str(script)], check=False).returncode != 0
    sys.exit(1 if failed else 0)
