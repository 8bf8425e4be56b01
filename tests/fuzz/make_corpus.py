#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/<target>/.

Every seed is small and synthetic (written here, modelled on the structure of real Hugging Face
files) so that the fuzzers start from inputs that get deep into each parser. Inputs that once
crashed a fuzzer are added by hand as corpus/<target>/regression-*; this script leaves them alone.
Needs Pillow for the JPEG/WebP/TIFF seeds (Debian: python3-pil); run it with /usr/bin/python3.
"""
import io
import json
import os
import struct
import sys
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def j(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --- safetensors -----------------------------------------------------------------------------

def safetensors(tensors, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = j(header).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def f32(*v):
    return struct.pack("<%df" % len(v), *v)


def seeds_safetensors():
    put("safetensors", "empty", safetensors([]))
    put("safetensors", "f32_metadata", safetensors([("w", "F32", [2, 2], f32(1, 2, 3, 4))], {"format": "pt"}))
    put("safetensors", "all_dtypes", safetensors([
        ("f64", "F64", [2], struct.pack("<2d", 1.5, -2)),
        ("f32", "F32", [1, 3], f32(0.5, float("nan"), float("inf"))),
        ("f16", "F16", [2], struct.pack("<2H", 0x3C00, 0x7C00)),
        ("bf16", "BF16", [2], struct.pack("<2H", 0x3F80, 0xFF80)),
        ("i64", "I64", [2], struct.pack("<2q", -1, 7)),
        ("i32", "I32", [1], struct.pack("<i", 42)),
        ("i16", "I16", [1], struct.pack("<h", -3)),
        ("i8", "I8", [2], struct.pack("<2b", -1, 1)),
        ("u8", "U8", [2], b"\x00\xff"),
        ("b", "BOOL", [2], b"\x00\x01"),
    ]))
    put("safetensors", "scalar_and_empty", safetensors([("s", "F32", [], f32(3)), ("z", "F32", [0, 4], b"")]))
    put("safetensors", "unpadded", safetensors([("a", "F16", [3], struct.pack("<3H", 1, 2, 3))], pad=False))
    # Layer names as in a Llama checkpoint, bytes misaligned for float (F16 before F32).
    put("safetensors", "llama_names", safetensors([
        ("model.norm.weight", "F16", [1], struct.pack("<H", 0x3C00)),
        ("model.layers.0.self_attn.q_proj.weight", "F32", [2, 2], f32(1, 0, 0, 1)),
        ("lm_head.weight", "BF16", [2, 2], struct.pack("<4H", 0x3F80, 0, 0, 0x3F80)),
    ], {"format": "pt", "note": "seed"}))


# --- config.json (+ NUL + preprocessor_config.json) --------------------------------------------

LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
         "num_attention_heads": 8, "num_hidden_layers": 5, "num_key_value_heads": 4, "head_dim": 8,
         "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
         "tie_word_embeddings": True, "vocab_size": 512}
BERT = {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": 128,
        "id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "intermediate_size": 512, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512, "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 0,
        "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 30522}
DISTILBERT = {"architectures": ["DistilBertForMaskedLM"], "model_type": "distilbert", "dim": 128, "hidden_dim": 512,
              "n_heads": 2, "n_layers": 2, "max_position_embeddings": 512, "vocab_size": 30522, "sinusoidal_pos_embds": False}
ROBERTA = dict(BERT, architectures=["RobertaForMaskedLM"], model_type="roberta", pad_token_id=1,
               max_position_embeddings=514, type_vocab_size=1, vocab_size=50265)
GPT2 = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 64, "n_head": 4, "n_layer": 2,
        "n_positions": 1024, "n_inner": None, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
        "vocab_size": 50257}
VIT = {"architectures": ["ViTForImageClassification"], "model_type": "vit", "hidden_size": 192, "image_size": 224,
       "intermediate_size": 768, "num_attention_heads": 3, "num_hidden_layers": 12, "patch_size": 16,
       "num_channels": 3, "qkv_bias": True, "layer_norm_eps": 1e-12, "id2label": {"0": "tench", "1": "goldfish"}}
DEIT = dict(VIT, architectures=["DeiTForImageClassificationWithTeacher"], model_type="deit")

VIT_PRE = {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
           "image_std": [0.5, 0.5, 0.5], "resample": 2, "rescale_factor": 0.00392156862745098,
           "size": {"height": 224, "width": 224}}
DEIT_PRE = {"crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_normalize": True,
            "do_rescale": True, "do_resize": True, "image_mean": [0.485, 0.456, 0.406],
            "image_std": [0.229, 0.224, 0.225], "resample": 3, "rescale_factor": 0.00392156862745098,
            "size": {"height": 256, "width": 256}}
DINO_PRE = {"crop_size": 224, "do_center_crop": True, "image_mean": [0.485, 0.456, 0.406],
            "image_std": [0.229, 0.224, 0.225], "resample": 3, "size": {"shortest_edge": 256}}
CONVNEXT_PRE = {"crop_pct": 0.875, "image_mean": 0.5, "image_std": 0.5, "resample": 3, "size": {"shortest_edge": 224},
                "feature_extractor_type": "ConvNextFeatureExtractor"}
OLD_PRE = {"do_normalize": True, "do_resize": True, "size": 224, "resample": 2, "image_mean": [0.5, 0.5, 0.5],
           "image_std": [0.5, 0.5, 0.5], "feature_extractor_type": "ViTFeatureExtractor"}


def seeds_config():
    put("config", "llama", j(LLAMA))
    put("config", "llama_rope_linear", j(dict(LLAMA, rope_scaling={"type": "linear", "factor": 2.0})))
    put("config", "bert", j(BERT))
    put("config", "distilbert", j(DISTILBERT))
    put("config", "roberta", j(ROBERTA))
    put("config", "gpt2", j(GPT2))
    put("config", "unsupported", j({"model_type": "mamba"}))
    put("config", "vit_pre", j(VIT) + "\0" + j(VIT_PRE))
    put("config", "deit_pre", j(DEIT) + "\0" + j(DEIT_PRE))
    put("config", "dino_pre", j(dict(VIT, architectures=["ViTModel"], id2label=None)) + "\0" + j(DINO_PRE))
    put("config", "convnext_pre", j(VIT) + "\0" + j(CONVNEXT_PRE))
    put("config", "old_pre", j(VIT) + "\0" + j(OLD_PRE))


# --- tokenizers ------------------------------------------------------------------------------

def added(content, i, special=True, lstrip=False):
    return {"id": i, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
            "normalized": False, "special": special}


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def byte_level_vocab():
    vocab = {}
    for b, c in sorted(bytes_to_unicode().items()):
        vocab[c] = len(vocab)
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("Ġ", "a"), ("e", "r"), ("o", "n"), ("Ġ", "w"), ("o", "r"), ("l", "d")]
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab, merges


WORDPIECE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "hello", "world",
                   "##s", "##ing", "##ed", "play", ",", ".", "!", "'", "a", "##b", "你", "好", "cafe", "naive", "2024"]


def seeds_tokenizer_json():
    wp_vocab = {t: i for i, t in enumerate(WORDPIECE_VOCAB)}
    bert_post = {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                            {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                          {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                 "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                    "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}}
    wordpiece = {"version": "1.0", "truncation": None, "padding": None,
                 "added_tokens": [added(t, i) for i, t in enumerate(WORDPIECE_VOCAB[:5])],
                 "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                                "strip_accents": None, "lowercase": True},
                 "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": bert_post,
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": wp_vocab}}
    put("tokenizer_json", "wordpiece", j(wordpiece))
    put("tokenizer_json", "wordpiece_bert_processing", j(dict(wordpiece, post_processor={
        "type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        normalizer={"type": "BertNormalizer", "lowercase": False, "strip_accents": False})))

    sp_vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        sp_vocab["<0x%02X>" % b] = len(sp_vocab)
    sp_merges = [["▁", "t"], ["h", "e"], ["▁t", "he"], ["▁", "c"], ["a", "t"], ["▁c", "at"]]
    for piece in ["▁", "t", "h", "e", "c", "a", "s", "o", "n", "m", "."]:
        sp_vocab.setdefault(piece, len(sp_vocab))
    for a, b in sp_merges:
        sp_vocab.setdefault(a + b, len(sp_vocab))
    sentencepiece = {"version": "1.0", "truncation": None, "padding": None,
                     "added_tokens": [added("<unk>", 0), added("<s>", 1), added("</s>", 2)],
                     "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                                         {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
                     "pre_tokenizer": None,
                     "post_processor": {"type": "TemplateProcessing",
                                        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                                 {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                                        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
                     "decoder": None,
                     "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                               "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                               "vocab": sp_vocab, "merges": sp_merges}}
    put("tokenizer_json", "sentencepiece", j(sentencepiece))
    put("tokenizer_json", "sentencepiece_metaspace", j(dict(
        sentencepiece, normalizer=None,
        pre_tokenizer={"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
        model=dict(sentencepiece["model"], byte_fallback=False, merges=[a + " " + b for a, b in sp_merges]))))

    bl_vocab, bl_merges = byte_level_vocab()
    bl_vocab["<|endoftext|>"] = len(bl_vocab)
    gpt2 = {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [added("<|endoftext|>", bl_vocab["<|endoftext|>"])], "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False},
            "decoder": {"type": "ByteLevel"},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "vocab": bl_vocab, "merges": [a + " " + b for a, b in bl_merges]}}
    put("tokenizer_json", "byte_level_gpt2", j(gpt2))
    rb_vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for t in bl_vocab:
        if t != "<|endoftext|>":
            rb_vocab[t] = len(rb_vocab)
    rb_vocab["<mask>"] = len(rb_vocab)
    roberta = dict(gpt2,
                   added_tokens=[added("<s>", 0), added("<pad>", 1), added("</s>", 2), added("<unk>", 3),
                                 added("<mask>", rb_vocab["<mask>"], lstrip=True)],
                   pre_tokenizer={"type": "Sequence", "pretokenizers": [{"type": "ByteLevel", "add_prefix_space": True}]},
                   post_processor={"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                                   "trim_offsets": True, "add_prefix_space": True},
                   model=dict(gpt2["model"], vocab=rb_vocab, merges=[[a, b] for a, b in bl_merges]))
    put("tokenizer_json", "byte_level_roberta", j(roberta))


def precompiled_charsmap(mapping):
    """SentencePiece's precompiled_charsmap for {from: to}: a little-endian u32 with the size of a
    darts-clone double array (4-byte units) over the UTF-8 keys, the array, then the targets,
    each ended by NUL. Each unit holds a label (bits 0-7), a has-leaf flag (bit 8) and the XOR
    offset to its children (bits 10-31); a leaf's value unit has bit 31 set."""
    blob, values = b"", {}
    for k in sorted(mapping):
        values[k.encode()] = len(blob)
        blob += mapping[k].encode() + b"\0"
    trie = {}
    for key in values:
        node = trie
        for c in key:
            node = node.setdefault(c, {})
        node[None] = values[key]
    units, used = {0: 0}, {0}

    def place(node, pos):
        labels = [c for c in node if c is not None]
        leaf = None in node
        need = labels + ([0] if leaf else [])
        off = 1
        while any((pos ^ off ^ c) in used for c in need) or off >= (1 << 21):
            off += 1
        units[pos] = (units.get(pos, 0) & 0xFF) | (off << 10) | ((1 << 8) if leaf else 0)
        for c in need:
            used.add(pos ^ off ^ c)
        if leaf:
            units[pos ^ off] = node[None] | (1 << 31)
        for c in labels:
            units[pos ^ off ^ c] = c
        for c in labels:
            place(node[c], pos ^ off ^ c)

    place(trie, 0)
    size = max(units) + 1
    arr = b"".join(struct.pack("<I", units.get(i, 0)) for i in range(size))
    return struct.pack("<I", len(arr)) + arr + blob


