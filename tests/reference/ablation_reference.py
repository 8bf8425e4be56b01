"""Head ablation by the from-scratch PyTorch references of ../shared/reference.

    /usr/bin/python3 ablation_reference.py SHARED_DIR llama|gpt2 MODEL_DIR IDS TARGET

Zeroing a head's output is zeroing its rows of the output projection W_O (its columns of a torch
Linear weight, its rows of GPT-2's Conv1D): for every layer and head, the checkpoint's weights
are changed so and the reference runs the whole input. Prints JSON: the intact logit and
probability of TARGET at the last position, and the ablated minus intact ones, [layer][head].
"""
import json
import os
import sys

shared, family, model_dir, ids, target = sys.argv[1:6]
sys.path.insert(0, os.path.join(shared, "reference"))
import st_io  # noqa: E402
import torch  # noqa: E402

ref = __import__(family + "_ref")
cfg = json.load(open(os.path.join(model_dir, "config.json")))
W, _ = st_io.load(os.path.join(model_dir, "model.safetensors"))
ids = [int(i) for i in ids.split(",")]
target = int(target)


def followed(weights):
    z = torch.as_tensor(ref.forward(weights, cfg, ids)["logits"][-1]).double()
    return float(z[target]), float(torch.softmax(z, dim=-1)[target])


logit, prob = followed(W)
if family == "gpt2":
    L, H = cfg["n_layer"], cfg["n_head"]
    d = cfg["n_embd"] // H
    pre = "transformer." if any(k.startswith("transformer.") for k in W) else ""
    name = lambda l: f"{pre}h.{l}.attn.c_proj.weight"  # noqa: E731  [in, out]
else:
    L, H = cfg["num_hidden_layers"], cfg["num_attention_heads"]
    d = cfg.get("head_dim") or cfg["hidden_size"] // H
    name = lambda l: f"model.layers.{l}.self_attn.o_proj.weight"  # noqa: E731  [out, in]
dl, dp = [], []
for l in range(L):
    rl, rp = [], []
    for h in range(H):
        w = dict(W)
        m = W[name(l)].copy()
        if family == "gpt2":
            m[h * d:(h + 1) * d, :] = 0
        else:
            m[:, h * d:(h + 1) * d] = 0
        w[name(l)] = m
        a_logit, a_prob = followed(w)
        rl.append(a_logit - logit)
        rp.append(a_prob - prob)
    dl.append(rl)
    dp.append(rp)
print(json.dumps({"logit": logit, "probability": prob, "logit_change": dl, "probability_change": dp}))
