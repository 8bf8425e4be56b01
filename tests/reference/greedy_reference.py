"""Greedy continuation by the from-scratch PyTorch references of ../shared/reference.

    /usr/bin/python3 greedy_reference.py SHARED_DIR llama|gpt2 MODEL_DIR IDS N

IDS: the prompt's token ids, comma-separated. Prints the generated ids (prompt excluded) as JSON.
Every step is a full forward pass over the sequence so far (no KV cache), with the references'
own stopping rules: llama_ref stops before ids 1 and 2, gpt2_ref after its eos (50256).
"""
import json
import os
import sys

shared, family, model_dir, ids, n = sys.argv[1:6]
sys.path.insert(0, os.path.join(shared, "reference"))
import st_io  # noqa: E402

ref = __import__(family + "_ref")
cfg = json.load(open(os.path.join(model_dir, "config.json")))
W, _ = st_io.load(os.path.join(model_dir, "model.safetensors"))
prompt = [int(i) for i in ids.split(",")]
out = ref.generate(W, cfg, prompt, int(n))
print(json.dumps([int(i) for i in out[len(prompt):]]))