def seeds_tokenizer_engine():
    """tokenizer.json, NUL, text: pipelines of every component kind the engine reads."""
    text = "Hello, WORLD! It's 2024-12-03 \u00e9\u0301 na\u00efve \u4f60\u597d \U0001F469\u200d\U0001F4BB\t\n  <mask> x_1"
    bl_vocab, bl_merges = byte_level_vocab()
    bl_vocab["<|eot|>"] = len(bl_vocab)
    split_regex = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    llama3 = {"added_tokens": [dict(added("<|eot|>", bl_vocab["<|eot|>"]), single_word=True)], "normalizer": {"type": "NFC"},
              "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                  {"type": "Split", "pattern": {"Regex": split_regex}, "behavior": "Isolated", "invert": False},
                  {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
              "post_processor": {"type": "Sequence", "processors": [
                  {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}, {
                  "type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|eot|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                  "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                  "special_tokens": {"<|eot|>": {"id": "<|eot|>", "ids": [bl_vocab["<|eot|>"]], "tokens": ["<|eot|>"]}}}]},
              "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
              "model": {"type": "BPE", "ignore_merges": True, "vocab": bl_vocab, "merges": [[a, b] for a, b in bl_merges]}}
    put("tokenizer_engine", "llama3_like", j(llama3) + "\0" + text)
    unigram = {"added_tokens": [added("</s>", 1), dict(added("<mask>", 2, lstrip=True), normalized=True, rstrip=True)],
               "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}, {"type": "StripAccents"},
                                                                  {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                                                                  {"type": "Strip", "strip_left": True, "strip_right": True}]},
               "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
               "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                                  "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "</s>", "type_id": 1}}],
                                  "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
               "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always"},
               "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": True,
                         "vocab": [["<unk>", 0.0], ["</s>", 0.0], ["<mask>", 0.0], ["\u2581", -2.0], ["\u2581hello", -5.0], ["he", -4.0], ["llo", -4.5],
                                   ["l", -6.0], ["o", -6.0], ["h", -6.0], ["e", -6.0], ["<0x41>", -9.0], ["<0xE4>", -9.0], [",", -3.0]]}}
    put("tokenizer_engine", "unigram_metaspace", j(unigram) + "\0" + text)
    wl_vocab = {"[UNK]": 0, "hello": 1, ",": 2, "world": 3, "2024": 4, "-": 5, "1": 6, "2": 7}
    for name, pre in [("whitespace", {"type": "Whitespace"}), ("whitespace_split", {"type": "WhitespaceSplit"}),
                      ("punctuation_digits", {"type": "Sequence", "pretokenizers": [
                          {"type": "Punctuation", "behavior": "Contiguous"}, {"type": "Digits", "individual_digits": True}]}),
                      ("char_delimiter", {"type": "CharDelimiterSplit", "delimiter": "-"}),
                      ("split_invert", {"type": "Split", "pattern": {"String": ","}, "behavior": "MergedWithNext", "invert": True})]:
        wordlevel = {"added_tokens": [], "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "Lowercase"}, {"type": "Prepend", "prepend": "_"}]},
                     "pre_tokenizer": pre, "post_processor": None, "decoder": {"type": "Sequence", "decoders": [
                         {"type": "Replace", "pattern": {"String": "_"}, "content": " "}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
                     "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": wl_vocab}}
        put("tokenizer_engine", "wordlevel_" + name, j(wordlevel) + "\0" + text)
    sp_vocab = {"<unk>": 0, "<bos>": 1}
    for b in range(256):
        sp_vocab["<0x%02X>" % b] = len(sp_vocab)
    for piece in ["\u2581", "H", "e", "l", "o", "\u2581H", "ll", "llo"]:
        sp_vocab.setdefault(piece, len(sp_vocab))
    gemma = {"added_tokens": [added("<bos>", 1)], "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
             "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": False},
             "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                                "special_tokens": {"<bos>": {"id": "<bos>", "ids": [1], "tokens": ["<bos>"]}}},
             "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                                                          {"type": "ByteFallback"}, {"type": "Fuse"}]},
             "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": True, "byte_fallback": True, "vocab": sp_vocab,
                       "merges": [["\u2581", "H"], ["l", "l"], ["ll", "o"]]}}
    put("tokenizer_engine", "gemma_like", j(gemma) + "\0" + text)
    wp_vocab = {t: i for i, t in enumerate(WORDPIECE_VOCAB)}
    wordpiece = {"added_tokens": [added("[MASK]", 4)], "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
                 "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": wp_vocab}}
    put("tokenizer_engine", "wordpiece", j(wordpiece) + "\0" + text)
    charsmap = precompiled_charsmap({"\ufb01": "fi", "\uff21": "A", "\u3000": " ", "\u2460": "1", "\u00e9": "e\u0301",
                                     "e\u0301": "\u00e9", "\u200b": "", "\t": " ", "\u00a0": " ", "\u2163": "IV",
                                     "\U0001F469\u200d\U0001F4BB": "[coder]", "K": "k", "\u212b": "\u00c5", "ab": "AB"})
    import base64
    t5 = dict(unigram, normalizer={"type": "Sequence", "normalizers": [
        {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode()},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]})
    put("tokenizer_engine", "unigram_precompiled", j(t5) + "\0" + text + " \ufb01ne \uff21\u3000\u2460 \u2163 abab")


