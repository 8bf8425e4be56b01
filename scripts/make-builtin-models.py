#!/usr/bin/python3
"""Makes resources/models/ from ../shared/models: the two real checkpoints Attnscope ships.

  scripts/make-builtin-models.py [--shared DIR] [--out DIR]

- vit-tiny: ViT-Ti/16 ImageNet (Apache-2.0), its weight matrices converted to float16 (round to
  nearest even, as torch's .half()) so the clone stays small (11.6 MB instead of 22.9 MB).
- stories260K: Karpathy's TinyStories Llama (MIT), float32 as it is (~1 MB).

Deterministic: the same inputs give byte-identical outputs (sorted header keys, no time stamps).
"""
import argparse
import hashlib
import json
import shutil
import struct
from pathlib import Path

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}


def read_safetensors(path):
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {info['dtype']}, expected F32")
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(info["shape"])
    return tensors, header.get("__metadata__", {})


def write_safetensors(path, tensors, dtype_of, metadata):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        dtype = np.dtype(dtype_of(name, tensors[name]))
        raw = np.ascontiguousarray(tensors[name]).astype(dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": {np.dtype("float16"): "F16", np.dtype("float32"): "F32"}[dtype],
                        "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def vit_dtype(name, t):
    # Matrices in float16; vectors (biases, LayerNorm scales, the class token: 0.6 % of the bytes)
    # stay float32. With the LayerNorm scales rounded too, attention on the sample photos moves
    # by up to 1.8e-3 (ViT-Ti's residual stream reaches |490|); this way it stays under 1e-3.
    return np.float32 if t.ndim <= 1 else np.float16


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def note(out_dir, src_dir, title, licence, conversion):
    files = sorted(p.name for p in out_dir.iterdir() if p.name != "SOURCE.md")
    lines = [f"# {title} (built into Attnscope)", "",
             f"Licence: {licence}", "",
             "Made by `scripts/make-builtin-models.py` from the shared model folder "
             f"`{src_dir.name}`, whose own notes follow below.", "", conversion, "",
             "sha256 of the files here:", ""]
    lines += [f"- `{f}`: `{sha256(out_dir / f)}`" for f in files]
    lines += ["", "---", "", (src_dir / "SOURCE.md").read_text()]
    (out_dir / "SOURCE.md").write_text("\n".join(lines))


def main():
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=root.parent / "shared")
    ap.add_argument("--out", type=Path, default=root / "resources" / "models")
    args = ap.parse_args()

    src = args.shared / "models" / "vit-tiny-patch16-224"
    dst = args.out / "vit-tiny"
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    tensors, _ = read_safetensors(src / "model.safetensors")
    write_safetensors(dst / "model.safetensors", tensors, vit_dtype,
                      {"format": "pt", "converted_from": "vit-tiny-patch16-224 float32"})
    for f in ("config.json", "preprocessor_config.json"):
        shutil.copyfile(src / f, dst / f)
    note(dst, src, "vit-tiny: ViT-Ti/16 ImageNet-1k classifier", "Apache-2.0 (Google AugReg weights, as redistributed by timm)",
         "The weight matrices of the float32 `model.safetensors` were converted to float16 (round to nearest "
         "even); vectors (biases, LayerNorm scales, the class token) stay float32; configs are copied "
         "unchanged. Attnscope computes in float32 either way. On the four sample photos the top-1 class "
         "is the float32 model's and attention weights differ from it by at most 7.8e-4 "
         "(tests/core/builtin_models_test.cpp).")

    src = args.shared / "models" / "stories260K"
    dst = args.out / "stories260K"
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    for f in ("config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json",
              "tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(src / f, dst / f)
    note(dst, src, "stories260K: TinyStories Llama, 260K parameters", "MIT (karpathy/llama2.c, karpathy/tinyllamas)",
         "The Hugging Face files are copied unchanged (float32); the llama2.c tokenizer `tok512.bin` is left out.")
    for d in sorted(args.out.iterdir()):
        size = sum(p.stat().st_size for p in d.iterdir())
        print(f"{d}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
