"""Python side of scripts/bench-batch.sh: what `attnscope-cli batch` does, as a Python loop over
the from-scratch PyTorch references in ../shared/reference (bert_ref.py, vit_ref.py): the model
is loaded once, then for every JSONL line the input is tokenised (or the image preprocessed),
run with its attention kept, and the same six per-head statistics as core/analysis/head_stats
(entropy, entropy_normalized, mean_distance in tokens, special_mass on the first and last token, sink_mass,
previous_token, self) are written to OUT/<id>.json. Vectorised with torch; no transformers.

Usage: /usr/bin/python3 scripts/bench_batch_py.py REFERENCE_DIR MODEL_DIR INPUTS.jsonl OUT_DIR --threads N
Prints one JSON object: inputs, seconds, inputs_per_second.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

torch.set_grad_enabled(False)


def head_stats(a, image):
    """a: [L, H, S, S] attention. Returns rows like head_stats_json (text distances in tokens;
    images: only entropy, special mass and self are comparable, distances are not computed)."""
    L, H, S, _ = a.shape
    p = a.double()
    ent = -(p * torch.log(torch.where(p > 0, p, torch.ones_like(p)))).sum(-1)  # [L, H, S]
    norm = ent / math.log(S) if S > 1 else ent
    idx = torch.arange(S, dtype=torch.float64)
    dist = (p * (idx[None, :] - idx[:, None]).abs()).sum(-1).mean(-1)
    special = p[..., [0, S - 1]].sum(-1).mean(-1) if not image else p[..., 0].mean(-1)
    sink = p[..., 1:, 0].mean(-1) if S > 1 else torch.zeros(L, H)
    prev = torch.diagonal(p, offset=-1, dim1=-2, dim2=-1).mean(-1) if S > 1 else torch.zeros(L, H)
    self_ = torch.diagonal(p, dim1=-2, dim2=-1).mean(-1)
    rows = []
    for l in range(L):
        for h in range(H):
            rows.append({"layer": l, "head": h, "entropy": float(ent[l, h].mean()), "entropy_normalized": float(norm[l, h].mean()),
                         "mean_distance": float(dist[l, h]), "special_mass": float(special[l, h]), "sink_mass": float(sink[l, h]),
                         "previous_token": float(prev[l, h]), "self": float(self_[l, h])})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("out")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sys.path.insert(0, a.reference)
    start = time.perf_counter()
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    image = os.path.exists(os.path.join(a.model, "preprocessor_config.json"))
    if image:
        import st_io
        import vit_ref
        pre = json.load(open(os.path.join(a.model, "preprocessor_config.json")))
        W, _ = st_io.load(os.path.join(a.model, "model.safetensors"))
    else:
        import bert_ref
        W = bert_ref.load_weights(a.model)
        enc = bert_ref.TextEncoder(a.model, cfg)
    os.makedirs(a.out, exist_ok=True)
    n = 0
    base = os.path.dirname(a.inputs)
    for line in open(a.inputs):
        if not line.strip():
            continue
        j = json.loads(line)
        if image:
            pv = vit_ref.preprocess(os.path.join(base, j["image"]), pre)
            out = vit_ref.forward(W, cfg, pv)
            att = torch.as_tensor(out["attentions"])
        else:
            ids, tt, mask = enc.encode(j["text"])
            att = bert_ref.forward(W, cfg, ids, mask, tt)["attentions"]
        r = {"id": j["id"], "tokens": int(att.shape[-1]), "stats": head_stats(att, image)}
        with open(os.path.join(a.out, str(j["id"]) + ".json"), "w") as f:
            json.dump(r, f)
        n += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"inputs": n, "seconds": seconds, "inputs_per_second": n / seconds}))


if __name__ == "__main__":
    main()
