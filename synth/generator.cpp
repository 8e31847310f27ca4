#include "synth/generator.h"

#include <ctime>


#include "models/core/error.h"
#include "synth/degrade/degrade.h"
#include "synth/docs/types.h"
#include "synth/jpeg.h"
#include "synth/qa/questions.h"

namespace vlmforge::synth {
namespace {

const char* id_prefix(const std::string& type) {
  if (type == "invoice") return "inv";
  if (type == "vat_invoice") return "sf";
  if (type == "waybill") return "torg";
  if (type == "act") return "act";
  if (type == "receipt") return "chk";
  if (type == "power_of_attorney") return "dov";
  if (type == "contract") return "dog";
  if (type == "letter") return "let";
  if (type == "application") return "app";
  return "rep";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

void validate(const SynthConfig& cfg) {
  double total = 0;
  for (const auto& [name, w] : cfg.doc_types) {
    if (!find_doc_type(name))
      throw Error("unknown document type '" + name + "'", "synth.doc_types",
                  "known: invoice vat_invoice waybill act receipt power_of_attorney contract "
                  "letter application report");
    if (w < 0) throw Error("negative weight", "synth.doc_types." + name);
    total += w;
  }
  if (total <= 0) throw Error("all document type weights are zero", "synth.doc_types");
  if (cfg.splits.val < 0 || cfg.splits.test < 0 || cfg.splits.val + cfg.splits.test > 1)
    throw Error("split fractions must be >= 0 and sum to at most 1", "synth.splits");
  for (const auto& t : cfg.holdout.doc_types)
    if (!find_doc_type(t)) throw Error("unknown document type '" + t + "'", "synth.holdout.doc_types");
  for (const auto& l : cfg.holdout.layouts) {
    const auto slash = l.find('/');
    const DocType* t = slash == std::string::npos ? nullptr : find_doc_type(l.substr(0, slash));
    if (!t) throw Error("expected '<doc_type>/<variant>', got '" + l + "'", "synth.holdout.layouts");
    const int v = std::atoi(l.c_str() + slash + 1);
    if (v < 0 || v >= t->layouts)
      throw Error("layout variant out of range in '" + l + "' (0.." + std::to_string(t->layouts - 1) + ")",
                  "synth.holdout.layouts");
  }
  if (cfg.image_width < 320 || cfg.image_height < 320)
    throw Error("page must be at least 320x320 pixels", "synth.image_width/image_height");
  if (cfg.jpeg_quality < 10 || cfg.jpeg_quality > 100)
    throw Error("jpeg_quality must be in [10, 100]", "synth.jpeg_quality");
  if (cfg.num < 0) throw Error("num must be >= 0", "synth.num");
  if (cfg.shard_size < 1) throw Error("shard_size must be >= 1", "synth.shard_size");
}

Document render_document(const SynthConfig& cfg, const std::string& type, int layout,
                         uint64_t seed, TextRenderer& renderer) {
  const DocType* t = find_doc_type(type);
  if (!t) throw Error("unknown document type '" + type + "'");
  Rng rng(seed);
  const Typeface face = pick_typeface(renderer, cfg.font_dir, rng, cfg.image_width);
  Page page(cfg.image_width, cfg.image_height, renderer, face, rng);
  Document doc;
  doc.doc_type = t->name;
  doc.title = t->title;
  doc.layout = layout;
  DocBuilder b{page, doc, rng, page.margin_top};
  t->build(b, layout);
  doc.image = page.image;
  doc.regions = std::move(page.regions);
  return doc;
}

GeneratedDoc generate_document(const SynthConfig& cfg, int64_t index, TextRenderer& renderer,
                               bool encode) {
  Rng rng = Rng::for_document(static_cast<uint64_t>(cfg.seed), static_cast<uint64_t>(index));
  double total = 0;
  for (const auto& [name, w] : cfg.doc_types) total += w;
  double pick = rng.uniform() * total;
  std::string type = cfg.doc_types.rbegin()->first;
  for (const auto& [name, w] : cfg.doc_types) {
    if (w > 0 && pick < w) {
      type = name;
      break;
    }
    pick -= w;
  }
  const DocType* t = find_doc_type(type);
  const int layout = rng.index(static_cast<size_t>(t->layouts));
  const double split_draw = rng.uniform();
  const uint64_t render_seed = rng.next(), degrade_seed = rng.next(), qa_seed = rng.next();

  GeneratedDoc g;
  char id[64];
  std::snprintf(id, sizeof id, "%s-%06lld", id_prefix(type), static_cast<long long>(index));
  g.id = id;
  const bool held_out = contains(cfg.holdout.doc_types, type) ||
                        contains(cfg.holdout.layouts, type + "/" + std::to_string(layout));
  g.split = held_out ? "test"
            : split_draw < cfg.splits.test ? "test"
            : split_draw < cfg.splits.test + cfg.splits.val ? "val" : "train";

  const double t0 = thread_cpu_ms();
  g.doc = render_document(cfg, type, layout, render_seed, renderer);
  const double t1 = thread_cpu_ms();
  Rng degrade_rng(degrade_seed);
  const int quality = degrade(g.doc, cfg.degradation, cfg.jpeg_quality, degrade_rng);
  const double t2 = thread_cpu_ms();
  Rng qa_rng(qa_seed);
  g.qa = make_questions(g.doc, cfg.questions_per_doc, cfg.negative_fraction, qa_rng);
  const double t3 = thread_cpu_ms();
  if (encode) g.jpeg = encode_jpeg(g.doc.image, quality);
  g.times = {t1 - t0, t2 - t1, t3 - t2, thread_cpu_ms() - t3, 0};
  return g;
}

}  // namespace vlmforge::synth
