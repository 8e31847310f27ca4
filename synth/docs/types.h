// The document types and their layout variants. A builder draws one document of its type on the
// page (layout variant `layout`) and records its facts in b.doc.
#pragma once

#include <string>
#include <vector>

#include "synth/docs/builder.h"

namespace vlmforge::synth {

struct DocType {
  std::string name;    // config key, e.g. "invoice"
  std::string title;   // Russian name, e.g. "Счет на оплату"
  int layouts;         // number of layout variants
  void (*build)(DocBuilder& b, int layout);
};

const std::vector<DocType>& doc_types();
const DocType* find_doc_type(const std::string& name);

void build_invoice(DocBuilder& b, int layout);
void build_vat_invoice(DocBuilder& b, int layout);
void build_waybill(DocBuilder& b, int layout);
void build_act(DocBuilder& b, int layout);
void build_receipt(DocBuilder& b, int layout);
void build_power_of_attorney(DocBuilder& b, int layout);
void build_contract(DocBuilder& b, int layout);
void build_letter(DocBuilder& b, int layout);
void build_application(DocBuilder& b, int layout);
void build_report(DocBuilder& b, int layout);

}  // namespace vlmforge::synth
