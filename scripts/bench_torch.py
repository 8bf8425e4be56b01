"""PyTorch side of scripts/bench-vs-torch.sh: the same random-weight model shapes as
`attnscope-cli bench --synthetic NAME`, run with the standard eager formulation of Hugging Face
transformers (attn_implementation="eager", output_attentions=True): per layer the attention
probabilities softmax(Q K^T / sqrt(d)) are materialised as [1, heads, S, S] tensors and kept
until the forward pass returns, exactly as the *Model classes return them.

transformers is not needed (nor installed on the benchmark machine): the forward passes below
are the modules' eager code written with torch ops (torch.nn.functional.linear, matmul,
softmax, layer_norm, gelu), in inference mode, float32, batch 1, the base models without task
heads (BertModel with pooler, ViTModel with pooler, GPT2Model).

The decoder LLM cases follow transformers' LlamaModel / Qwen2Model / Gemma3TextModel eager code:
RMSNorm (Gemma: (1 + w), sandwich norms, q/k-norm, sqrt(D) embedding scale, GELU-tanh gating,
query_pre_attn_scalar, per-layer sliding windows and rope bases), rotate_half RoPE, repeat_kv for
grouped-query attention, additive float-min masks; no LM head (as `attnscope-cli bench`).

Usage: /usr/bin/python3 scripts/bench_torch.py CASE [--seq N] [--image-size N] [--threads N] [--iters N]
  CASE: bert-base, bert-tiny, vit-base-16, vit-tiny-16, gpt2-small, llama-small, qwen2.5-0.5b, gemma3-1b
Prints one JSON object: case, seq_len, threads, seconds (each timed pass), median/min/max.
Set OPENBLAS_NUM_THREADS before starting Python: the shell script tries each count up to --threads
with each --threads, and keeps the fastest.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)

CASES = {
    # name: (family, layers, hidden, heads, intermediate, vocab, positions)
    "bert-base": ("bert", 12, 768, 12, 3072, 30522, 512),
    "bert-tiny": ("bert", 2, 128, 2, 512, 30522, 512),
    "vit-base-16": ("vit", 12, 768, 12, 3072, 0, 0),
    "vit-tiny-16": ("vit", 12, 192, 3, 768, 0, 0),
    "gpt2-small": ("gpt2", 12, 768, 12, 3072, 50257, 1024),
    "llama-small": ("decoder", 16, 2048, 32, 8192, 32000, 8192),
    "qwen2.5-0.5b": ("decoder", 24, 896, 14, 4864, 151936, 32768),
    "gemma3-1b": ("decoder", 26, 1152, 4, 6912, 262144, 32768),
}

# The decoders' other hyper-parameters, as in core/models/synthetic.cpp.
DECODERS = {
    "llama-small": dict(kv=8, d=64, theta=500000.0, eps=1e-5),
    "qwen2.5-0.5b": dict(kv=2, d=64, theta=1e6, eps=1e-6, qkv_bias=True),
    "gemma3-1b": dict(kv=1, d=256, theta=1e6, local_theta=1e4, eps=1e-6, gemma=True, window=512, pattern=6,
                      scalar=256),
}


def rand(*shape, offset=0.0):
    return torch.randn(*shape) * 0.02 + offset


def layer_params(D, F_):
    # torch.nn.Linear layout [out, in]; GPT-2's Conv1D layout [in, out] is handled in gpt2_forward.
    return {
        "q": (rand(D, D), rand(D)), "k": (rand(D, D), rand(D)), "v": (rand(D, D), rand(D)),
        "o": (rand(D, D), rand(D)), "ln1": (rand(D, offset=1.0), rand(D)),
        "up": (rand(F_, D), rand(F_)), "down": (rand(D, F_), rand(D)), "ln2": (rand(D, offset=1.0), rand(D)),
    }


def attention(x, p, H, causal_mask=None):
    # BertSelfAttention / ViTSelfAttention / GPT2Attention._attn, eager.
    S, D = x.shape[1], x.shape[2]
    d = D // H
    q = F.linear(x, *p["q"]).view(1, S, H, d).transpose(1, 2)
    k = F.linear(x, *p["k"]).view(1, S, H, d).transpose(1, 2)
    v = F.linear(x, *p["v"]).view(1, S, H, d).transpose(1, 2)
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
    if causal_mask is not None:
        scores = torch.where(causal_mask, scores, torch.tensor(torch.finfo(scores.dtype).min))
    probs = torch.softmax(scores, dim=-1)
    ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(1, S, D)
    return F.linear(ctx, *p["o"]), probs


def bert_forward(m, ids):
    S = ids.shape[1]
    x = m["word"][ids] + m["pos"][:S] + m["type"][torch.zeros_like(ids)]
    x = F.layer_norm(x, (m["D"],), *m["ln"], eps=1e-12)
    attns = []
    for p in m["layers"]:
        a, probs = attention(x, p, m["H"])
        attns.append(probs)
        x = F.layer_norm(a + x, (m["D"],), *p["ln1"], eps=1e-12)
        h = F.gelu(F.linear(x, *p["up"]))
        x = F.layer_norm(F.linear(h, *p["down"]) + x, (m["D"],), *p["ln2"], eps=1e-12)
    pooled = torch.tanh(F.linear(x[:, 0], *m["pooler"]))
    return x, pooled, attns


def vit_forward(m, pixels):
    x = F.conv2d(pixels, *m["patch"], stride=16).flatten(2).transpose(1, 2)
    x = torch.cat([m["cls"], x], dim=1) + m["pos"]
    attns = []
    for p in m["layers"]:
        a, probs = attention(F.layer_norm(x, (m["D"],), *p["ln1"], eps=1e-12), p, m["H"])
        attns.append(probs)
        x = x + a
        h = F.gelu(F.linear(F.layer_norm(x, (m["D"],), *p["ln2"], eps=1e-12), *p["up"]))
        x = x + F.linear(h, *p["down"])
    x = F.layer_norm(x, (m["D"],), *m["ln"], eps=1e-12)
    pooled = torch.tanh(F.linear(x[:, 0], *m["pooler"]))
    return x, pooled, attns


def conv1d(x, w, b):
    # transformers.pytorch_utils.Conv1D: addmm(b, x, w) with w [in, out].
    return torch.addmm(b, x.view(-1, x.shape[-1]), w).view(*x.shape[:-1], w.shape[1])


def gpt2_forward(m, ids):
    S, D, H = ids.shape[1], m["D"], m["H"]
    d = D // H
    x = m["wte"][ids] + m["wpe"][:S]
    causal = torch.tril(torch.ones(S, S, dtype=torch.bool)).view(1, 1, S, S)
    attns = []
    for p in m["layers"]:
        h = F.layer_norm(x, (D,), *p["ln1"], eps=1e-5)
        q, k, v = conv1d(h, *p["c_attn"]).split(D, dim=2)
        q, k, v = (t.view(1, S, H, d).transpose(1, 2) for t in (q, k, v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min))
        probs = torch.softmax(scores, dim=-1)
        attns.append(probs)
        ctx = torch.matmul(probs, v).transpose(1, 2).contiguous().view(1, S, D)
        x = x + conv1d(ctx, *p["c_proj"])
        h = F.layer_norm(x, (D,), *p["ln2"], eps=1e-5)
        x = x + conv1d(F.gelu(conv1d(h, *p["c_fc"]), approximate="tanh"), *p["c_out"])
    x = F.layer_norm(x, (D,), *m["ln"], eps=1e-5)
    return x, attns


def rms_norm(x, w, eps, offset=0.0):
    # LlamaRMSNorm / Gemma3RMSNorm in float32.
    return (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)) * (offset + w)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rope_tables(theta, d, S):
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    f = torch.arange(S).float()[:, None] * inv[None, :]
    emb = torch.cat((f, f), dim=-1)
    return emb.cos(), emb.sin()


def decoder_forward(m, ids):
    c = m["cfg"]
    S, D, H, Hkv, d = ids.shape[1], m["D"], m["H"], c["kv"], c["d"]
    gemma = c.get("gemma", False)
    off = 1.0 if gemma else 0.0
    x = m["embed"][ids]
    if gemma:
        x = x * torch.tensor(D ** 0.5, dtype=x.dtype)
    i = torch.arange(S)
    causal = i[None, :] <= i[:, None]
    band = causal & (i[None, :] > i[:, None] - c.get("window", S))
    glob = rope_tables(c["theta"], d, S)
    local = rope_tables(c.get("local_theta", c["theta"]), d, S)
    scale = (c["scalar"] if gemma else d) ** -0.5
    fmin = torch.tensor(torch.finfo(torch.float32).min)
    attns = []
    for il, p in enumerate(m["layers"]):
        sliding = gemma and (il + 1) % c["pattern"] != 0
        h = rms_norm(x, p["ln1"], c["eps"], off)
        q = F.linear(h, p["q"], p.get("bq")).view(1, S, H, d).transpose(1, 2)
        k = F.linear(h, p["k"], p.get("bk")).view(1, S, Hkv, d).transpose(1, 2)
        v = F.linear(h, p["v"], p.get("bv")).view(1, S, Hkv, d).transpose(1, 2)
        if gemma:
            q, k = rms_norm(q, p["qn"], c["eps"], off), rms_norm(k, p["kn"], c["eps"], off)
        cos, sin = local if sliding else glob
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // Hkv, dim=1)
        v = v.repeat_interleave(H // Hkv, dim=1)
        scores = torch.matmul(q, k.transpose(-1, -2)) * scale
        scores = scores + torch.where(band if sliding else causal, torch.tensor(0.0), fmin)
        probs = torch.softmax(scores, dim=-1)
        attns.append(probs)
        a = F.linear(torch.matmul(probs, v).transpose(1, 2).reshape(1, S, H * d), p["o"])
        if gemma:
            a = rms_norm(a, p["post_attn"], c["eps"], off)
        x = x + a
        h = rms_norm(x, p["ln2"], c["eps"], off)
        act = F.gelu(F.linear(h, p["gate"]), approximate="tanh") if gemma else F.silu(F.linear(h, p["gate"]))
        f = F.linear(act * F.linear(h, p["up"]), p["down"])
        if gemma:
            f = rms_norm(f, p["post_ffn"], c["eps"], off)
        x = x + f
    return rms_norm(x, m["norm"], c["eps"], off), attns


def decoder_layer(D, H, F_, c):
    Hkv, d = c["kv"], c["d"]
    p = {"ln1": rand(D, offset=1.0), "ln2": rand(D, offset=1.0), "q": rand(H * d, D), "k": rand(Hkv * d, D),
         "v": rand(Hkv * d, D), "o": rand(D, H * d), "gate": rand(F_, D), "up": rand(F_, D), "down": rand(D, F_)}
    if c.get("qkv_bias"):
        p.update(bq=rand(H * d), bk=rand(Hkv * d), bv=rand(Hkv * d))
    if c.get("gemma"):
        p.update(qn=rand(d), kn=rand(d), post_attn=rand(D), post_ffn=rand(D))
    return p


def build(case, image_size):
    family, L, D, H, F_, V, P = CASES[case]
    m = {"family": family, "D": D, "H": H}
    if family == "bert":
        m.update(word=rand(V, D), pos=rand(P, D), type=rand(2, D), ln=(rand(D, offset=1.0), rand(D)),
                 pooler=(rand(D, D), rand(D)), layers=[layer_params(D, F_) for _ in range(L)])
    elif family == "vit":
        n = (image_size // 16) ** 2
        m.update(patch=(rand(D, 3, 16, 16), rand(D)), cls=rand(1, 1, D), pos=rand(1, n + 1, D),
                 ln=(rand(D, offset=1.0), rand(D)), pooler=(rand(D, D), rand(D)),
                 layers=[layer_params(D, F_) for _ in range(L)])
    elif family == "decoder":
        c = DECODERS[case]
        m.update(cfg=c, embed=rand(V, D), norm=rand(D, offset=1.0), layers=[decoder_layer(D, H, F_, c) for _ in range(L)])
    else:
        m.update(wte=rand(V, D), wpe=rand(P, D), ln=(rand(D, offset=1.0), rand(D)),
                 layers=[{"c_attn": (rand(D, 3 * D), rand(3 * D)), "c_proj": (rand(D, D), rand(D)),
                          "ln1": (rand(D, offset=1.0), rand(D)), "ln2": (rand(D, offset=1.0), rand(D)),
                          "c_fc": (rand(D, F_), rand(F_)), "c_out": (rand(F_, D), rand(D))} for _ in range(L)])
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iters", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = build(a.case, a.image_size)
    if m["family"] == "vit":
        inp = torch.randn(1, 3, a.image_size, a.image_size)
        run = lambda: vit_forward(m, inp)  # noqa: E731
        seq = (a.image_size // 16) ** 2 + 1
    else:
        inp = torch.randint(0, CASES[a.case][5], (1, a.seq))
        forward = {"bert": bert_forward, "gpt2": gpt2_forward, "decoder": decoder_forward}[m["family"]]
        run = lambda: forward(m, inp)  # noqa: E731
        seq = a.seq
    times = []
    with torch.inference_mode():
        for i in range(a.iters + 1):  # one warm-up pass
            t0 = time.perf_counter()
            out = run()
            s = time.perf_counter() - t0
            del out
            if i > 0:
                times.append(s)
    print(json.dumps({"case": a.case, "seq_len": seq, "threads": torch.get_num_threads(), "seconds": times,
                      "median_seconds": statistics.median(times), "min_seconds": min(times),
                      "max_seconds": max(times)}))


if __name__ == "__main__":
    main()
