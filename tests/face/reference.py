#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent float64 reference of the face embedding network.

Loads the same TF.js model files as userspace/lib/face/face_embed.c and runs
dlib's ResNet-29 (as ported by face-api) the straightforward way with numpy:
one matrix product per kernel tap, explicit padding, no folding, no blocking.
It embeds the synthetic 150x150 images defined below (the C unit test
test_face_embed.c draws the same images with the same integer formulas) and
writes their embeddings, one image per line: name and 128 numbers.

    tests/face/reference.py [MODEL_DIR] > tests/face/reference.txt

Debian's python3-numpy is all it needs (hence /usr/bin/python3).
"""

import hashlib
import json
import os
import sys

import numpy as np

MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SCALE = 256.0  # dlib's input_rgb_image_sized; face-api uses 255
MANIFEST = "face_recognition_model-weights_manifest.json"
SHA256 = {
    MANIFEST: "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
    "face_recognition_model.bin":
        "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
}
SIZE = 150


def load_weights(model_dir):
    """name -> float64 array, dequantised as TF.js does (q * scale + min)."""
    def read(name):
        with open(os.path.join(model_dir, name), "rb") as f:
            data = f.read()
        if hashlib.sha256(data).hexdigest() != SHA256[name]:
            sys.exit(f"{name}: checksum mismatch")
        return data

    groups = json.loads(read(MANIFEST))
    weights = {}
    for group in groups:
        data = b"".join(read(p) for p in group["paths"])
        pos = 0
        for t in group["weights"]:
            n = int(np.prod(t["shape"]))
            q = t.get("quantization")
            if q:
                assert q["dtype"] == "uint8"
                raw = np.frombuffer(data, np.uint8, n, pos).astype(np.float64)
                # TF.js computes in double and stores float32
                vals = (raw * q["scale"] + q["min"]).astype(np.float32)
                pos += n
            else:
                assert t["dtype"] == "float32"
                vals = np.frombuffer(data, "<f4", n, pos)
                pos += 4 * n
            weights[t["name"]] = vals.astype(np.float64).reshape(t["shape"])
        assert pos == len(data)
    return weights


def conv(x, w, stride, pad):
    """x: H x W x Cin, w: kh x kw x Cin x Cout (TF.js layout)."""
    if pad:
        x = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
    kh, kw, _, cout = w.shape
    h = (x.shape[0] - kh) // stride + 1
    wd = (x.shape[1] - kw) // stride + 1
    out = np.zeros((h, wd, cout))
    for ky in range(kh):
        for kx in range(kw):
            patch = x[ky:ky + stride * (h - 1) + 1:stride,
                      kx:kx + stride * (wd - 1) + 1:stride, :]
            out += patch @ w[ky, kx]
    return out


def conv_layer(x, W, prefix, stride, pad, relu):
    y = conv(x, W[prefix + "/conv/filters"], stride, pad)
    y = y + W[prefix + "/conv/bias"]
    y = y * W[prefix + "/scale/weights"] + W[prefix + "/scale/biases"]
    return np.maximum(y, 0) if relu else y


def residual(x, W, name):
    y = conv_layer(x, W, name + "/conv1", 1, 1, True)
    y = conv_layer(y, W, name + "/conv2", 1, 1, False)
    return np.maximum(y + x, 0)


def residual_down(x, W, name):
    y = conv_layer(x, W, name + "/conv1", 2, 0, True)
    y = conv_layer(y, W, name + "/conv2", 1, 1, False)
    ph, pw = x.shape[0] // 2, x.shape[1] // 2
    pooled = x[:2 * ph, :2 * pw].reshape(ph, 2, pw, 2, -1).mean(axis=(1, 3))
    h, w = max(ph, y.shape[0]), max(pw, y.shape[1])
    out = np.zeros((h, w, y.shape[2]))
    out[:ph, :pw, :pooled.shape[2]] += pooled   # zero channel padding
    out[:y.shape[0], :y.shape[1], :] += y       # zero row / column padding
    return np.maximum(out, 0)


def embed(rgb, W):
    """rgb: 150 x 150 x 3 array of 0..255."""
    x = (rgb.astype(np.float64) - np.array(MEAN_RGB)) / INPUT_SCALE
    x = conv_layer(x, W, "conv32_down", 2, 0, True)
    h = (x.shape[0] - 3) // 2 + 1
    x = np.max([x[i:i + 2 * (h - 1) + 1:2, j:j + 2 * (h - 1) + 1:2]
                for i in range(3) for j in range(3)], axis=0)
    for name in ("conv32_1", "conv32_2", "conv32_3"):
        x = residual(x, W, name)
    x = residual_down(x, W, "conv64_down")
    for name in ("conv64_1", "conv64_2", "conv64_3"):
        x = residual(x, W, name)
    x = residual_down(x, W, "conv128_down")
    for name in ("conv128_1", "conv128_2"):
        x = residual(x, W, name)
    x = residual_down(x, W, "conv256_down")
    for name in ("conv256_1", "conv256_2"):
        x = residual(x, W, name)
    x = residual_down(x, W, "conv256_down_out")
    return x.mean(axis=(0, 1)) @ W["fc"]


# Synthetic test images: integer formulas only, so that C draws the very
# same pixels (see test_face_embed.c).

def inside(x, y, cx, cy, a, b):
    return (x - cx) ** 2 * b * b + (y - cy) ** 2 * a * a <= a * a * b * b


def face_pixel(x, y):
    v = 60 + y * 80 // 150
    if inside(x, y, 75, 82, 48, 62):
        v = 185 - abs(x - 75) // 2
        if inside(x, y, 55, 68, 11, 6) or inside(x, y, 95, 68, 11, 6):
            v = 235
        if inside(x, y, 55, 68, 4, 4) or inside(x, y, 95, 68, 4, 4):
            v = 25
        if 56 <= y <= 58 and 42 <= x <= 68 or 56 <= y <= 58 and 82 <= x <= 108:
            v = 50
        if 72 <= x <= 78 and 70 <= y <= 96:
            v -= 30 + (y - 70) // 2
        if inside(x, y, 75, 112, 18, 5):
            v = 100
        if y < 50 and inside(x, y, 75, 45, 50, 28):
            v = 35
    return v


def pixel(kind, x, y, ch):
    if kind == "face":
        return face_pixel(x, y)
    if kind == "face_shifted":
        return face_pixel(min(max(x + 6, 0), 149), min(max(y - 4, 0), 149))
    if kind == "gradient":
        return (x + 2 * y) * 255 // 447
    if kind == "texture":
        return (x * x + 3 * y * y + x * y) // 8 % 256
    if kind == "rgb":
        return (x * 255 // 149, y * 255 // 149, (x ^ y) & 255)[ch]
    raise ValueError(kind)


IMAGES = ("face", "face_shifted", "gradient", "texture", "rgb")


def image(kind):
    return np.array([[[pixel(kind, x, y, ch) for ch in range(3)]
                      for x in range(SIZE)] for y in range(SIZE)])


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else "build/models"
    W = load_weights(model_dir)
    print("# tests/face/reference.py: float64 embeddings of the synthetic images")
    for kind in IMAGES:
        e = embed(image(kind), W)
        print(kind, " ".join(f"{v:.9g}" for v in e))


if __name__ == "__main__":
    main()
