// Configuration of `vlmforge synth` (root key `synth`). Plain structs with defaults in the member
// initialisers and a visit() listing every key, so the YAML binder (train/config) can read, check
// and document them without this folder depending on YAML.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vlmforge::synth {

// One degradation effect: applied to a document with `probability`; `strength` is the effect's
// maximum magnitude in the unit named by the key's doc (the applied magnitude is drawn in
// [0, strength] per document).
struct EffectConfig {
  double probability = 0.0;
  double strength = 0.0;

  template <class V>
  void visit(V& v) {
    v("probability", probability, "chance in [0, 1] that a document gets this effect");
    v("strength", strength, "maximum magnitude (unit: see the effect's key)");
  }
};

struct DegradationConfig {
  bool enabled = true;
  EffectConfig rotation{0.6, 1.5};        // degrees
  EffectConfig perspective{0.25, 0.03};   // corner displacement as a fraction of the page size
  EffectConfig blur{0.3, 1.2};            // Gaussian sigma in pixels
  EffectConfig noise{0.4, 8.0};           // Gaussian noise std-dev in 8-bit levels
  EffectConfig jpeg{0.5, 45.0};           // quality points removed from jpeg_quality
  EffectConfig lighting{0.35, 0.3};       // darkest shading as a fraction of brightness
  EffectConfig paper{0.5, 0.06};          // paper texture contrast as a fraction of brightness
  EffectConfig ink_bleed{0.25, 1.0};      // ink spread radius in pixels
  EffectConfig low_resolution{0.2, 0.5};  // largest loss of linear resolution (0.5 = half)

  template <class V>
  void visit(V& v) {
    v("enabled", enabled, "false gives clean renders (no effect is applied)");
    v("rotation", rotation, "page rotation / skew; strength in degrees");
    v("perspective", perspective, "photo-of-paper perspective; strength = corner shift / page size");
    v("blur", blur, "Gaussian blur; strength = sigma in pixels");
    v("noise", noise, "sensor noise; strength = std-dev in 8-bit levels");
    v("jpeg", jpeg, "stronger JPEG compression; strength = quality points below jpeg_quality");
    v("lighting", lighting, "uneven lighting / shadow; strength = darkest shading fraction");
    v("paper", paper, "paper texture; strength = texture contrast fraction");
    v("ink_bleed", ink_bleed, "ink spreading into paper; strength = radius in pixels");
    v("low_resolution", low_resolution, "down- then up-sampling; strength = largest linear loss");
  }
};

struct SplitConfig {
  double val = 0.05;   // fraction of documents in the validation split
  double test = 0.05;  // fraction in the test split (plus every held-out document)

  template <class V>
  void visit(V& v) {
    v("val", val, "fraction of documents assigned to val");
    v("test", test, "fraction of documents assigned to test (held-out ones come on top)");
  }
};

// Held-out documents always go to the test split, so a model can be evaluated on document types
// or layout variants it never saw in training.
struct HoldoutConfig {
  std::vector<std::string> doc_types;  // e.g. ["power_of_attorney"]
  std::vector<std::string> layouts;    // "<doc_type>/<variant>", e.g. ["invoice/2"]

  template <class V>
  void visit(V& v) {
    v("doc_types", doc_types, "document types generated only into the test split");
    v("layouts", layouts, "layout variants '<doc_type>/<variant>' generated only into test");
  }
};

struct SynthConfig {
  int64_t num = 1000;  // documents to generate
  int64_t seed = 1;    // the whole dataset is a function of (config, seed)
  int workers = 0;     // 0 = one per hardware thread; output does not depend on it
  int image_width = 1240;   // A4 at 150 dpi
  int image_height = 1754;
  int jpeg_quality = 92;
  int questions_per_doc = 8;
  double negative_fraction = 0.1;  // share of questions whose answer is "нет" / "не указано"
  bool shards = false;             // write WebDataset tar shards instead of images/ + JSONL
  int shard_size = 1000;           // samples per tar shard
  int preview = 0;                 // number of preview images with boxes and QA drawn
  std::string font_dir = "/usr/share/fonts/truetype";
  // Relative frequency of each document type; a type with weight 0 is not generated.
  std::map<std::string, double> doc_types = {
      {"invoice", 1.0},  {"vat_invoice", 1.0},       {"waybill", 1.0}, {"act", 1.0},
      {"receipt", 1.0},  {"power_of_attorney", 1.0}, {"contract", 1.0}, {"letter", 1.0},
      {"application", 1.0}, {"report", 1.0}};
  SplitConfig splits;
  HoldoutConfig holdout;
  DegradationConfig degradation;

  template <class V>
  void visit(V& v) {
    v("num", num, "number of documents to generate");
    v("seed", seed, "random seed; same config + seed gives byte-identical output");
    v("workers", workers, "worker threads (0 = all cores); does not change the output");
    v("image_width", image_width, "page width in pixels (1240 = A4 at 150 dpi)");
    v("image_height", image_height, "page height in pixels (1754 = A4 at 150 dpi)");
    v("jpeg_quality", jpeg_quality, "JPEG quality of stored images before degradation");
    v("questions_per_doc", questions_per_doc, "question/answer pairs per document");
    v("negative_fraction", negative_fraction, "share of questions about absent things");
    v("shards", shards, "write WebDataset tar shards instead of images/ + JSONL");
    v("shard_size", shard_size, "samples per tar shard");
    v("preview", preview, "number of preview images with boxes and QA drawn");
    v("font_dir", font_dir, "folder with the Debian TrueType fonts (paratype, dejavu, ...)");
    v("doc_types", doc_types, "relative weight of each document type (0 = off)");
    v("splits", splits, "train/val/test fractions");
    v("holdout", holdout, "document types / layout variants kept for test only");
    v("degradation", degradation, "scan / photo degradation effects");
  }
};

}  // namespace vlmforge::synth