def seeds_vocab_txt():
    vocab = "\n".join(WORDPIECE_VOCAB) + "\n"
    put("vocab_txt", "vocab_only", vocab)
    config = {"do_lower_case": False, "strip_accents": None, "tokenize_chinese_chars": True, "unk_token": "[UNK]",
              "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]", "pad_token": "[PAD]",
              "model_max_length": 512, "added_tokens_decoder": {"4": {"content": "[MASK]", "special": True}}}
    special = {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"}
    put("vocab_txt", "with_configs", vocab + "\0" + j(config) + "\0" + j(special))
    put("vocab_txt", "crlf_and_cjk", vocab.replace("\n", "\r\n") + "\0" + j({"do_lower_case": True, "tokenize_chinese_chars": False}))


def seeds_vocab_merges():
    vocab, merges = byte_level_vocab()
    merges_txt = "#version: 0.2\n" + "".join(a + " " + b + "\n" for a, b in merges)
    put("vocab_merges", "gpt2_even", j(dict(vocab, **{"<|endoftext|>": len(vocab)})) + "\0" + merges_txt)
    rb = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for t in vocab:
        rb[t] = len(rb)
    rb["<mask>"] = len(rb)
    seed = j(rb) + "\0" + merges_txt + "\0" + j({"add_prefix_space": True})
    if len(seed.encode()) % 2 == 0:  # odd length: the roberta template
        seed += " "
    put("vocab_merges", "roberta_odd", seed)


def seeds_tokenize():
    texts = [
        "The cat sat on the mat.",
        "Hello, world! It's 2024 -- naïve café 你好 😀",
        "  leading and   inner   spaces\t\ttabs\r\nlines  ",
        "[CLS] a [MASK] b [SEP] <s> </s> <mask> <|endoftext|> <unk>",
        "don't won't I'm we'll they've 123456789 3.14",
        "a" * 300,
        "e\u0301 A\u030a \u00c5ngstr\u00f6m \u03a3\u03b9\u03c3\u03cd\u03c6\u03bf\u03c2 \ufb01",
        "\u200b\u00a0\u3000\u2028mixed\ufeffspaces",
    ]
    for i, t in enumerate(texts):
        for k in range(4):
            put("tokenize", "text%d_tok%d" % (i, k), bytes([k + 4 * (i % 8)]) + t.encode())
    put("tokenize", "invalid_utf8", b"\x00bad \xc3\x28 utf8 \xff\xfe")
    put("tokenize", "nul_bytes", b"\x01a\x00b\x00\x00c")
    put("tokenize", "control_chars", b"\x02" + bytes(range(1, 32)) + b"\x7f")


# --- images ----------------------------------------------------------------------------------

def png(w, h, bit_depth, color_type, rows, extra=()):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))
    for t, d in extra:
        out += chunk(t, d)
    out += chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows)))
    return out + chunk(b"IEND", b"")


