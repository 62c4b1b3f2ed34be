"""One cold load, scikit-learn's side: a fresh Python process (modules imported first, as a server would
have them) times one pickle.load of FILE and prints {"seconds": wall, "cpu": process CPU}.

    python load_once.py FILE
"""

import json
import pickle
import sys
import time

import sklearn.ensemble  # noqa: F401  (imported before the clock starts, as in a running server)
import sklearn.tree  # noqa: F401

c, t = time.process_time(), time.perf_counter()
with open(sys.argv[1], "rb") as f:
    pickle.load(f)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c}))
