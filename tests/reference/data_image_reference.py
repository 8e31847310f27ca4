"""Expected pixel_values for vlmforge's image preprocessing, from transformers' SigLIP processor.

Writes $VLMFORGE_FIXTURES/data_image/: a handful of images made with Pillow (PNG RGB / grey /
RGBA / palette, JPEG 4:2:0 and 4:4:4, WebP lossless and lossy, up- and down-scaled, non-square), and pixel_values.safetensors
holding, for each image and each size in (384, 224), transformers.SiglipImageProcessorPil's output
(the PIL backend; the torchvision backend needs torchvision, absent from the venv) with its
defaults: do_convert_rgb, bicubic resize to size x size, rescale 1/255, mean = std = 0.5.
Tensor names: "<image file>@<size>" -> [3, size, size] float32. manifest.json lists them.

resize_cases.safetensors: Pillow's Image.resize alone on random uint8 RGB images of random sizes
with each convolution filter: "case<i>.in" [h, w, 3], "case<i>.out" [oh, ow, 3], "case<i>.filter"
[1] (Pillow's Resampling value) -- pins the resampler on many shapes (up, down, mixed, tall).
"""
import json
import os
import sys

import numpy as np
from PIL import Image
from safetensors.numpy import save_file
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

SIZES = (384, 224)


def smooth_noise(rng, h, w, c):
    # Gradients + blobs + noise: exercises both flat regions and sharp edges (ringing/clamping).
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([(x / max(w - 1, 1)) * 255, (y / max(h - 1, 1)) * 255,
                     128 + 127 * np.sin(x / 7.0) * np.cos(y / 11.0)], axis=-1)[..., :c]
    base = base + rng.normal(0, 25, size=(h, w, c))
    base[h // 3: h // 2, w // 4: w // 2] = 255  # hard-edged white box
    base[h // 2: h // 2 + 3, :] = 0               # thin black line
    return np.clip(base, 0, 255).astype(np.uint8)


def make_images(out_dir):
    rng = np.random.default_rng(1234)
    made = []

    def save(name, img, **kw):
        img.save(os.path.join(out_dir, name), **kw)
        made.append(name)

    save("rgb_640x480.png", Image.fromarray(smooth_noise(rng, 480, 640, 3)))
    save("rgb_1000x1414.png", Image.fromarray(smooth_noise(rng, 1414, 1000, 3)))  # A4-like page
    save("rgb_50x37.png", Image.fromarray(smooth_noise(rng, 37, 50, 3)))          # upscale
    save("rgb_384x384.png", Image.fromarray(smooth_noise(rng, 384, 384, 3)))      # identity at 384
    save("rgb_300x900.png", Image.fromarray(smooth_noise(rng, 900, 300, 3)))      # vertical pass first
    save("grey_300x500.png", Image.fromarray(smooth_noise(rng, 500, 300, 1)[..., 0], mode="L"))
    rgba = smooth_noise(rng, 333, 517, 3)
    alpha = rng.integers(0, 256, size=(333, 517, 1), dtype=np.uint8)
    save("rgba_517x333.png", Image.fromarray(np.concatenate([rgba, alpha], -1), mode="RGBA"))
    save("palette_400x250.png", Image.fromarray(smooth_noise(rng, 250, 400, 3)).quantize(64))
    photo = smooth_noise(rng, 600, 800, 3)
    save("jpeg420_800x600.jpg", Image.fromarray(photo), quality=90, subsampling=2)
    save("jpeg444_800x600.jpg", Image.fromarray(photo), quality=95, subsampling=0)
    save("webp_lossless_300x200.webp", Image.fromarray(smooth_noise(rng, 200, 300, 3)), lossless=True)
    save("webp_lossy_640x480.webp", Image.fromarray(photo), quality=85)
    return made


def main():
    root = os.environ.get("VLMFORGE_FIXTURES", "fixtures")
    out_dir = os.path.join(root, "data_image")
    os.makedirs(out_dir, exist_ok=True)
    names = make_images(out_dir)
    tensors = {}
    for size in SIZES:
        proc = SiglipImageProcessorPil(size={"height": size, "width": size})
        for name in names:
            with Image.open(os.path.join(out_dir, name)) as im:
                pv = proc(images=im, return_tensors="np")["pixel_values"][0]
            assert pv.shape == (3, size, size) and pv.dtype == np.float32, (pv.shape, pv.dtype)
            tensors[f"{name}@{size}"] = np.ascontiguousarray(pv)
    save_file(tensors, os.path.join(out_dir, "pixel_values.safetensors"))

    rng = np.random.default_rng(7)
    cases = {}
    filters = [Image.Resampling.BICUBIC, Image.Resampling.BILINEAR, Image.Resampling.LANCZOS,
               Image.Resampling.BOX, Image.Resampling.HAMMING]
    for i in range(60):
        w, h = (int(v) for v in rng.integers(1, 160, size=2))
        ow, oh = (int(v) for v in rng.integers(1, 160, size=2))
        if i % 6 == 0:
            h = w * 3 + 5  # tall reductions: Pillow 13 runs the vertical pass first
        f = filters[i % len(filters)]
        src = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        out = np.asarray(Image.fromarray(src).resize((ow, oh), resample=f))
        cases[f"case{i}.in"] = src
        cases[f"case{i}.out"] = np.ascontiguousarray(out)
        cases[f"case{i}.filter"] = np.array([int(f)], dtype=np.int32)
    save_file(cases, os.path.join(out_dir, "resize_cases.safetensors"))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump({"images": names, "sizes": list(SIZES),
                   "processor": "transformers.SiglipImageProcessorPil defaults"}, f, indent=1)
    print(f"wrote {len(tensors)} reference tensors to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
