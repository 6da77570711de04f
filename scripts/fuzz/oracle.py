"""Independent reader for the fuzz harness: opens a file with Python's zipfile and h5py (not
Kerno's code) and prints every numeric dataset's values as JSON, or the reason it cannot.

    python3 oracle.py FILE      # .keras (zip holding model.weights.h5), .h5, .weights.h5
"""
import io
import json
import math
import sys
import zipfile


def values_of(h5file):
    import numpy as np

    out = {}

    def visit(name, obj):
        import h5py

        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiub":
            data = np.asarray(obj[()], dtype=np.float64).reshape(-1)
            out["/" + name] = [None if math.isnan(v) else v for v in data.tolist()]

    h5file.visititems(visit)
    return out


def main(path):
    try:
        import h5py
    except ImportError:
        print(json.dumps({"available": False}))
        return
    try:
        with open(path, "rb") as f:
            raw = f.read()
        if raw[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                bad = z.testzip()
                if bad is not None:
                    raise ValueError(f"bad CRC in {bad}")
                json.loads(z.read("config.json"))
                if "model.weights.h5" not in z.namelist():
                    print(json.dumps({"available": True, "ok": True, "datasets": {}}))
                    return
                raw = z.read("model.weights.h5")
        with h5py.File(io.BytesIO(raw), "r") as h5:
            if "model_config" in h5.attrs:
                text = h5.attrs["model_config"]
                json.loads(text.decode() if isinstance(text, bytes) else text)
            datasets = values_of(h5)
        print(json.dumps({"available": True, "ok": True, "datasets": datasets}))
    except Exception as e:  # noqa: BLE001 - any failure means "this reader refuses the file"
        print(json.dumps({"available": True, "ok": False, "error": f"{type(e).__name__}: {e}"[:300]}))


if __name__ == "__main__":
    main(sys.argv[1])
