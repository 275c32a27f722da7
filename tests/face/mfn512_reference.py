#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Independent float64 reference for the 512-d MobileFaceNet (face_mfn512).

Reads the ONNX file with the onnx package and runs its graph with numpy
(Conv, PRelu, Add, Reshape written here, in float64), on 112x112 grey
chips given as binary PGM files. With the C embeddings, one line per chip
"PATH v1 ... v512", it prints each chip's cosine with the reference and a
summary, and exits 1 when the smallest cosine is below --min.

  mfn512_reference.py MODEL.onnx EMBEDDINGS.txt [--min 0.999]
  mfn512_reference.py MODEL.onnx --embed CHIP.pgm   (the 512 values)
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P5" or int(fields[3]) != 255:
        raise ValueError(path + ": not an 8-bit binary PGM")
    w, h = int(fields[1]), int(fields[2])
    px = np.frombuffer(data[pos + 1:pos + 1 + w * h], dtype=np.uint8)
    return px.reshape(h, w)


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    """x [C, H, W], w [M, C / group, kh, kw]: ONNX Conv, float64."""
    group = a.get("group", 1)
    stride = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    if a.get("dilations", [1, 1]) != [1, 1]:
        raise ValueError("dilations")
    xp = np.pad(x, ((0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    m, cg, kh, kw = w.shape
    ho = (xp.shape[1] - kh) // stride[0] + 1
    wo = (xp.shape[2] - kw) // stride[1] + 1
    out = np.zeros((m, ho, wo))
    mg = m // group
    for ky in range(kh):
        for kx in range(kw):
            win = xp[:, ky:ky + stride[0] * ho:stride[0], kx:kx + stride[1] * wo:stride[1]]
            if group == 1:
                out += np.tensordot(w[:, :, ky, kx], win, axes=(1, 0))
            elif cg == 1 and mg == 1:
                out += w[:, 0, ky, kx][:, None, None] * win
            else:
                raise ValueError("grouped convolution")
    if b is not None:
        out += b[:, None, None]
    return out


def run(model, chip):
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t).astype(np.float64)
              if t.data_type == onnx.TensorProto.FLOAT else numpy_helper.to_array(t)
              for t in g.initializer}
    x = (chip.astype(np.float64) - 127.5) / 128.0
    vals = {g.input[0].name: np.stack([x, x, x])}
    for n in g.node:
        ins = [vals[i] if i in vals else consts.get(i) for i in n.input]
        if n.op_type == "Conv":
            y = conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, attrs(n))
        elif n.op_type == "PRelu":
            s = ins[1].reshape(-1, 1, 1) if ins[1].size > 1 else ins[1].reshape(1, 1, 1)
            y = np.where(ins[0] < 0, ins[0] * s, ins[0])
        elif n.op_type == "Add":
            y = ins[0] + ins[1]
        elif n.op_type == "Reshape":
            y = ins[0].reshape(-1)
        else:
            raise ValueError("op " + n.op_type)
        vals[n.output[0]] = y
    return vals[g.output[0].name].reshape(-1)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    model = onnx.load(argv[1])
    if argv[2] == "--embed":
        print(" ".join("%.9g" % v for v in run(model, read_pgm(argv[3]))))
        return 0
    least = 0.999
    if len(argv) == 5 and argv[3] == "--min":
        least = float(argv[4])
    cosines = []
    with open(argv[2]) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            c = np.array([float(v) for v in parts[1:]])
            r = run(model, read_pgm(parts[0]))
            if c.shape != r.shape:
                print("%s: %d values, the reference has %d" % (parts[0], c.size, r.size))
                return 1
            cos = float(c @ r / (np.linalg.norm(c) * np.linalg.norm(r)))
            cosines.append(cos)
            print("%s cosine %.7f max|diff| %.3g" % (parts[0], cos, np.abs(c - r).max()))
    if not cosines:
        print("mfn512 reference: no chips")
        return 1
    ok = min(cosines) >= least
    print("mfn512 reference: %d chips, min cosine %.7f, mean %.7f (need >= %g): %s"
          % (len(cosines), min(cosines), sum(cosines) / len(cosines), least,
             "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