def exif(orientation):
    return b"II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00" + bytes([orientation, 0, 0, 0]) + b"\x00\x00\x00\x00"


def seeds_image():
    put("image", "rgb_4x3.png", png(4, 3, 8, 2, [bytes(range(y * 12, y * 12 + 12)) for y in range(3)]))
    put("image", "grey_1x1.png", png(1, 1, 8, 0, [b"\x80"]))
    put("image", "grey16_2x2.png", png(2, 2, 16, 0, [b"\x01\x00\x00\x40", b"\xff\xff\x00\x00"]))
    put("image", "rgb16_1x2.png", png(1, 2, 16, 2, [b"\x12\x34\x56\x78\x9a\xbc", b"\xff\x00\x00\xff\x80\x80"]))
    put("image", "rgba_2x1.png", png(2, 1, 8, 6, [b"\x10\x20\x30\x00\x40\x50\x60\xff"]))
    put("image", "grey_alpha_1x1.png", png(1, 1, 8, 4, [b"\x77\x00"]))
    put("image", "palette_3x1.png", png(3, 1, 8, 3, [b"\x00\x01\x02"],
                                        [(b"PLTE", b"\xff\x00\x00\x00\xff\x00\x00\x00\xff"), (b"tRNS", b"\x00\x80")]))
    put("image", "bit1_9x2.png", png(9, 2, 1, 0, [b"\xaa\x80", b"\x55\x00"]))
    put("image", "exif6_3x2.png", png(3, 2, 8, 0, [b"\x00\x40\x80", b"\xc0\xe0\xff"], [(b"eXIf", exif(6))]))
    try:
        from PIL import Image
    except ImportError:
        sys.exit("make_corpus.py: Pillow is needed for the JPEG/WebP/TIFF/BMP seeds (run with /usr/bin/python3)")
    im = Image.new("RGB", (5, 4))
    im.putdata([(x * 50, y * 60, (x + y) * 30) for y in range(4) for x in range(5)])
    for fmt, name, kw in [("JPEG", "rgb_5x4.jpg", {"quality": 90}), ("WEBP", "rgb_5x4.webp", {"quality": 80}),
                          ("WEBP", "rgb_5x4_lossless.webp", {"lossless": True}), ("TIFF", "rgb_5x4.tif", {}),
                          ("BMP", "rgb_5x4.bmp", {})]:
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        put("image", name, buf.getvalue())
    buf = io.BytesIO()
    ex = Image.Exif()
    ex[0x0112] = 8
    im.convert("L").save(buf, "JPEG", exif=ex.tobytes())
    put("image", "grey_exif8.jpg", buf.getvalue())
    buf = io.BytesIO()
    im.convert("CMYK").save(buf, "JPEG")
    put("image", "cmyk.jpg", buf.getvalue())
    buf = io.BytesIO()
    im.convert("RGBA").save(buf, "TIFF", compression="tiff_deflate")
    put("image", "rgba_deflate.tif", buf.getvalue())


if __name__ == "__main__":
    seeds_safetensors()
    seeds_config()
    seeds_tokenizer_json()
    seeds_tokenizer_engine()
    seeds_vocab_txt()
    seeds_vocab_merges()
    seeds_tokenize()
    seeds_image()
    for t in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, t))
        print("%-15s %3d seeds, largest %6d bytes" % (t, len(files), max(os.path.getsize(os.path.join(ROOT, t, f)) for f in files)))
